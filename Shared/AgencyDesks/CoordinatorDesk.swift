import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

/// What the coordinator (the leading group's office, policy §2 and §5) does with the events it receives: it keeps
/// each filed household's plan and every department's decisions, judges the six dimensions of §2.3 after each
/// change, and publishes `household.exit-ready` on `coordinator.exits` once all hold.
///
/// Its view of a household carries no names and no identity numbers (docs/DATA-MINIMISATION.md). Like every desk it
/// keeps no state outside its store: applying an event and the exit it may publish commit with the cursor.
public struct CoordinatorDesk: Sendable {
    /// The policy (budget years for the report).
    public let policy: Policy
    /// The feed of exit readiness.
    public static let exitsFeed = "coordinator.exits"
    /// The CloudEvents `source` of the coordinator's events.
    public static let source = "/jiekun/coordinator"

    /// Creates the desk.
    public init(policy: Policy) { self.policy = policy }

    /// The desk's tables (migration `coordinator.desk.v1`).
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("coordinator.desk.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE coord_households (
                        file_number TEXT PRIMARY KEY, view BLOB NOT NULL, status TEXT NOT NULL,
                        exit_date TEXT, closed_reason TEXT, closed_on TEXT
                    );
                    CREATE TABLE coord_decisions (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, decision BLOB NOT NULL
                    );
                    CREATE INDEX coord_decisions_by_file ON coord_decisions (file_number);
                    """)
        }
        migrator.registerMigration("coordinator.desk.v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE coord_timeline (
                        entry INTEGER PRIMARY KEY AUTOINCREMENT, file_number TEXT NOT NULL, event_id TEXT NOT NULL,
                        type TEXT NOT NULL, source TEXT NOT NULL, effective_date TEXT
                    );
                    CREATE INDEX coord_timeline_by_file ON coord_timeline (file_number, entry);
                    """)
        }
    }

    /// Applies one upstream event inside the applying transaction.
    ///
    /// - `household.registered` / `household.updated` (its own feed): keeps the view, then judges exit.
    /// - `household.closed`: records the closure.
    /// - `measure.decided`: keeps each decision (the latest per measure), then judges exit. A department can only
    ///   decide its own measures: a decision whose department is not the event's source is refused.
    /// - `measure.delivered`, `support.requested`, `support.provided`: accepted; the decisions already carry what
    ///   exit needs.
    /// - Throws: ``DepartmentDesk/Refusal`` for an event it cannot use; `DatabaseError`, `DecodingError`.
    public func apply(_ event: CloudEvent, in db: Database, journal: Journal) throws {
        let decoder = EventCoding.makeDecoder()
        if let subject = event.subject { try note(event, about: subject, in: db) }
        switch event.type {
        case HouseholdRegistered.type:
            try keep(try event.decodeData(as: HouseholdRegistered.self, using: decoder).view, in: db, journal: journal)
        case HouseholdUpdated.type:
            try keep(try event.decodeData(as: HouseholdUpdated.self, using: decoder).view, in: db, journal: journal)
        case HouseholdClosed.type:
            let closed = try event.decodeData(as: HouseholdClosed.self, using: decoder)
            try db.execute(
                sql: """
                    UPDATE coord_households SET status = 'closed', closed_reason = ?, closed_on = ?
                    WHERE file_number = ?
                    """,
                arguments: [closed.reason.rawValue, closed.closedOn.description, closed.fileNumber])
        case MeasuresDecided.type:
            let decided = try event.decodeData(as: MeasuresDecided.self, using: decoder)
            for decision in decided.decisions where event.source != "/jiekun/\(decision.department.rawValue)" {
                throw DepartmentDesk.Refusal(
                    code: "coordinator.decision.department",
                    description:
                        "\(event.source) cannot decide \(decision.code.rawValue), led by \(decision.department.rawValue)"
                )
            }
            for decision in decided.decisions {
                try db.execute(
                    sql: """
                        INSERT INTO coord_decisions (measure_id, file_number, decision) VALUES (?, ?, ?)
                        ON CONFLICT (measure_id) DO UPDATE SET decision = excluded.decision
                        """,
                    arguments: [decision.measureID, decided.fileNumber, try DepartmentDesk.encode(decision)])
            }
            try judge(decided.fileNumber, in: db, journal: journal)
        case MeasuresDelivered.type, SupportRequested.type, SupportProvided.type:
            return
        default:
            throw DepartmentDesk.Refusal(
                code: "desk.type.unexpected", description: "the coordinator does not handle \(event.type)")
        }
    }

    /// One entry of a household's timeline: an event about it, as the coordinator received it.
    public struct TimelineEntry: Sendable, Hashable, Codable {
        /// The event's type, e.g. `measure.delivered`.
        public var type: String
        /// Who sent it, e.g. `/jiekun/housing`.
        public var source: String
        /// Its business date, if any.
        public var effectiveDate: String?
        /// The event's id.
        public var eventID: String
    }

    /// Every event about a file, in the order the coordinator applied them (Part B "Reports": per household, its
    /// timeline), the coordinator's own exit readiness included.
    ///
    /// - Throws: `DatabaseError`.
    public func timeline(of fileNumber: String, in db: Database) throws -> [TimelineEntry] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT type, source, effective_date, event_id FROM coord_timeline WHERE file_number = ? ORDER BY entry",
            arguments: [fileNumber]
        ).map {
            TimelineEntry(
                type: $0["type"], source: $0["source"], effectiveDate: $0["effective_date"], eventID: $0["event_id"])
        }
    }

    private func note(_ event: CloudEvent, about fileNumber: String, in db: Database) throws {
        try db.execute(
            sql:
                "INSERT INTO coord_timeline (file_number, event_id, type, source, effective_date) VALUES (?, ?, ?, ?, ?)",
            arguments: [fileNumber, event.id, event.type, event.source, event.effectiveDate])
    }

    private func keep(_ view: HouseholdView, in db: Database, journal: Journal) throws {
        guard view.agency == .coordinator else {
            throw DepartmentDesk.Refusal(code: "desk.view.agency", description: "a view for \(view.agency.rawValue)")
        }
        try db.execute(
            sql: """
                INSERT INTO coord_households (file_number, view, status) VALUES (?, ?, 'open')
                ON CONFLICT (file_number) DO UPDATE SET view = excluded.view
                """,
            arguments: [view.fileNumber, try DepartmentDesk.encode(view)])
        try judge(view.fileNumber, in: db, journal: journal)
    }

    /// Judges §2.3 for a file and publishes its exit readiness once.
    private func judge(_ fileNumber: String, in db: Database, journal: Journal) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT view, status, exit_date FROM coord_households WHERE file_number = ?",
                arguments: [fileNumber]),
            row["status"] as String == "open", row["exit_date"] as String? == nil
        else { return }
        let view = try DepartmentDesk.decode(HouseholdView.self, from: row["view"])
        let readiness = ExitReadiness.evaluate(
            DepartmentDesk.assessment(of: view), outcomes: try outcomes(of: fileNumber, in: db))
        guard let exit = HouseholdExitReady(fileNumber: fileNumber, readiness: readiness) else { return }
        try db.execute(
            sql: "UPDATE coord_households SET exit_date = ? WHERE file_number = ?",
            arguments: [exit.exitDate.description, fileNumber])
        let event = try CloudEvent(
            source: Self.source, type: HouseholdExitReady.type, subject: fileNumber,
            effectiveDate: exit.exitDate.description, payload: exit, encoder: EventCoding.makeEncoder())
        try journal.append(event, to: Self.exitsFeed, in: db)
        try note(event, about: fileNumber, in: db)
    }

    private func decisions(of fileNumber: String, in db: Database) throws -> [MeasureDecision] {
        try Data.fetchAll(
            db, sql: "SELECT decision FROM coord_decisions WHERE file_number = ? ORDER BY measure_id",
            arguments: [fileNumber]
        ).map { try DepartmentDesk.decode(MeasureDecision.self, from: $0) }
    }

    private func outcomes(of fileNumber: String, in db: Database) throws -> [String: MeasureOutcome] {
        var outcomes: [String: MeasureOutcome] = [:]
        for decision in try decisions(of: fileNumber, in: db) {
            if let outcome = decision.outcome { outcomes[decision.measureID] = outcome }
        }
        return outcomes
    }

    /// Every filed household with its decisions and §2.3 state, in filing order (for ``ProvinceReport``).
    ///
    /// A file counts as exited only if the coordinator published its exit readiness while it was open: a file the
    /// union closed for another reason (death, moved away, …) is not an exit, whatever its dimensions.
    /// - Throws: `DatabaseError`, `DecodingError`.
    public func files(in db: Database) throws -> [ProgrammeRun.FiledHousehold] {
        try Row.fetchAll(db, sql: "SELECT view, exit_date FROM coord_households")
            .map { try filed(from: $0, in: db) }
            .sorted {
                ($0.assessment.filedOn, $0.assessment.fileNumber) < ($1.assessment.filedOn, $1.assessment.fileNumber)
            }
    }

    /// One filed household with its decisions and §2.3 state, or `nil` when the coordinator has no such file.
    ///
    /// - Throws: `DatabaseError`, `DecodingError`.
    public func file(_ fileNumber: String, in db: Database) throws -> ProgrammeRun.FiledHousehold? {
        try Row.fetchOne(
            db, sql: "SELECT view, exit_date FROM coord_households WHERE file_number = ?", arguments: [fileNumber]
        ).map { try filed(from: $0, in: db) }
    }

    private func filed(from row: Row, in db: Database) throws -> ProgrammeRun.FiledHousehold {
        let view = try DepartmentDesk.decode(HouseholdView.self, from: row["view"])
        let assessment = DepartmentDesk.assessment(of: view)
        var readiness = ExitReadiness.evaluate(assessment, outcomes: try outcomes(of: view.fileNumber, in: db))
        let published = (row["exit_date"] as String?).flatMap { LocalDate($0) }
        readiness.exitDate = published
        readiness.isReady = published != nil
        return ProgrammeRun.FiledHousehold(
            assessment: assessment, decisions: try decisions(of: view.fileNumber, in: db), readiness: readiness)
    }

    /// The provincial report from the coordinator's store.
    public func report(in db: Database) throws -> ProvinceReport {
        ProvinceReport(files: try files(in: db), years: policy.budgetYears)
    }
}
