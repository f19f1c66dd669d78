import HouseholdDomain

/// A department's decision on one measure instance, and its delivery (`measure.decided`, `measure.delivered`).
public struct MeasureDecision: Sendable, Hashable, Codable {
    /// What the department decided.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Granted: delivered on ``MeasureDecision/deliveredOn``, or waiting for money while that is `nil`.
        case granted
        /// Refused, with a reason; the dimension it guarantees stays open (policy Part B).
        case refused
        /// Replaced by another measure that serves the same need (`housing.public-rental` by
        /// `housing.rental-subsidy` when no unit is free, policy §4.2.5).
        case replaced
        /// Withdrawn: the household no longer qualifies, or its file was closed.
        case withdrawn
    }

    /// The measure instance id (``MeasureInstance/id``).
    public var measureID: String
    /// The measure.
    public var code: Measure.Code
    /// The child, for a per-child measure.
    public var memberNumber: Int?
    /// The lead department, which decides.
    public var department: Agency
    /// The decision.
    public var status: Status
    /// Why, in words staff can read (with the numbers).
    public var reason: String
    /// Yuan paid for the measure (0 for a service, and for a measure not granted).
    public var amount: Yuan
    /// The agency whose budget pays, when money is paid: the lead department, or the union for the mutual-aid
    /// fee of categories 1 and 2 (§4.2.2) and the Golden Autumn grant (§4.2.3).
    public var paidBy: Agency?
    /// Filing date + the measure's processing days.
    public var dueOn: LocalDate
    /// Effective date of the delivery, or `nil` while waiting (or when not granted).
    public var deliveredOn: LocalDate?

    /// Creates a decision.
    public init(
        measureID: String, code: Measure.Code, memberNumber: Int?, department: Agency, status: Status,
        reason: String, amount: Yuan, paidBy: Agency?, dueOn: LocalDate, deliveredOn: LocalDate?
    ) {
        self.measureID = measureID
        self.code = code
        self.memberNumber = memberNumber
        self.department = department
        self.status = status
        self.reason = reason
        self.amount = amount
        self.paidBy = paidBy
        self.dueOn = dueOn
        self.deliveredOn = deliveredOn
    }

    /// The decision withdrawn because its file was closed while it still waited (a closed file stops all its
    /// pending work). Only a granted decision not yet delivered is withdrawn; any other is returned unchanged.
    ///
    /// - Parameters:
    ///   - reason: why the file was closed, e.g. `exited`.
    ///   - closedOn: the closing date.
    public func withdrawn(atClosure reason: String, on closedOn: LocalDate) -> MeasureDecision {
        guard status == .granted, deliveredOn == nil else { return self }
        var withdrawn = self
        withdrawn.status = .withdrawn
        withdrawn.reason = "file closed (\(reason)) on \(closedOn)"
        return withdrawn
    }

    /// Delivered after its due date, or not delivered at all though granted.
    public var isOverdue: Bool {
        guard status == .granted else { return false }
        guard let deliveredOn else { return true }
        return deliveredOn > dueOn
    }

    /// The outcomes of a household's decisions by measure id, for ``ExitReadiness/evaluate(_:outcomes:)``: a
    /// later decision of a measure replaces an earlier one, unless it has no outcome yet.
    public static func outcomes(of decisions: [MeasureDecision]) -> [String: MeasureOutcome] {
        var outcomes: [String: MeasureOutcome] = [:]
        for decision in decisions {
            if let outcome = decision.outcome { outcomes[decision.measureID] = outcome }
        }
        return outcomes
    }

    /// The outcome the coordinator's §2.3 evaluation sees.
    public var outcome: MeasureOutcome? {
        Self.outcome(status: status, department: department, reason: reason, deliveredOn: deliveredOn)
    }

    /// The outcome the coordinator's §2.3 evaluation sees in a decision with these facts: delivered when granted
    /// and delivered; refused (by the department, for the reason) when refused or withdrawn; none while granted
    /// but not yet delivered, or when replaced (the replacing measure counts instead). Desks that keep decisions as
    /// columns read only these four.
    ///
    /// - Source: policy Part B, "The guarantees of §2.3".
    public static func outcome(
        status: Status, department: Agency, reason: String, deliveredOn: LocalDate?
    ) -> MeasureOutcome? {
        switch status {
        case .granted: return deliveredOn.map { .delivered(effectiveOn: $0) }
        case .refused, .withdrawn: return .refused(department: department, reason: reason)
        case .replaced: return nil
        }
    }
}
