import HouseholdDomain

/// `household.updated`: the union changed a file (动态管理) and sends each agency its new view, whole.
///
/// The view replaces the previous one: a consumer keeps the latest, and measures no longer in it are no longer
/// asked for (a department withdraws them). Source: policy §4.1 (files managed dynamically).
public struct HouseholdUpdated: EventPayload {
    /// `household.updated`.
    public static let type = "household.updated"

    /// The consuming agency's view of the household as it now stands.
    public var view: HouseholdView

    /// The file number, from the view.
    public var fileNumber: String { view.fileNumber }

    /// Creates the payload.
    ///
    /// - Parameter view: the agency's new view.
    public init(view: HouseholdView) { self.view = view }
}
