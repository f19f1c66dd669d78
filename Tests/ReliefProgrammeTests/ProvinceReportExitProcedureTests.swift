import HouseholdDomain
import ReliefProgramme
import Testing

/// The report's exits pending 公示 and visits due (policy C.4, C.5) on four hand-made files of Kunming (530100),
/// every figure computed by hand below.
@Suite("Provincial report: exits pending approval, visits due")
struct ProvinceReportExitProcedureTests {
    static func date(_ text: String) -> LocalDate { LocalDate(text)! }

    static func file(
        filed: String, proposed: String?, closed: (FileClosure.Reason, String)? = nil
    ) -> ProvinceReport.Tally.File {
        .init(
            category: .one, prefectureCode: "530100", countyCode: "530102", filedOn: date(filed), measures: [],
            decisions: [], exitDate: nil, closure: closed.map { FileClosure(reason: $0.0, closedOn: date($0.1)) },
            proposedOn: proposed.map(date))
    }

    @Test("pending on 31 December: proposed and not yet closed; visits counted in the year they fall due")
    func pendingAndVisits() throws {
        var tally = ProvinceReport.Tally(years: [2017, 2018, 2019], followUp: .standard)
        // A: proposed 2017-12-22, approved 2018-01-05: pending at the end of 2017; exits in 2018; visits due
        //    2018-07-05 and 2019-01-05.
        tally.add(Self.file(filed: "2017-03-01", proposed: "2017-12-22", closed: (.exited, "2018-01-05")))
        // B: proposed and approved in 2017 (2017-06-01 → 2017-06-12): visits due 2017-12-12 and 2018-06-12.
        tally.add(Self.file(filed: "2017-03-01", proposed: "2017-06-01", closed: (.exited, "2017-06-12")))
        // C: proposed 2018-12-28, never approved (a review-mode union still waiting): pending at the end of 2018
        //    and of 2019; no exit, no visit.
        tally.add(Self.file(filed: "2018-03-01", proposed: "2018-12-28"))
        // D: proposed 2019-11-01, then the worker died on 2019-11-05: closed, so not pending at the end of 2019.
        tally.add(Self.file(filed: "2019-03-01", proposed: "2019-11-01", closed: (.death, "2019-11-05")))
        let kunming = try #require(tally.report.prefectures.first { $0.code == "530100" })
        // 2017: pending A = 1; visits B's first = 1. 2018: pending C = 1; visits A's first, B's second = 2.
        // 2019: pending C = 1 (D closed); visits A's second = 1.
        #expect(kunming.years.map(\.exitsPending) == [1, 1, 1])
        #expect(kunming.years.map(\.visitsDue) == [1, 2, 1])
        #expect(kunming.years.map(\.exits) == [1, 1, 0])
        #expect(tally.report.province.years.map(\.exitsPending) == [1, 1, 1])
    }
}
