import HouseholdDomain
import Testing

@Suite("LocalDate (policy Part B: ages on the filing date)")
struct LocalDateTests {
    @Test(
        "Age in whole years: the birthday counts, the day before does not",
        arguments: [
            ("1975-06-12", "2017-06-12", 42), ("1975-06-12", "2017-06-11", 41), ("1975-06-12", "2017-12-31", 42),
            ("2017-03-15", "2017-03-15", 0), ("2017-03-16", "2017-03-15", -1),
        ])
    func age(_ born: String, _ on: String, _ expected: Int) {
        #expect(LocalDate(born)!.age(on: LocalDate(on)!) == expected)
    }

    @Test(
        "Born on 29 February: the birthday is 1 March in other years, 29 February in leap years",
        arguments: [
            ("2001-02-28", 0), ("2001-03-01", 1), ("2003-02-28", 2), ("2003-03-01", 3), ("2004-02-28", 3),
            ("2004-02-29", 4), ("2100-02-28", 99), ("2100-03-01", 100),
        ])
    func leapDayBirthday(_ on: String, _ expected: Int) {
        #expect(LocalDate("2000-02-29")!.age(on: LocalDate(on)!) == expected)
    }

    @Test(
        "Days since 1970-01-01 round-trip",
        arguments: [
            ("1970-01-01", 0), ("1969-12-31", -1), ("2000-03-01", 11_017), ("2017-03-15", 17_240),
            ("1900-03-01", -25_508),
        ])
    func daysSinceEpoch(_ text: String, _ days: Int) {
        let date = LocalDate(text)!
        #expect(date.daysSinceEpoch == days)
        #expect(LocalDate(daysSinceEpoch: days) == date)
    }

    @Test("Every day from 1900 to 2100 round-trips and follows the previous one")
    func roundTripRange() {
        var previous = LocalDate(year: 1899, month: 12, day: 31)!
        for days in LocalDate(year: 1900, month: 1, day: 1)!
            .daysSinceEpoch...LocalDate(year: 2100, month: 12, day: 31)!.daysSinceEpoch
        {
            let date = LocalDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(previous < date && previous.adding(days: 1) == date)
            previous = date
        }
    }

    @Test(
        "Only real dates written YYYY-MM-DD parse",
        arguments: [
            "2017-02-29", "2017-13-01", "2017-04-31", "2017-00-10", "2017-3-15", "2017/03/15", "17-03-15", "",
            "2017-03-15 ",
        ])
    func invalid(_ text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test("Text form and China time (UTC+8)")
    func textAndToday() {
        #expect(LocalDate("2016-02-29")?.description == "2016-02-29")
        #expect(LocalDate(year: 5, month: 1, day: 2)?.description == "0005-01-02")
        // 2017-03-14T16:00:00Z is midnight of 15 March in China.
        #expect(LocalDate.today(clock: 1_489_507_200) == LocalDate("2017-03-15"))
        #expect(LocalDate.today(clock: 1_489_507_199) == LocalDate("2017-03-14"))
    }
}
