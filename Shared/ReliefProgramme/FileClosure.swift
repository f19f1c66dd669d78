import HouseholdDomain

/// Why and when a file closed (销档): exited, or one of the other closing reasons of policy Part B.
///
/// The report counts a file as open on 1 January only when it was not closed before that day, whatever the reason,
/// and counts each closure in the year of its date. Source: policy §2.1, §4.1 (files closed on exit), Part B "The
/// guarantees of §2.3 … and exit".
public struct FileClosure: Sendable, Hashable, Codable {
    /// Why a file closes.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// Out of hardship (解困脱困): the six dimensions hold (`household.exit-ready`).
        case exited
        /// The worker died (死亡).
        case death
        /// The household moved out of the province (迁出).
        case movedAway
        /// Re-identified as not eligible (不符合条件, policy §3).
        case notEligible
        /// Moved to the safety net (纳入兜底, policy §2.3a, §4.2.6).
        case safetyNet
    }

    /// Why it closed.
    public var reason: Reason
    /// The closure's business date: for an exit, the exit date (policy Part C.4: the approval date).
    public var closedOn: LocalDate

    /// Creates a closure.
    ///
    /// - Parameters:
    ///   - reason: why the file closed.
    ///   - closedOn: the closure's business date.
    public init(reason: Reason, closedOn: LocalDate) {
        self.reason = reason
        self.closedOn = closedOn
    }
}

/// The closed file a newly filed household's persons were in (policy Part C.5: a household that falls back into
/// hardship is filed again, "linked to its earlier file").
///
/// The union finds it with the register-wide check of persons: a person in an open file cannot be filed again, a
/// person in a closed file can, and the new file is linked to the most recently closed of those files. The new file
/// is a **relapse** (返困) when the earlier file exited (``isRelapse``); after the other closing reasons (death,
/// moved away, not eligible, safety net) it is a new filing linked to the earlier one, not a relapse.
public struct EarlierFile: Sendable, Hashable, Codable {
    /// The earlier file's number (档案编号).
    public var fileNumber: String
    /// The six-digit code of the prefecture the report counted the earlier file in.
    public var prefectureCode: String
    /// Why the earlier file closed.
    public var reason: FileClosure.Reason
    /// When it closed (for an exit, the exit date).
    public var closedOn: LocalDate

    /// Creates the link.
    ///
    /// - Parameters:
    ///   - fileNumber: the earlier file's number.
    ///   - prefectureCode: its prefecture.
    ///   - reason: why it closed.
    ///   - closedOn: when it closed.
    public init(fileNumber: String, prefectureCode: String, reason: FileClosure.Reason, closedOn: LocalDate) {
        self.fileNumber = fileNumber
        self.prefectureCode = prefectureCode
        self.reason = reason
        self.closedOn = closedOn
    }

    /// Whether the new file is a relapse (返困): the earlier file exited (policy Part C.5).
    public var isRelapse: Bool { reason == .exited }
}
