import GRDB
import HouseholdDomain
import ReliefProgramme

/// A ``MeasureDecision`` kept as columns of a desk's table: nothing to encode when a decision is written, nothing
/// to parse when it is read (a decision is written for every event about its measure and read each time its file
/// is judged or re-evaluated).
///
/// The table (``createTable(_:)``) is keyed by file and measure, without a rowid: a decision is one entry in one
/// B-tree, and a file's decisions are next to each other.
enum DecisionColumns {
    /// The columns and their SQL types, in the order of ``names`` and of ``arguments(_:of:)``; the first two are
    /// the key.
    private static let columns: [(name: String, type: String)] = [
        ("measure_id", "TEXT NOT NULL"), ("file_number", "TEXT NOT NULL"), ("code", "TEXT NOT NULL"),
        ("member_number", "INTEGER"), ("department", "TEXT NOT NULL"), ("status", "TEXT NOT NULL"),
        ("reason", "TEXT NOT NULL"), ("amount_fen", "INTEGER NOT NULL"), ("paid_by", "TEXT"),
        ("due_on", "TEXT NOT NULL"), ("delivered_on", "TEXT"),
    ]

    /// The statement that creates a table of decisions named `name`.
    static func createTable(_ name: String) -> String {
        let definitions = columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        return "CREATE TABLE \(name) (\(definitions), PRIMARY KEY (file_number, measure_id)) WITHOUT ROWID"
    }

    /// Every column, `measure_id` and `file_number` first, as in `SELECT`.
    static let names = columns.map(\.name).joined(separator: ", ")

    /// The statement that keeps `decision` as the current one for its measure in `table`.
    static func upsert(into table: String) -> String { "INSERT INTO \(table) \(upsertClauses)" }

    /// What follows `INSERT INTO table` in ``upsert(into:)``, made once: the statement runs for every decision.
    private static let upsertClauses: String = {
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let updates = columns.dropFirst(2).map { "\($0.name) = excluded.\($0.name)" }.joined(separator: ", ")
        return """
            (\(names)) VALUES (\(placeholders))
            ON CONFLICT (file_number, measure_id) DO UPDATE SET \(updates)
            """
    }()

    /// A file's decisions in `table`, by measure id.
    ///
    /// - Throws: `DatabaseError`.
    static func decisions(of fileNumber: String, in table: String, db: Database) throws -> [MeasureDecision] {
        // A cursor reads each row in place; `fetchAll` would copy every row first.
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(names) FROM \(table) WHERE file_number = ? ORDER BY measure_id"),
            arguments: [fileNumber])
        var decisions: [MeasureDecision] = []
        while let row = try rows.next() { decisions.append(try decision(from: row)) }
        return decisions
    }

    /// The outcomes §2.3 sees of a file's decisions in `table`, by measure id: the same as
    /// `MeasureDecision.outcomes(of: decisions(of:in:db:))`, reading only the columns an outcome needs (the
    /// coordinator judges a file after every decision about it).
    ///
    /// - Throws: `DatabaseError` naming the measure and the column when a value is not one the code writes.
    static func outcomes(of fileNumber: String, in table: String, db: Database) throws -> [String: MeasureOutcome] {
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT measure_id, status, department, reason, delivered_on FROM \(table) WHERE file_number = ?"),
            arguments: [fileNumber])
        var outcomes: [String: MeasureOutcome] = [:]
        while let row = try rows.next() {
            let measureID: String = row[0]
            func invalid(_ column: String) -> DatabaseError {
                DatabaseError(message: "decision \(measureID): \(column) holds a value Jiekun does not write")
            }
            guard let status = Lookup.statuses[row[1]] else { throw invalid("status") }
            guard let department = Lookup.departments[row[2]] else { throw invalid("department") }
            let deliveredOn = try (row[4] as String?).map { text in
                guard let date = LocalDate(text) else { throw invalid("delivered_on") }
                return date
            }
            if let outcome = MeasureDecision.outcome(
                status: status, department: department, reason: row[3], deliveredOn: deliveredOn)
            {
                outcomes[measureID] = outcome
            }
        }
        return outcomes
    }

    /// The arguments of ``upsert(into:)``.
    static func arguments(_ decision: MeasureDecision, of fileNumber: String) -> StatementArguments {
        [
            decision.measureID, fileNumber, decision.code.rawValue, decision.memberNumber,
            decision.department.rawValue, decision.status.rawValue, decision.reason, decision.amount.fen,
            decision.paidBy?.rawValue, decision.dueOn.description, decision.deliveredOn?.description,
        ]
    }

    /// Keeps `decision` as the current one for its measure in `table`.
    ///
    /// - Throws: `DatabaseError`.
    static func keep(_ decision: MeasureDecision, of fileNumber: String, in table: String, db: Database) throws {
        try db.execute(cached: upsert(into: table), arguments: arguments(decision, of: fileNumber))
    }

    /// The decision in a row selected with ``names``, in that order (read by position: a name lookup per column
    /// costs more than the rest).
    ///
    /// - Throws: `DatabaseError` naming the measure and the column when a value is not one the code writes.
    static func decision(from row: Row) throws -> MeasureDecision {
        let measureID: String = row[0]
        func invalid(_ column: String) -> DatabaseError {
            DatabaseError(message: "decision \(measureID): \(column) holds a value Jiekun does not write")
        }
        func date(_ index: Int, _ column: String) throws -> LocalDate? {
            guard let text = row[index] as String? else { return nil }
            guard let date = LocalDate(text) else { throw invalid(column) }
            return date
        }
        guard let code = Lookup.codes[(row[2] as String)[...]] else { throw invalid("code") }
        guard let department = Lookup.departments[row[4]] else { throw invalid("department") }
        guard let status = Lookup.statuses[row[5]] else { throw invalid("status") }
        let paidBy = try (row[8] as String?).map { text in
            guard let department = Lookup.departments[text] else { throw invalid("paid_by") }
            return department
        }
        guard let dueOn = try date(9, "due_on") else { throw invalid("due_on") }
        return MeasureDecision(
            measureID: measureID, code: code, memberNumber: row[3], department: department, status: status,
            reason: row[6], amount: Yuan(fen: row[7]), paidBy: paidBy, dueOn: dueOn,
            deliveredOn: try date(10, "delivered_on"))
    }

    /// Copies the decisions of a table that kept them as JSON (`measure_id`, `file_number`, `decision`) into
    /// `table`, for a migration.
    ///
    /// - Throws: `DatabaseError`, `DecodingError`.
    static func copy(fromJSONTable source: String, into table: String, db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT file_number, decision FROM \(source)")
        while let row = try rows.next() {
            try keep(
                try DeskCoding.decode(MeasureDecision.self, from: row["decision"]), of: row["file_number"],
                in: table, db: db)
        }
    }
}

/// The cases of the enumerations kept as text, by raw value: one hash lookup where `init(rawValue:)` compares the
/// text with each case in turn (a file's decisions and facts are read every time it is judged).
enum Lookup {
    /// The codes, keyed by slice: a code read inside a longer string (the `measures` column) is looked up without
    /// copying it; a whole string is its own slice (`text[...]`).
    static let codes = Dictionary(uniqueKeysWithValues: Measure.Code.allCases.map { ($0.rawValue[...], $0) })
    static let departments = byRawValue(Agency.self)
    static let statuses = byRawValue(MeasureDecision.Status.self)

    private static func byRawValue<Value: CaseIterable & RawRepresentable>(
        _ type: Value.Type
    ) -> [Value.RawValue: Value] where Value.RawValue: Hashable {
        Dictionary(uniqueKeysWithValues: Value.allCases.map { ($0.rawValue, $0) })
    }
}
