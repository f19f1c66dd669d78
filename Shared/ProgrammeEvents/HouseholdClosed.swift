import HouseholdDomain
import ReliefProgramme

/// `household.closed`: the union closed a file; every agency stops the household's pending work.
///
/// Source: policy §4.1 (closed on exit), §2.3, Part B "exit" (the other closing reasons).
public struct HouseholdClosed: EventPayload {
    /// `household.closed`.
    public static let type = "household.closed"

    /// Why a file closes (policy Part B, "The guarantees of §2.3 … and exit"): `exited`, `death`, `movedAway`,
    /// `notEligible`, `safetyNet`.
    public typealias Reason = FileClosure.Reason

    /// 档案编号.
    public var fileNumber: String
    /// Why.
    public var reason: Reason
    /// The effective date of the closing (for `exited`, the exit date).
    public var closedOn: LocalDate

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - fileNumber: the file.
    ///   - reason: why it closes.
    ///   - closedOn: the effective date.
    public init(fileNumber: String, reason: Reason, closedOn: LocalDate) {
        self.fileNumber = fileNumber
        self.reason = reason
        self.closedOn = closedOn
    }
}
