import GRDB
import HouseholdDomain
import ReliefProgramme

/// An agency's budget lines and public-rental stock kept in its store (policy §4.2.5, §5.2).
///
/// Draws are `UPDATE`s inside the caller's write transaction — the one that applies the upstream event — so a
/// batch that rolls back (or is re-run) never spends twice, and a crash never loses a draw that was published.
public struct StoredBudgets: Budgets {
    /// The connection of the applying transaction.
    private let db: Database
    /// The budget years, in order.
    public let years: [Int]

    /// Budgets read and written through `db`.
    ///
    /// - Parameters:
    ///   - db: a connection inside a write transaction.
    ///   - years: the policy's budget years.
    public init(_ db: Database, years: [Int]) {
        self.db = db
        self.years = years
    }

    /// Adds the tables `budget_lines` and `stock_lines` (migration `agency.budgets.v1`), and the append-only
    /// `budget_acts`, the `budget_waiting` queue and the `budget_payments` record (migration `agency.budgets.v2`,
    /// ``BudgetBook``).
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("agency.budgets.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE budget_lines (
                        prefecture TEXT NOT NULL, year INTEGER NOT NULL, measure TEXT NOT NULL,
                        remaining_fen INTEGER NOT NULL CHECK (remaining_fen >= 0),
                        PRIMARY KEY (prefecture, year, measure)
                    ) WITHOUT ROWID;
                    CREATE TABLE stock_lines (
                        prefecture TEXT NOT NULL, year INTEGER NOT NULL,
                        units INTEGER NOT NULL CHECK (units >= 0),
                        PRIMARY KEY (prefecture, year)
                    ) WITHOUT ROWID;
                    """)
        }
        BudgetBook.registerMigrations(&migrator)
    }

    /// Fills the lines from the policy the first time and records them as the opening appropriation, attributed
    /// to the policy file (``BudgetBook/recordOpening(of:policy:in:)``); later starts keep what was spent. A store
    /// seeded before appropriations were recorded gets its opening acts without its lines being touched.
    ///
    /// - Parameters:
    ///   - ledger: the full lines, e.g. `Ledger(policy:measures:includesUnits:)`.
    ///   - policy: the policy file the figures come from (its name and version are recorded).
    ///   - db: a connection inside a write transaction.
    /// - Throws: `DatabaseError`.
    public static func seed(from ledger: Ledger, policy: Policy, in db: Database) throws {
        let seeded = try Int.fetchOne(
            db, sql: "SELECT (SELECT COUNT(*) FROM budget_lines) + (SELECT COUNT(*) FROM stock_lines)")
        try BudgetBook.recordOpening(of: ledger, policy: policy, in: db)
        guard seeded == 0 else { return }
        for (line, amount) in ledger.budgets {
            try db.execute(
                sql: "INSERT INTO budget_lines (prefecture, year, measure, remaining_fen) VALUES (?, ?, ?, ?)",
                arguments: [line.prefecture, line.year, line.measure.rawValue, amount.fen])
        }
        for (line, units) in ledger.units {
            try db.execute(
                sql: "INSERT INTO stock_lines (prefecture, year, units) VALUES (?, ?, ?)",
                arguments: [line.prefecture, line.year, units])
        }
    }

    /// Draws from one year's line when that much is left.
    public mutating func draw(_ amount: Yuan, for measure: Measure.Code, prefecture: String, year: Int) throws -> Bool {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE budget_lines SET remaining_fen = remaining_fen - ?
                WHERE prefecture = ? AND year = ? AND measure = ? AND remaining_fen >= ?
                """)
        try statement.execute(arguments: [amount.fen, prefecture, year, measure.rawValue, amount.fen])
        return db.changesCount == 1
    }

    /// Takes one unit of one year's stock when one is free.
    public mutating func takeUnit(prefecture: String, year: Int) throws -> Bool {
        let statement = try db.cachedStatement(
            sql: "UPDATE stock_lines SET units = units - 1 WHERE prefecture = ? AND year = ? AND units > 0")
        try statement.execute(arguments: [prefecture, year])
        return db.changesCount == 1
    }

    /// What is left on a line (for reports and tests).
    public func remaining(of measure: Measure.Code, prefecture: String, year: Int) throws -> Yuan? {
        try Int64.fetchOne(
            db, sql: "SELECT remaining_fen FROM budget_lines WHERE prefecture = ? AND year = ? AND measure = ?",
            arguments: [prefecture, year, measure.rawValue]
        ).map(Yuan.init(fen:))
    }
}
