import HouseholdDomain
import Testing

@Suite("Yuan: exact money in fen (policy Part B: comparisons are exact)")
struct YuanTests {
    @Test(
        "Amounts parse to fen",
        arguments: [("1200", 120_000), ("1200.5", 120_050), ("1200.00", 120_000), ("0", 0), ("0.01", 1), ("007", 700)]
            as [(String, Int64)])
    func parses(_ text: String, _ fen: Int64) {
        #expect(Yuan(text) == Yuan(fen: fen))
    }

    @Test(
        "Invalid amounts say why (formats: yuan, ≥ 0, at most 2 decimals)",
        arguments: [
            ("12.345", Yuan.ParseFailure.tooManyDecimals), ("-1", .negative), ("-0.5", .negative),
            ("abc", .notANumber), ("", .notANumber), ("1.", .notANumber), (".5", .notANumber), ("1,200", .notANumber),
            ("+1", .notANumber), ("1.2.3", .notANumber), ("1e3", .notANumber), (" 1", .notANumber),
            ("1234567890123456", .tooLarge), ("-x", .notANumber),
        ])
    func failures(_ text: String, _ failure: Yuan.ParseFailure) {
        #expect(Yuan.parse(text) == .failure(failure))
    }

    @Test(
        "Text form has two decimals",
        arguments: [(120_000, "1200.00"), (5, "0.05"), (-50, "-0.50"), (123_456, "1234.56")] as [(Int64, String)])
    func description(_ fen: Int64, _ text: String) {
        #expect(Yuan(fen: fen).description == text)
    }

    @Test(
        "divided(by:) rounds half away from zero to the fen (display only)",
        arguments: [
            (120_000, 3, 40_000), (100_000, 3, 33_333), (20_000, 3, 6_667), (1, 2, 1), (3, 2, 2), (5, 4, 1),
            (7, 4, 2), (-1, 2, -1), (-5, 4, -1), (-7, 4, -2), (0, 5, 0),
        ] as [(Int64, Int, Int64)])
    func divided(_ fen: Int64, _ divisor: Int, _ expected: Int64) {
        #expect(Yuan(fen: fen).divided(by: divisor) == Yuan(fen: expected))
    }

    @Test("Arithmetic is exact")
    func arithmetic() {
        #expect(Yuan(yuan: 496) * 3 == Yuan(fen: 148_800))
        #expect(Yuan("0.10")! + Yuan("0.20")! == Yuan("0.30")!)
        #expect(Yuan(yuan: 1) - Yuan("0.01")! == Yuan("0.99")!)
        #expect(Yuan("1199.99")! < Yuan(yuan: 1200))
    }
}

@Suite("Import issues")
struct ImportIssueTests {
    @Test("a huge value is cut in the issue, saying how long it was")
    func hugeValueIsCut() {
        let issue = ImportIssue(
            code: "x", row: 2, column: "家庭月总收入", value: String(repeating: "9", count: 5_000), message: "bad")
        #expect(issue.value == String(repeating: "9", count: 100) + "…(5000 characters)")
        let short = ImportIssue(code: "x", row: 2, column: "c", value: "12.345", message: "bad")
        #expect(short.value == "12.345")
    }
}
