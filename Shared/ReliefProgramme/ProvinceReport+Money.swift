import HouseholdDomain

/// The report's money: appropriations against payments and waiting measures per prefecture, budget year and measure
/// (policy §5.1, §5.2), and how the tally adds them up.
extension ProvinceReport {
    /// Money appropriated for a measure in a prefecture (or the province) and a budget year, what was paid from it
    /// and what waits (policy §5.1, §5.2): the dashboard's money table.
    ///
    /// `appropriated` is the policy file's opening appropriation plus every appropriation and top-up finance
    /// recorded (`budget.appropriated`); `paid` counts deliveries that paid money, by the year of their delivery
    /// date; `waiting` counts measures granted, paying money and not yet delivered, by the year they fell due.
    public struct BudgetFigures: Sendable, Hashable, Codable {
        /// The prefecture's six-digit code, or `530000` for the province (the sum of its prefectures).
        public var code: String
        /// The budget year.
        public var year: Int
        /// The measure.
        public var measure: Measure.Code
        /// Yuan appropriated: opening, appropriation and top-ups.
        public var appropriated: Yuan
        /// Deliveries that paid money.
        public var payments: Int
        /// Yuan paid.
        public var paid: Yuan
        /// Measures granted and not yet paid.
        public var waiting: Int
        /// Their yuan.
        public var waitingYuan: Yuan
        /// `appropriated − paid` (negative when a later year's money paid more than this year's line holds).
        public var remaining: Yuan

        /// An empty line.
        init(code: String, year: Int, measure: Measure.Code) {
            self.code = code
            self.year = year
            self.measure = measure
            appropriated = .zero
            payments = 0
            paid = .zero
            waiting = 0
            waitingYuan = .zero
            remaining = .zero
        }
    }

    /// Money a paying agency received for one line: the opening appropriation, an appropriation or a top-up
    /// (policy §5.2).
    public struct Appropriation: Sendable, Hashable, Codable {
        /// The prefecture's six-digit code.
        public var prefecture: String
        /// The budget year.
        public var year: Int
        /// The measure.
        public var measure: Measure.Code
        /// Yuan.
        public var amount: Yuan

        /// Creates an appropriation.
        public init(prefecture: String, year: Int, measure: Measure.Code, amount: Yuan) {
            self.prefecture = prefecture
            self.year = year
            self.measure = measure
            self.amount = amount
        }
    }

    /// The policy file's opening appropriations of every paying agency: the lines of each agency's full
    /// ``Ledger`` (the union's mutual-aid fees and Golden Autumn grants, each department's own measures), as the
    /// agencies record them at their first start (policy §5.2).
    ///
    /// - Parameter policy: the policy file.
    /// - Returns: the lines, by prefecture, year and measure.
    public static func openingAppropriations(of policy: Policy) -> [Appropriation] {
        var lines: [Appropriation] = []
        for agency in Agency.allCases where agency != .coordinator {
            let ledger = Ledger(policy: policy, measures: AutomaticDecisions.budgetMeasures(of: agency, policy: policy))
            for (line, amount) in ledger.budgets {
                lines.append(
                    Appropriation(prefecture: line.prefecture, year: line.year, measure: line.measure, amount: amount))
            }
        }
        return lines.sorted {
            ($0.prefecture, $0.year, $0.measure.rawValue) < ($1.prefecture, $1.year, $1.measure.rawValue)
        }
    }
}

extension ProvinceReport.Tally {
    /// A money line: its prefecture, budget year and measure.
    struct BudgetKey: Hashable, Sendable {
        var prefecture: String
        var year: Int
        var measure: Measure.Code
    }

    /// Adds money a paying agency received for a line (policy §5.2).
    public mutating func appropriate(_ appropriation: ProvinceReport.Appropriation) {
        let key = BudgetKey(
            prefecture: appropriation.prefecture, year: appropriation.year, measure: appropriation.measure)
        budgetLines[
            key, default: ProvinceReport.BudgetFigures(code: key.prefecture, year: key.year, measure: key.measure)
        ]
        .appropriated += appropriation.amount
    }

    /// Counts a file's latest decisions that pay money: paid by the year of delivery, waiting (granted, not
    /// yet delivered) by the year they fell due, in the file's prefecture.
    mutating func addMoney(of file: File, decisions: [String: MeasureDecision]) {
        for decision in decisions.values where decision.amount > .zero && decision.paidBy != nil {
            if let delivered = decision.deliveredOn {
                let key = BudgetKey(prefecture: file.prefectureCode, year: delivered.year, measure: decision.code)
                budgetLines[
                    key,
                    default: ProvinceReport.BudgetFigures(code: key.prefecture, year: key.year, measure: key.measure)
                ]
                .payments += 1
                budgetLines[key]?.paid += decision.amount
            } else if decision.status == .granted {
                let key = BudgetKey(
                    prefecture: file.prefectureCode, year: decision.dueOn.year, measure: decision.code)
                budgetLines[
                    key,
                    default: ProvinceReport.BudgetFigures(code: key.prefecture, year: key.year, measure: key.measure)
                ]
                .waiting += 1
                budgetLines[key]?.waitingYuan += decision.amount
            }
        }
    }

    /// The money lines in the report's order, each prefecture's and the province's (their sum).
    var budgets: [ProvinceReport.BudgetFigures] {
        var byPrefecture: [String: [ProvinceReport.BudgetFigures]] = [:]
        var province: [BudgetKey: ProvinceReport.BudgetFigures] = [:]
        for (key, line) in budgetLines
        where line.appropriated != .zero || line.payments > 0 || line.waiting > 0 {
            byPrefecture[key.prefecture, default: []].append(line)
            let total = BudgetKey(prefecture: "530000", year: key.year, measure: key.measure)
            var sum =
                province[total] ?? ProvinceReport.BudgetFigures(code: "530000", year: key.year, measure: key.measure)
            sum.appropriated += line.appropriated
            sum.payments += line.payments
            sum.paid += line.paid
            sum.waiting += line.waiting
            sum.waitingYuan += line.waitingYuan
            province[total] = sum
        }
        let order = Dictionary(
            uniqueKeysWithValues: Measure.Code.allCases.enumerated().map { ($0.element, $0.offset) })
        let areas =
            counties.prefectures.map(\.code).filter { byPrefecture[$0] != nil }
            + byPrefecture.keys.filter { code in !counties.prefectures.contains { $0.code == code } }.sorted()
        let years = Set(province.keys.map(\.year)).sorted()
        return years.flatMap { year in
            let lines =
                areas.flatMap { area in (byPrefecture[area] ?? []).filter { $0.year == year } }
                + province.values.filter { $0.year == year }
            let areaOrder = Dictionary(
                uniqueKeysWithValues: (areas + ["530000"]).enumerated().map { ($0.element, $0.offset) })
            return lines.sorted {
                (areaOrder[$0.code] ?? 0, order[$0.measure] ?? 0) < (
                    areaOrder[$1.code] ?? 0, order[$1.measure] ?? 0
                )
            }.map { line in
                var line = line
                line.remaining = line.appropriated - line.paid
                return line
            }
        }
    }
}
