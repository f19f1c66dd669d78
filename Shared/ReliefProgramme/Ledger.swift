import HouseholdDomain

/// What an agency can still spend and allocate: the budget lines and public-rental stock that ``AutomaticDecisions``
/// draws on (policy §4.2.5, §5.2).
///
/// ``Ledger`` keeps them in memory (the sequential ``ProgrammeRun``); a service keeps them in its store, drawing
/// inside the transaction that applies an event, so that a rolled-back or re-run batch never spends twice.
public protocol Budgets {
    /// The budget years, in order.
    var years: [Int] { get }

    /// Draws `amount` from one year's budget line, when that much is left.
    ///
    /// - Returns: whether the money was there (and is now spent).
    /// - Throws: what the store throws.
    mutating func draw(_ amount: Yuan, for measure: Measure.Code, prefecture: String, year: Int) throws -> Bool

    /// Takes one public-rental unit of one year's stock, when one is free.
    ///
    /// - Returns: whether a unit was free (and is now taken).
    /// - Throws: what the store throws.
    mutating func takeUnit(prefecture: String, year: Int) throws -> Bool
}

extension Budgets {
    /// Draws `amount` for a measure due on `dueOn`: from the due year's budget, else the first later budget year
    /// with enough money left.
    ///
    /// - Parameters:
    ///   - amount: yuan to pay.
    ///   - measure: the budget line's measure.
    ///   - prefecture: the household's prefecture.
    ///   - dueOn: filing date + processing days.
    /// - Returns: the delivery date (`dueOn`, or 1 January of the later year drawn on), or `nil` when no budget
    ///   year has the money: the measure keeps waiting.
    /// - Throws: what the store throws.
    /// - Source: policy §5.2; services issue ("waits in filing order for the next year's").
    public mutating func draw(_ amount: Yuan, for measure: Measure.Code, prefecture: String, dueOn: LocalDate) throws
        -> LocalDate?
    {
        for year in years where year >= dueOn.year {
            if try draw(amount, for: measure, prefecture: prefecture, year: year) {
                return max(dueOn, LocalDate.startOfYear(year))
            }
        }
        return nil
    }
}

/// What one agency can still spend, in memory: per prefecture and year, the budget of each measure that pays money
/// and the public-rental units (policy §4.2.5, §5.2).
///
/// Draws are made in the order households are decided — filing order, since the union registers files in filing
/// order — so a measure whose year's budget is spent "waits in filing order for the next year's": it draws on the
/// first later year that still has money and is delivered on 1 January of that year at the earliest.
public struct Ledger: Budgets, Sendable, Hashable, Codable {
    /// A budget line: one measure's money in one prefecture and year.
    public struct BudgetLine: Sendable, Hashable, Codable {
        /// Prefecture code.
        public var prefecture: String
        /// Budget year.
        public var year: Int
        /// The measure.
        public var measure: Measure.Code
    }

    /// A stock line: the public-rental units of one prefecture and year.
    public struct StockLine: Sendable, Hashable, Codable {
        /// Prefecture code.
        public var prefecture: String
        /// Year.
        public var year: Int
    }

    /// Remaining money per line, yuan.
    public private(set) var budgets: [BudgetLine: Yuan]
    /// Remaining units per line.
    public private(set) var units: [StockLine: Int]
    /// The budget years, in order: the policy's and any year money was added for.
    public private(set) var years: [Int]

    /// A full ledger for the given measures, from the policy's budgets and stock.
    ///
    /// - Parameters:
    ///   - policy: the policy whose budget years, budgets and units fill the ledger.
    ///   - measures: the measures whose budgets this agency holds (e.g. the union holds `medical.mutual-aid` and
    ///     `education.golden-autumn`, which it pays for the lead departments).
    ///   - includesUnits: whether the agency holds the public-rental stock (housing).
    public init(policy: Policy, measures: Set<Measure.Code>, includesUnits: Bool = false) {
        var budgets: [BudgetLine: Yuan] = [:]
        var units: [StockLine: Int] = [:]
        for (prefecture, parameters) in policy.prefectures {
            for (year, yearParameters) in parameters.years {
                guard let stock = yearParameters.publicRentalUnits else { continue }
                if includesUnits { units[StockLine(prefecture: prefecture, year: year)] = stock }
                for (measure, amount) in yearParameters.budgets where measures.contains(measure) {
                    budgets[BudgetLine(prefecture: prefecture, year: year, measure: measure)] = amount
                }
            }
        }
        self.budgets = budgets
        self.units = units
        self.years = policy.budgetYears
    }

    /// Takes one public-rental unit of one year's stock.
    ///
    /// - Returns: whether a unit was free.
    public mutating func takeUnit(prefecture: String, year: Int) -> Bool {
        let line = StockLine(prefecture: prefecture, year: year)
        guard let free = units[line], free > 0 else { return false }
        units[line] = free - 1
        return true
    }

    /// Adds money that arrived for a line (an appropriation or a top-up, policy §5.2), creating the line.
    ///
    /// - Parameters:
    ///   - amount: yuan added.
    ///   - measure: the line's measure.
    ///   - prefecture: the line's prefecture.
    ///   - year: the line's budget year.
    public mutating func add(_ amount: Yuan, for measure: Measure.Code, prefecture: String, year: Int) {
        budgets[BudgetLine(prefecture: prefecture, year: year, measure: measure), default: .zero] += amount
        if !years.contains(year) { years = (years + [year]).sorted() }
    }

    /// Draws `amount` from one year's budget only.
    ///
    /// - Returns: whether the money was there.
    public mutating func draw(_ amount: Yuan, for measure: Measure.Code, prefecture: String, year: Int) -> Bool {
        let line = BudgetLine(prefecture: prefecture, year: year, measure: measure)
        guard let remaining = budgets[line], remaining >= amount else { return false }
        budgets[line] = remaining - amount
        return true
    }
}
