import ProgrammeEvents

/// The data of a `household.registered` or `household.updated` event as kept by the desks (`desk_households`,
/// the coordinator's `coord_views`): what they read back of it.
struct KeptView: Decodable {
    /// The view.
    var view: HouseholdView
}
