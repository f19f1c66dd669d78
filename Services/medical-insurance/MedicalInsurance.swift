import AgencyServices
import HouseholdDomain

/// `medical-insurance --config FILE`: one agency's service; the wiring is in `AgencyAssembly`.
@main
enum MedicalInsurance {
    /// Loads the configuration, builds the agency and runs it until SIGTERM or SIGINT.
    static func main() async {
        await AgencyAssembly.main(as: .medicalInsurance)
    }
}
