import HouseholdDomain
import ReliefProgramme
import Testing

/// The report's denominators, closures by cause, relapses and per-county table on ten hand-made files of Kunming
/// (530100), one closed for each reason, every figure computed by hand below (policy §2.1, Part B "Reports",
/// Part C.5).
@Suite("Provincial report: files closed for any reason, relapses, counties")
struct ProvinceReportClosureTests {
    static func date(_ text: String) -> LocalDate { LocalDate(text)! }

    /// A file of Kunming with no measures (closures and relapses need none).
    static func file(
        _ county: String, filed: String, closed: (FileClosure.Reason, String)? = nil,
        relapseOf earlier: (file: String, exited: String)? = nil
    ) -> ProvinceReport.Tally.File {
        .init(
            category: .one, prefectureCode: "530100", countyCode: county, filedOn: date(filed), measures: [],
            decisions: [], exitDate: nil, closure: closed.map { FileClosure(reason: $0.0, closedOn: date($0.1)) },
            earlierFile: earlier.map {
                EarlierFile(fileNumber: $0.file, prefectureCode: "530100", reason: .exited, closedOn: date($0.exited))
            })
    }

    /// 五华区 (530102): A–E, filed in 2017, one closed for each reason. 盘龙区 (530103): F–J, filed 2018–2019;
    /// H is A's relapse (A exited on 2017-09-01), J is F's (F exited on 2019-05-01).
    static let files: [ProvinceReport.Tally.File] = [
        file("530102", filed: "2017-03-01", closed: (.exited, "2017-09-01")),  // A
        file("530102", filed: "2017-04-01", closed: (.death, "2017-12-31")),  // B: closed the day before 2018
        file("530102", filed: "2017-05-01", closed: (.movedAway, "2018-01-01")),  // C: closed on 1 January 2018
        file("530102", filed: "2017-06-01", closed: (.notEligible, "2018-06-30")),  // D
        file("530102", filed: "2017-07-01", closed: (.safetyNet, "2019-03-31")),  // E
        file("530103", filed: "2018-02-01", closed: (.exited, "2019-05-01")),  // F
        file("530103", filed: "2018-08-01", closed: (.exited, "2018-11-30")),  // G
        file("530103", filed: "2018-09-01", closed: (.exited, "2020-02-01"), relapseOf: ("A", "2017-09-01")),  // H
        file("530103", filed: "2019-01-01", closed: (.exited, "2019-12-31")),  // I
        file("530103", filed: "2019-10-01", relapseOf: ("F", "2019-05-01")),  // J: still open
    ]

    static var report: ProvinceReport {
        var tally = ProvinceReport.Tally(years: [2017, 2018, 2019, 2020])
        for file in files { tally.add(file) }
        return tally.report
    }

    typealias Year = ProvinceReport.Year

    @Test("open on 1 January excludes every file closed before it, whatever the reason; closures by cause")
    func denominators() throws {
        let kunming = try #require(Self.report.prefectures.first { $0.code == "530100" })
        // 2017: none open on 1 January; new A–E = 5; exits A = 1; B died on 31 December. 1 ÷ 5 = 20.0 % ✗.
        //   A's household relapsed (H, filed 2018): 1 of 1 exit = 100.0 %.
        // 2018: open on 1 January = C (closed on 1 January itself, not before it), D, E = 3 (A exited and B died
        //   before it; counting only exits, as before, gave 4); new F, G, H = 3; exits G = 1; C moved away, D not
        //   eligible; H is a relapse. 1 ÷ 6 = 16.7 % ✗ (166.7 per mille, rounded half up to 167).
        // 2019: open on 1 January = E, F, H = 3 (C, D, G closed before it; counting only exits gave 6); new I (on
        //   1 January), J = 2; exits F, I = 2; E to the safety net; J is a relapse, of F, exited this year:
        //   1 of 2 exits = 50.0 %. 2 ÷ 5 = 40.0 % ✓.
        // 2020: open on 1 January = H, J = 2 (I exited on 31 December); no new files; exits H = 1. 1 ÷ 2 = 50.0 %.
        // Visits (Part C.5), 6 and 12 months after each exit: A 2018-03-01, 2018-09-01; G 2019-05-30, 2019-11-30;
        // F 2019-11-01, 2020-05-01; I 2020-06-30, 2020-12-31; H 2020-08-01 (and 2021-02-01): 0, 2, 3, 4 a year.
        #expect(kunming.years.map(\.visitsDue) == [0, 2, 3, 4])
        #expect(
            kunming.years.map {
                var year = $0
                year.visitsDue = 0
                return year
            } == [
                Year(
                    year: 2017, openAtStart: 0, newFiles: 5, exits: 1, deaths: 1, movedAway: 0, notEligible: 0,
                    safetyNet: 0, relapses: 0, relapsedExits: 1),
                Year(
                    year: 2018, openAtStart: 3, newFiles: 3, exits: 1, deaths: 0, movedAway: 1, notEligible: 1,
                    safetyNet: 0, relapses: 1, relapsedExits: 0),
                Year(
                    year: 2019, openAtStart: 3, newFiles: 2, exits: 2, deaths: 0, movedAway: 0, notEligible: 0,
                    safetyNet: 1, relapses: 1, relapsedExits: 1),
                Year(
                    year: 2020, openAtStart: 2, newFiles: 0, exits: 1, deaths: 0, movedAway: 0, notEligible: 0,
                    safetyNet: 0, relapses: 0, relapsedExits: 0),
            ])
        #expect(kunming.years.map(\.exitRatePerMille) == [200, 167, 400, 500])
        #expect(kunming.years.map(\.meetsTarget) == [false, false, true, true])
        // Relapse rates: 2017 1 of 1 (A), 2018 0 of 1 (G), 2019 1 of 2 (F of F, I), 2020 0 of 1 (H).
        #expect(kunming.years.map(\.relapseRatePerMille) == [1000, 0, 500, 0])
        // Exits: A, G, F, I, H = 5 of 10 files.
        #expect(kunming.cumulativeExits == 5 && kunming.filesOpened == 10)
        #expect(Self.report.province.years == kunming.years)
    }

    @Test("the 30 % shortfalls count only the files still open on 31 December")
    func shortfalls() throws {
        let kunming = Self.report.shortfalls.filter { $0.code == "530100" }
        // 2017: still open on 31 December = C, D, E = 3 (A exited, B died on the 31st). 2018: E, F, H = 3.
        // None of them has a measure, so all are due later. 2019 meets the target: no paragraph.
        #expect(kunming.map(\.year) == [2017, 2018])
        #expect(kunming.map(\.exitRatePerMille) == [200, 167])
        #expect(kunming.map(\.stillOpen) == [3, 3])
        #expect(kunming.map(\.dueLater) == [3, 3])
    }

    @Test("per county: each county's files, exits and rates")
    func counties() throws {
        let kunming = try #require(Self.report.prefectures.first { $0.code == "530100" })
        #expect(kunming.counties.map(\.code) == ["530102", "530103"])
        #expect(kunming.counties.map(\.name) == ["五华区", "盘龙区"])
        #expect(kunming.counties.map(\.filesOpened) == [5, 5])
        // 五华区: 2017 1 ÷ 5; 2018 open C, D, E, no exit, 0 ÷ 3; 2019 open E, 0 ÷ 1; 2020 no file.
        // 盘龙区: 2018 new F, G, H, exit G, 1 ÷ 3; 2019 open F, H + new I, J, exits F, I, 2 ÷ 4; 2020 open H, J,
        //   exit H, 1 ÷ 2. H relapsed from A of 五华区: the relapse counts against A's exit in the prefecture, not in
        //   a county.
        #expect(kunming.counties[0].years.map(\.exitRatePerMille) == [200, 0, 0, nil])
        #expect(kunming.counties[1].years.map(\.exitRatePerMille) == [nil, 333, 500, 500])
        #expect(kunming.counties[1].years.map(\.relapses) == [0, 1, 1, 0])
        #expect(Self.report.province.counties.isEmpty)
    }

    @Test("per county: a county below the target in a year, with the files still open on 31 December")
    func countyShortfalls() throws {
        // 五华区: 2017 1 ÷ 5 = 20.0 % ✗, still open on 31 December C, D, E = 3; 2018 0 ÷ 3 ✗, still open E = 1 (C
        //   moved away on 1 January, D not eligible on 30 June); 2019 0 ÷ 1 ✗, none still open (E went to the safety
        //   net on 31 March). 盘龙区: 2018 1 ÷ 3 = 33.3 % ✓ (100 ≥ 90), 2019 2 ÷ 4 ✓: no entry. No file has a
        //   measure, so every file still open is due later.
        let counties = Self.report.countyShortfalls
        #expect(counties.map(\.code) == ["530102", "530102", "530102"])
        #expect(counties.map(\.name) == ["五华区", "五华区", "五华区"])
        #expect(counties.map(\.year) == [2017, 2018, 2019])
        #expect(counties.map(\.exitRatePerMille) == [200, 0, 0])
        #expect(counties.map(\.stillOpen) == [3, 1, 0])
        #expect(counties.map(\.dueLater) == [3, 1, 0])
        #expect(Self.report.restricted(to: 2018)?.countyShortfalls.map(\.stillOpen) == [1])
        // The prefecture's own paragraphs are unchanged by the counties (2017: 3, 2018: 3 still open).
        #expect(Self.report.shortfalls.filter { $0.code == "530100" }.map(\.stillOpen) == [3, 3])
    }

    @Test("a year's view counts a relapse only once it is filed, by 31 December of that year")
    func relapseInAYearsView() throws {
        let year2017 = try #require(Self.report.restricted(to: 2017))
        let kunming = try #require(year2017.prefectures.first { $0.code == "530100" })
        // As on 31 December 2017: A exited, H (filed 2018) not yet: no relapse of 2017's exit yet.
        #expect(kunming.years.map(\.relapsedExits) == [0])
        #expect(kunming.years.map(\.relapseRatePerMille) == [0])
        let year2019 = try #require(Self.report.restricted(to: 2019))
        let in2019 = try #require(year2019.prefectures.first { $0.code == "530100" })
        #expect(in2019.years.map(\.relapses) == [1])
        #expect(in2019.years.map(\.relapsedExits) == [1])
        #expect(in2019.filesOpened == 10 && in2019.cumulativeExits == 4)
    }
}
