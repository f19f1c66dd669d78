import Foundation

/// The working days (工作日) on which deadlines counted in working days run (policy C.7): Monday to Friday, less the
/// public holidays the State Council's yearly notices give (节假日), plus the weekend days those notices make working
/// days (调休).
///
/// The days come from the policy's calendar file (`deploy/policy/working-calendar-2017-2020.csv`: one row per
/// holiday or adjusted working day, with the notice it comes from). Outside the years the file covers
/// (``coveredYears``) no holiday is known: every Monday to Friday counts as a working day and every Saturday and
/// Sunday as a day off. A deadline that runs past the covered years is therefore counted on weekends only; the
/// policy file must gain the next years' notices before it is used for them.
public struct WorkingCalendar: Sendable, Hashable {
    /// What a row of the calendar file says of its day.
    public enum Kind: String, Sendable, Hashable {
        /// A public holiday (休): a day off even on a Monday to Friday.
        case holiday
        /// An adjusted working day (调休上班): a working Saturday or Sunday.
        case workday
    }

    /// The years the file gives (the years of its first and last rows), or `nil` for a calendar without a file.
    public let coveredYears: ClosedRange<Int>?
    private let days: [LocalDate: Kind]

    /// A calendar of weekends only: no file, no holiday.
    public static let weekendsOnly = WorkingCalendar(days: [:], coveredYears: nil)

    /// Creates a calendar from its days.
    ///
    /// - Parameters:
    ///   - days: the holidays and adjusted working days.
    ///   - coveredYears: the years those days are complete for.
    public init(days: [LocalDate: Kind], coveredYears: ClosedRange<Int>?) {
        self.days = days
        self.coveredYears = coveredYears
    }

    /// Reads a calendar file: a header `date,kind,holiday,source`, then one row per day, `kind` `holiday` or
    /// `workday`, dates `YYYY-MM-DD` in increasing order, each once.
    ///
    /// - Parameters:
    ///   - csv: the file's text (UTF-8).
    ///   - source: the file's name, for messages.
    /// - Throws: ``PolicyError`` naming the row of a bad line.
    public init(csv: String, source: String) throws(PolicyError) {
        var lines = csv.split(whereSeparator: \.isNewline).map { String($0) }
        guard let header = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }),
            header.count >= 2, header[0] == "date", header[1] == "kind"
        else {
            throw PolicyError(source: source, path: "row 1", message: "expected the header date,kind,holiday,source")
        }
        lines.removeFirst()
        var days: [LocalDate: Kind] = [:]
        var previous: LocalDate?
        for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let row = "row \(index + 2)"
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 2, let date = LocalDate(fields[0].trimmingCharacters(in: .whitespaces)) else {
                throw PolicyError(source: source, path: row, message: "expected a date YYYY-MM-DD first")
            }
            guard let kind = Kind(rawValue: fields[1].trimmingCharacters(in: .whitespaces)) else {
                throw PolicyError(source: source, path: row, message: "kind must be holiday or workday")
            }
            if let previous, date <= previous {
                throw PolicyError(source: source, path: row, message: "dates must increase (\(date) after \(previous))")
            }
            if kind == .workday, !date.isWeekend {
                throw PolicyError(
                    source: source, path: row,
                    message: "\(date) is a Monday to Friday: it cannot be an adjusted workday")
            }
            days[date] = kind
            previous = date
        }
        let years = days.keys.map(\.year)
        self.init(days: days, coveredYears: years.min().flatMap { first in years.max().map { first...$0 } })
    }

    /// Whether `date` is a working day: an adjusted working day of the file, else a Monday to Friday that is not
    /// one of its holidays.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        switch days[date] {
        case .workday: true
        case .holiday: false
        case nil: !date.isWeekend
        }
    }

    /// The date `count` working days after `date`: the working days strictly after `date` are counted, so
    /// `adding(workingDays: 1, to: friday)` is the next working day (the Monday after a normal weekend), and
    /// `adding(workingDays: 0, to: date)` is `date` itself.
    ///
    /// - Parameters:
    ///   - count: working days, at least 0.
    ///   - date: the day counted from (not counted itself).
    public func adding(workingDays count: Int, to date: LocalDate) -> LocalDate {
        var day = date
        var left = max(0, count)
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// The number of working days from `start` through `end`, both counted; 0 when `end` is before `start`.
    public func workingDays(from start: LocalDate, through end: LocalDate) -> Int {
        var count = 0
        var day = start
        while day <= end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    /// `date` when it is a working day, else the first working day after it.
    public func firstWorkingDay(onOrAfter date: LocalDate) -> LocalDate {
        isWorkingDay(date) ? date : adding(workingDays: 1, to: date)
    }
}

extension LocalDate {
    /// The day of the week, 1 Monday … 7 Sunday (ISO 8601); 1970-01-01 was a Thursday.
    public var isoWeekday: Int {
        let days = daysSinceEpoch + 3
        return ((days % 7) + 7) % 7 + 1
    }

    /// Whether the day is a Saturday or a Sunday.
    public var isWeekend: Bool { isoWeekday >= 6 }

    /// The same day `months` calendar months later, or the last day of that month when it is shorter: 2018-03-31
    /// plus 6 months is 2018-09-30, 2019-08-31 plus 6 months is 2020-02-29 (policy C.5: visits every 6 months).
    ///
    /// - Parameter months: calendar months, may be negative.
    public func adding(months: Int) -> LocalDate {
        let index = year * 12 + (month - 1) + months
        let newYear = index >= 0 ? index / 12 : (index - 11) / 12
        let newMonth = index - newYear * 12 + 1
        let newDay = min(day, LocalDate.daysIn(month: newMonth, year: newYear))
        return LocalDate(year: newYear, month: newMonth, day: newDay)!
    }
}
