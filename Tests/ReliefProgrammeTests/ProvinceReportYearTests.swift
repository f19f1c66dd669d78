import HouseholdDomain
import ReliefProgramme
import Testing

/// `jiekun report --year Y` and the shortfalls: every section of the report for one year, and why a prefecture is
/// below 30 %, on six hand-made files whose figures are computed by hand below.
@Suite("Provincial report: a year's sections and the shortfalls")
struct ProvinceReportYearTests {
    static func date(_ text: String) -> LocalDate { LocalDate(text)! }

    static func decision(
        _ file: String, _ code: Measure.Code, _ status: MeasureDecision.Status, reason: String = "",
        amount: Int64 = 0, paidBy: Agency? = nil, due: String, delivered: String? = nil
    ) -> MeasureDecision {
        MeasureDecision(
            measureID: "\(file)/\(code.rawValue)", code: code, memberNumber: nil, department: code.leadDepartment,
            status: status, reason: reason, amount: Yuan(yuan: amount), paidBy: paidBy, dueOn: date(due),
            deliveredOn: delivered.map(date))
    }

    /// Kunming (530100): A waits for 2018's public-rental units; B's catastrophic insurance is refused; C is filed
    /// on 20 December, its placement due in 2018; D exits in March 2017; F's basic enrolment awaits staff.
    /// Qujing (530300): E, filed and exited in 2018.
    static func file(
        _ category: Eligibility.Category, in prefecture: String, filed: String, exit: String?,
        _ decisions: [MeasureDecision], alsoTriggered: [Measure.Code] = []
    ) -> ProvinceReport.Tally.File {
        .init(
            category: category, prefectureCode: prefecture, filedOn: date(filed),
            measures: decisions.map(\.code) + alsoTriggered, decisions: decisions, exitDate: exit.map(date))
    }

    /// A payment delivered on its due date.
    static func paid(_ file: String, _ code: Measure.Code, _ yuan: Int64, by payer: Agency, on day: String)
        -> MeasureDecision
    {
        decision(file, code, .granted, amount: yuan, paidBy: payer, due: day, delivered: day)
    }

    static let files: [ProvinceReport.Tally.File] = [
        file(
            .one, in: "530100", filed: "2017-03-01", exit: "2018-01-01",
            [
                decision("A", .housingPublicRental, .granted, due: "2017-05-30", delivered: "2018-01-01"),
                paid("A", .medicalMutualAid, 60, by: .union, on: "2017-03-16"),
            ]),
        file(
            .three, in: "530100", filed: "2017-06-01", exit: nil,
            [decision("B", .medicalCatastrophic, .refused, reason: "not a listed major disease", due: "2017-07-01")]),
        file(
            .two, in: "530100", filed: "2017-12-20", exit: "2018-03-20",
            [decision("C", .employmentPlacement, .granted, due: "2018-03-20", delivered: "2018-03-20")]),
        file(
            .one, in: "530100", filed: "2017-02-01", exit: "2017-03-01",
            [paid("D", .reliefDibao, 500, by: .civilAffairs, on: "2017-03-01")]),
        file(
            .one, in: "530300", filed: "2018-05-01", exit: "2018-06-01",
            [paid("E", .educationStudentAid, 1000, by: .education, on: "2018-06-01")]),
        file(
            .one, in: "530100", filed: "2017-04-01", exit: nil,
            [decision("F", .housingPublicRental, .granted, due: "2017-06-30", delivered: "2017-06-30")],
            alsoTriggered: [.medicalBasicEnrolment]),
    ]

    static func report() -> ProvinceReport {
        var tally = ProvinceReport.Tally(years: [2017, 2018])
        for file in files { tally.add(file) }
        return tally.report
    }

    static func figures(_ report: ProvinceReport, _ department: Agency) throws -> ProvinceReport.AgencyFigures {
        try #require(report.departments.first { $0.department == department })
    }

    @Test("the whole programme: Kunming 1 of 5 in 2017 (20.0 % ✗), 2 of 4 in 2018 (50.0 % ✓)")
    func whole() throws {
        let report = Self.report()
        let kunming = try #require(report.prefectures.first { $0.code == "530100" })
        #expect(kunming.filesOpened == 5 && kunming.filesByCategory == [3, 1, 1] && kunming.cumulativeExits == 3)
        #expect(kunming.years.map(\.exits) == [1, 2] && kunming.years.map(\.openAtStart) == [0, 4])
        #expect(kunming.years.map(\.exitRatePerMille) == [200, 500])
        #expect(report.province.years.map(\.exitRatePerMille) == [200, 600], "2018: A, C, E of 4 + 1")
    }

    @Test("--year 2017: files and exits up to 31 December, the year's deliveries, measures and money")
    func year2017() throws {
        let report = try #require(Self.report().restricted(to: 2017))
        #expect(report.yearly.isEmpty)
        let kunming = try #require(report.prefectures.first { $0.code == "530100" })
        #expect(kunming.filesOpened == 5 && kunming.filesByCategory == [3, 1, 1])
        #expect(kunming.cumulativeExits == 1, "D only")
        #expect(kunming.years.map(\.year) == [2017] && kunming.years.first?.exits == 1)
        #expect(kunming.measuresDelivered == 3, "A's mutual aid, D's dibao, F's unit")
        let qujing = try #require(report.prefectures.first { $0.code == "530300" })
        #expect(qujing.filesOpened == 0 && qujing.measuresDelivered == 0, "E is filed in 2018")
        #expect(report.province.filesOpened == 5 && report.province.cumulativeExits == 1)

        let housing = try Self.figures(report, .housing)
        #expect(housing.triggered == 2 && housing.decided == 2 && housing.delivered == 1 && housing.overdue == 1)
        let medical = try Self.figures(report, .medicalInsurance)
        #expect(medical.triggered == 3 && medical.decided == 2 && medical.refused == 1 && medical.delivered == 1)
        let education = try Self.figures(report, .education)
        #expect(education.triggered == 0 && education.delivered == 0 && education.yuan == .zero)
        #expect(try Self.figures(report, .union).yuan == Yuan(yuan: 60))
        #expect(try Self.figures(report, .civilAffairs).yuan == Yuan(yuan: 500))
        #expect(report.money.map(\.measure) == [.medicalMutualAid, .reliefDibao])
        #expect(report.money.map(\.yuan) == [Yuan(yuan: 60), Yuan(yuan: 500)])
    }

    @Test("--year 2018: A's unit and C's placement delivered; E filed, paid and exited in Qujing")
    func year2018() throws {
        let report = try #require(Self.report().restricted(to: 2018))
        let kunming = try #require(report.prefectures.first { $0.code == "530100" })
        #expect(kunming.filesOpened == 5 && kunming.cumulativeExits == 3 && kunming.measuresDelivered == 2)
        #expect(kunming.years.first.map { [$0.openAtStart, $0.newFiles, $0.exits] } == [4, 0, 2])
        let education = try Self.figures(report, .education)
        #expect(education.triggered == 1 && education.decided == 1 && education.delivered == 1)
        #expect(education.yuan == Yuan(yuan: 1000))
        let housing = try Self.figures(report, .housing)
        #expect(housing.triggered == 0 && housing.delivered == 1 && housing.overdue == 0)
        #expect(report.money.map(\.measure) == [.educationStudentAid])
        #expect(report.shortfalls.isEmpty, "every place reaches 30 % in 2018")
        #expect(Self.report().restricted(to: 2016) == nil)
    }

    @Test("below 30 %: Kunming 2017 and the province, with the four files still open and why")
    func shortfalls() throws {
        let report = Self.report()
        #expect(report.shortfalls.map(\.code) == ["530100", "530000"])
        let kunming = try #require(report.shortfalls.first)
        #expect(kunming.name == "昆明市" && kunming.year == 2017 && kunming.exitRatePerMille == 200)
        #expect(kunming.stillOpen == 4, "A, B, C, F")
        #expect(kunming.blocked.map(\.department) == [.medicalInsurance])
        #expect(kunming.blocked.map(\.reason) == ["not a listed major disease"])
        #expect(kunming.blocked.map(\.households) == [1])
        #expect(kunming.waiting.map(\.measure) == [.housingPublicRental] && kunming.waiting.map(\.measures) == [1])
        #expect(kunming.awaiting.map(\.department) == [.medicalInsurance] && kunming.awaiting.map(\.households) == [1])
        #expect(kunming.dueLater == 1, "C")
        let province = try #require(report.shortfalls.last)
        #expect(province.stillOpen == 4 && province.blocked == kunming.blocked && province.dueLater == 1)
        #expect(report.restricted(to: 2017)?.shortfalls == report.shortfalls)
    }
}
