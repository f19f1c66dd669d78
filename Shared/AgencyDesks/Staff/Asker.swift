/// Who asks a desk's operation, as the request server authenticated and authorised them: the staff member and
/// the area they act in (``StaffArea``). A desk answers only about households in ``area`` and records ``staffID``
/// with what it changes.
public struct Asker: Sendable {
    /// The staff member's pseudonymous id (`housing-0003`), or `nil` on an endpoint without CURVE (`insecure: true`
    /// or a local test endpoint), where nobody is authenticated and nothing is enforced.
    public var staffID: String?
    /// The area the asker may see and act on.
    public var area: StaffArea
    /// The roles the asker holds (empty when unauthenticated): an approver's worklist leaves out their own
    /// proposals (policy C.6).
    public var roles: Set<StaffRole>
    /// Called once for each household refused because it lies outside ``area`` (counted and shown by `status`).
    let outOfArea: @Sendable () -> Void
    /// Called once for each decision refused because the asker proposed it (counted and shown by `status`).
    let selfApproval: @Sendable () -> Void

    /// Creates an asker.
    ///
    /// - Parameters:
    ///   - staffID: The staff id, or `nil` when unauthenticated.
    ///   - area: Their area.
    ///   - roles: Their roles.
    ///   - outOfArea: Counts a household refused as out of area.
    ///   - selfApproval: Counts a decision refused as the asker's own proposal.
    public init(
        staffID: String?, area: StaffArea, roles: Set<StaffRole> = [], outOfArea: @escaping @Sendable () -> Void = {},
        selfApproval: @escaping @Sendable () -> Void = {}
    ) {
        self.staffID = staffID
        self.area = area
        self.roles = roles
        self.outOfArea = outOfArea
        self.selfApproval = selfApproval
    }

    /// Nobody authenticated: an endpoint without CURVE (the province, nothing recorded).
    public static let unauthenticated = Asker(staffID: nil, area: .province)

    /// Whether the asker may see a household filed in `county`; one that may not is counted.
    ///
    /// - Parameter county: The household's six-digit division code.
    /// - Returns: Whether it is in the asker's area.
    public func covers(county: String) -> Bool {
        if area.contains(county: county) { return true }
        outOfArea()
        return false
    }

    /// The reason given for a household outside the area, Chinese first.
    ///
    /// - Parameter subject: The file or measure refused.
    /// - Returns: Such as `KM-2017-0001 不在 530302 麒麟区 的范围内 (outside the area of qj-staff: 530302)`.
    public func outsideArea(_ subject: String) -> String {
        "\(subject) 不在您的工作范围 \(area) 内 (outside the area of \(staffID ?? "this key"): \(area.code))"
    }
}
