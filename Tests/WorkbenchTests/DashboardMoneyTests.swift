import Foundation
import HouseholdDomain
import ReliefProgramme
import Testing
import Workbench

/// The dashboard's money table (policy §5.2) from a report of two prefectures, computed by hand.
@Suite("Workbench: money against appropriations")
struct DashboardMoneyTests {
    /// Kunming (530100): medical assistance 1,300,000 and rental subsidy 170,000 appropriated in 2017, one
    /// assistance of 3,000 paid on 2017-05-01, one rental subsidy of 2,400 granted and waiting (due 2017-06-01).
    /// Qujing (530300): medical assistance 500,000, no files.
    static func report() -> ProvinceReport {
        var tally = ProvinceReport.Tally(years: [2017, 2018, 2019, 2020])
        for (prefecture, measure, yuan) in [
            ("530100", Measure.Code.medicalAssistance, 1_300_000), ("530100", .housingRentalSubsidy, 170_000),
            ("530300", .medicalAssistance, 500_000),
        ] as [(String, Measure.Code, Int64)] {
            tally.appropriate(.init(prefecture: prefecture, year: 2017, measure: measure, amount: Yuan(yuan: yuan)))
        }
        let decisions = [
            MeasureDecision(
                measureID: "KM-2017-0001/medical.assistance", code: .medicalAssistance, memberNumber: nil,
                department: .medicalInsurance, status: .granted, reason: "granted by rule", amount: Yuan(yuan: 3_000),
                paidBy: .medicalInsurance, dueOn: LocalDate("2017-05-01")!, deliveredOn: LocalDate("2017-05-01")!),
            MeasureDecision(
                measureID: "KM-2017-0001/housing.rental-subsidy", code: .housingRentalSubsidy, memberNumber: nil,
                department: .housing, status: .granted, reason: "waiting for budget", amount: Yuan(yuan: 2_400),
                paidBy: .housing, dueOn: LocalDate("2017-06-01")!, deliveredOn: nil),
        ]
        tally.add(
            ProvinceReport.Tally.File(
                category: .one, prefectureCode: "530100", countyCode: "530102", filedOn: LocalDate("2017-04-01")!,
                measures: [.medicalAssistance, .housingRentalSubsidy], decisions: decisions, exitDate: nil))
        return tally.report
    }

    @Test("the province: each prefecture's total and the province's, exact yuan")
    func province() throws {
        let page = try #require(Dashboard.money("530000", of: Self.report(), year: 2017, language: .chinese))
        let kunming = try #require(page.areas.first { $0.code == "530100" })
        // 1,300,000 + 170,000 = 1,470,000 appropriated; 3,000 paid; 1 measure waiting, 2,400 yuan;
        // remaining 1,470,000 − 3,000 = 1,467,000; paid share 3,000 ÷ 1,470,000 = 0.204 % → 2 per mille → 0.2%.
        #expect(kunming.appropriated == Yuan(yuan: 1_470_000) && kunming.paid == Yuan(yuan: 3_000))
        #expect(kunming.waiting == 1 && kunming.waitingYuan == Yuan(yuan: 2_400))
        #expect(kunming.remaining == Yuan(yuan: 1_467_000) && kunming.paidShare == "0.2%")
        #expect(kunming.shown.appropriated == "1,470,000.00" && kunming.shown.remaining == "1,467,000.00")
        #expect(kunming.href == "/dashboard/money/530100?year=2017")
        // Qujing: 500,000 appropriated, nothing paid.
        let qujing = try #require(page.areas.first { $0.code == "530300" })
        #expect(qujing.appropriated == Yuan(yuan: 500_000) && qujing.remaining == Yuan(yuan: 500_000))
        #expect(qujing.paidShare == "0.0%")
        // Every prefecture of the reference list has a row (16), one without money shows zeros and `-`.
        #expect(page.areas.count == 16)
        #expect(page.areas.first { $0.code == "530400" }?.paidShare == "-")
        // The province: 1,470,000 + 500,000 = 1,970,000; remaining 1,967,000.
        #expect(page.total.appropriated == Yuan(yuan: 1_970_000) && page.total.remaining == Yuan(yuan: 1_967_000))
        // By measure: assistance 1,300,000 + 500,000 = 1,800,000; rental subsidy 170,000.
        #expect(page.measures.map(\.measureCode) == ["medical.assistance", "housing.rental-subsidy"])
        #expect(page.measures.map(\.appropriated) == [Yuan(yuan: 1_800_000), Yuan(yuan: 170_000)])
        // Another year has no money lines.
        let year2018 = try #require(Dashboard.money("530000", of: Self.report(), year: 2018, language: .chinese))
        #expect(year2018.measures.isEmpty && year2018.total.appropriated == .zero)
        #expect(Dashboard.money("530199", of: Self.report(), year: 2017, language: .chinese) == nil)
    }

    @Test("a prefecture's CSV: UTF-8 with a BOM, its measures then its total, yuan as plain decimals")
    func prefectureCSV() throws {
        let page = try #require(Dashboard.money("530100", of: Self.report(), year: 2017, language: .chinese))
        #expect(page.areas.isEmpty && page.measures.count == 2)
        let text = CSVExport.text(Dashboard.moneyCSVRows(page, language: .chinese))
        #expect(text.hasPrefix("\u{FEFF}年度,代码,地区,措施,预算（元）"))
        let lines = text.dropFirst().split(separator: "\r\n").map(String.init)
        #expect(
            lines.dropFirst()
                == [
                    "2017,530100,昆明市,医疗救助,1300000.00,1,3000.00,0,0.00,1297000.00,0.2%",
                    "2017,530100,昆明市,租赁补贴,170000.00,0,0.00,1,2400.00,170000.00,0.0%",
                    "2017,530100,昆明市,合计,1470000.00,1,3000.00,1,2400.00,1467000.00,0.2%",
                ])
    }

    @Test("yuan with thousands separators, negative too")
    func grouping() {
        #expect(Dashboard.groupedYuan(Yuan(fen: 0)) == "0.00")
        #expect(Dashboard.groupedYuan(Yuan(yuan: 999)) == "999.00")
        #expect(Dashboard.groupedYuan(Yuan(fen: 123_456_789)) == "1,234,567.89")
        #expect(Dashboard.groupedYuan(Yuan(yuan: -2_400)) == "-2,400.00")
    }
}
