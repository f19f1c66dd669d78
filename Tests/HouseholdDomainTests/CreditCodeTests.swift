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

    /// Published codes checked by hand. Values: digits as themselves, letters A=10 … H=17, J=18 … N=22, P=23, Q=24,
    /// R=25, T=26, U=27, W=28, X=29, Y=30; weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; check = (31 − sum
    /// mod 31) mod 31.
    /// - Huawei Technologies, 914403001922038216: 9·1 + 1·3 + 4·9 + 4·27 + 0·19 + 3·26 + 0·16 + 0·17 + 1·20 + 9·29
    ///   + 2·25 + 2·13 + 0·8 + 3·24 + 8·10 + 2·30 + 1·28 = 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831;
    ///   831 = 26·31 + 25; 31 − 25 = 6.
    /// - Shenzhen Tencent Computer Systems, 91440300708461136T: 9+3+36+108+0+78+0+0+7·20 + 0 + 8·25 + 4·13 + 6·8
    ///   + 1·24 + 1·10 + 3·30 + 6·28 = 9+3+36+108+78+140+200+52+48+24+10+90+168 = 966; 966 = 31·31 + 5; 31 − 5 = 26 = T.
    @Test("The check character by hand: Huawei's code ends in 6, Tencent's in T")
    func byHand() {
        #expect(CreditCode.checkCharacter(for: "91440300192203821") == "6")
        #expect(CreditCode.checkCharacter(for: "91440300708461136") == "T")
        #expect(CreditCode.validate("914403001922038216") == nil)
        #expect(CreditCode.validate("91440300708461136T") == nil)
        #expect(CreditCode.validate("914403001922038217") == .wrongCheckCharacter(expected: "6"))
        #expect(CreditCode.checkCharacter(for: "9144030019220382") == nil, "16 characters")
        #expect(CreditCode.checkCharacter(for: "9144030019220382I") == nil, "I is not in the alphabet")
    }
}
