import HouseholdDomain

/// One filed (eligible) household and what was done for it: an entry of ``ProgrammeRun/files``, and what the
/// coordinator keeps of a file (``ProvinceReport`` is built from either).
public struct FiledHousehold: Sendable, Hashable {
    /// What §2.3 and the report read of it: from its assessment in the sequential run, from the coordinator's
    /// view of it in the coordinator's store.
    public var subject: ExitSubject
    /// Every decision, in the order made.
    public var decisions: [MeasureDecision]
    /// The §2.3 dimensions and exit.
    public var readiness: ExitReadiness

    /// Creates a filed household's record (the coordinator builds them from its store).
    public init(subject: ExitSubject, decisions: [MeasureDecision], readiness: ExitReadiness) {
        self.subject = subject
        self.decisions = decisions
        self.readiness = readiness
    }
}
