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
public struct CoordinatorDesk: AgencyDesk {
    /// The policy (budget years for the report).
    public let policy: Policy
    /// The agency whose desk this is: the coordinator.
    public var agency: Agency { .coordinator }
    /// The feed of exit readiness.
    public static let exitsFeed = Feed.coordinatorExits.name
    /// The CloudEvents `source` of the coordinator's events.
    public static let source = "/jiekun/coordinator"

    /// How many timeline entries are indexed by file at a time: 50,000 (see ``timeline(of:in:)``).
    public static let defaultTimelineIndexStep = 50_000

    /// How many timeline entries are indexed by file at a time.
    public let timelineIndexStep: Int

    /// The last `report` answered, with the feed positions it was computed at (``reportJSON(in:)``).
    let reportCache = ReportCache()

    /// Creates the desk.
    ///
    /// - Parameters:
    ///   - policy: The policy.
    ///   - timelineIndexStep: How many timeline entries are indexed by file at a time; tests make it small.
    public init(policy: Policy, timelineIndexStep: Int = defaultTimelineIndexStep) {
        self.policy = policy
        self.timelineIndexStep = max(1, timelineIndexStep)
    }

    /// Applies one upstream event inside the applying transaction.
    ///
    /// - `household.registered` / `household.updated` (its own feed): keeps the view (and a new file's link to the
    ///   closed file its persons were in, policy Part C.5), then judges exit.
    /// - `household.closed`: records the closure.
    /// - `measure.decided`: keeps each decision (the latest per measure), then judges exit. A department can only
    ///   decide its own measures: a decision whose department is not the event's source is refused.
    /// - `budget.appropriated`: keeps the money act for the money table (once per agency and act); an act of
    ///   another agency than the event's source, or for a measure its source does not pay, is refused.
    /// - `measure.delivered`, `support.requested`, `support.provided`: accepted; the decisions already carry what
    ///   exit needs.
    /// - Throws: ``DeskRefusal`` for an event it cannot use; `DatabaseError`, `DecodingError`.
    public func apply(_ event: CloudEvent, in db: Database, journal: Journal) throws {
        let decoder = EventCoding.makeDecoder()
        if let subject = event.subject { try note(event, about: subject, in: db) }
        if event.type == HouseholdRegistered.type {
            let registered = try event.decodeData(as: HouseholdRegistered.self, using: decoder)
            return try keep(
                registered.view, earlierFile: registered.earlierFile, data: event.data, in: db, journal: journal)
        }
        if let view = try KeptView.view(of: event, using: decoder) {
            return try keep(view, earlierFile: nil, data: event.data, in: db, journal: journal)
        }
        switch event.type {
        case HouseholdClosed.type:
            let closed = try event.decodeData(as: HouseholdClosed.self, using: decoder)
            try db.execute(
                cached: """
                    UPDATE coord_households SET status = 'closed', closed_reason = ?, closed_on = ?
                    WHERE file_number = ?
                    """,
                arguments: [closed.reason.rawValue, closed.closedOn.description, closed.fileNumber])
        case MeasuresDecided.type:
            let decided = try event.decodeData(as: MeasuresDecided.self, using: decoder)
            for decision in decided.decisions where event.source != "/jiekun/\(decision.department.rawValue)" {
                throw DeskRefusal(
                    code: "coordinator.decision.department",
                    description:
                        "\(event.source) cannot decide \(decision.code.rawValue), led by \(decision.department.rawValue)"
                )
            }
            for decision in decided.decisions {
                try DecisionColumns.keep(decision, of: decided.fileNumber, in: "coord_decisions", db: db)
            }
            try judge(decided.fileNumber, in: db, journal: journal)
        case BudgetAppropriated.type:
            try keep(try event.decodeData(as: BudgetAppropriated.self, using: decoder), from: event.source, in: db)
        case MeasuresDelivered.type, SupportRequested.type, SupportProvided.type:
            return
        default:
            throw DeskRefusal(
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
    /// The timeline is indexed by file a step at a time: entries up to `coord_timeline_indexed.through` are found in
    /// `coord_timeline_index`, the newer ones (fewer than ``timelineIndexStep``) by reading them all. An SQLite index
    /// kept on every insert costs the coordinator a fifth of its processor time on the 71,000-household demo: the
    /// files of consecutive events are unrelated, so each insert changes another of its pages, each written at the
    /// next commit; indexing 50,000 entries at once, in file order, writes each page once.
    ///
    /// - Throws: `DatabaseError`.
    public func timeline(of fileNumber: String, in db: Database) throws -> [TimelineEntry] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT t.entry, t.type, t.source, t.effective_date, t.event_id
                    FROM coord_timeline_index i JOIN coord_timeline t ON t.entry = i.entry
                    WHERE i.file_number = ?1
                    UNION ALL
                    SELECT entry, type, source, effective_date, event_id FROM coord_timeline
                    WHERE entry > (SELECT through FROM coord_timeline_indexed) AND file_number = ?1
                    ORDER BY 1
                    """),
            arguments: [fileNumber]
        ).map {
            TimelineEntry(
                type: $0["type"], source: $0["source"], effectiveDate: $0["effective_date"], eventID: $0["event_id"])
        }
    }

    private func note(_ event: CloudEvent, about fileNumber: String, in db: Database) throws {
        try db.execute(
            cached:
                "INSERT INTO coord_timeline (file_number, event_id, type, source, effective_date) VALUES (?, ?, ?, ?, ?)",
            arguments: [fileNumber, event.id, event.type, event.source, event.effectiveDate])
        // Entries are numbered from 1 without gaps within a transaction's view (appended only), so every step is
        // reached exactly once; a rolled-back transaction reaches it again when it is applied again.
        if db.lastInsertedRowID % Int64(timelineIndexStep) == 0 { try indexTimeline(in: db) }
    }

    /// Indexes by file, in file order, the timeline entries after `coord_timeline_indexed.through`.
    private func indexTimeline(in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO coord_timeline_index (file_number, entry)
                    SELECT file_number, entry FROM coord_timeline
                    WHERE entry > (SELECT through FROM coord_timeline_indexed) ORDER BY file_number, entry;
                UPDATE coord_timeline_indexed SET through = (SELECT MAX(entry) FROM coord_timeline);
                """)
    }

    /// Keeps a household's view (`data`: the event's data, kept as it came) and what §2.3 reads of it, then judges
    /// the file. `earlierFile` (a new file's link, from `household.registered`) is kept when the file is first kept.
    private func keep(
        _ view: HouseholdView, earlierFile: EarlierFile?, data: [UInt8], in db: Database, journal: Journal
    ) throws {
        guard view.agency == .coordinator else {
            throw DeskRefusal(code: "desk.view.agency", description: "a view for \(view.agency.rawValue)")
        }
        let subject = try Self.subject(of: view)
        try db.execute(
            cached: """
                INSERT INTO coord_households (
                    file_number, status, category, prefecture_code, division_code, earlier_file, earlier_prefecture,
                    earlier_reason, earlier_closed_on, \(ExitFactColumns.names)
                )
                VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, \(ExitFactColumns.placeholders))
                ON CONFLICT (file_number) DO UPDATE SET category = excluded.category,
                    prefecture_code = excluded.prefecture_code, division_code = excluded.division_code,
                    \(ExitFactColumns.updates)
                """,
            arguments: [
                subject.fileNumber, subject.category?.rawValue, subject.prefectureCode, view.divisionCode,
                earlierFile?.fileNumber, earlierFile?.prefectureCode, earlierFile?.reason.rawValue,
                earlierFile?.closedOn.description,
            ] + ExitFactColumns.arguments(subject))
        try db.execute(
            cached: """
                INSERT INTO coord_views (file_number, view_data) VALUES (?, ?)
                ON CONFLICT (file_number) DO UPDATE SET view_data = excluded.view_data
                """,
            arguments: [view.fileNumber, Data(data)])
        try judge(view.fileNumber, in: db, journal: journal)
    }

    /// Judges §2.3 for a file and publishes its exit readiness once.
    private func judge(_ fileNumber: String, in db: Database, journal: Journal) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT status, exit_date, \(ExitFactColumns.subjectNames) FROM coord_households
                        WHERE file_number = ?
                        """),
                arguments: [fileNumber]),
            row[0] as String == "open", row[1] as String? == nil
        else { return }
        let readiness = ExitReadiness.evaluate(
            try ExitFactColumns.subject(from: row, at: 2, of: fileNumber),
            outcomes: try DecisionColumns.outcomes(of: fileNumber, in: "coord_decisions", db: db))
        guard let exit = HouseholdExitReady(fileNumber: fileNumber, readiness: readiness) else { return }
        try db.execute(
            cached: "UPDATE coord_households SET exit_date = ? WHERE file_number = ?",
            arguments: [exit.exitDate.description, fileNumber])
        let event = try CloudEvent(
            source: Self.source, type: HouseholdExitReady.type, subject: fileNumber,
            effectiveDate: exit.exitDate.description, payload: exit, encoder: EventCoding.makeEncoder())
        try journal.append(event, to: Self.exitsFeed, in: db)
        try note(event, about: fileNumber, in: db)
    }

    private func decisions(of fileNumber: String, in db: Database) throws -> [MeasureDecision] {
        try DecisionColumns.decisions(of: fileNumber, in: "coord_decisions", db: db)
    }

    /// Every filed household with its decisions and §2.3 state, in filing order (for ``ProvinceReport``).
    ///
    /// A file counts as exited only if the coordinator published its exit readiness while it was open: a file the
    /// union closed for another reason (death, moved away, …) is not an exit, whatever its dimensions.
    /// - Throws: `DatabaseError`, `DecodingError`; ``DeskRefusal`` for a kept view lacking a §2.3 fact.
    public func files(in db: Database) throws -> [FiledHousehold] {
        try Row.fetchAll(db, sql: Self.filesQuery)
            .map { try filed(from: $0, in: db) }
            .sorted {
                ($0.subject.filedOn, $0.subject.fileNumber) < ($1.subject.filedOn, $1.subject.fileNumber)
            }
    }

    /// One filed household with its decisions and §2.3 state, or `nil` when the coordinator has no such file.
    ///
    /// - Throws: `DatabaseError`, `DecodingError`; ``DeskRefusal`` for a kept view lacking a §2.3 fact.
    public func file(_ fileNumber: String, in db: Database) throws -> FiledHousehold? {
        try Row.fetchOne(
            db, sql: Self.filesQuery + " WHERE h.file_number = ?", arguments: [fileNumber]
        ).map { try filed(from: $0, in: db) }
    }

    /// A file's status (`open` or `closed`) and, once closed, why and when; `nil` when the coordinator has no such
    /// file.
    ///
    /// - Throws: `DatabaseError`.
    public func status(of fileNumber: String, in db: Database) throws -> (
        status: String, closedReason: String?, closedOn: String?
    )? {
        try Row.fetchOne(
            db, sql: "SELECT status, closed_reason, closed_on FROM coord_households WHERE file_number = ?",
            arguments: [fileNumber]
        ).map { ($0["status"], $0["closed_reason"], $0["closed_on"]) }
    }

    /// What §2.3 and the report read of a household, from the coordinator's view of it: the coordinator's view
    /// carries every fact (``HouseholdView/init(for:household:assessment:helper:persons:)``), so one it lacks is
    /// refused, never taken as `false`.
    ///
    /// - Parameter view: The coordinator's view of the household.
    /// - Throws: ``DeskRefusal`` `coordinator.view.fact`, naming the file and the missing fact.
    static func subject(of view: HouseholdView) throws(DeskRefusal) -> ExitSubject {
        func fact(_ value: Bool?, _ name: String) throws(DeskRefusal) -> Bool {
            guard let value else {
                throw DeskRefusal(
                    code: "coordinator.view.fact", description: "the view of \(view.fileNumber) carries no \(name)")
            }
            return value
        }
        return ExitSubject(
            fileNumber: view.fileNumber, prefectureCode: view.prefectureCode, filedOn: view.filedOn,
            category: view.category, measures: view.measures,
            isBelowStandard: try fact(view.isBelowStandard, "isBelowStandard"),
            isOnDibao: try fact(view.isOnDibao, "isOnDibao"),
            isZeroEmployment: try fact(view.isZeroEmployment, "isZeroEmployment"),
            needsHousing: try fact(view.needsHousing, "needsHousing"))
    }

    /// Each file's view, exit date, closure and earlier file (the last eight columns as ``ReportColumns`` reads
    /// them from its offset 6).
    private static let filesQuery = """
        SELECT v.view_data, h.exit_date, h.file_number, h.category, h.prefecture_code, h.filed_on, h.measures,
            h.exit_date, h.division_code, h.status, h.closed_reason, h.closed_on, h.earlier_file,
            h.earlier_prefecture, h.earlier_reason, h.earlier_closed_on
        FROM coord_households h JOIN coord_views v ON v.file_number = h.file_number
        """

    private func filed(from row: Row, in db: Database) throws -> FiledHousehold {
        let view = try DeskCoding.decode(KeptView.self, from: row["view_data"]).view
        let decisions = try decisions(of: view.fileNumber, in: db)
        let figures = try ReportColumns.file(from: row, at: 2, decisions: decisions)
        let subject = try Self.subject(of: view)
        var readiness = ExitReadiness.evaluate(subject, outcomes: MeasureDecision.outcomes(of: decisions))
        let published = (row[1] as String?).flatMap { LocalDate($0) }
        readiness.exitDate = published
        readiness.isReady = published != nil
        var filed = FiledHousehold(
            subject: subject, decisions: decisions, readiness: readiness, divisionCode: view.divisionCode,
            closure: figures.closure, earlierFile: figures.earlierFile)
        // Closed only by the union's word: a proposed exit not yet approved leaves the file open (policy C.4).
        filed.closure = figures.closure
        return filed
    }

    /// The files filed again with persons of `fileNumber` after it closed (policy Part C.5), by file number.
    ///
    /// - Throws: `DatabaseError`.
    public func laterFiles(of fileNumber: String, in db: Database) throws -> [String] {
        try String.fetchAll(
            db, sql: "SELECT file_number FROM coord_households WHERE earlier_file = ? ORDER BY file_number",
            arguments: [fileNumber])
    }

    /// The provincial report from the coordinator's store.
    ///
    /// Files and decisions are both keyed by file number: the report reads each table once, in that order, and
    /// hands every file its decisions, instead of one query per file (the report is the demo's last step). It reads
    /// the columns a file's figures need (``ProvinceReport/Tally/File``), no view.
    /// - Throws: `DatabaseError` naming a file whose columns hold a value Jiekun does not write.
    public func report(in db: Database) throws -> ProvinceReport {
        var tally = ProvinceReport.Tally(years: policy.budgetYears, followUp: policy.followUp)
        for appropriation in try appropriations(in: db) { tally.appropriate(appropriation) }
        let files = try Row.fetchCursor(
            db, sql: "SELECT \(ReportColumns.names) FROM coord_households ORDER BY file_number")
        let decisionRows = try Row.fetchCursor(
            db, sql: "SELECT \(DecisionColumns.names) FROM coord_decisions ORDER BY file_number, measure_id")
        // The next decision not yet handed out, with its file (a cursor's row is only valid until it moves).
        var next: (fileNumber: String, decision: MeasureDecision)?
        func advance() throws {
            next = try decisionRows.next().map { (fileNumber: $0[1], decision: try DecisionColumns.decision(from: $0)) }
        }
        try advance()
        while let row = try files.next() {
            let fileNumber: String = row[0]
            // Decisions of files the coordinator has no plan for (they arrived first) are skipped: SQLite orders
            // text byte by byte, as UTF-8 is compared here.
            while let pending = next, pending.fileNumber.utf8.lexicographicallyPrecedes(fileNumber.utf8) {
                try advance()
            }
            var decisions: [MeasureDecision] = []
            while let pending = next, pending.fileNumber == fileNumber {
                decisions.append(pending.decision)
                try advance()
            }
            tally.add(try ReportColumns.file(from: row, at: 0, decisions: decisions))
        }
        return tally.report
    }
}

/// What the report reads of a file in `coord_households`: the columns of ``names``, in that order.
enum ReportColumns {
    /// The columns, as in `SELECT`.
    static let names = """
        file_number, category, prefecture_code, filed_on, measures, exit_date, division_code, status, closed_reason, \
        closed_on, earlier_file, earlier_prefecture, earlier_reason, earlier_closed_on
        """

    /// A file's figures from its row, whose columns from `offset` on are those of ``names``.
    ///
    /// The file's closure is the union's (`closed_reason`, `closed_on`) once it closed; an exit the coordinator
    /// proposed (`exit_date`) is pending until then (policy C.4: the file closes on the approval).
    /// - Throws: `DatabaseError` naming the file when a value is not one Jiekun writes.
    static func file(from row: Row, at offset: Int, decisions: [MeasureDecision]) throws -> ProvinceReport.Tally.File {
        let fileNumber: String = row[offset]
        func invalid(_ column: String) -> DatabaseError { ExitFactColumns.invalid(column, of: fileNumber) }
        func date(_ index: Int, _ column: String) throws -> LocalDate? {
            guard let text = row[offset + index] as String? else { return nil }
            guard let date = LocalDate(text) else { throw invalid(column) }
            return date
        }
        let category = try ExitFactColumns.category(row[offset + 1], of: fileNumber)
        guard let filedOn = try date(3, "filed_on") else { throw invalid("filed_on") }
        guard let measures = ExitFactColumns.measures(in: row[offset + 4], of: fileNumber) else {
            throw invalid("measures")
        }
        let exitDate = try date(5, "exit_date")
        var closure: FileClosure?
        if row[offset + 7] as String == "closed" {
            guard let reason = (row[offset + 8] as String?).flatMap(FileClosure.Reason.init(rawValue:)) else {
                throw invalid("closed_reason")
            }
            guard let closedOn = try date(9, "closed_on") else { throw invalid("closed_on") }
            closure = FileClosure(reason: reason, closedOn: closedOn)
        }
        var earlierFile: EarlierFile?
        if let earlier = row[offset + 10] as String? {
            guard let reason = (row[offset + 12] as String?).flatMap(FileClosure.Reason.init(rawValue:)) else {
                throw invalid("earlier_reason")
            }
            guard let closedOn = try date(13, "earlier_closed_on") else { throw invalid("earlier_closed_on") }
            earlierFile = EarlierFile(
                fileNumber: earlier, prefectureCode: row[offset + 11] ?? "", reason: reason, closedOn: closedOn)
        }
        let county: String = row[offset + 6]
        return ProvinceReport.Tally.File(
            category: category, prefectureCode: row[offset + 2], countyCode: county.isEmpty ? nil : county,
            filedOn: filedOn, measures: measures.map(\.code), decisions: decisions, exitDate: nil,
            closure: closure, earlierFile: earlierFile, proposedOn: exitDate)
    }
}

/// What §2.3 reads of a household (``ExitSubject``) kept as columns of `coord_households`: the filing date,
/// eligibility, the four facts that hold dimensions from the filing date, and the triggered measures as `CODE` or
/// `CODE/MEMBER`, separated by spaces; with the `category` and `prefecture_code` columns beside them, the whole
/// subject.
///
/// `eligible` is `category IS NOT NULL`, written for the schema's `NOT NULL` column; the subject's eligibility is
/// read from the category.
enum ExitFactColumns {
    /// The columns and their SQL types, in the order of ``names`` and of ``arguments(_:)``.
    private static let columns: [(name: String, type: String)] = [
        ("filed_on", "TEXT NOT NULL"), ("eligible", "INTEGER NOT NULL"), ("below_standard", "INTEGER NOT NULL"),
        ("on_dibao", "INTEGER NOT NULL"), ("zero_employment", "INTEGER NOT NULL"),
        ("needs_housing", "INTEGER NOT NULL"), ("measures", "TEXT NOT NULL"),
    ]
    /// The columns ``subject(from:at:of:)`` reads, in its order: the category, the prefecture, then ``names``.
    static let subjectNames = "category, prefecture_code, " + names
    /// The fact columns, as in `CREATE TABLE`.
    static let definitions = columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
    /// The column names, as in `SELECT` and `INSERT`.
    static let names = columns.map(\.name).joined(separator: ", ")
    /// One placeholder per column.
    static let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    /// The `SET` list of an upsert.
    static let updates = columns.map { "\($0.name) = excluded.\($0.name)" }.joined(separator: ", ")

    /// The values of the fact columns, in the order of ``names``.
    static func arguments(_ subject: ExitSubject) -> StatementArguments {
        let measures = subject.measures.map { instance in
            instance.memberNumber.map { "\(instance.code.rawValue)/\($0)" } ?? instance.code.rawValue
        }
        return [
            subject.filedOn.description, subject.isEligible, subject.isBelowStandard, subject.isOnDibao,
            subject.isZeroEmployment, subject.needsHousing, measures.joined(separator: " "),
        ]
    }

    /// The category of a `category` column's value: `nil` for a file no longer eligible.
    ///
    /// - Throws: `DatabaseError` naming the file when the value is not a category.
    static func category(_ value: Int?, of fileNumber: String) throws -> Eligibility.Category? {
        guard let value else { return nil }
        guard let category = Eligibility.Category(rawValue: value) else { throw invalid("category", of: fileNumber) }
        return category
    }

    /// The error of a `coord_households` column holding a value Jiekun does not write, naming the file.
    static func invalid(_ column: String, of fileNumber: String) -> DatabaseError {
        DatabaseError(message: "coord_households \(fileNumber): \(column) holds a value Jiekun does not write")
    }

    /// The measures of the `measures` column: `CODE` or `CODE/MEMBER` entries separated by spaces.
    ///
    /// Read in place, a slice at a time (the coordinator judges a file after every change: splitting the column
    /// into new strings cost more than the rest of reading the row).
    /// - Parameters:
    ///   - text: The column's value.
    ///   - fileNumber: The file the measures belong to.
    /// - Returns: The measures in the column's order, or `nil` for an entry Jiekun does not write (an unknown
    ///   code, a member number that is not a number, more than one `/`).
    static func measures(in text: String, of fileNumber: String) -> [MeasureInstance]? {
        var measures: [MeasureInstance] = []
        var rest = text[...]
        while !rest.isEmpty {
            let end = rest.utf8.firstIndex(of: UInt8(ascii: " ")) ?? rest.endIndex
            let entry = rest[..<end]
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
            if entry.isEmpty { continue }
            guard let slash = entry.utf8.firstIndex(of: UInt8(ascii: "/")) else {
                guard let code = Lookup.codes[entry] else { return nil }
                measures.append(MeasureInstance(fileNumber: fileNumber, code: code))
                continue
            }
            let memberText = entry[entry.utf8.index(after: slash)...]
            guard let code = Lookup.codes[entry[..<slash]], let member = Int(memberText) else { return nil }
            measures.append(MeasureInstance(fileNumber: fileNumber, code: code, memberNumber: member))
        }
        return measures
    }

    /// The subject of a file from a row whose columns from `offset` on are those of ``subjectNames``, in that
    /// order (read by position: a name lookup per column costs more than the rest).
    ///
    /// - Throws: `DatabaseError` naming the file when a value is not one Jiekun writes.
    static func subject(from row: Row, at offset: Int, of fileNumber: String) throws -> ExitSubject {
        func invalid(_ column: String) -> DatabaseError { Self.invalid(column, of: fileNumber) }
        let category = try Self.category(row[offset], of: fileNumber)
        let facts = offset + 2
        guard let filedOn = LocalDate(row[facts] as String) else { throw invalid("filed_on") }
        guard let measures = measures(in: row[facts + 6], of: fileNumber) else { throw invalid("measures") }
        return ExitSubject(
            fileNumber: fileNumber, prefectureCode: row[offset + 1], filedOn: filedOn, category: category,
            measures: measures, isBelowStandard: row[facts + 2], isOnDibao: row[facts + 3],
            isZeroEmployment: row[facts + 4], needsHousing: row[facts + 5])
    }
}
