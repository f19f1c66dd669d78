import AgencyServices
import HouseholdDomain

/// `hr-employment --config FILE`: one agency's service; the wiring is in `AgencyAssembly`.
@main
enum HREmployment {
    /// Loads the configuration, builds the agency and runs it until SIGTERM or SIGINT.
    static func main() async {
        await AgencyAssembly.main(as: .humanResources)
    }
}
