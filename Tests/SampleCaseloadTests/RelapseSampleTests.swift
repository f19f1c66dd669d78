import Foundation
import HouseholdDomain
import SampleCaseload
import Testing

/// The demo's relapses (返困, policy Part C.5): which exited households fall back, when, and the import file made of
/// them.
@Suite("Sample caseload: relapses")
struct RelapseSampleTests {
    static let caseload = """
        档案编号,行政区划代码,建档日期,家庭月总收入
        KM-2017-0001,530122,2017-03-15,1200
        KM-2017-0001,,,
        KM-2017-0002,530102,2017-04-01,900
        KM-2017-0003,530102,2017-05-01,800

        """

    @Test("every file falls back at 1000 ‰, none at 0 ‰; the day is 90–540 days after the exit, by file number alone")
    func choice() {
        let exit = LocalDate("2017-09-01")!
        let all = RelapseSample(seed: 7, perMille: 1000)
        for number in 0..<200 {
            let file = "KM-2017-\(number)"
            #expect(all.mayFallBack(file))
            let day = all.refiledOn(file, exitedOn: exit)
            #expect(day.map { (90...540).contains(exit.days(until: $0)) } == true)
            #expect(
                RelapseSample(seed: 7, perMille: 1000).refiledOn(file, exitedOn: exit) == day, "same seed, same day")
        }
        #expect((0..<200).allSatisfy { !RelapseSample(seed: 7, perMille: 0).mayFallBack("KM-2017-\($0)") })
        // After the programme's end, no relapse: 540 days at most, so an exit in mid-2020 never falls back after it.
        #expect(all.refiledOn("KM-2017-1", exitedOn: LocalDate("2020-12-30")!) == nil)
        // About 1 % by default (10 ‰): 10,000 file numbers give between 50 and 150 (a binomial's mean 100, sd 10).
        let share = (0..<10_000).filter { RelapseSample(seed: 2017).mayFallBack("HH-2017-\($0)") }.count
        #expect((50...150).contains(share), "\(share)")
    }

    @Test("the import file: the exited households' rows, file number -R, new filing date, the county's current code")
    func file() throws {
        let relapses = RelapseSample(seed: 7, perMille: 1000)
        let exits = ["KM-2017-0001": LocalDate("2017-09-01")!, "KM-2017-0003": LocalDate("2017-10-01")!]
        let made = relapses.csv(caseload: Self.caseload, exits: exits)
        #expect(made.households == 2)
        let first = try #require(relapses.refiledOn("KM-2017-0001", exitedOn: exits["KM-2017-0001"]!))
        let third = try #require(relapses.refiledOn("KM-2017-0003", exitedOn: exits["KM-2017-0003"]!))
        // 晋宁县 530122 is valid until 2017-10-31, then 晋宁区 530115 (the first relapse is filed 90 days or more
        // after 1 September 2017, so always after it).
        #expect(
            made.csv == """
                档案编号,行政区划代码,建档日期,家庭月总收入
                KM-2017-0001-R,530115,\(first),1200
                KM-2017-0001-R,,,
                KM-2017-0003-R,530102,\(third),800

                """)
    }
}
