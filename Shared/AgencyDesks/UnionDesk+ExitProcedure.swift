import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

/// The exit procedure (policy C.4) and the follow-up visits after exit (C.5) at the union.
///
/// A file's exit is proposed (by the coordinator's `household.exit-ready`, or by a clerk on the household's own
/// request), reviewed by a clerk of the county union (accepted, or returned with a reason), published (公示) from
/// the next working day for the policy's working days (C.7 calendar), open to objections that an approver dismisses
/// or upholds (an upheld objection ends the procedure: the file stays open), and approved by an approver who neither
/// proposed nor reviewed it (C.6) once publicity has run and no objection is open. The file then closes as `exited`
/// on the approval date, a written notice (解困通知书) can be printed, and visits fall due every
/// `followUp.visitEveryMonths` months for `followUp.months`.
///
/// Every act is kept in the append-only `union_exit_acts` with the staff id, the clock time and the business date;
/// acts of the demo's simulated staff (``ExitMode/auto``) carry their own staff ids and `simulated = 1`.
extension UnionDesk {
    /// How the union runs exit procedures (`exitProcedure` in the union's configuration).
    public enum ExitMode: String, Sendable, Hashable, CaseIterable, Codable {
        /// The demo's simulated staff review, publish and approve every proposal on ``ExitSchedule``'s dates,
        /// without objections, and record each visit on its due date (or the first working day after it).
        case auto
        /// Proposals wait for staff (`jiekun exit …`, `jiekun visit …`).
        case review
    }

    /// The staff id of the demo's simulated union clerk (reviews and visits in ``ExitMode/auto``).
    public static let simulatedClerk = "union-demo-clerk"
    /// The staff id of the demo's simulated union approver (approvals in ``ExitMode/auto``).
    public static let simulatedApprover = "union-demo-approver"

    /// Where a file's exit procedure stands.
    public enum ExitState: String, Sendable, Hashable, Codable {
        /// Proposed, awaiting the county union's review.
        case proposed
        /// Accepted and published (公示): awaiting the end of publicity and an approval.
        case publicity
        /// Approved: the file closed as exited on the approval date.
        case approved
        /// Returned by the review, with a reason: the file stays open.
        case returned
        /// An objection was upheld: the file stays open.
        case reopened
    }

    /// Who proposed an exit.
    public enum ExitOrigin: String, Sendable, Hashable, Codable {
        /// The coordinator, when the six dimensions of §2.3 held.
        case coordinator
        /// The household's own request, recorded by a clerk.
        case household
    }

    /// A file's exit procedure as the union keeps it (`union_exits`).
    public struct ExitProcedure: Codable, Sendable, Hashable {
        /// 档案编号.
        public var fileNumber: String
        /// The household's county (division code).
        public var county: String
        /// Where it stands.
        public var state: ExitState
        /// Who proposed it.
        public var origin: ExitOrigin
        /// The proposal date.
        public var proposedOn: LocalDate
        /// The clerk who recorded a household's request; `nil` for the coordinator's proposal.
        public var proposedBy: String?
        /// The review's business date.
        public var reviewedOn: LocalDate?
        /// The reviewing clerk.
        public var reviewedBy: String?
        /// Publicity's first day.
        public var publicityFrom: LocalDate?
        /// Publicity's last day (``ExitSchedule/publicityUntil(from:policy:)``).
        public var publicityUntil: LocalDate?
        /// The approval date: the exit date.
        public var approvedOn: LocalDate?
        /// The approver.
        public var approvedBy: String?
        /// Why the review returned it, or the upheld objection's resolution.
        public var reason: String?
        /// Objections recorded and not yet resolved.
        public var openObjections: Int
    }

    /// An objection recorded during publicity (`union_exit_objections`).
    public struct ExitObjection: Codable, Sendable, Hashable {
        /// Its number (the id staff resolve it by).
        public var id: Int64
        /// 档案编号.
        public var fileNumber: String
        /// When it was recorded (business date).
        public var recordedOn: LocalDate
        /// The clerk who recorded it.
        public var recordedBy: String?
        /// What was objected (free text; personal data possible: never logged).
        public var text: String
        /// `dismissed` or `upheld`, `nil` while open.
        public var resolution: String?
        /// The resolution's reason.
        public var resolutionReason: String?
    }

    /// One follow-up visit (回访, policy C.5) of an exited household (`union_visits`).
    public struct FollowUpVisit: Codable, Sendable, Hashable {
        /// 档案编号.
        public var fileNumber: String
        /// The household's county.
        public var county: String
        /// 1 for the first visit after the exit, 2 for the second, …
        public var number: Int
        /// Its due date: the exit date plus `number × visitEveryMonths` calendar months.
        public var dueOn: LocalDate
        /// The last day it may be recorded without being overdue: the due date, or the first working day after it
        /// when it falls on a day off.
        public var latestOn: LocalDate
        /// When the visit took place, `nil` while not recorded.
        public var visitedOn: LocalDate?
        /// Who visited.
        public var visitedBy: String?
        /// Whether the household was found stable.
        public var stable: Bool?
        /// What was found (free text; never logged).
        public var findings: String?

        /// Whether the visit is overdue on `date`: not recorded, and `date` is after ``latestOn``.
        public func isOverdue(on date: LocalDate) -> Bool { visitedOn == nil && date > latestOn }
    }

    // MARK: Acts

    /// A clerk records the household's own request to exit (policy C.4), or the coordinator's proposal arrives.
    ///
    /// - Throws: ``DeskRefusal`` `union.exit.not-open` for a file not open, `union.exit.in-procedure` when an exit
    ///   is already proposed or published; `DatabaseError`.
    public func proposeExit(
        _ fileNumber: String, origin: ExitOrigin, by staff: String?, on date: LocalDate, in db: Database
    ) throws {
        let county = try openFileCounty(fileNumber, in: db)
        if let current = try exitProcedure(of: fileNumber, in: db), [.proposed, .publicity].contains(current.state) {
            throw DeskRefusal(
                code: "union.exit.in-procedure",
                description:
                    "\(fileNumber) 已在退出程序中（\(current.state.chinese)）(already in the exit procedure: "
                    + "\(current.state.rawValue))")
        }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO union_exits (file_number, division_code, state, origin, proposed_on, proposed_by)
                VALUES (?, ?, 'proposed', ?, ?, ?)
                """,
            arguments: [fileNumber, county, origin.rawValue, date.description, staff])
        try recordExitAct(
            "proposed", fileNumber, by: staff ?? (origin == .coordinator ? "coordinator" : nil), on: date,
            reason: origin.rawValue, in: db)
    }

    /// The county union's review (a clerk): accepted, the proposal is published from the next working day for the
    /// policy's working days; returned, the procedure ends with the reason and the file stays open.
    ///
    /// - Throws: ``DeskRefusal`` `union.exit.state` when not awaiting review, `union.exit.self-review` when the
    ///   reviewer recorded the proposal, `union.exit.reason` for a return without a reason,
    ///   `union.exit.before-proposal` for a date before the proposal; `DatabaseError`.
    public func reviewExit(
        _ fileNumber: String, accept: Bool, reason: String, by staff: String?, on date: LocalDate,
        simulated: Bool = false, in db: Database
    ) throws {
        let procedure = try procedure(fileNumber, in: .proposed, in: db)
        if let staff, staff == procedure.proposedBy {
            throw DeskRefusal(
                code: "union.exit.self-review",
                description: "不能审查本人录入的申请 (the clerk who recorded the request cannot review it: \(staff))")
        }
        if date < procedure.proposedOn {
            throw DeskRefusal(
                code: "union.exit.before-proposal",
                description: "审查日期早于提议日期 \(procedure.proposedOn.chinese) (a review before the proposal)")
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if accept {
            let from = policy.workingCalendar.adding(workingDays: 1, to: date)
            let until = ExitSchedule.publicityUntil(from: from, policy: policy)
            try db.execute(
                sql: """
                    UPDATE union_exits SET state = 'publicity', reviewed_on = ?, reviewed_by = ?, publicity_from = ?,
                        publicity_until = ? WHERE file_number = ?
                    """,
                arguments: [date.description, staff, from.description, until.description, fileNumber])
        } else {
            guard !text.isEmpty else {
                throw DeskRefusal(code: "union.exit.reason", description: "退回须说明原因 (a return needs a reason)")
            }
            try db.execute(
                sql: """
                    UPDATE union_exits SET state = 'returned', reviewed_on = ?, reviewed_by = ?, reason = ?
                    WHERE file_number = ?
                    """,
                arguments: [date.description, staff, text, fileNumber])
        }
        try recordExitAct(
            accept ? "reviewed" : "returned", fileNumber, by: staff, on: date, reason: text, simulated: simulated,
            in: db)
    }

    /// A clerk records an objection during publicity (C.4); the approval waits until it is resolved.
    ///
    /// - Returns: the objection's number.
    /// - Throws: ``DeskRefusal`` `union.exit.state` when the exit is not in publicity, `union.exit.objection-text`
    ///   without text, `union.exit.before-publicity` before publicity starts; `DatabaseError`.
    @discardableResult
    public func recordObjection(
        _ fileNumber: String, text: String, by staff: String?, on date: LocalDate, in db: Database
    ) throws -> Int64 {
        let procedure = try procedure(fileNumber, in: .publicity, in: db)
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw DeskRefusal(code: "union.exit.objection-text", description: "异议须有内容 (an objection needs its text)")
        }
        if let from = procedure.publicityFrom, date < from {
            throw DeskRefusal(
                code: "union.exit.before-publicity",
                description: "公示自 \(from.chinese) 开始 (publicity starts on \(from))")
        }
        try db.execute(
            sql: """
                INSERT INTO union_exit_objections (file_number, recorded_on, recorded_by, text) VALUES (?, ?, ?, ?)
                """,
            arguments: [fileNumber, date.description, staff, text])
        let id = db.lastInsertedRowID
        try recordExitAct("objection", fileNumber, by: staff, on: date, reason: "#\(id)", in: db)
        return id
    }

    /// An approver resolves an objection with a reason: dismissed, the approval may go ahead once none is open;
    /// upheld, the exit procedure ends and the file stays open (C.4).
    ///
    /// - Returns: the file number.
    /// - Throws: ``DeskRefusal`` `union.exit.objection-unknown` for an unknown or resolved objection,
    ///   `union.exit.reason` without a reason; `DatabaseError`.
    @discardableResult
    public func resolveObjection(
        _ id: Int64, upheld: Bool, reason: String, by staff: String?, on date: LocalDate, in db: Database
    ) throws -> String {
        guard
            let fileNumber = try String.fetchOne(
                db, sql: "SELECT file_number FROM union_exit_objections WHERE seq = ? AND resolution IS NULL",
                arguments: [id])
        else {
            throw DeskRefusal(
                code: "union.exit.objection-unknown",
                description: "没有待处理的异议 #\(id) (no open objection #\(id))")
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw DeskRefusal(code: "union.exit.reason", description: "处理异议须说明理由 (a resolution needs a reason)")
        }
        try db.execute(
            sql: """
                UPDATE union_exit_objections SET resolution = ?, resolved_on = ?, resolved_by = ?,
                    resolution_reason = ? WHERE seq = ?
                """,
            arguments: [upheld ? "upheld" : "dismissed", date.description, staff, text, id])
        if upheld {
            try db.execute(
                sql: "UPDATE union_exits SET state = 'reopened', reason = ? WHERE file_number = ?",
                arguments: [text, fileNumber])
        }
        try recordExitAct(
            upheld ? "objection-upheld" : "objection-dismissed", fileNumber, by: staff, on: date,
            reason: "#\(id): \(text)", in: db)
        return fileNumber
    }

    /// An approver approves the exit (C.4, C.6): the file closes as exited on `date` (`household.closed` to every
    /// agency) and its follow-up visits fall due.
    ///
    /// - Throws: ``DeskRefusal`` `union.exit.state` when not in publicity, `union.exit.self-approval` when the
    ///   approver proposed or reviewed it, `union.exit.publicity-running` before publicity has run its working
    ///   days, `union.exit.objection-open` while an objection is open; `DatabaseError`, `EncodingError`.
    public func approveExit(
        _ fileNumber: String, by staff: String?, on date: LocalDate, simulated: Bool = false, in db: Database,
        journal: Journal
    ) throws {
        let procedure = try procedure(fileNumber, in: .publicity, in: db)
        if let staff, staff == procedure.reviewedBy || staff == procedure.proposedBy {
            throw DeskRefusal(
                code: "union.exit.self-approval",
                description:
                    "审查人或申请录入人不能批准 (whoever recorded or reviewed the exit cannot approve it: \(staff))")
        }
        if let until = procedure.publicityUntil, !ExitSchedule.mayApprove(on: date, publicityUntil: until) {
            throw DeskRefusal(
                code: "union.exit.publicity-running",
                description:
                    "公示期至 \(until.chinese) 止，\(policy.exitProcedure.publicityWorkingDays) 个工作日未满 "
                    + "(publicity runs through \(until): approve after it)")
        }
        if procedure.openObjections > 0 {
            throw DeskRefusal(
                code: "union.exit.objection-open",
                description: "有 \(procedure.openObjections) 项异议待处理 (an objection is open: resolve it first)")
        }
        try db.execute(
            sql: "UPDATE union_exits SET state = 'approved', approved_on = ?, approved_by = ? WHERE file_number = ?",
            arguments: [date.description, staff, fileNumber])
        try recordExitAct("approved", fileNumber, by: staff, on: date, reason: "", simulated: simulated, in: db)
        try close(fileNumber, reason: .exited, on: date, in: db, journal: journal)
        for (index, due) in policy.followUp.visitsDue(after: date).enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO union_visits (file_number, division_code, number, due_on, latest_on)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    fileNumber, procedure.county, index + 1, due.description,
                    policy.workingCalendar.firstWorkingDay(onOrAfter: due).description,
                ])
        }
    }

    /// Records the next follow-up visit of an exited file (C.5): the first not yet recorded.
    ///
    /// - Returns: the visit recorded.
    /// - Throws: ``DeskRefusal`` `union.visit.none` when the file has no visit left to record,
    ///   `union.visit.before-exit` for a date before the exit; `DatabaseError`.
    @discardableResult
    public func recordVisit(
        _ fileNumber: String, on date: LocalDate, stable: Bool, findings: String, by staff: String?,
        simulated: Bool = false, in db: Database
    ) throws -> FollowUpVisit {
        guard var visit = try visits(of: fileNumber, in: db).first(where: { $0.visitedOn == nil }) else {
            throw DeskRefusal(
                code: "union.visit.none",
                description: "\(fileNumber) 没有待回访的记录 (no follow-up visit is due for this file: it has not exited "
                    + "through the procedure, or every visit is recorded)")
        }
        if let exited = try exitProcedure(of: fileNumber, in: db)?.approvedOn, date < exited {
            throw DeskRefusal(
                code: "union.visit.before-exit", description: "回访日期早于退出日期 \(exited.chinese) (before the exit)")
        }
        try db.execute(
            sql: """
                UPDATE union_visits SET visited_on = ?, visited_by = ?, stable = ?, findings = ?, recorded_at = ?
                WHERE file_number = ? AND number = ?
                """,
            arguments: [date.description, staff, stable, findings, Date(), fileNumber, visit.number])
        try recordExitAct(
            "visit", fileNumber, by: staff, on: date, reason: "#\(visit.number) \(stable ? "stable" : "not stable")",
            simulated: simulated, in: db)
        visit.visitedOn = date
        visit.visitedBy = staff
        visit.stable = stable
        visit.findings = findings
        return visit
    }

    /// The union's automatic exit (``ExitMode/auto``): the coordinator's proposal is reviewed, published and
    /// approved by the simulated staff on ``ExitSchedule``'s dates, and each visit recorded on its latest day
    /// (its due date, or the first working day after), stable. In ``ExitMode/review`` the proposal waits.
    func receiveExitProposal(_ ready: HouseholdExitReady, in db: Database, journal: Journal) throws {
        // A file closed for another reason before the proposal came is not proposed.
        guard
            try String.fetchOne(
                db, sql: "SELECT status FROM union_files WHERE file_number = ?", arguments: [ready.fileNumber])
                == "open"
        else { return }
        if let current = try exitProcedure(of: ready.fileNumber, in: db),
            [.proposed, .publicity].contains(current.state)
        {
            return
        }
        try proposeExit(ready.fileNumber, origin: .coordinator, by: nil, on: ready.exitDate, in: db)
        guard exitMode == .auto else { return }
        let schedule = ExitSchedule(proposedOn: ready.exitDate, policy: policy)
        try reviewExit(
            ready.fileNumber, accept: true, reason: "", by: Self.simulatedClerk, on: schedule.reviewedOn,
            simulated: true, in: db)
        try approveExit(
            ready.fileNumber, by: Self.simulatedApprover, on: schedule.approvedOn, simulated: true, in: db,
            journal: journal)
        for visit in try visits(of: ready.fileNumber, in: db) {
            try recordVisit(
                ready.fileNumber, on: visit.latestOn, stable: true, findings: "", by: Self.simulatedClerk,
                simulated: true, in: db)
        }
    }

    // MARK: Reading

    /// A file's exit procedure, `nil` when none was ever proposed.
    ///
    /// - Throws: `DatabaseError`.
    public func exitProcedure(of fileNumber: String, in db: Database) throws -> ExitProcedure? {
        try Row.fetchOne(
            db, sql: "\(Self.procedureSelect) WHERE e.file_number = ?", arguments: [fileNumber]
        ).map(Self.procedure(from:))
    }

    /// The procedures under way in `area` (proposed, or in publicity), by file number.
    ///
    /// - Throws: `DatabaseError`.
    public func exitsUnderWay(within area: StaffArea, in db: Database) throws -> [ExitProcedure] {
        try Row.fetchAll(
            db,
            sql: "\(Self.procedureSelect) WHERE e.state IN ('proposed', 'publicity') ORDER BY e.file_number"
        ).map(Self.procedure(from:)).filter { area.contains(county: $0.county) }
    }

    /// A file's objections, oldest first.
    ///
    /// - Throws: `DatabaseError`.
    public func objections(of fileNumber: String, in db: Database) throws -> [ExitObjection] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT seq, file_number, recorded_on, recorded_by, text, resolution, resolution_reason
                FROM union_exit_objections WHERE file_number = ? ORDER BY seq
                """,
            arguments: [fileNumber]
        ).map { row in
            ExitObjection(
                id: row["seq"], fileNumber: row["file_number"],
                recordedOn: LocalDate(row["recorded_on"] as String) ?? LocalDate(daysSinceEpoch: 0),
                recordedBy: row["recorded_by"], text: row["text"], resolution: row["resolution"],
                resolutionReason: row["resolution_reason"])
        }
    }

    /// A file's follow-up visits, in order.
    ///
    /// - Throws: `DatabaseError`.
    public func visits(of fileNumber: String, in db: Database) throws -> [FollowUpVisit] {
        try Row.fetchAll(
            db, sql: "\(Self.visitSelect) WHERE file_number = ? ORDER BY number", arguments: [fileNumber]
        ).map(Self.visit(from:))
    }

    /// The visits due by `date` and not recorded in `area` (overdue ones included), or only the overdue ones, by due
    /// date then file number.
    ///
    /// - Throws: `DatabaseError`.
    public func visitsDue(
        on date: LocalDate, overdueOnly: Bool, within area: StaffArea, in db: Database
    ) throws -> [FollowUpVisit] {
        try Row.fetchAll(
            db,
            sql: """
                \(Self.visitSelect) WHERE visited_on IS NULL AND \(overdueOnly ? "latest_on" : "due_on") \
                \(overdueOnly ? "<" : "<=") ? ORDER BY due_on, file_number, number
                """,
            arguments: [date.description]
        ).map(Self.visit(from:)).filter { area.contains(county: $0.county) }
    }

    /// The union's exit and visit figures on `date` (the demo prints them): exits approved by then, exits under
    /// way (proposed or in publicity, by proposal date), and the visits due by then, done by then, and overdue (not
    /// done by their latest day, which is before `date`).
    ///
    /// - Parameters:
    ///   - date: the day counted to.
    ///   - db: a connection to the union's store.
    /// - Throws: `DatabaseError`.
    public static func exitFigures(
        on date: LocalDate, in db: Database
    ) throws -> (approved: Int, underWay: Int, visitsDue: Int, visitsDone: Int, visitsOverdue: Int) {
        let day = date.description
        let exits = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(CASE WHEN state = 'approved' AND approved_on <= ?1 THEN 1 END) AS approved,
                    COUNT(CASE WHEN proposed_on <= ?1 AND (state IN ('proposed', 'publicity')
                        OR (state = 'approved' AND approved_on > ?1)) THEN 1 END) AS under_way
                FROM union_exits
                """,
            arguments: [day])
        let visits = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(CASE WHEN due_on <= ?1 THEN 1 END) AS due,
                    COUNT(CASE WHEN visited_on <= ?1 THEN 1 END) AS done,
                    COUNT(CASE WHEN latest_on < ?1 AND (visited_on IS NULL OR visited_on > ?1) THEN 1 END) AS overdue
                FROM union_visits
                """,
            arguments: [day])
        return (
            exits?["approved"] ?? 0, exits?["under_way"] ?? 0, visits?["due"] ?? 0, visits?["done"] ?? 0,
            visits?["overdue"] ?? 0
        )
    }

    /// The written notice of an approved exit (解困通知书), rendered from ``exitNoticeTemplate``.
    ///
    /// - Throws: ``DeskRefusal`` `union.exit.not-approved` for a file whose exit is not approved; `DatabaseError`,
    ///   `DecodingError`.
    public func exitNotice(of fileNumber: String, in db: Database) throws -> String {
        guard let procedure = try exitProcedure(of: fileNumber, in: db), procedure.state == .approved,
            let approvedOn = procedure.approvedOn, let from = procedure.publicityFrom,
            let until = procedure.publicityUntil,
            let blob = try Data.fetchOne(
                db, sql: "SELECT household FROM union_files WHERE file_number = ?", arguments: [fileNumber])
        else {
            throw DeskRefusal(
                code: "union.exit.not-approved", description: "\(fileNumber) 的退出尚未批准 (its exit is not approved)")
        }
        let household = try DeskCoding.decode(Household.self, from: blob)
        let head = household.members.first { $0.relation == .worker } ?? household.members.first
        let county = CountyRegistry.yunnan.county(code: procedure.county)
        let union = county.map { "\($0.prefectureName)\($0.name)总工会" } ?? "\(procedure.county) 县级工会"
        let visits = policy.followUp.visitsDue(after: approvedOn).map(\.chinese).joined(separator: "、")
        let values = [
            "fileNumber": fileNumber, "head": head?.name ?? "", "proposedOn": procedure.proposedOn.chinese,
            "publicityFrom": from.chinese, "publicityUntil": until.chinese, "approvedOn": approvedOn.chinese,
            "union": union, "months": String(policy.followUp.months), "visits": visits.isEmpty ? "无" : visits,
        ]
        var text = Self.exitNoticeTemplate
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return text
    }

    /// The notice's template (Chinese; `{{name}}` fields): file number, household head, the procedure's dates, the
    /// approving union and the visits to come (policy C.4, C.5).
    public static let exitNoticeTemplate = """
        解困通知书

        {{head}} 户（档案编号 {{fileNumber}}）：

        你户解困退出一事，于{{proposedOn}}提出，经县级工会审查，于{{publicityFrom}}至{{publicityUntil}}公示，公示期间无异议（或异议不成立），已于{{approvedOn}}批准解困退出，困难职工档案自该日起销档。

        退出后{{months}}个月内，工会将于{{visits}}前后回访。如再次陷入困难，可向工会申请重新建档。

        {{union}}
        {{approvedOn}}
        """

    // MARK: Store

    private static let procedureSelect = """
        SELECT e.file_number, e.division_code, e.state, e.origin, e.proposed_on, e.proposed_by, e.reviewed_on,
            e.reviewed_by, e.publicity_from, e.publicity_until, e.approved_on, e.approved_by, e.reason,
            (SELECT COUNT(*) FROM union_exit_objections o
             WHERE o.file_number = e.file_number AND o.resolution IS NULL) AS open_objections
        FROM union_exits e
        """

    private static func procedure(from row: Row) -> ExitProcedure {
        func date(_ column: String) -> LocalDate? { (row[column] as String?).flatMap(LocalDate.init) }
        return ExitProcedure(
            fileNumber: row["file_number"], county: row["division_code"],
            state: ExitState(rawValue: row["state"]) ?? .proposed,
            origin: ExitOrigin(rawValue: row["origin"]) ?? .coordinator,
            proposedOn: date("proposed_on") ?? LocalDate(daysSinceEpoch: 0), proposedBy: row["proposed_by"],
            reviewedOn: date("reviewed_on"), reviewedBy: row["reviewed_by"], publicityFrom: date("publicity_from"),
            publicityUntil: date("publicity_until"), approvedOn: date("approved_on"), approvedBy: row["approved_by"],
            reason: row["reason"], openObjections: row["open_objections"])
    }

    private static let visitSelect = """
        SELECT file_number, division_code, number, due_on, latest_on, visited_on, visited_by, stable, findings
        FROM union_visits
        """

    private static func visit(from row: Row) -> FollowUpVisit {
        func date(_ column: String) -> LocalDate? { (row[column] as String?).flatMap(LocalDate.init) }
        return FollowUpVisit(
            fileNumber: row["file_number"], county: row["division_code"], number: row["number"],
            dueOn: date("due_on") ?? LocalDate(daysSinceEpoch: 0),
            latestOn: date("latest_on") ?? LocalDate(daysSinceEpoch: 0), visitedOn: date("visited_on"),
            visitedBy: row["visited_by"], stable: row["stable"], findings: row["findings"])
    }

    /// The county of an open file.
    private func openFileCounty(_ fileNumber: String, in db: Database) throws -> String {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT division_code, status FROM union_files WHERE file_number = ?",
                arguments: [fileNumber]),
            row["status"] as String == "open"
        else {
            throw DeskRefusal(
                code: "union.exit.not-open", description: "没有档案编号为 \(fileNumber) 的在档户 (no open file \(fileNumber))")
        }
        return row["division_code"]
    }

    /// The procedure of a file in `state`.
    private func procedure(_ fileNumber: String, in state: ExitState, in db: Database) throws -> ExitProcedure {
        guard let procedure = try exitProcedure(of: fileNumber, in: db) else {
            throw DeskRefusal(
                code: "union.exit.none", description: "\(fileNumber) 没有退出提议 (no exit was proposed for this file)")
        }
        guard procedure.state == state else {
            throw DeskRefusal(
                code: "union.exit.state",
                description:
                    "\(fileNumber) 的退出程序为“\(procedure.state.chinese)”，不是“\(state.chinese)” "
                    + "(the exit is \(procedure.state.rawValue), not \(state.rawValue))")
        }
        return procedure
    }

    /// Appends one act to `union_exit_acts`.
    private func recordExitAct(
        _ act: String, _ fileNumber: String, by staff: String?, on date: LocalDate, reason: String,
        simulated: Bool = false, in db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO union_exit_acts (file_number, act, staff_id, business_date, recorded_at, reason, simulated)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [fileNumber, act, staff, date.description, Date(), reason, simulated])
    }
}

extension UnionDesk.ExitState {
    /// The state as staff read it: 待审查, 公示中, 已批准, 已退回, 异议成立.
    public var chinese: String {
        switch self {
        case .proposed: "待审查"
        case .publicity: "公示中"
        case .approved: "已批准"
        case .returned: "已退回"
        case .reopened: "异议成立"
        }
    }
}
