import Foundation

/// One member of an agency's staff, as its store keeps them (``StaffRegister``).
///
/// The ``id`` is pseudonymous (`housing-0003`): it is what logs, replies and, later, other agencies' feeds carry.
/// The ``displayName`` is personal data: it stays in the agency's store and is shown only by `jiekun staff list`.
public struct StaffMember: Sendable, Hashable, Codable {
    /// The pseudonymous id: the agency and a sequence number, `housing-0003`.
    public var id: String
    /// The name shown to colleagues (personal data: never logged).
    public var displayName: String
    /// The roles held.
    public var roles: Set<StaffRole>
    /// The area code (``StaffArea``).
    public var area: String
    /// Whether the member may act; a disabled member's key is refused from then on.
    public var enabled: Bool
    /// The member's CURVE public key (40 Z85 characters), admitted on the agency's request endpoint while enabled.
    public var publicKey: String
    /// When the record was made (UTC).
    public var createdAt: Date
    /// Who made it (the operator on the agency's host, or a staff id).
    public var createdBy: String
    /// When it last changed (UTC).
    public var changedAt: Date
    /// Who changed it last.
    public var changedBy: String

    /// Creates a record.
    public init(
        id: String, displayName: String, roles: Set<StaffRole>, area: String, enabled: Bool, publicKey: String,
        createdAt: Date, createdBy: String, changedAt: Date, changedBy: String
    ) {
        self.id = id
        self.displayName = displayName
        self.roles = roles
        self.area = area
        self.enabled = enabled
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.changedAt = changedAt
        self.changedBy = changedBy
    }
}
