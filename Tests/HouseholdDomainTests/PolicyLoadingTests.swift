import Foundation
import HouseholdDomain
import TestSupport
import Testing

@Suite("Policy file")
struct PolicyLoadingTests {
    static let shippedPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path

    @Test("the shipped policy loads, with the placeholders of docs/POLICY.md (reference data)")
    func shippedPolicyLoads() throws {
        let policy = try Policy.load(contentsOfFile: Self.shippedPath)
        // Linear between the provincial floors 2015 (400) and 2020 (640): 496 for 2017 (docs/POLICY.md, "Reference data").
        #expect(policy.minimumLivingStandard(prefecture: "530100", year: 2017) == Yuan(yuan: 496))
        #expect(policy.minimumLivingStandard(prefecture: "533400", year: 2020) == Yuan(yuan: 640))
        #expect(policy.minimumLivingStandard(prefecture: "530100", year: 2021) == nil)
        #expect(policy.eligibility.category2UpperMultiple == Multiple(numerator: 15, denominator: 10))
        #expect(policy.eligibility.category3UpperMultiple == Multiple(numerator: 3))
        #expect(policy.eligibility.expenseAdjustedTest)
        #expect(policy.persons.retirementAge(of: .male) == 60)
        #expect(policy.persons.retirementAge(of: .female) == 50)
        #expect(policy.prefectures.count == 16)
        #expect(policy.budgetYears == [2017, 2018, 2019, 2020])
        for code in Measure.Code.allCases { #expect(!policy.terms(of: code).basis.isEmpty) }
        let kunming2017 = try #require(policy.prefectures["530100"]?.years[2017])
        #expect(kunming2017.minimumLivingStandardBasis.hasPrefix("placeholder"))
        #expect(kunming2017.budgets[.educationStudentAid] != nil)
        #expect(kunming2017.budgets[.employmentGuidance] == nil)
    }

    /// The shipped file with one line removed or replaced.
    static func shippedText(removing line: String? = nil, replacing old: String? = nil, with new: String = "")
        throws -> String
    {
        var text = try String(contentsOfFile: shippedPath, encoding: .utf8)
        if let line {
            let lines = text.components(separatedBy: "\n")
            let index = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(line) })
            text = (lines[..<index] + lines[(index + 1)...]).joined(separator: "\n")
        }
        if let old {
            let range = try #require(text.range(of: old))
            text.replaceSubrange(range, with: new)
        }
        return text
    }

    @Test(
        "a gap is refused, naming the missing entry",
        arguments: [
            ("k2: ", "eligibility.category2UpperMultiple"),
            ("men: 60", "persons.retirementAge.men"),
            ("employment.training:", "measures.employment.training"),
            ("education.student-aid: 720000", "prefectures.530100.years.2017.budgets.education.student-aid"),
            ("publicRentalUnits: 110", "prefectures.530100.years.2017.publicRentalUnits"),
        ])
    func gapIsRefused(line: String, path: String) throws {
        let prefix = line == "k2: " ? "category2UpperMultiple" : line
        let text = try Self.shippedText(removing: prefix)
        #expect(throws: PolicyError.self) { try Policy.load(yaml: text, source: "test.yaml") }
        do {
            _ = try Policy.load(yaml: text, source: "test.yaml")
        } catch {
            #expect(error.path == path)
            #expect(error.message == "missing")
        }
    }

    @Test("a missing standard names the prefecture and the year")
    func missingStandard() throws {
        let text = try Self.shippedText(
            replacing: "      2016: {minimumLivingStandard: 448,", with: "      2014: {minimumLivingStandard: 448,")
        do {
            _ = try Policy.load(yaml: text, source: "test.yaml")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.path == "prefectures.530100.years.2016")
            #expect(error.description.contains("昆明市, 2016"))
        }
    }

    @Test(
        "bad values are refused",
        arguments: [
            ("category2UpperMultiple: 1.5", "category2UpperMultiple: -1", "eligibility.category2UpperMultiple"),
            ("category3UpperMultiple: 3", "category3UpperMultiple: 1.2", "eligibility.category3UpperMultiple"),
            ("expenseAdjustedTest: true", "expenseAdjustedTest: yes please", "eligibility.expenseAdjustedTest"),
            (
                "{amount: 1000, processingDays: 30", "{amount: 10.005, processingDays: 30",
                "measures.employment.living-allowance.amount"
            ),
        ])
    func badValues(old: String, new: String, path: String) throws {
        let text = try Self.shippedText(replacing: old, with: new)
        do {
            _ = try Policy.load(yaml: text, source: "test.yaml")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.path == path)
        }
    }

    @Test("not YAML at all is refused")
    func notYAML() {
        #expect(throws: PolicyError.self) { try Policy.load(yaml: "name: [unclosed", source: "x.yaml") }
        #expect(throws: PolicyError.self) { try Policy.load(yaml: "", source: "x.yaml") }
    }
}
