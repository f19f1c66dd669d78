/// What a department did with one measure instance, as far as exit is concerned.
public enum MeasureOutcome: Sendable, Hashable, Codable {
    /// Delivered, effective on the date.
    case delivered(effectiveOn: LocalDate)
    /// Refused by the department, with its reason.
    case refused(department: Agency, reason: String)
}

/// The six dimensions of §2.3 (两有五保障) for one household and whether it is ready to exit.
///
/// A pure function of the household (``ExitSubject``) and the outcomes so far (policy Part B, "The guarantees of §2.3").
public struct ExitReadiness: Sendable, Hashable, Codable {
    /// One dimension's state.
    public struct DimensionState: Sendable, Hashable, Codable {
        /// The dimension.
        public var dimension: Measure.Dimension
        /// Whether it holds.
        public var holds: Bool
        /// When it came to hold: the filing date when it held from the start, else the effective date of the
        /// delivery that secured it. `nil` while open.
        public var since: LocalDate?
        /// Measure instance ids still awaited (open dimensions only).
        public var awaiting: [String]
        /// Refused measure instances blocking it, with the department and reason.
        public var refusals: [Refusal]

        /// Creates a dimension's state.
        public init(
            dimension: Measure.Dimension, holds: Bool, since: LocalDate?, awaiting: [String], refusals: [Refusal]
        ) {
            self.dimension = dimension
            self.holds = holds
            self.since = since
            self.awaiting = awaiting
            self.refusals = refusals
        }
    }

    /// A refused measure that blocks a dimension; the coordinator lists the household as blocked.
    public struct Refusal: Sendable, Hashable, Codable {
        /// The measure instance id.
        public var measureID: String
        /// The department that refused it.
        public var department: Agency
        /// Its reason.
        public var reason: String

        /// Creates a refusal.
        public init(measureID: String, department: Agency, reason: String) {
            self.measureID = measureID
            self.department = department
            self.reason = reason
        }
    }

    /// The six dimensions, in the order of ``Measure/Dimension/allCases``.
    public var dimensions: [DimensionState]
    /// All six hold.
    public var isReady: Bool
    /// When ready: the later of the filing date and the effective date of the last guarantee; else `nil`.
    public var exitDate: LocalDate?

    /// Evaluates the dimensions.
    ///
    /// - basic living: `pc ≥ S`, or already on 低保, or `relief.dibao` delivered;
    /// - employment: not a zero-employment household, or `employment.placement` delivered;
    /// - medical care: every triggered measure guaranteeing medical care delivered;
    /// - schooling: every `education.student-aid` triggered delivered;
    /// - social insurance: every `insurance.*` triggered delivered;
    /// - housing: no housing need, or `housing.public-rental` or `housing.rental-subsidy` delivered.
    /// A refused measure leaves its dimension open. A household that is not eligible is never ready.
    /// - Parameters:
    ///   - subject: what §2.3 reads of the household as it now stands.
    ///   - outcomes: outcomes by measure instance id (instances without an entry are pending).
    /// - Returns: the six dimensions and the exit readiness.
    /// - Source: policy §2.3, Part B.
    public static func evaluate(_ subject: ExitSubject, outcomes: [String: MeasureOutcome]) -> ExitReadiness {
        let filedOn = subject.filedOn
        let file = subject.fileNumber

        func deliveredOn(_ id: String) -> LocalDate? {
            if case .delivered(let date) = outcomes[id] { return date }
            return nil
        }
        func refusal(_ id: String) -> Refusal? {
            if case .refused(let department, let reason) = outcomes[id] {
                return Refusal(measureID: id, department: department, reason: reason)
            }
            return nil
        }
        /// Holds when every listed instance is delivered; since the last delivery (or the filing date).
        func allDelivered(_ dimension: Measure.Dimension, _ ids: [String]) -> DimensionState {
            var latest = filedOn
            var awaiting: [String] = []
            var refusals: [Refusal] = []
            for id in ids {
                if let date = deliveredOn(id) {
                    latest = max(latest, date)
                } else {
                    awaiting.append(id)
                    if let refused = refusal(id) { refusals.append(refused) }
                }
            }
            let holds = awaiting.isEmpty
            return DimensionState(
                dimension: dimension, holds: holds, since: holds ? latest : nil, awaiting: awaiting,
                refusals: refusals)
        }
        /// Holds from the filing date when `heldAtFiling`, else once one of `ids` is delivered (the earliest).
        func anyDelivered(_ dimension: Measure.Dimension, heldAtFiling: Bool, _ ids: [String]) -> DimensionState {
            if heldAtFiling {
                return DimensionState(dimension: dimension, holds: true, since: filedOn, awaiting: [], refusals: [])
            }
            if let earliest = ids.compactMap(deliveredOn).min() {
                return DimensionState(
                    dimension: dimension, holds: true, since: max(filedOn, earliest), awaiting: [], refusals: [])
            }
            return DimensionState(
                dimension: dimension, holds: false, since: nil, awaiting: [ids[0]],
                refusals: ids.compactMap(refusal))
        }
        func triggered(_ dimension: Measure.Dimension) -> [String] {
            subject.measures.filter { $0.code.guarantees == dimension }.map(\.id)
        }

        let dimensions = [
            anyDelivered(
                .basicLiving, heldAtFiling: !subject.isBelowStandard || subject.isOnDibao,
                [MeasureInstance.id(fileNumber: file, code: .reliefDibao)]),
            anyDelivered(
                .employment, heldAtFiling: !subject.isZeroEmployment,
                [MeasureInstance.id(fileNumber: file, code: .employmentPlacement)]),
            allDelivered(.medicalCare, triggered(.medicalCare)),
            allDelivered(.schooling, triggered(.schooling)),
            allDelivered(.socialInsurance, triggered(.socialInsurance)),
            anyDelivered(
                .housing, heldAtFiling: !subject.needsHousing,
                [
                    MeasureInstance.id(fileNumber: file, code: .housingPublicRental),
                    MeasureInstance.id(fileNumber: file, code: .housingRentalSubsidy),
                ]),
        ]
        let isReady = subject.isEligible && dimensions.allSatisfy(\.holds)
        let exitDate = isReady ? dimensions.compactMap(\.since).max().map { max($0, filedOn) } : nil
        return ExitReadiness(dimensions: dimensions, isReady: isReady, exitDate: exitDate)
    }
}
