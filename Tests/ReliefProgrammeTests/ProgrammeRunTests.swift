import Foundation
import HouseholdDomain
import ReliefProgramme
import TestSupport
import Testing

/// The sequential programme on the three households of `sample-households.csv` (S = 496), computed by hand from
/// the policy file's processing days and amounts.
@Suite("Programme run (auto mode)")
struct ProgrammeRunTests {
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path

    static func sampleHouseholds() throws -> [Household] {
        let path = Fixtures.sampleHouseholds.path
        let imported = try HouseholdImporter(today: LocalDate("2026-11-29")!).read(contentsOfFile: path)
        return imported.entries.compactMap(\.household)
    }

    static func run(policy: Policy, households: [Household]) throws -> ProgrammeRun {
        var run = ProgrammeRun(policy: policy)
        for household in households.sortedInFilingOrder(by: { $0.filedOn }) { try run.file(household) }
        return run
    }

    @Test("the sample households: deliveries on filing date + processing days, exits on the last guarantee")
    func sample() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let run = try Self.run(policy: policy, households: try Self.sampleHouseholds())
        #expect(run.files.map(\.subject.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        // KM-2017-0001, filed 2017-03-15: placement (90 days) is the last guarantee → 2017-06-13.
        // QJ-2017-0007, filed 2017-05-02: public rental and arrears (90 days) → 2017-07-31.
        // DL-2017-0042, filed 2017-06-20: public rental (90 days) → 2017-09-18.
        #expect(
            run.files.map(\.readiness.exitDate) == [
                LocalDate("2017-06-13"), LocalDate("2017-07-31"), LocalDate("2017-09-18"),
            ])
        try #require(run.files.count == 3)
        let kunming = run.files[0].decisions
        let mutualAid = try #require(kunming.first { $0.code == .medicalMutualAid })
        #expect(mutualAid.paidBy == .union && mutualAid.amount == Yuan(yuan: 60))
        #expect(mutualAid.deliveredOn == LocalDate("2017-03-30"), "15 days after filing")
        let qujingMutualAid = try #require(run.files[1].decisions.first { $0.code == .medicalMutualAid })
        #expect(qujingMutualAid.paidBy == nil && qujingMutualAid.amount == .zero, "category 3 pays its own fee")

        let report = ProvinceReport(files: run.files, years: policy.budgetYears)
        #expect(report.province.filesByCategory == [1, 0, 2])
        var tally = ProvinceReport.Tally(years: policy.budgetYears)
        for file in run.files.reversed() { tally.add(file) }
        #expect(tally.report == report, "added one at a time in any order, the files give the same report")
        let byPrefecture = Dictionary(uniqueKeysWithValues: report.prefectures.map { ($0.code, $0.filesOpened) })
        #expect(byPrefecture["530100"] == 1 && byPrefecture["530300"] == 1 && byPrefecture["532900"] == 1)
        #expect(report.prefectures.map(\.filesOpened).reduce(0, +) == 3 && report.prefectures.count == 16)
        let year2017 = try #require(report.province.years.first)
        #expect(year2017.year == 2017 && year2017.newFiles == 3 && year2017.exits == 3 && year2017.openAtStart == 0)
        #expect(year2017.exitRatePerMille == 1000 && year2017.meetsTarget)
        #expect(report.province.years.dropFirst().allSatisfy { $0.openAtStart == 0 && $0.exits == 0 })
        func yuan(_ department: Agency) -> Yuan? {
            report.departments.first { $0.department == department }?.yuan
        }
        // hr: entrepreneurship 5000 + living allowance 1000; medical: assistance 3000 × 2 (KM, QJ);
        // education: student aid 1500 × 2; civil affairs: temporary assistance 2000 × 2; union: mutual aid 60.
        #expect(yuan(.humanResources) == Yuan(yuan: 6000))
        #expect(yuan(.medicalInsurance) == Yuan(yuan: 6000))
        #expect(yuan(.education) == Yuan(yuan: 3000))
        #expect(yuan(.civilAffairs) == Yuan(yuan: 4000))
        #expect(yuan(.union) == Yuan(yuan: 60))
        #expect(yuan(.housing) == .zero, "two units, no subsidy")
    }

    @Test("a spent budget: the next household waits in filing order for the next year's (§5.2)")
    func budgetWaits() throws {
        // Kunming's 2017 student-aid budget (the first in the file) is one grant (1500 yuan).
        var text = try String(contentsOfFile: Self.policyPath, encoding: .utf8)
        let range = try #require(text.range(of: "          education.student-aid: 720000"))
        text.replaceSubrange(range, with: "          education.student-aid: 1500")
        let policy = try Policy.load(yaml: text, source: Self.policyPath)
        var ledger = Ledger(policy: policy, measures: [.educationStudentAid])
        let amount = Yuan(yuan: 1500)
        let due = LocalDate("2017-04-14")!
        #expect(try ledger.draw(amount, for: .educationStudentAid, prefecture: "530100", dueOn: due) == due)
        #expect(
            try ledger.draw(amount, for: .educationStudentAid, prefecture: "530100", dueOn: due)
                == LocalDate("2018-01-01"))
        // Another prefecture's budget is its own.
        #expect(try ledger.draw(amount, for: .educationStudentAid, prefecture: "530300", dueOn: due) == due)
        // After the last budget year there is nothing: the measure waits.
        let late = LocalDate("2021-02-01")!
        #expect(try ledger.draw(amount, for: .educationStudentAid, prefecture: "530100", dueOn: late) == nil)
    }

    @Test("no public-rental unit free: a rental subsidy instead; neither: the next year (§4.2.5)")
    func housingSubstitution() throws {
        var text = try String(contentsOfFile: Self.policyPath, encoding: .utf8)
        // 曲靖's 2017 stock: no unit; its 2017 rental-subsidy budget: one subsidy (the first lines after its name).
        func replaceInQujing(_ old: String, with new: String) throws {
            let section = try #require(text.range(of: "  \"530300\":\n    name: 曲靖市"))
            let range = try #require(text.range(of: old, range: section.upperBound..<text.endIndex))
            text.replaceSubrange(range, with: new)
        }
        try replaceInQujing("        publicRentalUnits: 110", with: "        publicRentalUnits: 0")
        try replaceInQujing("          housing.rental-subsidy: 170000", with: "          housing.rental-subsidy: 2400")
        let policy = try Policy.load(yaml: text, source: Self.policyPath)
        let qujing = try #require(try Self.sampleHouseholds().first { $0.fileNumber == "QJ-2017-0007" })
        var second = qujing
        second.fileNumber = "QJ-2017-0008"
        second.members = second.members.map { member in
            var copy = member
            let digits = Array(member.identityNumber.value.utf8.prefix(16)) + Array("2".utf8)
            let check = IdentityNumber.checkCharacter(for: digits[...])
            copy.identityNumber = IdentityNumber(String(decoding: digits + [check], as: UTF8.self))!
            return copy
        }
        let run = try Self.run(policy: policy, households: [qujing, second])
        try #require(run.files.count == 2)
        let first = run.files[0].decisions.filter { $0.code.leadDepartment == .housing }
        #expect(first.map(\.status) == [.replaced, .granted])
        try #require(first.map(\.code) == [.housingPublicRental, .housingRentalSubsidy])
        #expect(first[1].deliveredOn == LocalDate("2017-07-31") && first[1].amount == Yuan(yuan: 2400))
        // The second: no unit and no subsidy left in 2017 → 2018's stock, from 1 January 2018.
        let later = run.files[1].decisions.filter { $0.code.leadDepartment == .housing }
        #expect(later.map(\.code) == [.housingPublicRental])
        #expect(later.first?.status == .granted && later.first?.deliveredOn == LocalDate("2018-01-01"))
        #expect(run.files[1].readiness.exitDate == LocalDate("2018-01-01"))
    }
}
