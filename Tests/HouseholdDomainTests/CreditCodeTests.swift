import HouseholdDomain
import Testing

@Suite("Unified social credit codes (GB 32100-2015)")
struct CreditCodeTests {
    @Test("Valid codes pass", arguments: ["91350100M000100Y43", "91110000600037341L"])
    func valid(_ code: String) {
        #expect(CreditCode.validate(code) == nil)
    }

    @Test(
        "Invalid codes say why",
        arguments: [
            ("91350100M000100Y44", CreditCode.Failure.wrongCheckCharacter(expected: "3")),
            ("91350100M000100Y4", .wrongLength(17)), ("", .wrongLength(0)),
            ("91350100M000100Y4I", .invalidCharacter), ("91350100m000100Y43", .invalidCharacter),
            ("91350100M000100Y4O", .invalidCharacter),
        ])
    func invalid(_ code: String, _ failure: CreditCode.Failure) {
        #expect(CreditCode.validate(code) == failure)
    }
}
