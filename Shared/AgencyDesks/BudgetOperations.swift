import EventFabric
import Foundation
import GRDB
import HouseholdDomain

extension Operation {
    /// Union and departments: the remaining budget per prefecture, year and measure, and housing's public-rental
    /// stock (``BudgetQuery`` → ``BudgetReply``).
    public static let budget = "budget"
    /// Union and departments: a finance officer records an appropriation or a top-up; housing also units added or
    /// released (``BudgetActRequest`` → ``BudgetActReply``). Waiting measures are paid at once, in filing order.
    public static let budgetAct = "budget.act"
}

/// The body of a `budget` request (`jiekun budget show`): which lines, and the business date that separates money
/// spent (paid on or before it) from money committed (drawn for a payment dated after it).
public struct BudgetQuery: Codable, Sendable, Hashable {
    /// A prefecture's six-digit code, or `nil` for every prefecture of the asker's area.
    public var prefecture: String?
    /// A budget year, or `nil` for all.
    public var year: Int?
    /// A measure code, or `nil` for all the agency pays.
    public var measure: String?
    /// The business date; today in China time when `nil`.
    public var on: LocalDate?

    /// Creates a query.
    public init(prefecture: String? = nil, year: Int? = nil, measure: String? = nil, on: LocalDate? = nil) {
        self.prefecture = prefecture
        self.year = year
        self.measure = measure
        self.on = on
    }
}

/// One budget line as `jiekun budget show` gives it, in yuan.
public struct BudgetLineSummary: Codable, Sendable, Hashable {
    /// Prefecture code.
    public var prefecture: String
    /// Budget year.
    public var year: Int
    /// Measure code.
    public var measure: String
    /// The opening appropriation, the year's appropriation and every top-up, summed.
    public var appropriated: Yuan
    /// Drawn for payments dated on or before the business date (`appropriated − committed − remaining`).
    public var spent: Yuan
    /// Drawn for payments dated after the business date.
    public var committed: Yuan
    /// Not drawn.
    public var remaining: Yuan
    /// Measures waiting for money whose due date falls in this year.
    public var waitingCount: Int
    /// Their yuan.
    public var waitingYuan: Yuan
}

/// Housing's public-rental stock of one prefecture and year.
public struct StockLineSummary: Codable, Sendable, Hashable {
    /// Prefecture code.
    public var prefecture: String
    /// Year.
    public var year: Int
    /// Units in the stock: opening, plus added, minus released.
    public var units: Int
    /// Units still free.
    public var free: Int

    /// Creates a stock line.
    public init(prefecture: String, year: Int, units: Int, free: Int) {
        self.prefecture = prefecture
        self.year = year
        self.units = units
        self.free = free
    }
}

/// The reply to `budget`.
public struct BudgetReply: Codable, Sendable, Hashable {
    /// The agency whose budget it is.
    public var agency: Agency
    /// The business date of spent / committed.
    public var on: LocalDate
    /// The lines, by prefecture, year and measure.
    public var lines: [BudgetLineSummary]
    /// Housing's stock lines (empty for other agencies).
    public var stock: [StockLineSummary]
    /// The recorded acts on the lines shown, latest first (at most ``BudgetReply/maximumActs``).
    public var acts: [BudgetBook.Act]
    /// Every measure waiting for money, per prefecture in scope (whatever year it fell due in).
    public var waiting: [WaitingTotal]

    /// The measures of one prefecture waiting for money.
    public struct WaitingTotal: Codable, Sendable, Hashable {
        /// Prefecture code.
        public var prefecture: String
        /// How many.
        public var count: Int
        /// Their yuan.
        public var yuan: Yuan

        /// Creates a total.
        public init(prefecture: String, count: Int, yuan: Yuan) {
            self.prefecture = prefecture
            self.count = count
            self.yuan = yuan
        }
    }

    /// The most acts a reply carries.
    public static let maximumActs = 50
}

/// The body of a `budget.act` request (`jiekun budget top-up|appropriate|units`).
public struct BudgetActRequest: Codable, Sendable, Hashable {
    /// `appropriation`, `top-up`, `units-added` or `units-released` (or a Chinese word, ``BudgetBook/ActKind``).
    public var kind: String
    /// The prefecture's six-digit code.
    public var prefecture: String
    /// The budget year.
    public var year: Int
    /// The measure code of a money act.
    public var measure: String?
    /// Yuan of a money act, e.g. `12000` or `12000.50`.
    public var yuan: String?
    /// Units of a units act.
    public var units: Int?
    /// The business date the money or units arrived; today in China time when `nil`.
    public var on: LocalDate?
    /// The budget document or payment reference (文号), required.
    public var reference: String

    /// Creates a request.
    public init(
        kind: String, prefecture: String, year: Int, measure: String? = nil, yuan: String? = nil, units: Int? = nil,
        on: LocalDate? = nil, reference: String
    ) {
        self.kind = kind
        self.prefecture = prefecture
        self.year = year
        self.measure = measure
        self.yuan = yuan
        self.units = units
        self.on = on
        self.reference = reference
    }
}

/// The reply to `budget.act`.
public struct BudgetActReply: Codable, Sendable, Hashable {
    /// The act recorded.
    public var act: BudgetBook.Act
    /// The measures the money paid at once, in filing order, with the date each was paid.
    public var paid: [Paid]
    /// The line after the act (a money act).
    public var line: BudgetLineSummary?

    /// A waiting measure paid.
    public struct Paid: Codable, Sendable, Hashable {
        /// The measure instance.
        public var measureID: String
        /// Yuan.
        public var amount: Yuan
        /// The payment's date.
        public var paidOn: LocalDate
    }
}

/// The budget operations every paying agency answers the same way (policy §5.2, C.6).
///
/// Who may: `budget.act` the finance role (财务) only; `budget` finance, auditors, and clerks and approvers (they
/// propose and approve money decisions and tell a household why its measure waits; reading a line is not one of the
/// incompatible duties of C.6). Area: a province-wide member any prefecture; a prefecture's member that
/// prefecture's lines; a county's member reads its prefecture's lines and records no act (the budget is the
/// prefecture's).
public enum BudgetOperations {
    /// The roles per operation.
    public static let roles: [String: Set<StaffRole>] = [
        Operation.budget: [.finance, .auditor, .clerk, .approver], Operation.budgetAct: [.finance],
    ]

    /// The six-digit code of the prefecture a staff area lies in, or `nil` for the province.
    static func prefecture(of area: StaffArea) -> String? {
        area.level == .province ? nil : String(area.code.prefix(4)) + "00"
    }

    /// Answers `budget` (read) for an agency paying `measures`.
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    static func answerQuery(
        _ request: ServiceRequest, agency: Agency, measures: Set<Measure.Code>, holdsUnits: Bool, as asker: Asker,
        in db: Database
    ) throws -> ServiceReply {
        guard let query = try? MessageCoding.decode(BudgetQuery.self, from: request.body) else {
            return try .refused(
                because:
                    "the body is not {\"prefecture\", \"year\", \"measure\", \"on\": \"YYYY-MM-DD\"} (all optional)")
        }
        let own = prefecture(of: asker.area)
        if let wanted = query.prefecture, let own, wanted != own {
            asker.outOfArea()
            return try .refused(because: asker.outsideArea("预算 \(wanted) (budget of \(wanted))"))
        }
        var measure: Measure.Code?
        if let word = query.measure {
            guard let code = Measure.Code(rawValue: word), measures.contains(code) else {
                return try .refused(
                    because:
                        "\(agency.rawValue) 不支付 \(word) (pays only \(measures.map(\.rawValue).sorted().joined(separator: ", ")))"
                )
            }
            measure = code
        }
        let on = query.on ?? LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
        let prefecture = query.prefecture ?? own
        let lines = try summaries(prefecture: prefecture, year: query.year, measure: measure, on: on, in: db)
        let stock =
            holdsUnits && measure == nil ? try stockSummaries(prefecture: prefecture, year: query.year, in: db) : []
        let acts = try self.acts(prefecture: prefecture, year: query.year, measure: measure, in: db)
        let waiting = try Row.fetchAll(
            db,
            sql: """
                SELECT prefecture, COUNT(*) AS count, SUM(amount_fen) AS fen FROM budget_waiting
                WHERE (?1 IS NULL OR prefecture = ?1) AND (?2 IS NULL OR measure = ?2)
                GROUP BY prefecture ORDER BY prefecture
                """,
            arguments: [prefecture, measure?.rawValue]
        ).map { BudgetReply.WaitingTotal(prefecture: $0["prefecture"], count: $0["count"], yuan: Yuan(fen: $0["fen"])) }
        return .ok(
            try MessageCoding.encode(
                BudgetReply(agency: agency, on: on, lines: lines, stock: stock, acts: acts, waiting: waiting)))
    }

    /// Decodes and checks a `budget.act` request: the act's kind, the prefecture (in the asker's area), the
    /// measure (one the agency pays) and the amount.
    ///
    /// - Returns: the act recorded, or the refusal's text.
    /// - Throws: `DatabaseError`.
    static func recordAct(
        _ request: ServiceRequest, agency: Agency, policy: Policy, measures: Set<Measure.Code>, holdsUnits: Bool,
        as asker: Asker, in db: Database
    ) throws -> Result<BudgetBook.Act, DeskRefusal> {
        guard let body = try? MessageCoding.decode(BudgetActRequest.self, from: request.body) else {
            return .failure(
                DeskRefusal(
                    code: "budget.body",
                    description:
                        "the body is not {\"kind\", \"prefecture\", \"year\", \"measure\", \"yuan\", \"units\", \"on\", \"reference\"}"
                ))
        }
        guard let kind = BudgetBook.ActKind(word: body.kind), kind != .opening else {
            return .failure(
                DeskRefusal(
                    code: "budget.kind",
                    description:
                        "不是可记录的预算事项 (not an act staff record): \(body.kind); use appropriate, top-up, add or release"))
        }
        guard policy.prefectures[body.prefecture] != nil else {
            return .failure(
                DeskRefusal(code: "budget.prefecture", description: "\(body.prefecture) 不是州市代码 (not a prefecture code)")
            )
        }
        if asker.area.level == .county || prefecture(of: asker.area).map({ $0 != body.prefecture }) == true {
            asker.outOfArea()
            return .failure(
                DeskRefusal(
                    code: AuditLog.outsideAreaCode,
                    description: asker.outsideArea("预算 \(body.prefecture) (budget of \(body.prefecture))")))
        }
        let on = body.on ?? LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
        do {
            switch kind {
            case .unitsAdded, .unitsReleased:
                guard holdsUnits else {
                    throw DeskRefusal(
                        code: "budget.units.agency",
                        description: "\(agency.rawValue) 没有公租房房源 (holds no public-rental units)")
                }
                guard let units = body.units else {
                    throw DeskRefusal(code: "budget.units", description: "give --units")
                }
                return .success(
                    try BudgetBook.recordUnits(
                        kind, prefecture: body.prefecture, year: body.year, units: units, staffID: asker.staffID,
                        reference: body.reference, on: on, in: db))
            default:
                guard let word = body.measure, let measure = Measure.Code(rawValue: word), measures.contains(measure)
                else {
                    throw DeskRefusal(
                        code: "budget.measure",
                        description:
                            "\(agency.rawValue) 不支付 \(body.measure ?? "(none)") (pays only \(measures.map(\.rawValue).sorted().joined(separator: ", ")))"
                    )
                }
                guard let text = body.yuan, let amount = Yuan(text) else {
                    throw DeskRefusal(
                        code: "budget.yuan", description: "--yuan 不是金额 (not an amount in yuan): \(body.yuan ?? "")")
                }
                return .success(
                    try BudgetBook.recordMoney(
                        kind, prefecture: body.prefecture, year: body.year, measure: measure, amount: amount,
                        staffID: asker.staffID, reference: body.reference, on: on, in: db))
            }
        } catch let refusal as DeskRefusal {
            return .failure(refusal)
        }
    }

    /// The reply to a recorded act.
    static func reply(to act: BudgetBook.Act, paid: [(BudgetBook.Waiting, LocalDate)], in db: Database) throws
        -> ServiceReply
    {
        let line = try act.measure.flatMap {
            try summaries(prefecture: act.prefecture, year: act.year, measure: $0, on: act.businessDate, in: db).first
        }
        return .ok(
            try MessageCoding.encode(
                BudgetActReply(
                    act: act,
                    paid: paid.map { .init(measureID: $0.0.measureID, amount: $0.0.amount, paidOn: $0.1) }, line: line))
        )
    }

    /// The lines, with what was drawn and what waits.
    ///
    /// - Throws: `DatabaseError`.
    public static func summaries(
        prefecture: String?, year: Int?, measure: Measure.Code?, on: LocalDate, in db: Database
    ) throws -> [BudgetLineSummary] {
        var filters: [String] = []
        var arguments: StatementArguments = [on.description]
        if let prefecture {
            filters.append("l.prefecture = ?")
            arguments += [prefecture]
        }
        if let year {
            filters.append("l.year = ?")
            arguments += [year]
        }
        if let measure {
            filters.append("l.measure = ?")
            arguments += [measure.rawValue]
        }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT l.prefecture, l.year, l.measure, l.remaining_fen,
                    (SELECT COALESCE(SUM(amount_fen), 0) FROM budget_acts a
                        WHERE a.prefecture = l.prefecture AND a.year = l.year AND a.measure = l.measure) AS appropriated,
                    (SELECT COALESCE(SUM(amount_fen), 0) FROM budget_payments p
                        WHERE p.prefecture = l.prefecture AND p.year = l.year AND p.measure = l.measure
                        AND p.paid_on > ?1) AS committed,
                    (SELECT COUNT(*) FROM budget_waiting w
                        WHERE w.prefecture = l.prefecture AND w.measure = l.measure
                        AND substr(w.due_on, 1, 4) = CAST(l.year AS TEXT)) AS waiting_count,
                    (SELECT COALESCE(SUM(amount_fen), 0) FROM budget_waiting w
                        WHERE w.prefecture = l.prefecture AND w.measure = l.measure
                        AND substr(w.due_on, 1, 4) = CAST(l.year AS TEXT)) AS waiting_fen
                FROM budget_lines l
                \(filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND "))
                ORDER BY l.prefecture, l.year, l.measure
                """,
            arguments: arguments)
        return rows.map { row in
            let appropriated = Yuan(fen: row["appropriated"])
            let remaining = Yuan(fen: row["remaining_fen"])
            let committed = Yuan(fen: row["committed"])
            return BudgetLineSummary(
                prefecture: row["prefecture"], year: row["year"], measure: row["measure"], appropriated: appropriated,
                spent: appropriated - committed - remaining, committed: committed, remaining: remaining,
                waitingCount: row["waiting_count"], waitingYuan: Yuan(fen: row["waiting_fen"]))
        }
    }

    /// Housing's stock lines.
    static func stockSummaries(prefecture: String?, year: Int?, in db: Database) throws -> [StockLineSummary] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT s.prefecture, s.year, s.units AS free,
                    (SELECT COALESCE(SUM(units), 0) FROM budget_acts a
                        WHERE a.prefecture = s.prefecture AND a.year = s.year AND a.measure IS NULL) AS units
                FROM stock_lines s WHERE (?1 IS NULL OR s.prefecture = ?1) AND (?2 IS NULL OR s.year = ?2)
                ORDER BY s.prefecture, s.year
                """,
            arguments: [prefecture, year]
        ).map { StockLineSummary(prefecture: $0["prefecture"], year: $0["year"], units: $0["units"], free: $0["free"]) }
    }

    /// The acts on the lines, latest first.
    static func acts(prefecture: String?, year: Int?, measure: Measure.Code?, in db: Database) throws
        -> [BudgetBook.Act]
    {
        try Row.fetchAll(
            db,
            sql: """
                SELECT * FROM budget_acts WHERE (?1 IS NULL OR prefecture = ?1) AND (?2 IS NULL OR year = ?2)
                    AND (?3 IS NULL OR measure = ?3) AND kind != 'opening'
                ORDER BY act DESC LIMIT \(BudgetReply.maximumActs)
                """,
            arguments: [prefecture, year, measure?.rawValue]
        ).compactMap { row in
            guard let kind = BudgetBook.ActKind(rawValue: row["kind"]),
                let businessDate = LocalDate(row["business_date"] as String)
            else { return nil }
            return BudgetBook.Act(
                number: row["act"], kind: kind, prefecture: row["prefecture"], year: row["year"],
                measure: (row["measure"] as String?).flatMap(Measure.Code.init(rawValue:)),
                amount: (row["amount_fen"] as Int64?).map(Yuan.init(fen:)), units: row["units"],
                staffID: row["staff_id"], source: row["source"], reference: row["reference"],
                recordedAt: row["recorded_at"], businessDate: businessDate)
        }
    }
}
