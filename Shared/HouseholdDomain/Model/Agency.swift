/// An agency of the programme: the union, the five departments, the coordinator (DESIGN "Services").
public enum Agency: String, Sendable, Hashable, Codable, CaseIterable {
    /// The provincial union (union-registry).
    case union = "union-registry"
    /// HR & social security: employment and social insurance (hr-employment).
    case humanResources = "hr-employment"
    /// Medical insurance (medical-insurance).
    case medicalInsurance = "medical-insurance"
    /// Education (education-aid).
    case education = "education-aid"
    /// Housing & urban-rural development (housing).
    case housing
    /// Civil affairs (civil-affairs).
    case civilAffairs = "civil-affairs"
    /// The leading group's office (coordinator).
    case coordinator
}
