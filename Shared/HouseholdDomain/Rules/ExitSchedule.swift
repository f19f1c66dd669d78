/// The dates of an exit procedure (policy C.4) as the union's simulated staff keep them in automatic mode, counted in
/// working days on the policy's calendar (C.7): the proposal, its review on the first working day on or after the
/// proposal, publicity (公示) from the next working day for the policy's working days, and the approval on the first
/// working day after publicity ends. The file closes on the approval date.
///
/// The union desk (automatic mode) and the sequential `ProgrammeRun` both take their dates from here, so an exit
/// moves equally in both. In review mode staff choose the dates; ``publicityUntil(from:policy:)`` and
/// ``mayApprove(on:publicityUntil:)`` are the rules they are held to.
public struct ExitSchedule: Sendable, Hashable {
    /// The proposal date: the date the six dimensions held (``ExitReadiness/exitDate``), or a household's request.
    public var proposedOn: LocalDate
    /// The county union's review: the first working day on or after ``proposedOn``.
    public var reviewedOn: LocalDate
    /// Publicity's first day: the first working day after ``reviewedOn``.
    public var publicityFrom: LocalDate
    /// Publicity's last day: its ``Policy/ExitProcedure/publicityWorkingDays``-th working day.
    public var publicityUntil: LocalDate
    /// The approval, and the exit date: the first working day after ``publicityUntil``.
    public var approvedOn: LocalDate

    /// The dates of a procedure proposed on `proposedOn` and run without objection.
    ///
    /// Example (2017 calendar, 5 working days): proposed Friday 2017-09-29 → reviewed 09-29 → publicity from
    /// Saturday 09-30 (an adjusted working day) through Thursday 10-12 (09-30, then 10-09 … 10-12 after the
    /// 国庆 holiday of 10-01 … 10-08) → approved Friday 10-13.
    ///
    /// - Parameters:
    ///   - proposedOn: the proposal date.
    ///   - policy: its calendar and publicity days.
    public init(proposedOn: LocalDate, policy: Policy) {
        let calendar = policy.workingCalendar
        self.proposedOn = proposedOn
        reviewedOn = calendar.firstWorkingDay(onOrAfter: proposedOn)
        publicityFrom = calendar.adding(workingDays: 1, to: reviewedOn)
        publicityUntil = Self.publicityUntil(from: publicityFrom, policy: policy)
        approvedOn = calendar.adding(workingDays: 1, to: publicityUntil)
    }

    /// The last day of a publicity that starts on `start`: `start` (moved to a working day) and the working days
    /// after it, ``Policy/ExitProcedure/publicityWorkingDays`` in all.
    public static func publicityUntil(from start: LocalDate, policy: Policy) -> LocalDate {
        let calendar = policy.workingCalendar
        return calendar.adding(
            workingDays: policy.exitProcedure.publicityWorkingDays - 1, to: calendar.firstWorkingDay(onOrAfter: start))
    }

    /// Whether an approval on `date` comes after publicity has run its working days (policy C.4): `date` is after
    /// ``publicityUntil``.
    public static func mayApprove(on date: LocalDate, publicityUntil: LocalDate) -> Bool { date > publicityUntil }
}
