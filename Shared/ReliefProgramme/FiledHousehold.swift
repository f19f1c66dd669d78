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
    /// The six-digit code of its county of residence (the report's per-county table), when known.
    public var divisionCode: String?
    /// Why and when the file closed, if it did: exited (on the exit date) or another closing reason.
    public var closure: FileClosure?
    /// The closed file its persons were in, if any: a relapse (返困) when that file exited (policy Part C.5).
    public var earlierFile: EarlierFile?

    /// Creates a filed household's record (the coordinator builds them from its store).
    ///
    /// - Parameters:
    ///   - subject: what §2.3 and the report read of it.
    ///   - decisions: every decision, in the order made.
    ///   - readiness: the §2.3 dimensions and exit.
    ///   - divisionCode: its county.
    ///   - closure: why and when it closed; `nil` takes an exit from `readiness` (a file closes on exit).
    ///   - earlierFile: the closed file its persons were in.
    public init(
        subject: ExitSubject, decisions: [MeasureDecision], readiness: ExitReadiness, divisionCode: String? = nil,
        closure: FileClosure? = nil, earlierFile: EarlierFile? = nil
    ) {
        self.subject = subject
        self.decisions = decisions
        self.readiness = readiness
        self.divisionCode = divisionCode
        self.closure = closure ?? readiness.exitDate.map { FileClosure(reason: .exited, closedOn: $0) }
        self.earlierFile = earlierFile
    }
}
