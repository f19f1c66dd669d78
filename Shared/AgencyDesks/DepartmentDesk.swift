import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import StreamingJSON

/// What one department does with the events it receives, in `auto` mode: its household feed's registrations,
/// updates and closures, and the supporting agencies' answers — deciding and delivering the measures it leads
/// (policy §4.2.1–§4.2.6) and publishing them on its outcomes feed (its requests to a supporting agency on
/// `requests.<department>`, civil affairs' review answers on `support.civil-affairs`).
///
/// Everything happens inside the subscriber's transaction that applies the event (``apply(_:in:journal:)``): the
/// desk's records, the budget draws and the outgoing events in the journal commit together with the cursor, so a
/// crash neither loses nor repeats a decision. The decisions are those of ``AutomaticDecisions``, as in the
/// sequential ``ProgrammeRun``.
public struct DepartmentDesk: AgencyDesk {
    /// The department: hr-employment, medical-insurance, education-aid, housing or civil-affairs.
    public let department: Agency
    /// The agency whose desk this is: the department.
    public var agency: Agency { department }
    /// The policy: amounts, processing days, budgets.
    public let policy: Policy
    /// How the department decides.
    public let mode: Mode

    /// How a department decides (set per agency in its configuration, services issue).
    public enum Mode: String, Sendable, Hashable, Codable {
        /// The rules decide at once; the department delivers after the processing days.
        case auto
        /// Each measure waits until a clerk proposes its outcome and another member, an approver, approves the
        /// proposal (maker-checker, policy C.6; `jiekun decide --propose`, `jiekun decide`); an approved measure
        /// then follows the rules (budgets, stock, supporting agencies, processing days from the day of the
        /// approval).
        case review
    }

    /// A desk for `department`.
    ///
    /// - Precondition: `department` is one of the five that lead measures.
    public init(department: Agency, policy: Policy, mode: Mode = .auto) {
        precondition(
            ![.union, .coordinator].contains(department), "\(department.rawValue) does not lead measures")
        self.department = department
        self.policy = policy
        self.mode = mode
        var feeds: [String: String] = [:]
        for feed in Feed.published(by: department) {
            for type in feed.eventTypes { feeds[type] = feed.name }
        }
        feedsByType = feeds
    }

    /// The feed of each event type the desk publishes.
    private let feedsByType: [String: String]

    /// Seeds the department's budget lines (and housing's stock) from the policy, once.
    ///
    /// - Throws: `DatabaseError`.
    public func seedBudgets(in db: Database) throws {
        try StoredBudgets.seed(
            from: Ledger(
                policy: policy, measures: AutomaticDecisions.budgetMeasures(of: department, policy: policy),
                includesUnits: department == .housing),
            policy: policy, in: db)
    }

    /// Applies one upstream event inside the applying transaction, appending the desk's events to the journal.
    ///
    /// - `household.registered`: decides every measure of the view's plan.
    /// - `household.updated`: decides measures new to the plan, withdraws those no longer in it (not delivered).
    /// - `household.closed`: withdraws what still waits (a closed file stops all its pending work).
    /// - `support.provided`: finalizes the measures that waited for that answer.
    /// - `support.requested` (civil affairs only, from `requests.housing`): reviews housing's rent reductions and
    ///   answers on `support.civil-affairs` (§4.2.5).
    /// - `budget.appropriated` (medical insurance and education, from `union.support`): accepted and left.
    ///
    /// No feed brings a department other types (``Feed/consumed(by:)``): no department reads another's decisions.
    /// - Parameters:
    ///   - event: the upstream event.
    ///   - db: the applying transaction's connection.
    ///   - journal: the store's journal.
    /// - Throws: ``DeskRefusal`` for an event the desk cannot use; `DatabaseError`, `DecodingError`.
    public func apply(_ event: CloudEvent, in db: Database, journal: Journal) throws {
        let decoder = EventCoding.makeDecoder()
        if let view = try KeptView.view(of: event, using: decoder) {
            return try receive(view, data: event.data, in: db, journal: journal)
        }
        switch event.type {
        case HouseholdClosed.type:
            let closed = try event.decodeData(as: HouseholdClosed.self, using: decoder)
            try close(closed, in: db, journal: journal)
        case SupportProvided.type:
            let provided = try event.decodeData(as: SupportProvided.self, using: decoder)
            try finalize(provided, in: db, journal: journal)
        case BudgetAppropriated.type:
            // The union's money for the measures it pays (on `union.support`): the coordinator's, not a lead's.
            return
        case SupportRequested.type where department == .civilAffairs:
            let requested = try event.decodeData(as: SupportRequested.self, using: decoder)
            try review(requested, from: event.source, in: db, journal: journal)
        default:
            throw DeskRefusal(
                code: "desk.type.unexpected", description: "\(department.rawValue) does not handle \(event.type)")
        }
    }

    // MARK: Households

    /// A registration or an update (`data`: the event's data, kept as it came): decide what is new in the plan,
    /// withdraw what left it.
    private func receive(_ view: HouseholdView, data: [UInt8], in db: Database, journal: Journal) throws {
        guard view.agency == department else {
            throw DeskRefusal(
                code: "desk.view.agency", description: "a view for \(view.agency.rawValue), not \(department.rawValue)")
        }
        let status = try String.fetchOne(
            db.cachedStatement(sql: "SELECT status FROM desk_households WHERE file_number = ?"),
            arguments: [view.fileNumber])
        if status == "closed" { return }
        try db.execute(
            cached: """
                INSERT INTO desk_households (file_number, view_data, category, status) VALUES (?, ?, ?, 'open')
                ON CONFLICT (file_number) DO UPDATE SET view_data = excluded.view_data, category = excluded.category
                """,
            arguments: [view.fileNumber, Data(data), view.category?.rawValue])

        // A file seen here for the first time has no decisions, pending support or measures awaiting staff: each
        // of those is written only after its view was received here, and a received file keeps its row.
        let isNew = status == nil
        let known = isNew ? [:] : try knownDecisions(of: view.fileNumber, in: db)
        let pending = isNew ? [] : try pendingMeasureIDs(of: view.fileNumber, in: db)
        let planned = Set(view.measures.map(\.id))
        var withdrawn: [MeasureDecision] = []
        for decision in known.values
        where !planned.contains(decision.measureID)
            && !isConsequence(decision, of: planned, fileNumber: view.fileNumber)
        {
            if decision.status == .granted && decision.deliveredOn == nil {
                withdrawn.append(withdraw(decision, because: "no longer applies after the file was updated"))
            }
        }
        for (measureID, decision) in isNew ? [] : try pendingDecisions(of: view.fileNumber, in: db)
        where !planned.contains(measureID) && !isConsequence(decision, of: planned, fileNumber: view.fileNumber) {
            try db.execute(cached: "DELETE FROM desk_pending_support WHERE measure_id = ?", arguments: [measureID])
            withdrawn.append(withdraw(decision, because: "no longer applies after the file was updated"))
        }
        let awaiting = isNew ? [] : try awaitingMeasureIDs(of: view.fileNumber, in: db)
        for measureID in awaiting where !planned.contains(measureID) {
            try db.execute(cached: "DELETE FROM desk_awaiting_staff WHERE measure_id = ?", arguments: [measureID])
        }
        let new = view.measures.filter { known[$0.id] == nil && !pending.contains($0.id) && !awaiting.contains($0.id) }
        if mode == .review {
            for instance in new {
                try db.execute(
                    cached: "INSERT INTO desk_awaiting_staff (measure_id, file_number, instance) VALUES (?, ?, ?)",
                    arguments: [instance.id, view.fileNumber, try DeskCoding.encode(instance)])
            }
            try record(withdrawn, fileNumber: view.fileNumber, effectiveOn: view.filedOn, in: db, journal: journal)
        } else {
            try decide(new, of: view, preceded: withdrawn, in: db, journal: journal)
        }
        if department == .civilAffairs { try answerReviews(of: view.fileNumber, in: db, journal: journal) }
    }

    /// Decides instances by the rules and publishes the decisions (after `preceded`) and the support requests.
    ///
    /// `decidedOn`, for a staff approval, is the day it was given: processing days count from it and the events
    /// are dated by it, instead of by the filing date (policy C.6).
    func decide(
        _ instances: [MeasureInstance], of view: HouseholdView, preceded: [MeasureDecision] = [],
        staffNote: String? = nil, decidedOn: LocalDate? = nil, in db: Database, journal: Journal
    ) throws {
        var subject = DecisionSubject(view)
        if let decidedOn { subject.filedOn = decidedOn }
        let effectiveOn = decidedOn ?? view.filedOn
        var decided = preceded
        var requests: [SupportRequest] = []
        var budgets = StoredBudgets(db, years: try BudgetBook.years(policy: policy, in: db))
        for instance in instances {
            for step in try AutomaticDecisions.steps(
                for: instance, subject: subject, policy: policy, ledger: &budgets)
            {
                switch step {
                case .decided(var decision):
                    if let staffNote { decision.reason = "\(staffNote); \(decision.reason)" }
                    decided.append(decision)
                case .awaitingSupport(let decision, let request):
                    requests.append(request)
                    try db.execute(
                        cached: """
                            INSERT INTO desk_pending_support (measure_id, file_number, decision, request)
                            VALUES (?, ?, ?, ?)
                            """,
                        arguments: [
                            decision.measureID, view.fileNumber, try DeskCoding.encode(decision),
                            try DeskCoding.encode(request),
                        ])
                }
            }
        }
        try record(
            decided, fileNumber: view.fileNumber, effectiveOn: effectiveOn, prefecture: view.prefectureCode, in: db,
            journal: journal)
        if !requests.isEmpty {
            try append(
                SupportRequested(fileNumber: view.fileNumber, requests: requests), effectiveOn: effectiveOn,
                in: db, journal: journal)
        }
    }

    // MARK: Review mode

    /// What staff decided about a measure awaiting them (`review` mode).
    public enum StaffDecision: String, Sendable, Hashable, Codable {
        /// Approved: the measure follows the rules (budgets, stock, supporting agencies).
        case approve
        /// Refused, with the reason staff give: the dimension it guarantees stays open (policy Part B).
        case refuse
    }

    /// The measure instances awaiting staff, in id order (`review` mode).
    ///
    /// - Throws: `DatabaseError`.
    public func awaitingStaff(in db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT measure_id FROM desk_awaiting_staff ORDER BY measure_id")
    }

    /// A clerk's proposal for a measure awaiting staff (maker-checker, policy C.6): the outcome proposed, its reason
    /// and who proposed it.
    public struct Proposal: Sendable, Hashable, Codable {
        /// The measure instance id.
        public var measureID: String
        /// The outcome proposed.
        public var decision: StaffDecision
        /// The proposer's reason (required to propose a refusal).
        public var reason: String
        /// The proposer's staff id, `nil` on an endpoint without CURVE (nobody authenticated).
        public var proposedBy: String?
        /// The refusal reason's code from the policy file (a proposed refusal).
        public var reasonCode: String?
        /// The business date of the proposal.
        public var proposedOn: LocalDate?
        /// The first approver's staff id, when the amount needs two approvers and one has approved.
        public var firstApprovedBy: String?
        /// The number of the decision (a `decided` staff act) this proposal corrects, for a correction.
        public var corrects: Int64?

        /// Creates a proposal.
        public init(
            measureID: String, decision: StaffDecision, reason: String, proposedBy: String?, reasonCode: String? = nil,
            proposedOn: LocalDate? = nil, firstApprovedBy: String? = nil, corrects: Int64? = nil
        ) {
            self.measureID = measureID
            self.decision = decision
            self.reason = reason
            self.proposedBy = proposedBy
            self.reasonCode = reasonCode
            self.proposedOn = proposedOn
            self.firstApprovedBy = firstApprovedBy
            self.corrects = corrects
        }
    }

    /// The refusal code of an approver's decision on their own proposal (policy C.6): logged and counted.
    public static let selfApprovalCode = "desk.decide.self-approval"

    /// The proposals made for measures awaiting staff, by measure id (`review` mode).
    ///
    /// - Throws: `DatabaseError`.
    public func proposals(in db: Database) throws -> [String: Proposal] {
        var proposals: [String: Proposal] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT measure_id, proposed_decision, proposed_reason, proposed_by, proposed_code, proposed_on,
                    first_approved_by, corrects
                FROM desk_awaiting_staff WHERE proposed_decision IS NOT NULL
                """)
        {
            guard let decision = StaffDecision(rawValue: row["proposed_decision"]) else { continue }
            proposals[row["measure_id"]] = Proposal(
                measureID: row["measure_id"], decision: decision, reason: row["proposed_reason"] ?? "",
                proposedBy: row["proposed_by"], reasonCode: row["proposed_code"],
                proposedOn: (row["proposed_on"] as String?).flatMap(LocalDate.init),
                firstApprovedBy: row["first_approved_by"], corrects: row["corrects"])
        }
        return proposals
    }

    private func awaitingMeasureIDs(of fileNumber: String, in db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT measure_id FROM desk_awaiting_staff WHERE file_number = ?"),
                arguments: [fileNumber]))
    }

    /// A decision made by housing as a consequence of a planned one (the rental subsidy replacing a unit, the rent
    /// reduction after a unit): it stays while its cause is in the plan.
    private func isConsequence(_ decision: MeasureDecision, of planned: Set<String>, fileNumber: String) -> Bool {
        guard decision.code == .housingRentalSubsidy || decision.code == .housingRentReduction else { return false }
        return planned.contains(MeasureInstance.id(fileNumber: fileNumber, code: .housingPublicRental))
    }

    /// A closed file: what still waits for money is withdrawn. A measure still waiting for a supporting agency's
    /// answer is finalized when the answer comes (it may come on another feed, before or after the closure) and
    /// withdrawn then if it is not delivered — so the outcome does not depend on which feed arrives first.
    private func close(_ closed: HouseholdClosed, in db: Database, journal: Journal) throws {
        try db.execute(
            cached:
                "UPDATE desk_households SET status = 'closed', closed_reason = ?, closed_on = ? WHERE file_number = ?",
            arguments: [closed.reason.rawValue, closed.closedOn.description, closed.fileNumber])
        try db.execute(
            cached: "DELETE FROM desk_awaiting_staff WHERE file_number = ?", arguments: [closed.fileNumber])
        try BudgetBook.stopWaiting(fileNumber: closed.fileNumber, in: db)
        let withdrawn = try knownDecisions(of: closed.fileNumber, in: db).values
            .filter { $0.status == .granted && $0.deliveredOn == nil }
            .map { $0.withdrawn(atClosure: closed.reason.rawValue, on: closed.closedOn) }
            .sorted { $0.measureID < $1.measureID }
        try record(withdrawn, fileNumber: closed.fileNumber, effectiveOn: closed.closedOn, in: db, journal: journal)
    }

    /// The closure of a file, if it is closed.
    private func closure(of fileNumber: String, in db: Database) throws -> (reason: String, on: LocalDate)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT closed_reason, closed_on FROM desk_households WHERE file_number = ? AND status = 'closed'"
                ),
                arguments: [fileNumber]),
            let reason = row["closed_reason"] as String?, let text = row["closed_on"] as String?,
            let date = LocalDate(text)
        else { return nil }
        return (reason, date)
    }

    // MARK: Support

    /// The supporting agency answered: finalize each measure that waited for it here.
    private func finalize(_ provided: SupportProvided, in db: Database, journal: Journal) throws {
        var budgets = StoredBudgets(db, years: try BudgetBook.years(policy: policy, in: db))
        var decided: [MeasureDecision] = []
        var effective: LocalDate?
        var prefecture: String?
        for answer in provided.answers {
            let decision: MeasureDecision
            let request: SupportRequest
            if let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT decision, request FROM desk_pending_support WHERE measure_id = ?"),
                arguments: [answer.measureID])
            {
                decision = try DeskCoding.decode(MeasureDecision.self, from: row["decision"])
                request = try DeskCoding.decode(SupportRequest.self, from: row["request"])
                try db.execute(
                    cached: "DELETE FROM desk_pending_support WHERE measure_id = ?", arguments: [answer.measureID])
            } else if answer.kind == .payment, answer.approved,
                let waiting = try waitingForUnion(answer.measureID, in: db)
            {
                // The union paid a measure that waited for its money, when money arrived (a top-up or an
                // appropriation, policy §5.2).
                (decision, request) = waiting
            } else {
                continue  // another department's measure, or already withdrawn
            }
            prefecture = request.prefecture
            var final = try AutomaticDecisions.finalize(
                decision, after: answer, policy: policy, ledger: &budgets, prefecture: request.prefecture)
            if let closure = try closure(of: provided.fileNumber, in: db) {
                final = final.withdrawn(atClosure: closure.reason, on: closure.on)
            }
            decided.append(final)
            effective = [effective, answer.effectiveOn, request.dueOn].compactMap { $0 }.max()
        }
        guard let effective else { return }
        try record(
            decided, fileNumber: provided.fileNumber, effectiveOn: effective, prefecture: prefecture, in: db,
            journal: journal)
    }

    /// Civil affairs reviews a rent reduction for housing (§4.2.5): approved for a category-1 household, the very
    /// poorest, as civil affairs' own view of the file says. A request about a file whose view has not arrived yet
    /// (it comes on another feed) waits for it, so the answer does not depend on which feed arrives first.
    private func review(_ requested: SupportRequested, from source: String, in db: Database, journal: Journal) throws {
        let requests = requested.requests.filter { $0.to == .civilAffairs && $0.kind == .review }
        for request in requests where source != "/jiekun/\(request.from.rawValue)" {
            throw DeskRefusal(
                code: "desk.support.sender", description: "\(source) cannot ask on behalf of \(request.from.rawValue)")
        }
        for request in requests {
            try db.execute(
                cached: """
                    INSERT INTO desk_pending_reviews (measure_id, file_number, request) VALUES (?, ?, ?)
                    ON CONFLICT (measure_id) DO NOTHING
                    """,
                arguments: [request.measureID, requested.fileNumber, try DeskCoding.encode(request)])
        }
        try answerReviews(of: requested.fileNumber, in: db, journal: journal)
    }

    /// Answers the reviews waiting for a file once its view is known.
    private func answerReviews(of fileNumber: String, in db: Database, journal: Journal) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT category FROM desk_households WHERE file_number = ?"),
                arguments: [fileNumber])
        else { return }
        let category = (row["category"] as Int?).flatMap(Eligibility.Category.init(rawValue:))
        let requests = try Data.fetchAll(
            db.cachedStatement(
                sql: "SELECT request FROM desk_pending_reviews WHERE file_number = ? ORDER BY measure_id"),
            arguments: [fileNumber]
        ).map { try DeskCoding.decode(SupportRequest.self, from: $0) }
        guard !requests.isEmpty else { return }
        try db.execute(cached: "DELETE FROM desk_pending_reviews WHERE file_number = ?", arguments: [fileNumber])
        var noBudgets = Ledger(policy: policy, measures: [])
        var answers: [SupportAnswer] = []
        for request in requests {
            answers.append(try AutomaticDecisions.support(request, category: category, ledger: &noBudgets))
        }
        let effective = answers.compactMap(\.effectiveOn).max() ?? requests.map(\.dueOn).max()!
        try append(
            SupportProvided(fileNumber: fileNumber, answers: answers), effectiveOn: effective, in: db,
            journal: journal)
    }

    // MARK: Records and events

    /// Stores decisions and publishes them: `measure.decided`, then `measure.delivered` for those delivered; in
    /// `auto` mode the simulated clerk records each delivery (``recordScheduledDeliveries(of:fileNumber:in:)``).
    ///
    /// A decision the department pays keeps the budget book in step (``BudgetBook``): granted and not delivered, it
    /// joins the queue waiting for money (filing order); delivered, its payment is recorded against the line of its
    /// delivery year; refused or withdrawn, it leaves the queue. `prefecture` is the household's, looked up when
    /// `nil` and needed.
    func record(
        _ decisions: [MeasureDecision], fileNumber: String, effectiveOn: LocalDate, prefecture: String? = nil,
        in db: Database, journal: Journal
    ) throws {
        guard !decisions.isEmpty else { return }
        var prefecture = prefecture
        for decision in decisions {
            try DecisionColumns.keep(decision, of: fileNumber, in: "desk_decisions", db: db)
            guard decision.paidBy == department, decision.amount > .zero else { continue }
            if decision.status == .granted {
                if prefecture == nil {
                    prefecture = try county(ofFile: fileNumber, in: db).map { String($0.prefix(4)) + "00" }
                }
                guard let prefecture else { continue }
                if let deliveredOn = decision.deliveredOn {
                    try BudgetBook.stopWaiting(measureID: decision.measureID, in: db)
                    try BudgetBook.pay(
                        measureID: decision.measureID, fileNumber: fileNumber, prefecture: prefecture,
                        year: deliveredOn.year, measure: decision.code, amount: decision.amount, paidOn: deliveredOn,
                        in: db)
                } else {
                    try BudgetBook.wait(
                        measureID: decision.measureID, fileNumber: fileNumber, prefecture: prefecture,
                        measure: decision.code, amount: decision.amount, dueOn: decision.dueOn, in: db)
                }
            } else {
                try BudgetBook.stopWaiting(measureID: decision.measureID, in: db)
            }
        }
        try recordScheduledDeliveries(of: decisions, fileNumber: fileNumber, in: db)
        try append(
            MeasuresDecided(fileNumber: fileNumber, decisions: decisions), effectiveOn: effectiveOn, in: db,
            journal: journal)
        let deliveries = decisions.compactMap { decision -> MeasuresDelivered.Delivery? in
            guard decision.status == .granted, let deliveredOn = decision.deliveredOn else { return nil }
            return MeasuresDelivered.Delivery(
                measureID: decision.measureID, code: decision.code, deliveredOn: deliveredOn, amount: decision.amount,
                paidBy: decision.paidBy)
        }
        if let latest = deliveries.map(\.deliveredOn).max() {
            try append(
                MeasuresDelivered(fileNumber: fileNumber, deliveries: deliveries), effectiveOn: latest, in: db,
                journal: journal)
        }
    }

    /// Appends one event to the feed that carries its type (``Feed/published(by:)``).
    ///
    /// - Throws: ``DeskRefusal`` when none of the desk's feeds carries the type (the feed table and the measure table
    ///   disagree: the applying transaction rolls back and the upstream event is refused).
    private func append(
        _ payload: some EventPayload, effectiveOn: LocalDate, in db: Database, journal: Journal
    ) throws {
        let type = type(of: payload).type
        guard let feed = feedsByType[type] else {
            throw DeskRefusal(
                code: "desk.feed.missing", description: "\(department.rawValue) publishes no \(type) feed")
        }
        let event = try CloudEvent(
            source: source, type: type, subject: payload.fileNumber, effectiveDate: effectiveOn.description,
            payload: payload, encoder: EventCoding.makeEncoder())
        try journal.append(event, to: feed, in: db)
    }

    /// The decision withdrawn after an update of the file (whatever it waited for).
    private func withdraw(_ decision: MeasureDecision, because reason: String) -> MeasureDecision {
        var withdrawn = decision
        withdrawn.status = .withdrawn
        withdrawn.reason = reason
        withdrawn.deliveredOn = nil
        return withdrawn
    }

    /// The desk's decisions for a file, by measure id.
    public func knownDecisions(of fileNumber: String, in db: Database) throws -> [String: MeasureDecision] {
        Dictionary(
            uniqueKeysWithValues: try DecisionColumns.decisions(of: fileNumber, in: "desk_decisions", db: db).map {
                ($0.measureID, $0)
            })
    }

    private func pendingMeasureIDs(of fileNumber: String, in db: Database) throws -> Set<String> {
        Set(
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT measure_id FROM desk_pending_support WHERE file_number = ?"),
                arguments: [fileNumber]))
    }

    private func pendingDecisions(of fileNumber: String, in db: Database) throws -> [(String, MeasureDecision)] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT measure_id, decision FROM desk_pending_support WHERE file_number = ? ORDER BY measure_id"),
            arguments: [fileNumber]
        ).map { ($0["measure_id"], try DeskCoding.decode(MeasureDecision.self, from: $0["decision"])) }
    }
}
