import Foundation
import HouseholdDomain
import TestSupport
import Testing

/// The working-day calendar (policy C.7) and the exit procedure's dates (C.4) and visits (C.5), each date counted by
/// hand on the State Council notices the shipped calendar copies (国办发明电〔2016〕17号 for 2017, 〔2017〕12号 for
/// 2018).
@Suite("Working calendar, exit schedule and visits (policy C.4, C.5, C.7)")
struct WorkingCalendarTests {
    static let policy = try! Policy.load(contentsOfFile: PolicyLoadingTests.shippedPath)
    static var calendar: WorkingCalendar { policy.workingCalendar }

    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    @Test("the shipped policy names the calendar of 2017–2020 and the Part C parameters")
    func shippedParameters() {
        #expect(Self.calendar.coveredYears == 2017...2020)
        #expect(Self.policy.exitProcedure.publicityWorkingDays == 5)
        #expect(Self.policy.followUp == Policy.FollowUp(months: 12, visitEveryMonths: 6))
    }

    @Test("across a plain weekend: Friday + 1 working day is Monday, + 5 the next Friday")
    func plainWeekend() {
        // 2017-03-03 is a Friday; no holiday near it.
        #expect(Self.calendar.adding(workingDays: 1, to: Self.day("2017-03-03")) == Self.day("2017-03-06"))
        #expect(Self.calendar.adding(workingDays: 5, to: Self.day("2017-03-03")) == Self.day("2017-03-10"))
        #expect(Self.calendar.adding(workingDays: 0, to: Self.day("2017-03-04")) == Self.day("2017-03-04"))
        #expect(!Self.calendar.isWorkingDay(Self.day("2017-03-04")))
        #expect(Self.calendar.firstWorkingDay(onOrAfter: Self.day("2017-03-04")) == Self.day("2017-03-06"))
    }

    @Test("国庆 2017: 30 September (a Saturday) is worked, 1–8 October are off")
    func nationalDay2017() {
        #expect(Self.calendar.isWorkingDay(Self.day("2017-09-30")))
        for offset in 0..<8 { #expect(!Self.calendar.isWorkingDay(Self.day("2017-10-01").adding(days: offset))) }
        // Friday 29 September + 1 = Saturday 30 September; + 2 = Monday 9 October.
        #expect(Self.calendar.adding(workingDays: 1, to: Self.day("2017-09-29")) == Self.day("2017-09-30"))
        #expect(Self.calendar.adding(workingDays: 2, to: Self.day("2017-09-29")) == Self.day("2017-10-09"))
        // 25–29 Sep (5) + 30 Sep (1) + 9–13 Oct (5) = 11 working days from 25 Sep through 15 Oct.
        #expect(Self.calendar.workingDays(from: Self.day("2017-09-25"), through: Self.day("2017-10-15")) == 11)
    }

    @Test("春节 2018: 15–21 February off, Sunday 11 and Saturday 24 February worked")
    func springFestival2018() {
        // Wednesday 14 February + 1 = Thursday 22 February.
        #expect(Self.calendar.adding(workingDays: 1, to: Self.day("2018-02-14")) == Self.day("2018-02-22"))
        // 11 Feb (Sun, worked) + 12–14 Feb (3) + 22–23 Feb (2) + 24 Feb (Sat, worked) = 7 from 10 through 25 Feb.
        #expect(Self.calendar.workingDays(from: Self.day("2018-02-10"), through: Self.day("2018-02-25")) == 7)
        #expect(Self.calendar.workingDays(from: Self.day("2018-02-25"), through: Self.day("2018-02-10")) == 0)
    }

    @Test("outside 2017–2020 only weekends are off")
    func outsideTheFile() {
        // 1 October 2021 is a Friday: a holiday in fact, but no notice for 2021 is in the file.
        #expect(Self.calendar.isWorkingDay(Self.day("2021-10-01")))
        #expect(!Self.calendar.isWorkingDay(Self.day("2021-10-02")))
        #expect(WorkingCalendar.weekendsOnly.isWorkingDay(Self.day("2017-10-02")))
    }

    @Test("a bad calendar row is refused with its row")
    func badRows() {
        let error = #expect(throws: PolicyError.self) {
            try WorkingCalendar(csv: "date,kind,holiday,source\n2017-01-01,day-off,元旦,x\n", source: "c.csv")
        }
        #expect(error?.description == "policy c.csv, row 2: kind must be holiday or workday")
        // 2017-01-02 is a Monday: it cannot be an adjusted working day.
        #expect(throws: PolicyError.self) {
            try WorkingCalendar(csv: "date,kind,holiday,source\n2017-01-02,workday,元旦,x\n", source: "c.csv")
        }
        #expect(throws: PolicyError.self) {
            try WorkingCalendar(csv: "date,kind\n2017-01-02,holiday\n2017-01-01,holiday\n", source: "c.csv")
        }
    }

    @Test("an exit proposed on the Friday before 国庆 2017 is approved on Friday 13 October")
    func exitAcrossNationalDay() {
        let schedule = ExitSchedule(proposedOn: Self.day("2017-09-29"), policy: Self.policy)
        // Reviewed the same (working) day; publicity's 5 working days: 30 Sep, 9, 10, 11, 12 Oct; approved the
        // next working day.
        #expect(schedule.reviewedOn == Self.day("2017-09-29"))
        #expect(schedule.publicityFrom == Self.day("2017-09-30"))
        #expect(schedule.publicityUntil == Self.day("2017-10-12"))
        #expect(schedule.approvedOn == Self.day("2017-10-13"))
        #expect(!ExitSchedule.mayApprove(on: Self.day("2017-10-12"), publicityUntil: schedule.publicityUntil))
        #expect(ExitSchedule.mayApprove(on: Self.day("2017-10-13"), publicityUntil: schedule.publicityUntil))
    }

    @Test("an exit proposed on a Sunday is reviewed on Monday")
    func exitProposedOnSunday() {
        // Sunday 2017-03-05 → reviewed Mon 6 Mar; publicity Tue 7 – Mon 13 Mar (7, 8, 9, 10, 13); approved Tue 14.
        let schedule = ExitSchedule(proposedOn: Self.day("2017-03-05"), policy: Self.policy)
        #expect(schedule.reviewedOn == Self.day("2017-03-06"))
        #expect(schedule.publicityFrom == Self.day("2017-03-07"))
        #expect(schedule.publicityUntil == Self.day("2017-03-13"))
        #expect(schedule.approvedOn == Self.day("2017-03-14"))
    }

    @Test("visits fall due every 6 calendar months from the exit, a month's end kept at the month's end")
    func visitDates() {
        #expect(Self.day("2018-03-31").adding(months: 6) == Self.day("2018-09-30"))
        #expect(Self.day("2019-08-31").adding(months: 6) == Self.day("2020-02-29"))
        #expect(Self.day("2017-01-15").adding(months: -1) == Self.day("2016-12-15"))
        #expect(
            Self.policy.followUp.visitsDue(after: Self.day("2017-10-13"))
                == [Self.day("2018-04-13"), Self.day("2018-10-13")])
    }
}
