/// Who is eligible (policy §3 and Part B): category 1, 2 or 3, or not eligible, with reasons that show the numbers.
///
/// Comparisons are exact: the household's monthly income is compared with `S × size` (and the multiples of it),
/// never a rounded per-capita amount (policy Part B, "Persons and household facts").
public enum Eligibility {
    /// The hardship category of an eligible household (policy §3.1–§3.3).
    public enum Category: Int, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
        /// §3.1: `pc < S`.
        case one = 1
        /// §3.2: `S ≤ pc ≤ k2·S` with a category-2 cause and the expense-adjusted test.
        case two = 2
        /// §3.3: `pc ≤ 3·S` with a category-3 cause and the expense-adjusted test.
        case three = 3

        public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rawValue < rhs.rawValue }
        public var description: String { "category \(rawValue)" }
    }

    /// The outcome of the §3 tests for one household.
    public struct Decision: Sendable, Hashable {
        /// The category, or `nil` when the household is not eligible.
        public var category: Category?
        /// One line per test, in the order applied, each saying the numbers and `passed`/`failed`.
        public var reasons: [String]
    }

    /// Applies policy §3 to a household.
    ///
    /// Rule order: a household that meets several categories takes the lowest number; one that meets none is not
    /// eligible and the reasons say which condition failed. A migrant worker already registered as a rural
    /// poverty household is not eligible whatever the income (§3.4).
    /// - Parameters:
    ///   - household: a validated household (at least one member).
    ///   - standard: `S`, yuan per person per month, of the household's prefecture for the year of its filing date.
    ///   - parameters: `k2`, the category-3 multiple and the expense-adjusted switch.
    /// - Returns: the category (or none) with its reasons.
    /// - Source: policy §3.1–§3.4, Part B "Persons and household facts".
    public static func decide(
        _ household: Household, standard: Yuan, parameters: Policy.EligibilityParameters
    ) -> Decision {
        let size = household.size
        let income = household.monthlyIncome
        let floor = standard * size  // S × size
        let perCapita = income.divided(by: size)
        var reasons: [String] = []

        if household.isMigrantWorker && household.isRuralPovertyRegistered {
            reasons.append(
                "§3.4: a migrant worker already registered as a rural poverty household is not eligible — failed")
            return Decision(category: nil, reasons: reasons)
        }

        // §3.1 Category 1: pc < S, i.e. income < S × size.
        if income < floor {
            reasons.append(
                "§3.1 category 1: per-capita income \(perCapita) < S \(standard) "
                    + "(income \(income) < S × \(size) = \(floor)) — passed")
            return Decision(category: .one, reasons: reasons)
        }
        reasons.append(
            "§3.1 category 1: per-capita income \(perCapita) is not below S \(standard) "
                + "(income \(income) ≥ S × \(size) = \(floor)) — failed")

        let adjusted = expenseAdjustedTest(household, floor: floor, standard: standard, parameters: parameters)

        // §3.2 Category 2: S ≤ pc ≤ k2·S, a category-2 cause, and the expense-adjusted test.
        let k2 = parameters.category2UpperMultiple
        let k2Ceiling = k2.times(floor)
        let inRange2 = k2.bounds(income, atMostTimes: floor)
        let causes2 = categoryTwoCauses(of: household)
        var parts2 = [
            inRange2
                ? "income \(income) ≤ \(k2) × S × \(size) = \(k2Ceiling)"
                : "income \(income) > \(k2) × S × \(size) = \(k2Ceiling)",
            causes2.isEmpty ? "no category-2 cause" : "cause: \(causes2.joined(separator: ", "))",
        ]
        if let adjusted { parts2.append(adjusted.text) }
        let passed2 = inRange2 && !causes2.isEmpty && (adjusted?.passed ?? true)
        reasons.append("§3.2 category 2: \(parts2.joined(separator: "; ")) — \(passed2 ? "passed" : "failed")")
        if passed2 { return Decision(category: .two, reasons: reasons) }

        // §3.3 Category 3: pc ≤ 3·S, a category-3 cause, and the expense-adjusted test.
        let k3 = parameters.category3UpperMultiple
        let k3Ceiling = k3.times(floor)
        let inRange3 = k3.bounds(income, atMostTimes: floor)
        let causes3 = categoryThreeCauses(of: household)
        var parts3 = [
            inRange3
                ? "income \(income) ≤ \(k3) × S × \(size) = \(k3Ceiling)"
                : "income \(income) > \(k3) × S × \(size) = \(k3Ceiling)",
            causes3.isEmpty ? "no category-3 cause" : "cause: \(causes3.joined(separator: ", "))",
        ]
        if let adjusted { parts3.append(adjusted.text) }
        let passed3 = inRange3 && !causes3.isEmpty && (adjusted?.passed ?? true)
        reasons.append("§3.3 category 3: \(parts3.joined(separator: "; ")) — \(passed3 ? "passed" : "failed")")
        return Decision(category: passed3 ? .three : nil, reasons: reasons)
    }

    /// `(income − special expenses) ÷ size ≤ S`, compared exactly as `income − expenses ≤ S × size`; `nil` when the
    /// policy switches the test off.
    private static func expenseAdjustedTest(
        _ household: Household, floor: Yuan, standard: Yuan, parameters: Policy.EligibilityParameters
    ) -> (passed: Bool, text: String)? {
        guard parameters.expenseAdjustedTest else { return nil }
        let remaining = household.monthlyIncome - household.monthlySpecialExpense
        let passed = remaining <= floor
        let perCapita = remaining.divided(by: household.size)
        return (
            passed,
            "expense-adjusted (\(household.monthlyIncome) − \(household.monthlySpecialExpense)) ÷ \(household.size) "
                + "= \(perCapita) \(passed ? "≤" : ">") S \(standard)"
        )
    }

    /// The category-2 causes a household has (policy §3.2, Part B): an ill, seriously ill or disabled member; a
    /// child at school or the cause 子女上学; a single-parent household; the cause 下岗失业, 化解过剩产能 or 其他.
    public static func categoryTwoCauses(of household: Household) -> [String] {
        var found: [String] = []
        for health in [Household.Member.Health.ill, .majorIllness, .disabled]
        where household.members.contains(where: { $0.health == health }) {
            found.append("a member \(health.rawValue)")
        }
        if household.members.contains(where: { $0.schoolLevel != .none }) { found.append("a child at school") }
        if household.isSingleParent { found.append("single parent") }
        for cause in [Household.Cause.childAtSchool, .laidOff, .overcapacityReduction, .other]
        where household.causes.contains(cause) {
            found.append(cause.rawValue)
        }
        return found
    }

    /// The category-3 causes a household has (policy §3.3, Part B): the cause 遭受自然灾害, 遭受意外事故,
    /// 患重特大疾病 or 其他, or a member with a major illness (重大疾病).
    public static func categoryThreeCauses(of household: Household) -> [String] {
        var found: [String] = []
        for cause in [Household.Cause.naturalDisaster, .accident, .majorIllness, .other]
        where household.causes.contains(cause) {
            found.append(cause.rawValue)
        }
        if household.members.contains(where: { $0.health == .majorIllness }) { found.append("a member 重大疾病") }
        return found
    }
}
