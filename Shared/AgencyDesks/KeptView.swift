import EventFabric
import ProgrammeEvents
import StreamingJSON

/// The data of a `household.registered` or `household.updated` event as kept by the desks (`desk_households`,
/// the coordinator's `coord_views`): what they read back of it.
struct KeptView: Decodable {
    /// The view.
    var view: HouseholdView

    /// The view a `household.registered` or `household.updated` event brings, each decoded as its own type.
    ///
    /// - Returns: The view, or `nil` for an event of another type.
    /// - Throws: `DecodingError`.
    static func view(of event: CloudEvent, using decoder: StreamingJSONDecoder) throws -> HouseholdView? {
        switch event.type {
        case HouseholdRegistered.type: try event.decodeData(as: HouseholdRegistered.self, using: decoder).view
        case HouseholdUpdated.type: try event.decodeData(as: HouseholdUpdated.self, using: decoder).view
        default: nil
        }
    }
}
