/// Why a desk refused an event or a request: the subscriber records a refused event and carries on; a refused
/// request is answered with the description. Every desk throws it, and the staff register (``StaffRegister``,
/// ``StaffArea``) for a change it refuses (`staff.area.unknown`, …), with a Chinese-first description for staff.
public struct DeskRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code, e.g. `desk.type.unexpected`.
    public var code: String
    /// What is wrong, without personal data.
    public var description: String

    /// Creates a refusal.
    ///
    /// - Parameters:
    ///   - code: A stable code.
    ///   - description: What is wrong, without personal data.
    public init(code: String, description: String) {
        self.code = code
        self.description = description
    }
}
