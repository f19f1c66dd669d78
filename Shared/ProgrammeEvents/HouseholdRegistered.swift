import HouseholdDomain
import ReliefProgramme

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
    /// The closed file the household's persons were in, when it is filed again (policy Part C.5: "filed again …
    /// linked to its earlier file"); a relapse (返困) when that file exited. Absent for a first filing. Added in
    /// version 2.2.0 of the events (docs/asyncapi.yaml): consumers that do not know it ignore it.
    public var earlierFile: EarlierFile?

    /// The file number, from the view.
    public var fileNumber: String { view.fileNumber }

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - view: the agency's view.
    ///   - planVersion: the policy version of the plan.
    ///   - earlierFile: the closed file the household's persons were in, if any.
    public init(view: HouseholdView, planVersion: String? = nil, earlierFile: EarlierFile? = nil) {
        self.view = view
        self.planVersion = planVersion
        self.earlierFile = earlierFile
    }
}
