import AgencyDesks
import AgencyServices
import EventFabric
import Foundation
import HouseholdDomain
import TestSupport
import Testing
import ZeroMQ

/// `jiekun budget` as a process, through real CURVE request servers with staff keys: finance records, others read,
/// each in their area (policy §5.2, C.6).
@Suite("Budget command: show, top-up and units from the command line", .serialized)
struct BudgetCommandTests {
    typealias Province = StaffAuthorisationTests.Province

    func profile(_ member: (id: String, pair: CurveKeyPair), _ name: String, at agency: Agency, in province: Province)
        throws -> String
    {
        try StaffToolsTests.profile(
            for: agency, key: try StaffToolsTests.keyFile(member.pair, named: name, in: province), named: name,
            in: province)
    }

    @Test("housing: Kunming's finance tops up and adds units (Chinese words); a clerk and Qujing's finance refused")
    func housingFinance() async throws {
        let province = try Province()
        let kunming = try province.add([.finance], area: "530100", at: .housing)
        let qujing = try province.add([.finance], area: "530300", at: .housing)
        let clerk = try province.add([.clerk], area: "530000", at: .housing)
        let auditor = try province.add([.auditor], area: "530000", at: .union)
        try province.start()
        let finance = try profile(kunming, "km-finance", at: .housing, in: province)

        let toppedUp = try await StaffToolsTests.run(
            [
                "budget", "追加", "--prefecture", "530100", "--year", "2017", "--measure", "housing.rental-subsidy",
                "--yuan", "1000", "--on", "2017-06-15", "--reference", "昆财社〔2017〕12号",
            ], profile: finance)
        #expect(toppedUp.status == 0, "\(toppedUp.error)")
        #expect(
            toppedUp.text.hasPrefix("已记录 recorded #")
                && toppedUp.text.contains(
                    " 追加 top-up: 530100 2017 housing.rental-subsidy ¥1000.00，2017年6月15日 (on 2017-06-15) by \(kunming.id)"
                ), "\(toppedUp.text)")
        // Opening 170,000 (policy file, Kunming 2017) + 1,000 = 171,000; nothing drawn, nothing waits.
        #expect(toppedUp.text.contains("余额 remaining ¥171000.00，待资金 waiting 0 (¥0.00)"), "\(toppedUp.text)")

        let units = try await StaffToolsTests.run(
            [
                "budget", "units", "增加", "--prefecture", "530100", "--year", "2017", "--units", "5", "--on",
                "2017-06-16", "--reference", "昆住建〔2017〕3号",
            ], profile: finance)
        #expect(units.status == 0, "\(units.error)")

        let shown = try await StaffToolsTests.run(
            ["budget", "show", "--year", "2017", "--on", "2017-06-30", "--json"], profile: finance)
        #expect(shown.status == 0, "\(shown.error)")
        let reply = try MessageCoding.decode(BudgetReply.self, from: Array(shown.text.utf8))
        // A prefecture's member sees only that prefecture's lines.
        #expect(Set(reply.lines.map(\.prefecture)) == ["530100"])
        let subsidy = try #require(reply.lines.first { $0.measure == "housing.rental-subsidy" })
        #expect(subsidy.appropriated == Yuan(yuan: 171_000) && subsidy.remaining == Yuan(yuan: 171_000))
        // Opening 110 units (Kunming 2017) + 5 = 115, all free.
        #expect(reply.stock == [.init(prefecture: "530100", year: 2017, units: 115, free: 115)])
        #expect(reply.acts.map(\.kind) == [.unitsAdded, .topUp])

        // Qujing's finance may not top up Kunming; a clerk may not record at all (but reads).
        let outside = try await StaffToolsTests.run(
            [
                "budget", "top-up", "--prefecture", "530100", "--year", "2017", "--measure", "housing.rental-subsidy",
                "--yuan", "1", "--reference", "x",
            ], profile: try profile(qujing, "qj-finance", at: .housing, in: province))
        #expect(outside.status == 1 && outside.error.contains("530100"), "\(outside.error)")
        let clerkProfile = try profile(clerk, "clerk", at: .housing, in: province)
        let byClerk = try await StaffToolsTests.run(
            [
                "budget", "top-up", "--prefecture", "530100", "--year", "2017", "--measure", "housing.rental-subsidy",
                "--yuan", "1", "--reference", "x",
            ], profile: clerkProfile)
        #expect(byClerk.status == 1 && byClerk.error.contains("may not budget.act"), "\(byClerk.error)")
        let clerkReads = try await StaffToolsTests.run(
            ["budget", "show", "--prefecture", "530300"], profile: clerkProfile)
        #expect(clerkReads.status == 0, "\(clerkReads.error)")

        // The union's lines, read by its auditor: Kunming's 2017 mutual-aid line is the policy file's 25,000.
        let union = try await StaffToolsTests.run(
            [
                "budget", "show", "--prefecture", "530100", "--year", "2017", "--measure", "medical.mutual-aid",
                "--json",
            ],
            profile: try profile(auditor, "auditor", at: .union, in: province))
        #expect(union.status == 0, "\(union.error)")
        let unionReply = try MessageCoding.decode(BudgetReply.self, from: Array(union.text.utf8))
        #expect(unionReply.lines.map(\.appropriated) == [Yuan(yuan: 25_000)])
        try await province.stop()
    }
}
