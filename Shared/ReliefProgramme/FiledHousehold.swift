import HouseholdDomain

/// One filed (eligible) household and what was done for it: an entry of ``ProgrammeRun/files``, and what the
/// coordinator keeps of a file (``ProvinceReport`` is built from either).
public struct FiledHousehold: Sendable, Hashable {
    /// Its assessment.
    public var assessment: Assessment
    /// Every decision, in the order made.
    public var decisions: [MeasureDecision]
    /// The §2.3 dimensions and exit.
    public var readiness: ExitReadiness

    /// Creates a filed household's record (the coordinator builds them from its store).
    public init(assessment: Assessment, decisions: [MeasureDecision], readiness: ExitReadiness) {
        self.assessment = assessment
        self.decisions = decisions
        self.readiness = readiness
    }
}
