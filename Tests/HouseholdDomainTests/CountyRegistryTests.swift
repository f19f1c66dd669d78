import Foundation
import HouseholdDomain
import TestSupport
import Testing

@Suite("County registry (docs/POLICY.md, reference data)")
struct CountyRegistryTests {
    @Test("Yunnan: 129 county-level units at 2017-10-31, 16 prefectures (docs/POLICY.md, reference data)")
    func counts() {
        // In a snapshot: valid on its date and the day before (on the date itself a renamed unit's two codes are
        // both accepted, the new one not yet shown).
        let date = LocalDate("2017-10-31")!
        let shown = CountyRegistry.yunnan.counties.filter {
            $0.isValid(on: date) && $0.isValid(on: date.adding(days: -1))
        }
        #expect(shown.count == 129)
        #expect(CountyRegistry.yunnan.prefectures.count == 16)
        #expect(
            CountyRegistry.yunnan.counties.allSatisfy { $0.code.hasPrefix("53") && $0.prefectureCode.hasSuffix("00") })
    }

    @Test(
        "A code is valid when valid_from ≤ d < valid_to (晋宁县 530122 → 晋宁区 530115)",
        arguments: [
            ("530122", "2016-07-30", true), ("530122", "2017-10-30", true), ("530122", "2017-10-31", false),
            ("530115", "2016-07-30", false), ("530115", "2016-07-31", true), ("530115", "2030-01-01", true),
            ("530102", "1990-01-01", true),
        ])
    func validity(_ code: String, _ date: String, _ valid: Bool) throws {
        let county = try #require(CountyRegistry.yunnan.county(code: code))
        #expect(county.isValid(on: LocalDate(date)!) == valid)
    }

    @Test("Lookups: name, prefecture, successor; unknown codes are nil")
    func lookup() throws {
        let jinning = try #require(CountyRegistry.yunnan.county(code: "530122"))
        #expect(jinning.name == "晋宁县" && jinning.prefectureCode == "530100" && jinning.prefectureName == "昆明市")
        #expect(jinning.successor == "530115" && jinning.validTo == LocalDate("2017-10-31") && jinning.validFrom == nil)
        #expect(CountyRegistry.yunnan.county(code: "530102")?.successor == nil)
        #expect(CountyRegistry.yunnan.county(code: "110101") == nil)
        #expect(CountyRegistry.yunnan.county(code: "530100") == nil)
    }

    @Test("A malformed reference file names its line")
    func loadError() {
        #expect(throws: CountyRegistry.LoadError.self) {
            try CountyRegistry(
                csv: "code,name,prefecture_code,prefecture_name,valid_from,valid_to,successor\n530102,五华区\n")
        }
        let error = #expect(throws: CountyRegistry.LoadError.self) {
            try CountyRegistry(csv: "header\n530102,五华区,530100,昆明市,2017-13-01,,\n")
        }
        #expect(error?.line == 2)
    }
}
