import HouseholdDomain

/// `household.exit-ready`: the coordinator judged that all six dimensions of §2.3 hold, and proposes the exit; the
/// union takes it through review, 公示 and approval and closes the file on the approval date (policy C.4).
///
/// Source: policy §2.3 (两有五保障), Part B "exit" (the day they held = the later of the filing date and the
/// effective date of the last guarantee), Part C.4.
public struct HouseholdExitReady: EventPayload {
    /// `household.exit-ready`.
    public static let type = "household.exit-ready"

    /// One dimension and the date it came to hold.
    public struct DimensionHeld: Sendable, Hashable, Codable {
        /// The dimension.
        public var dimension: Measure.Dimension
        /// The filing date when it held from the start, else the effective date of the delivery that secured it.
        public var since: LocalDate

        /// Creates the entry.
        ///
        /// - Parameters:
        ///   - dimension: the dimension.
        ///   - since: when it came to hold.
        public init(dimension: Measure.Dimension, since: LocalDate) {
            self.dimension = dimension
            self.since = since
        }
    }

    /// 档案编号.
    public var fileNumber: String
    /// The day the six dimensions held: the proposal date (the exit is dated on its approval, policy C.4).
    public var exitDate: LocalDate
    /// The six dimensions, in ``Measure/Dimension/allCases`` order, with the date each came to hold.
    public var dimensions: [DimensionHeld]

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - fileNumber: the file.
    ///   - exitDate: the exit date.
    ///   - dimensions: the dimensions and their dates.
    public init(fileNumber: String, exitDate: LocalDate, dimensions: [DimensionHeld]) {
        self.fileNumber = fileNumber
        self.exitDate = exitDate
        self.dimensions = dimensions
    }

    /// The payload of a household found ready to exit.
    ///
    /// - Parameters:
    ///   - fileNumber: the file.
    ///   - readiness: its evaluation (``ExitReadiness/evaluate(_:outcomes:)``).
    /// - Returns: `nil` when the household is not ready to exit.
    /// - Source: policy §2.3, Part B "exit".
    public init?(fileNumber: String, readiness: ExitReadiness) {
        guard readiness.isReady, let exitDate = readiness.exitDate else { return nil }
        var dimensions: [DimensionHeld] = []
        for state in readiness.dimensions {
            guard state.holds, let since = state.since else { return nil }
            dimensions.append(DimensionHeld(dimension: state.dimension, since: since))
        }
        self.init(fileNumber: fileNumber, exitDate: exitDate, dimensions: dimensions)
    }
}
