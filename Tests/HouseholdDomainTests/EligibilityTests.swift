import HouseholdDomain
import Testing

/// Policy §3 with S = 496 and a household of two: S × 2 = 992.00, k2 × S × 2 = 1488.00, 3 × S × 2 = 2976.00.
@Suite("Eligibility (policy §3)")
struct EligibilityTests {
    typealias B = HouseholdBuilder

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let income: String
        let expense: String
        let cause: Household.Cause
        let health: Household.Member.Health
        let expected: Int?
        var testDescription: String { name }

        init(
            _ name: String, income: String, expense: String = "0", cause: Household.Cause = .unableToWork,
            health: Household.Member.Health = .healthy, expected: Int?
        ) {
            self.name = name
            self.income = income
            self.expense = expense
            self.cause = cause
            self.health = health
            self.expected = expected
        }
    }

    static let cases: [Case] = [
        // §3.1: income < S × size, exactly (991.99 ÷ 2 displays as 496.00 yet is below S).
        Case("§3.1 one fen below S×2", income: "991.99", expected: 1),
        Case("§3.1 zero income", income: "0", expected: 1),
        Case("§3.1 exactly S×2 is not category 1; no cause → not eligible", income: "992", expense: "0", expected: nil),
        // §3.2: S ≤ pc ≤ 1.5 S, a category-2 cause (ill member), adjusted (income − expense) ≤ S × 2.
        Case("§3.2 exactly S×2, ill member, adjusted 992 ≤ 992", income: "992", health: .ill, expected: 2),
        Case(
            "§3.2 exactly 1.5·S×2, adjusted 1488 − 496 = 992", income: "1488", expense: "496", health: .ill, expected: 2
        ),
        Case("§3.2 adjusted one fen above", income: "1488", expense: "495.99", health: .ill, expected: nil),
        Case(
            "§3.2 one fen above 1.5·S×2; ill is no category-3 cause", income: "1488.01", expense: "1000", health: .ill,
            expected: nil),
        Case("§3.2 disabled member", income: "1200", expense: "300", health: .disabled, expected: 2),
        Case("§3.2 cause 下岗失业", income: "1200", expense: "300", cause: .laidOff, expected: 2),
        Case("§3.2 cause 化解过剩产能", income: "1200", expense: "300", cause: .overcapacityReduction, expected: 2),
        Case("§3.2 cause 子女上学", income: "1200", expense: "300", cause: .childAtSchool, expected: 2),
        Case("§3.2 no category-2 cause (无劳动能力)", income: "1200", expense: "300", expected: nil),
        // §3.3: pc ≤ 3 S, a category-3 cause, adjusted.
        Case("§3.3 exactly 3·S×2, 患重特大疾病", income: "2976", expense: "1984", cause: .majorIllness, expected: 3),
        Case("§3.3 one fen above 3·S×2", income: "2976.01", expense: "2976.01", cause: .majorIllness, expected: nil),
        Case("§3.3 adjusted one fen above", income: "2976", expense: "1983.99", cause: .accident, expected: nil),
        Case("§3.3 遭受自然灾害", income: "2000", expense: "1500", cause: .naturalDisaster, expected: 3),
        Case("§3.3 member 重大疾病", income: "2000", expense: "1500", health: .majorIllness, expected: 3),
        Case("§3.2 and §3.3 both met → the lower number", income: "1400", expense: "500", cause: .other, expected: 2),
        Case("§3.3 其他 above 1.5·S", income: "1500", expense: "600", cause: .other, expected: 3),
        Case(
            "expenses above income pass the adjusted test", income: "1400", expense: "5000", cause: .other, expected: 2),
    ]

    @Test("categories at every boundary", arguments: cases)
    func category(_ testCase: Case) {
        var household = B.household(income: testCase.income, expense: testCase.expense, primaryCause: testCase.cause)
        household.members[1].health = testCase.health
        let decision = Eligibility.decide(household, standard: B.standard, parameters: B.eligibility)
        #expect(decision.category?.rawValue == testCase.expected, "\(decision.reasons)")
    }

    @Test("§3.4: a migrant already registered as rural poverty household is excluded whatever the income")
    func ruralPovertyExclusion() {
        var household = B.household(income: "0")
        household.isMigrantWorker = true
        household.isRuralPovertyRegistered = true
        let excluded = Eligibility.decide(household, standard: B.standard, parameters: B.eligibility)
        #expect(excluded.category == nil)
        #expect(excluded.reasons.count == 1 && excluded.reasons[0].hasPrefix("§3.4"))
        household.isRuralPovertyRegistered = false
        #expect(Eligibility.decide(household, standard: B.standard, parameters: B.eligibility).category == .one)
        household.isMigrantWorker = false
        household.isRuralPovertyRegistered = true
        #expect(Eligibility.decide(household, standard: B.standard, parameters: B.eligibility).category == .one)
    }

    @Test("single parent and a child at school are category-2 causes (§3.2)")
    func otherCategoryTwoCauses() {
        var household = B.household(income: "1200", expense: "300")
        #expect(Eligibility.decide(household, standard: B.standard, parameters: B.eligibility).category == nil)
        household.isSingleParent = true
        #expect(Eligibility.decide(household, standard: B.standard, parameters: B.eligibility).category == .two)
        household.isSingleParent = false
        household.members.append(
            B.member(3, .child, born: "2006-01-01", sex: .female, work: .student, school: .primary))
        // Three members: S × 3 = 1488, income 1200 is category 1 now; raise it into the category-2 band.
        household.monthlyIncome = Yuan("1600")!
        household.monthlySpecialExpense = Yuan("112")!
        #expect(Eligibility.decide(household, standard: B.standard, parameters: B.eligibility).category == .two)
    }

    @Test("the policy switches: adjusted test off, k2 = 2")
    func parameters() {
        let household = B.household(income: "1900", expense: "0", primaryCause: .laidOff)
        #expect(Eligibility.decide(household, standard: B.standard, parameters: B.eligibility).category == nil)
        var loose = B.eligibility
        loose.expenseAdjustedTest = false
        // 1900 > 1488 (1.5 × 992) but ≤ 1984 (2 × 992).
        #expect(Eligibility.decide(household, standard: B.standard, parameters: loose).category == nil)
        loose.category2UpperMultiple = Multiple("2")!
        #expect(Eligibility.decide(household, standard: B.standard, parameters: loose).category == .two)
    }

    @Test("reasons show the numbers of each test")
    func reasonsShowNumbers() {
        var household = B.household(income: "1900", expense: "1000", primaryCause: .majorIllness)
        household.members[0].health = .majorIllness
        let decision = Eligibility.decide(household, standard: B.standard, parameters: B.eligibility)
        #expect(decision.category == .three)
        #expect(
            decision.reasons == [
                "§3.1 category 1: per-capita income 950.00 is not below S 496.00 (income 1900.00 ≥ S × 2 = 992.00) — failed",
                "§3.2 category 2: income 1900.00 > 1.5 × S × 2 = 1488.00; cause: a member 重大疾病; "
                    + "expense-adjusted (1900.00 − 1000.00) ÷ 2 = 450.00 ≤ S 496.00 — failed",
                "§3.3 category 3: income 1900.00 ≤ 3 × S × 2 = 2976.00; cause: 患重特大疾病, a member 重大疾病; "
                    + "expense-adjusted (1900.00 − 1000.00) ÷ 2 = 450.00 ≤ S 496.00 — passed",
            ])
    }
}
