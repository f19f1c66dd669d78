import HouseholdDomain

/// `household.registered`: the union filed a household (一户一档) and sends each agency its view of it.
///
/// Published on each `households.<agency>` feed, each carrying that agency's ``HouseholdView``.
/// Source: policy §4.1.
public struct HouseholdRegistered: EventPayload {
    /// `household.registered`.
    public static let type = "household.registered"

    /// The consuming agency's view of the household, with the measures it leads.
    public var view: HouseholdView
    /// The version of the policy file the plan was assessed under (`Policy.version`, e.g. `2017.2`), if known.
    public var planVersion: String?

    /// The file number, from the view.
    public var fileNumber: String { view.fileNumber }

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - view: the agency's view.
    ///   - planVersion: the policy version of the plan.
    public init(view: HouseholdView, planVersion: String? = nil) {
        self.view = view
        self.planVersion = planVersion
    }
}
