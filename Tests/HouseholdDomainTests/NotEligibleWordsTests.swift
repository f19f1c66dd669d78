import HouseholdDomain
import Testing

private typealias B = HouseholdBuilder

/// Why a household is not eligible, in words for the clerk (`jiekun import`'s results): Chinese first, then the
/// tests with their numbers, read off ``Eligibility/decide(_:standard:parameters:)``'s own reasons.
@Suite("Not eligible, in words")
struct NotEligibleWordsTests {
    @Test("every failed test named: income above each ceiling, no cause, the expense-adjusted test (S = 496)")
    func everyTestFailed() {
        // Two people, 3,000 yuan, cause 无劳动能力 (neither a category-2 nor a category-3 cause), no expenses:
        // per capita 1,500.00 ≥ 496; 3,000 > 1.5 × 992 = 1,488 and > 3 × 992 = 2,976; (3,000 − 0) ÷ 2 > 496.
        let household = B.household(income: "3000")
        let decision = Eligibility.decide(household, standard: B.standard, parameters: B.eligibility)
        #expect(decision.category == nil)
        #expect(
            Eligibility.notEligibleInWords(decision.reasons)
                == "人均月收入 1500.00 元不低于低保标准 496.00 元；家庭月收入超过第二类上限；无第二类致困原因；"
                + "扣除刚性支出后人均收入仍高于低保标准；家庭月收入超过第三类上限；无第三类致困原因 ("
                + decision.reasons.joined(separator: "; ") + ")")
    }

    @Test("within the category-3 ceiling but without a cause: only the cause is named")
    func onlyTheCause() {
        // 1,500 ≤ 2,976 and (1,500 − 0) ÷ 2 = 750 > 496: the expense-adjusted test fails too.
        let decision = Eligibility.decide(B.household(income: "1500"), standard: B.standard, parameters: B.eligibility)
        let words = Eligibility.notEligibleInWords(decision.reasons)
        #expect(words.hasPrefix("人均月收入 750.00 元不低于低保标准 496.00 元；家庭月收入超过第二类上限；无第二类致困原因；"))
        #expect(!words.contains("超过第三类上限"), "\(words)")
        #expect(words.contains("无第三类致困原因"))
    }

    @Test("§3.4 in words; a reason it does not know stays in English")
    func otherReasons() {
        var household = B.household(income: "0")
        household.isMigrantWorker = true
        household.isRuralPovertyRegistered = true
        let decision = Eligibility.decide(household, standard: B.standard, parameters: B.eligibility)
        #expect(
            Eligibility.notEligibleInWords(decision.reasons)
                == "农民工已登记为农村扶贫对象，不纳入困难职工 (\(decision.reasons[0]))")
        #expect(Eligibility.notEligibleInWords(["§9.9 something else — failed"]) == "§9.9 something else — failed")
    }
}
