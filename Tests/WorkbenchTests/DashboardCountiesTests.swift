import HouseholdDomain
import ReliefProgramme
import Testing
import Workbench

/// The dashboard's county level over hand-made files of Kunming (530100): the prefecture page's counties table and
/// a county's page, each figure computed by hand (policy §2.1).
@Suite("Dashboard: counties")
struct DashboardCountiesTests {
    static func file(_ county: String, filed: String, exited: String? = nil) -> ProvinceReport.Tally.File {
        .init(
            category: .one, prefectureCode: "530100", countyCode: county, filedOn: LocalDate(filed)!, measures: [],
            decisions: [], exitDate: nil,
            closure: exited.map { FileClosure(reason: .exited, closedOn: LocalDate($0)!) }, earlierFile: nil)
    }

    /// 五华区 (530102): four files of 2017, one exited in 2017. 盘龙区 (530103): two files of 2017, one exited in
    /// 2017.
    static var report: ProvinceReport {
        var tally = ProvinceReport.Tally(years: [2017, 2018, 2019, 2020])
        for file in [
            file("530102", filed: "2017-03-01", exited: "2017-10-09"),
            file("530102", filed: "2017-03-02"), file("530102", filed: "2017-03-03"),
            file("530102", filed: "2017-03-04"),
            file("530103", filed: "2017-04-01", exited: "2017-11-01"), file("530103", filed: "2017-04-02"),
        ] {
            tally.add(file)
        }
        return tally.report
    }

    @Test("the prefecture page lists its counties in the year, each linking to its page")
    func prefectureCounties() throws {
        let page = try #require(Dashboard.prefecture("530100", of: Self.report, year: 2017, language: .chinese))
        #expect(page.counties.map(\.code) == ["530102", "530103"])
        #expect(page.counties.map(\.name) == ["五华区", "盘龙区"])
        #expect(
            page.counties.map(\.href) == ["/dashboard/county/530102?year=2017", "/dashboard/county/530103?year=2017"])
        // 五华区 1 ÷ 4 = 25.0 % ✗, ⌈30 × 4 ÷ 100⌉ − 1 = 2 − 1 = 1 short; 盘龙区 1 ÷ 2 = 50.0 % ✓.
        #expect(page.counties.map(\.rate) == ["25.0%", "50.0%"])
        #expect(page.counties.map(\.meets) == [false, true])
        #expect(page.counties.map(\.shortfall) == [1, 0])
        // Kunming: 2 ÷ 6 = 33.3 % ✓.
        #expect(page.row.rate == "33.3%" && page.row.meets)
        let csv = Dashboard.countiesCSVRows(page, language: .chinese)
        #expect(csv.first?[1] == "县（市、区）")
        #expect(csv.dropFirst().map { $0[0] } == ["530102", "530103", "530100"])
    }

    @Test("a county's page: its years, and why it is behind (the files still open on 31 December)")
    func countyPage() throws {
        let wuhua = try #require(Dashboard.county("530102", of: Self.report, year: 2017, language: .chinese))
        #expect(wuhua.name == "五华区" && wuhua.prefectureName == "昆明市")
        // 2017: 1 ÷ 4; 2018: the three left open on 1 January, no exit: 0 ÷ 3 = 0.0 %.
        #expect(wuhua.yearTable.map(\.rate) == ["25.0%", "0.0%", "0.0%", "0.0%"])
        #expect(wuhua.shortfalls.map(\.stillOpen) == [3])
        let panlong = try #require(Dashboard.county("530103", of: Self.report, year: 2017, language: .english))
        #expect(panlong.shortfalls.isEmpty)
        #expect(Dashboard.csvRows(panlong, language: .english).count == 5)  // the header and four years
        // 官渡区 (530111) has no files: zeros; 530199 is no county.
        let guandu = try #require(Dashboard.county("530111", of: Self.report, year: 2017, language: .chinese))
        #expect(guandu.row.base == 0 && !guandu.row.hasFiles)
        // Without files the target is neither met nor missed: `-`, not 未达标.
        #expect(Dashboard.csvRows(guandu, language: .chinese).dropFirst().map { $0[5] } == ["-", "-", "-", "-"])
        #expect(Dashboard.csvRows(wuhua, language: .chinese).dropFirst().map { $0[5] } == ["未达标", "未达标", "未达标", "未达标"])
        #expect(Dashboard.county("530199", of: Self.report, year: 2017, language: .chinese) == nil)
    }

    @Test("exits under way and the rate with them: (exits + under way) ÷ base, per year, area and county")
    func exitsUnderWay() throws {
        var tally = ProvinceReport.Tally(years: [2017, 2018])
        // 盘龙区 (530103), four files of February 2017: one exited on 1 August, one proposed on 20 December and
        // never approved, two without a proposal.
        let files: [ProvinceReport.Tally.File] = [
            Self.file("530103", filed: "2017-02-01", exited: "2017-08-01"),
            .init(
                category: .one, prefectureCode: "530100", countyCode: "530103", filedOn: LocalDate("2017-02-02")!,
                measures: [], decisions: [], exitDate: nil, closure: nil, proposedOn: LocalDate("2017-12-20")!),
            Self.file("530103", filed: "2017-02-03"), Self.file("530103", filed: "2017-02-04"),
        ]
        for file in files { tally.add(file) }
        let report = tally.report
        let kunming = try #require(Dashboard.prefecture("530100", of: report, year: 2017, language: .chinese))
        // 2017: 1 ÷ 4 = 25.0 %; with the one under way 2 ÷ 4 = 50.0 %. 2018: open on 1 January the three not
        // exited, none exits, the proposal still under way: 0 ÷ 3, with it 1 ÷ 3 = 33.3 %.
        #expect(kunming.row.rate == "25.0%" && kunming.row.pending == 1 && kunming.row.forecast == "50.0%")
        #expect(kunming.yearTable.map(\.pending) == [1, 1])
        #expect(kunming.yearTable.map(\.forecast) == ["50.0%", "33.3%"])
        #expect(kunming.counties.map(\.forecast) == ["50.0%"])
        let csv = Dashboard.countiesCSVRows(kunming, language: .chinese)
        #expect(csv[0].suffix(2) == ["在途退出（审核、公示中）", "含在途预计脱困率"])
        #expect(csv.dropFirst().map { Array($0.suffix(2)) } == [["1", "50.0%"], ["1", "50.0%"]])
        let province = Dashboard.province(report, year: 2018, language: .english)
        #expect(province.province.pending == 1 && province.province.forecast == "33.3%")
    }
}
