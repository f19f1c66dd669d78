import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

/// Maker-checker in `review` mode (policy C.6, 四眼原则): a clerk proposes, an approver other than the proposer
/// approves (two approvers above the policy's threshold), a refusal names a reason of the policy file, and every act
/// is kept in the append-only `desk_staff_acts` with its actor and business date.
extension DepartmentDesk {
    /// One staff act on a measure, as `desk_staff_acts` keeps it (never changed, never deleted).
    public struct StaffAct: Codable, Sendable, Hashable {
        /// What was done.
        public enum Kind: String, Codable, Sendable, Hashable {
            /// A clerk proposed an outcome.
            case proposed
            /// The first of two approvers approved; the proposal awaits the second.
            case firstApproval = "first-approval"
            /// An approver refused the proposal: it awaits a new one.
            case returned
            /// The proposal took effect: the measure is decided (approved, or refused with the proposer's reason).
            case decided
        }

        /// The act's number in the department (its id: `jiekun household` shows it).
        public var id: Int64
        /// The measure instance id.
        public var measureID: String
        /// What was done.
        public var kind: Kind
        /// `approve` or `refuse`: the outcome proposed or decided; for `returned`, the proposal's.
        public var decision: String
        /// The refusal reason's code (policy file), if any.
        public var reasonCode: String?
        /// The free text.
        public var reason: String
        /// Who acted (pseudonymous staff id), `nil` unauthenticated.
        public var staffID: String?
        /// The business date (`--on`, default today).
        public var businessDate: LocalDate
        /// The clock time (UTC).
        public var recordedAt: Date
        /// For a correction's proposal and decision: the number of the decision it corrects.
        public var corrects: Int64?

        /// Creates an act.
        public init(
            id: Int64, measureID: String, kind: Kind, decision: String, reasonCode: String?, reason: String,
            staffID: String?, businessDate: LocalDate, recordedAt: Date, corrects: Int64? = nil
        ) {
            self.id = id
            self.measureID = measureID
            self.kind = kind
            self.decision = decision
            self.reasonCode = reasonCode
            self.reason = reason
            self.staffID = staffID
            self.businessDate = businessDate
            self.recordedAt = recordedAt
            self.corrects = corrects
        }
    }

    /// The refusal code of a second approval by the first approver (policy C.6): counted with self-approvals.
    public static let sameApproverCode = "desk.decide.same-approver"

    /// A clerk proposes the outcome of a measure awaiting staff (`jiekun decide --propose MEASURE_ID
    /// approve|refuse`); it then awaits an approver (``decide(_:_:reasonCode:reason:by:on:in:journal:)``), who must
    /// be someone else (policy C.6).
    ///
    /// - Parameters:
    ///   - measureID: The measure instance id, e.g. `KM-2017-0001/medical.assistance`.
    ///   - decision: The outcome proposed.
    ///   - reasonCode: A refusal's reason code, one of the policy file's `makerChecker.refusalReasons` or its Chinese
    ///     text (required to propose a refusal when the list is not empty).
    ///   - reason: The proposer's text (required to propose a refusal).
    ///   - staff: Who proposed (the requester's staff id), for the record.
    ///   - date: The business date, default today in China time.
    ///   - db: A write transaction.
    /// - Throws: ``DeskRefusal`` when the measure is not awaiting staff here (`desk.decide.unknown`), already has a
    ///   proposal (`desk.propose.exists`), a refusal has no reason (`desk.decide.reason`) or no known reason code
    ///   (`desk.decide.reason-code`); `DatabaseError`.
    public func propose(
        _ measureID: String, _ decision: StaffDecision, reasonCode: String? = nil, reason: String, by staff: String?,
        on date: LocalDate? = nil, in db: Database
    ) throws {
        if let proposal = try awaitingProposal(of: measureID, in: db) {
            throw DeskRefusal(
                code: "desk.propose.exists",
                description:
                    "\(measureID) 已由 \(proposal.proposedBy ?? "经办人") 提议，等待审核 "
                    + "(already proposed by \(proposal.proposedBy ?? "a clerk"), awaiting a checker)")
        }
        let (code, text) = try checkedReason(decision, reasonCode: reasonCode, reason: reason)
        let day = date ?? Self.today()
        try db.execute(
            sql: """
                UPDATE desk_awaiting_staff SET proposed_decision = ?, proposed_reason = ?, proposed_by = ?,
                    proposed_code = ?, proposed_on = ?, first_approved_by = NULL
                WHERE measure_id = ?
                """,
            arguments: [decision.rawValue, text, staff, code, day.description, measureID])
        try recordAct(.proposed, measureID, decision, code: code, reason: text, by: staff, on: day, in: db)
    }

    /// An approver approves or refuses the proposal for a measure awaiting staff (`jiekun decide MEASURE_ID
    /// approve|refuse`), never their own (policy C.6). Approved, the proposed outcome takes effect on `date`, the
    /// day of the approval: an approved measure follows the rules with its processing days counted from that day, a
    /// refused one is refused with the proposer's reason; the decision's reason names the actors (`approved by
    /// housing-0002, proposed by housing-0001: …`). Approving an amount above the policy's threshold
    /// (`makerChecker`) needs two approvers: the first approval is recorded and the proposal awaits a second
    /// approver, neither the proposer nor the first. Refused, the proposal is returned: the measure awaits a new one.
    ///
    /// - Parameters:
    ///   - measureID: The measure instance id, e.g. `KM-2017-0001/medical.assistance`.
    ///   - verdict: Approve or refuse the proposal.
    ///   - reasonCode: A refusal's reason code from the policy file (required to refuse when the list is not empty).
    ///   - reason: The approver's text (required to refuse the proposal; added to the proposer's when approving).
    ///   - staff: Who decided (the requester's staff id), for the record.
    ///   - date: The business date of the approval, default today in China time.
    ///   - db: A write transaction.
    ///   - journal: The store's journal.
    /// - Throws: ``DeskRefusal`` when the measure is not awaiting staff here (`desk.decide.unknown`), has no proposal
    ///   (`desk.decide.unproposed`), was proposed by `staff` (`desk.decide.self-approval`) or first approved by them
    ///   (`desk.decide.same-approver`), or a refusal has no reason or code; `DatabaseError`.
    public func decide(
        _ measureID: String, _ verdict: StaffDecision, reasonCode: String? = nil, reason: String, by staff: String?,
        on date: LocalDate? = nil, in db: Database, journal: Journal
    ) throws {
        guard let proposal = try awaitingProposal(of: measureID, in: db) else {
            throw DeskRefusal(
                code: "desk.decide.unproposed",
                description: "\(measureID) 尚无经办人提议，请先提议 (no clerk has proposed it: propose it first)")
        }
        if let staff, staff == proposal.proposedBy {
            throw DeskRefusal(
                code: Self.selfApprovalCode,
                description:
                    "不能审核本人的提议 (the proposer cannot approve their own proposal: \(measureID) was proposed by "
                    + "\(staff))")
        }
        if let staff, staff == proposal.firstApprovedBy {
            throw DeskRefusal(
                code: Self.sameApproverCode,
                description:
                    "\(measureID) 已由您审核通过，需另一位审核人 (you approved \(measureID) already: the amount needs a "
                    + "second, different approver)")
        }
        let (code, text) = try checkedReason(verdict, reasonCode: reasonCode, reason: reason)
        let day = date ?? Self.today()
        if verdict == .refuse {
            try db.execute(
                sql: """
                    UPDATE desk_awaiting_staff SET proposed_decision = NULL, proposed_reason = NULL, proposed_by = NULL,
                        proposed_code = NULL, proposed_on = NULL, first_approved_by = NULL
                    WHERE measure_id = ?
                    """,
                arguments: [measureID])
            try recordAct(
                .returned, measureID, proposal.decision, code: code, reason: text, by: staff, on: day,
                corrects: proposal.corrects, in: db)
            if proposal.corrects != nil {
                // A correction returned leaves the decision it would have corrected in force.
                try db.execute(sql: "DELETE FROM desk_awaiting_staff WHERE measure_id = ?", arguments: [measureID])
            }
            return
        }
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT a.instance, h.view_data FROM desk_awaiting_staff a
                    JOIN desk_households h ON h.file_number = a.file_number WHERE a.measure_id = ?
                    """,
                arguments: [measureID])
        else { throw DeskRefusal(code: "desk.decide.unknown", description: "\(measureID) has no household") }
        let instance = try DeskCoding.decode(MeasureInstance.self, from: row["instance"])
        if proposal.decision == .approve, proposal.firstApprovedBy == nil,
            policy.makerChecker.needsSecondApprover(instance.code, amount: policy.terms(of: instance.code).amount)
        {
            try db.execute(
                sql: "UPDATE desk_awaiting_staff SET first_approved_by = ? WHERE measure_id = ?",
                arguments: [staff ?? "", measureID])
            try recordAct(.firstApproval, measureID, .approve, code: nil, reason: text, by: staff, on: day, in: db)
            return
        }
        let view = try DeskCoding.decode(KeptView.self, from: row["view_data"]).view
        try db.execute(sql: "DELETE FROM desk_awaiting_staff WHERE measure_id = ?", arguments: [measureID])
        let approvers = [proposal.firstApprovedBy, staff].compactMap { $0 }.filter { !$0.isEmpty }
        let actors =
            (approvers.isEmpty ? "" : " by \(approvers.joined(separator: " and "))")
            + (proposal.proposedBy.map { ", proposed by \($0)" } ?? "")
        let proposed = [proposal.reasonCode.map { "[\($0)]" }, proposal.reason.isEmpty ? nil : proposal.reason]
            .compactMap { $0 }.joined(separator: " ")
        let note =
            (proposal.corrects.map { "corrects #\($0): " } ?? "")
            + [proposed, text].filter { !$0.isEmpty }.joined(separator: "; ")
        switch proposal.decision {
        case .approve:
            try decide(
                [instance], of: view, staffNote: note.isEmpty ? "approved\(actors)" : "approved\(actors): \(note)",
                decidedOn: day, in: db, journal: journal)
        case .refuse:
            let refused = MeasureDecision(
                measureID: instance.id, code: instance.code, memberNumber: instance.memberNumber,
                department: department, status: .refused, reason: "refused\(actors): \(note)", amount: .zero,
                paidBy: nil, dueOn: day.adding(days: policy.terms(of: instance.code).processingDays),
                deliveredOn: nil)
            try record([refused], fileNumber: view.fileNumber, effectiveOn: day, in: db, journal: journal)
        }
        try recordAct(
            .decided, measureID, proposal.decision, code: nil, reason: text, by: staff, on: day,
            corrects: proposal.corrects, in: db)
    }

    /// Whether a measure's proposal has its first approval and awaits a second approver.
    ///
    /// - Throws: `DatabaseError`.
    public func awaitsSecondApprover(_ measureID: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT first_approved_by IS NOT NULL FROM desk_awaiting_staff WHERE measure_id = ?",
            arguments: [measureID]) ?? false
    }

    /// A clerk proposes to correct a decision (`jiekun decide --corrects N MEASURE_ID approve|refuse --reason …`):
    /// a decision is never edited; its correction is a new decision of the other outcome that cites it, proposed and
    /// approved like any other (policy C.6). Only the measure's latest decision can be corrected, a granted one only
    /// while not delivered by `date` (a delivery is not undone; the budget a granted measure drew stays drawn until
    /// budgets are recorded facts), and the correction needs a reason (and, to refuse, a reason code).
    ///
    /// - Parameters:
    ///   - measureID: The measure instance id.
    ///   - decision: The corrected outcome: `refuse` for a granted measure, `approve` for a refused one.
    ///   - act: The number of the decision corrected (its `decided` act, as `jiekun household --history` shows it).
    ///   - reasonCode: To refuse, a reason code of the policy file.
    ///   - reason: Why (required).
    ///   - staff: Who proposes.
    ///   - date: The business date, default today in China time.
    ///   - db: A write transaction.
    /// - Throws: ``DeskRefusal`` `desk.correct.mode` outside `review` mode, `desk.correct.unknown` when `act` is not a
    ///   decision of this measure here, `desk.correct.superseded` when a later decision exists, `desk.correct.outcome`
    ///   when the outcome would not change, `desk.correct.delivered` for a delivered measure, `desk.propose.exists`,
    ///   `desk.decide.reason`, `desk.decide.reason-code`; `DatabaseError`.
    public func proposeCorrection(
        _ measureID: String, _ decision: StaffDecision, of act: Int64, reasonCode: String? = nil, reason: String,
        by staff: String?, on date: LocalDate? = nil, in db: Database
    ) throws {
        guard mode == .review else {
            throw DeskRefusal(
                code: "desk.correct.mode",
                description: "更正需经办与审核 (corrections are proposed and approved in review mode only)")
        }
        let fileNumber = String(measureID.prefix { $0 != "/" })
        guard
            try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM desk_staff_acts WHERE seq = ? AND measure_id = ? AND act = 'decided'",
                arguments: [act, measureID]) == true,
            let current = try knownDecisions(of: fileNumber, in: db)[measureID]
        else {
            throw DeskRefusal(
                code: "desk.correct.unknown",
                description:
                    "#\(act) 不是 \(measureID) 的决定 (#\(act) is not a decision on \(measureID) at \(department.rawValue): "
                    + "jiekun household --history shows the numbers)")
        }
        if let later = try Int64.fetchOne(
            db,
            sql: "SELECT MAX(seq) FROM desk_staff_acts WHERE measure_id = ? AND act = 'decided' AND seq > ?",
            arguments: [measureID, act])
        {
            throw DeskRefusal(
                code: "desk.correct.superseded",
                description: "#\(act) 已被 #\(later) 取代 (#\(act) was superseded by #\(later): correct #\(later))")
        }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM desk_awaiting_staff WHERE measure_id = ?", arguments: [measureID])
            == true
        {
            throw DeskRefusal(
                code: "desk.propose.exists", description: "\(measureID) 已有待审核的提议 (already awaits a checker)")
        }
        let day = date ?? Self.today()
        switch (current.status, decision) {
        case (.granted, .refuse):
            if let delivered = current.deliveredOn, delivered <= day {
                throw DeskRefusal(
                    code: "desk.correct.delivered",
                    description:
                        "\(measureID) 已于 \(delivered) 发放，不能撤销 (delivered on \(delivered): a delivery is not undone)")
            }
        case (.refused, .approve): break
        default:
            throw DeskRefusal(
                code: "desk.correct.outcome",
                description:
                    "更正须改变结果 (a correction changes the outcome: \(measureID) is \(current.status.rawValue), "
                    + "the correction says \(decision.rawValue))")
        }
        let (code, text) = try checkedReason(decision, reasonCode: reasonCode, reason: reason)
        if text.isEmpty { throw DeskRefusal(code: "desk.decide.reason", description: "a correction needs a reason") }
        let instance = MeasureInstance(fileNumber: fileNumber, code: current.code, memberNumber: current.memberNumber)
        try db.execute(
            sql: """
                INSERT INTO desk_awaiting_staff (measure_id, file_number, instance, proposed_decision, proposed_reason,
                    proposed_by, proposed_code, proposed_on, corrects)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                measureID, fileNumber, try DeskCoding.encode(instance), decision.rawValue, text, staff, code,
                day.description, act,
            ])
        try recordAct(
            .proposed, measureID, decision, code: code, reason: text, by: staff, on: day, corrects: act, in: db)
    }

    /// The acts on a file's measures, oldest first.
    ///
    /// - Throws: `DatabaseError`.
    public func staffActs(of fileNumber: String, in db: Database) throws -> [StaffAct] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT seq, measure_id, act, decision, reason_code, reason, staff_id, business_date, recorded_at,
                    corrects
                FROM desk_staff_acts WHERE file_number = ? ORDER BY seq
                """,
            arguments: [fileNumber]
        ).map { row in
            StaffAct(
                id: row["seq"], measureID: row["measure_id"], kind: StaffAct.Kind(rawValue: row["act"]) ?? .proposed,
                decision: row["decision"], reasonCode: row["reason_code"], reason: row["reason"],
                staffID: row["staff_id"],
                businessDate: LocalDate(row["business_date"] as String) ?? LocalDate(daysSinceEpoch: 0),
                recordedAt: row["recorded_at"], corrects: row["corrects"])
        }
    }

    /// The proposal for a measure awaiting staff, `nil` when it has none.
    ///
    /// - Throws: ``DeskRefusal`` `desk.decide.unknown` when the measure is not awaiting staff here.
    func awaitingProposal(of measureID: String, in db: Database) throws -> Proposal? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT proposed_decision, proposed_reason, proposed_by, proposed_code, proposed_on,
                        first_approved_by, corrects
                    FROM desk_awaiting_staff WHERE measure_id = ?
                    """,
                arguments: [measureID])
        else {
            throw DeskRefusal(
                code: "desk.decide.unknown",
                description: "\(measureID) is not awaiting a decision at \(department.rawValue)")
        }
        guard let decision = (row["proposed_decision"] as String?).flatMap(StaffDecision.init(rawValue:)) else {
            return nil
        }
        return Proposal(
            measureID: measureID, decision: decision, reason: row["proposed_reason"] ?? "",
            proposedBy: row["proposed_by"], reasonCode: row["proposed_code"],
            proposedOn: (row["proposed_on"] as String?).flatMap(LocalDate.init),
            firstApprovedBy: row["first_approved_by"], corrects: row["corrects"])
    }

    /// The reason code and text of an act: a refusal needs text and, when the policy lists reasons, one of their
    /// codes; an approval may carry text only.
    private func checkedReason(
        _ decision: StaffDecision, reasonCode: String?, reason: String
    ) throws -> (code: String?, text: String) {
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        let code = reasonCode?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        guard decision == .refuse else {
            if let code {
                throw DeskRefusal(
                    code: "desk.decide.reason-code",
                    description: "批准不需要原因代码 (a reason code \(code) goes with a refusal only)")
            }
            return (nil, text)
        }
        if text.isEmpty { throw DeskRefusal(code: "desk.decide.reason", description: "a refusal needs a reason") }
        let reasons = policy.makerChecker.refusalReasons
        guard !reasons.isEmpty else { return (code, text) }
        // The code, or its Chinese text as staff read it (不符合条件 for not-eligible).
        guard let code, let known = reasons.first(where: { $0.code == code || $0.chinese == code }) else {
            let list = reasons.map { "\($0.code) \($0.chinese)" }.joined(separator: ", ")
            throw DeskRefusal(
                code: "desk.decide.reason-code",
                description:
                    "不予批准须给出原因代码 (a refusal needs a reason code of the policy file: \(list))"
                    + (code.map { "; \($0) is not one" } ?? ""))
        }
        return (known.code, text)
    }

    /// Appends one act to `desk_staff_acts`.
    private func recordAct(
        _ kind: StaffAct.Kind, _ measureID: String, _ decision: StaffDecision, code: String?, reason: String,
        by staff: String?, on date: LocalDate, corrects: Int64? = nil, in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO desk_staff_acts (measure_id, file_number, act, decision, reason_code, reason, staff_id,
                    business_date, recorded_at, corrects)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                measureID, String(measureID.prefix { $0 != "/" }), kind.rawValue, decision.rawValue, code, reason,
                staff, date.description, Date(), corrects,
            ])
    }

    /// Today in China time.
    static func today() -> LocalDate { LocalDate.today(clock: Int64(Date().timeIntervalSince1970)) }
}

extension String {
    /// `nil` for an empty string.
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension DepartmentDesk {
    /// The decisions staff made, counted by maker-checker pair: the proposer (the staff id of the latest proposal
    /// before the decision) and the approver who made it take effect (policy C.6), most first.
    ///
    /// - Parameter db: A connection to a department's store.
    /// - Returns: `(maker, checker, decisions)`; `-` for an actor not authenticated.
    /// - Throws: `DatabaseError`.
    public static func makerCheckerPairs(in db: Database) throws -> [(maker: String, checker: String, count: Int)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT IFNULL((SELECT p.staff_id FROM desk_staff_acts p
                        WHERE p.measure_id = d.measure_id AND p.act = 'proposed' AND p.seq < d.seq
                        ORDER BY p.seq DESC LIMIT 1), '-') AS maker,
                    IFNULL(d.staff_id, '-') AS checker, COUNT(*) AS decisions
                FROM desk_staff_acts d WHERE d.act = 'decided'
                GROUP BY maker, checker ORDER BY decisions DESC, maker, checker
                """
        ).map { ($0["maker"], $0["checker"], $0["decisions"]) }
    }
}
