import Foundation
import GRDB
import HouseholdDomain
import ReliefProgramme

/// An agency's budget as recorded facts (policy §5.2, C.6): the appropriations and top-ups finance records per
/// prefecture, year and measure, the public-rental units housing adds or releases, the measures waiting for money
/// in filing order, and every payment drawn from a line.
///
/// The policy file's figures are the *opening appropriation*, recorded once and attributed to the policy file (its
/// name and version), not to a person. Every later act is a staff member's (`finance`), with staff id, clock time,
/// business date and reference. Acts are append-only (triggers refuse an `UPDATE` or `DELETE`); the running
/// balances stay in `budget_lines` and `stock_lines` (``StoredBudgets``), changed in the same transaction.
public enum BudgetBook {
    /// The migration that adds the tables.
    public static let migrationIdentifier = "agency.budgets.v2"

    /// What an act does.
    public enum ActKind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The policy file's figure for a line (期初预算), recorded at the service's first start.
        case opening
        /// A year's appropriation for a line that has none yet (年度预算下达).
        case appropriation
        /// Money added to a line already appropriated (追加).
        case topUp = "top-up"
        /// Public-rental units added to a prefecture's stock of a year (housing).
        case unitsAdded = "units-added"
        /// Free public-rental units taken out of a prefecture's stock of a year (housing).
        case unitsReleased = "units-released"

        /// The name shown to staff, Chinese first.
        public var text: String {
            switch self {
            case .opening: "期初预算 opening"
            case .appropriation: "年度预算 appropriation"
            case .topUp: "追加 top-up"
            case .unitsAdded: "增加房源 units added"
            case .unitsReleased: "减少房源 units released"
            }
        }

        /// An act's kind from the word staff typed: the English name or the Chinese one (下达/拨款, 追加/补充,
        /// 增加房源, 减少房源).
        ///
        /// - Parameter word: What was typed.
        public init?(word: String) {
            let word = word.trimmingCharacters(in: .whitespaces)
            if let kind = ActKind(rawValue: word.lowercased()) {
                self = kind
                return
            }
            switch word.lowercased() {
            case "appropriate", "下达", "拨款", "年度预算", "预算下达": self = .appropriation
            case "topup", "追加", "补充", "追加预算": self = .topUp
            case "add", "增加", "增加房源": self = .unitsAdded
            case "release", "减少", "减少房源", "收回": self = .unitsReleased
            default: return nil
            }
        }
    }

    /// One recorded act.
    public struct Act: Sendable, Hashable, Codable {
        /// Its number in the agency's book, from 1.
        public var number: Int64
        /// What it does.
        public var kind: ActKind
        /// The prefecture's six-digit code.
        public var prefecture: String
        /// The budget year.
        public var year: Int
        /// The measure of a money act; `nil` for units.
        public var measure: Measure.Code?
        /// Yuan added by a money act.
        public var amount: Yuan?
        /// Units added (positive) or released (negative) by a units act.
        public var units: Int?
        /// The finance officer's pseudonymous staff id; `nil` for the opening appropriation.
        public var staffID: String?
        /// Where the figure comes from: the policy file and its version for the opening appropriation.
        public var source: String?
        /// The budget document or payment reference staff gave (文号).
        public var reference: String
        /// When it was recorded (clock).
        public var recordedAt: Date
        /// The business date: the day the money or the units arrived (`--on`).
        public var businessDate: LocalDate
    }

    /// Registers `agency.budgets.v2`.
    static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(migrationIdentifier) { db in
            try db.execute(
                sql: """
                    CREATE TABLE budget_acts (
                        act INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL, prefecture TEXT NOT NULL, year INTEGER NOT NULL, measure TEXT,
                        amount_fen INTEGER, units INTEGER, staff_id TEXT, source TEXT, reference TEXT NOT NULL,
                        recorded_at DATETIME NOT NULL, business_date TEXT NOT NULL
                    );
                    CREATE INDEX budget_acts_by_line ON budget_acts (prefecture, year, measure);
                    CREATE TRIGGER budget_acts_no_update BEFORE UPDATE ON budget_acts
                        BEGIN SELECT RAISE(ABORT, 'budget acts are append-only'); END;
                    CREATE TRIGGER budget_acts_no_delete BEFORE DELETE ON budget_acts
                        BEGIN SELECT RAISE(ABORT, 'budget acts are append-only'); END;
                    CREATE TABLE budget_waiting (
                        queued INTEGER PRIMARY KEY AUTOINCREMENT, measure_id TEXT NOT NULL UNIQUE,
                        file_number TEXT NOT NULL, prefecture TEXT NOT NULL, measure TEXT NOT NULL,
                        amount_fen INTEGER NOT NULL, due_on TEXT NOT NULL
                    );
                    CREATE INDEX budget_waiting_by_line ON budget_waiting (prefecture, measure, queued);
                    CREATE INDEX budget_waiting_by_file ON budget_waiting (file_number);
                    CREATE TABLE budget_payments (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, prefecture TEXT NOT NULL,
                        year INTEGER NOT NULL, measure TEXT NOT NULL, amount_fen INTEGER NOT NULL, paid_on TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX budget_payments_by_line ON budget_payments (prefecture, year, measure);
                    """)
        }
    }

    /// The `source` of the opening acts: `policy file Yunnan (…), version 2017.3`.
    public static func openingSource(of policy: Policy) -> String {
        "policy file \(policy.name), version \(policy.version)"
    }

    /// Records the opening appropriation of every line of `ledger` (and its public-rental units), once: dated
    /// 1 January of the line's year, attributed to the policy file.
    ///
    /// - Throws: `DatabaseError`.
    static func recordOpening(of ledger: Ledger, policy: Policy, in db: Database) throws {
        let recorded = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM budget_acts WHERE kind = 'opening'") ?? 0
        guard recorded == 0 else { return }
        let source = openingSource(of: policy)
        let now = Date()
        for (line, amount) in ledger.budgets.sorted(by: { key($0.key) < key($1.key) }) {
            try insert(
                kind: .opening, prefecture: line.prefecture, year: line.year, measure: line.measure, amount: amount,
                units: nil, staffID: nil, source: source, reference: "policy \(policy.version)", recordedAt: now,
                businessDate: LocalDate.startOfYear(line.year), in: db)
        }
        for (line, units) in ledger.units.sorted(by: {
            ($0.key.prefecture, $0.key.year) < ($1.key.prefecture, $1.key.year)
        }) {
            try insert(
                kind: .opening, prefecture: line.prefecture, year: line.year, measure: nil, amount: nil, units: units,
                staffID: nil, source: source, reference: "policy \(policy.version)", recordedAt: now,
                businessDate: LocalDate.startOfYear(line.year), in: db)
        }
    }

    private static func key(_ line: Ledger.BudgetLine) -> String {
        "\(line.prefecture)/\(line.year)/\(line.measure.rawValue)"
    }

    @discardableResult
    private static func insert(
        kind: ActKind, prefecture: String, year: Int, measure: Measure.Code?, amount: Yuan?, units: Int?,
        staffID: String?, source: String?, reference: String, recordedAt: Date, businessDate: LocalDate,
        in db: Database
    ) throws -> Act {
        try db.execute(
            cached: """
                INSERT INTO budget_acts (kind, prefecture, year, measure, amount_fen, units, staff_id, source, reference,
                    recorded_at, business_date)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                kind.rawValue, prefecture, year, measure?.rawValue, amount?.fen, units, staffID, source, reference,
                recordedAt, businessDate.description,
            ])
        return Act(
            number: db.lastInsertedRowID, kind: kind, prefecture: prefecture, year: year, measure: measure,
            amount: amount, units: units, staffID: staffID, source: source, reference: reference,
            recordedAt: recordedAt, businessDate: businessDate)
    }

    /// Records a finance officer's money act and adds the money to the line's balance.
    ///
    /// - `appropriation`: the line must have no appropriation yet (opening or appropriation).
    /// - `top-up`: the line must have been appropriated.
    /// - Parameters:
    ///   - kind: `.appropriation` or `.topUp`.
    ///   - amount: yuan, more than zero.
    ///   - staffID: who records it.
    ///   - reference: the budget document or payment reference, not empty.
    ///   - businessDate: the day the money arrived.
    /// - Returns: the act.
    /// - Throws: ``DeskRefusal`` naming the field at fault; `DatabaseError`.
    public static func recordMoney(
        _ kind: ActKind, prefecture: String, year: Int, measure: Measure.Code, amount: Yuan, staffID: String?,
        reference: String, on businessDate: LocalDate, at clock: Date = Date(), in db: Database
    ) throws -> Act {
        guard kind == .appropriation || kind == .topUp else {
            throw DeskRefusal(code: "budget.kind", description: "\(kind.rawValue) is not a money act")
        }
        try check(reference: reference, year: year)
        guard amount > .zero else {
            throw DeskRefusal(code: "budget.yuan", description: "--yuan 必须大于 0 (must be more than 0): \(amount)")
        }
        let appropriated =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM budget_acts WHERE prefecture = ? AND year = ? AND measure = ?
                    AND kind IN ('opening', 'appropriation')
                    """,
                arguments: [prefecture, year, measure.rawValue]) ?? 0
        let line = "\(prefecture) \(year) \(measure.rawValue)"
        if kind == .appropriation, appropriated > 0 {
            throw DeskRefusal(
                code: "budget.appropriated",
                description: "\(line) 已下达年度预算，请用 top-up 追加 (already appropriated: use top-up)")
        }
        if kind == .topUp, appropriated == 0 {
            throw DeskRefusal(
                code: "budget.not-appropriated",
                description: "\(line) 尚未下达年度预算，请先 appropriate (not appropriated yet: appropriate first)")
        }
        try db.execute(
            cached: """
                INSERT INTO budget_lines (prefecture, year, measure, remaining_fen) VALUES (?, ?, ?, ?)
                ON CONFLICT (prefecture, year, measure) DO UPDATE SET remaining_fen = remaining_fen + excluded.remaining_fen
                """,
            arguments: [prefecture, year, measure.rawValue, amount.fen])
        return try insert(
            kind: kind, prefecture: prefecture, year: year, measure: measure, amount: amount, units: nil,
            staffID: staffID, source: nil, reference: reference, recordedAt: clock, businessDate: businessDate, in: db)
    }

    /// Records housing's units act: `units` added to, or free units released from, a prefecture's stock of a year.
    ///
    /// - Throws: ``DeskRefusal`` when fewer units are free than released, or a field is wrong; `DatabaseError`.
    public static func recordUnits(
        _ kind: ActKind, prefecture: String, year: Int, units: Int, staffID: String?, reference: String,
        on businessDate: LocalDate, at clock: Date = Date(), in db: Database
    ) throws -> Act {
        guard kind == .unitsAdded || kind == .unitsReleased else {
            throw DeskRefusal(code: "budget.kind", description: "\(kind.rawValue) is not a units act")
        }
        try check(reference: reference, year: year)
        guard units > 0 else {
            throw DeskRefusal(code: "budget.units", description: "--units 必须大于 0 (must be more than 0): \(units)")
        }
        if kind == .unitsReleased {
            let free =
                try Int.fetchOne(
                    db, sql: "SELECT units FROM stock_lines WHERE prefecture = ? AND year = ?",
                    arguments: [prefecture, year]) ?? 0
            guard free >= units else {
                throw DeskRefusal(
                    code: "budget.units.free",
                    description: "\(prefecture) \(year) 只有 \(free) 套空闲 (only \(free) units free), 不能减少 \(units)")
            }
        }
        let change = kind == .unitsAdded ? units : -units
        try db.execute(
            cached: """
                INSERT INTO stock_lines (prefecture, year, units) VALUES (?, ?, ?)
                ON CONFLICT (prefecture, year) DO UPDATE SET units = units + ?
                """,
            arguments: [prefecture, year, max(change, 0), change])
        return try insert(
            kind: kind, prefecture: prefecture, year: year, measure: nil, amount: nil, units: change, staffID: staffID,
            source: nil, reference: reference, recordedAt: clock, businessDate: businessDate, in: db)
    }

    private static func check(reference: String, year: Int) throws {
        guard !reference.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DeskRefusal(
                code: "budget.reference",
                description: "--reference 不能为空 (give the budget document or payment reference)")
        }
        guard (2000...2100).contains(year) else {
            throw DeskRefusal(code: "budget.year", description: "--year 不是预算年度 (not a budget year): \(year)")
        }
    }

    // MARK: Waiting and payments

    /// A measure waiting for money, in the queue of its prefecture and measure.
    public struct Waiting: Sendable, Hashable, Codable {
        /// Its place in the agency's queue (filing order: the order the agency decided them).
        public var queued: Int64
        /// The measure instance.
        public var measureID: String
        /// The household's file.
        public var fileNumber: String
        /// The prefecture whose money pays it.
        public var prefecture: String
        /// The measure.
        public var measure: Measure.Code
        /// Yuan it needs.
        public var amount: Yuan
        /// When it fell due; its year is the first budget year that may pay it.
        public var dueOn: LocalDate
    }

    /// Puts a measure in the queue (once: a measure already queued keeps its place).
    ///
    /// - Throws: `DatabaseError`.
    static func wait(
        measureID: String, fileNumber: String, prefecture: String, measure: Measure.Code, amount: Yuan,
        dueOn: LocalDate, in db: Database
    ) throws {
        try db.execute(
            cached: """
                INSERT INTO budget_waiting (measure_id, file_number, prefecture, measure, amount_fen, due_on)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (measure_id) DO NOTHING
                """,
            arguments: [measureID, fileNumber, prefecture, measure.rawValue, amount.fen, dueOn.description])
    }

    /// Takes a measure out of the queue (paid, withdrawn or refused).
    static func stopWaiting(measureID: String, in db: Database) throws {
        try db.execute(cached: "DELETE FROM budget_waiting WHERE measure_id = ?", arguments: [measureID])
    }

    /// Takes a closed file's measures out of the queue.
    static func stopWaiting(fileNumber: String, in db: Database) throws {
        try db.execute(cached: "DELETE FROM budget_waiting WHERE file_number = ?", arguments: [fileNumber])
    }

    /// Records a payment drawn from the line of `year` (traceable to household, measure and line, §5.2); once.
    static func pay(
        measureID: String, fileNumber: String, prefecture: String, year: Int, measure: Measure.Code, amount: Yuan,
        paidOn: LocalDate, in db: Database
    ) throws {
        try db.execute(
            cached: """
                INSERT INTO budget_payments (measure_id, file_number, prefecture, year, measure, amount_fen, paid_on)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (measure_id) DO NOTHING
                """,
            arguments: [measureID, fileNumber, prefecture, year, measure.rawValue, amount.fen, paidOn.description])
    }

    /// The queue of one prefecture's measure, in filing order.
    ///
    /// - Throws: `DatabaseError`.
    public static func waiting(prefecture: String, measure: Measure.Code, in db: Database) throws -> [Waiting] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT queued, measure_id, file_number, prefecture, measure, amount_fen, due_on FROM budget_waiting
                WHERE prefecture = ? AND measure = ? ORDER BY queued
                """,
            arguments: [prefecture, measure.rawValue]
        ).compactMap(waiting(from:))
    }

    /// Every waiting measure, in filing order.
    ///
    /// - Throws: `DatabaseError`.
    public static func allWaiting(in db: Database) throws -> [Waiting] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT queued, measure_id, file_number, prefecture, measure, amount_fen, due_on FROM budget_waiting
                ORDER BY queued
                """
        ).compactMap(waiting(from:))
    }

    private static func waiting(from row: Row) -> Waiting? {
        guard let measure = Measure.Code(rawValue: row["measure"]), let dueOn = LocalDate(row["due_on"] as String)
        else { return nil }
        return Waiting(
            queued: row["queued"], measureID: row["measure_id"], fileNumber: row["file_number"],
            prefecture: row["prefecture"], measure: measure, amount: Yuan(fen: row["amount_fen"]), dueOn: dueOn)
    }

    /// Pays the queue of one prefecture's measure, in filing order, from the money on its lines, after money
    /// arrived on `arrivedOn`: each measure from the first line of its due year or a later one that has the money,
    /// dated the latest of its due date, the day the money arrived and 1 January of the line's year. Stops at the
    /// first measure no line can pay (nobody is paid ahead of an earlier file).
    ///
    /// - Parameters:
    ///   - years: the budget years a line may belong to, in order.
    ///   - isOpen: whether the measure may still be paid (its file open and the measure still granted); one that
    ///     may not is taken out of the queue.
    /// - Returns: the measures paid, with their date.
    /// - Throws: `DatabaseError`.
    static func release(
        prefecture: String, measure: Measure.Code, arrivedOn: LocalDate, years: [Int], in db: Database,
        isOpen: (Waiting) throws -> Bool
    ) throws -> [(waiting: Waiting, paidOn: LocalDate)] {
        var budgets = StoredBudgets(db, years: years)
        var paid: [(Waiting, LocalDate)] = []
        for item in try waiting(prefecture: prefecture, measure: measure, in: db) {
            guard try isOpen(item) else {
                try stopWaiting(measureID: item.measureID, in: db)
                continue
            }
            var paidOn: LocalDate?
            for year in years where year >= item.dueOn.year {
                if try budgets.draw(item.amount, for: measure, prefecture: prefecture, year: year) {
                    paidOn = max(item.dueOn, arrivedOn, LocalDate.startOfYear(year))
                    try pay(
                        measureID: item.measureID, fileNumber: item.fileNumber, prefecture: prefecture, year: year,
                        measure: measure, amount: item.amount, paidOn: paidOn!, in: db)
                    break
                }
            }
            guard let paidOn else { break }
            try stopWaiting(measureID: item.measureID, in: db)
            paid.append((item, paidOn))
        }
        return paid
    }

    /// The budget years of the store: the policy's and any a finance officer appropriated, in order.
    ///
    /// - Throws: `DatabaseError`.
    public static func years(policy: Policy, in db: Database) throws -> [Int] {
        let stored = try Int.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT year FROM budget_lines"))
        return Array(Set(policy.budgetYears).union(stored)).sorted()
    }
}
