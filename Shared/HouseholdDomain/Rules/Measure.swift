/// The measures of policy §4.2 as Jiekun applies them (policy Part B, "Measures, their triggers and the dimension
/// they guarantee").
public enum Measure {
    /// A measure's code, e.g. `employment.guidance`. Raw values are the Part B codes.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case employmentGuidance = "employment.guidance"
        case employmentTraining = "employment.training"
        case employmentEntrepreneurship = "employment.entrepreneurship"
        case employmentLivingAllowance = "employment.living-allowance"
        case employmentPlacement = "employment.placement"
        case insurancePensionEnrolment = "insurance.pension-enrolment"
        case insurancePensionEntitlement = "insurance.pension-entitlement"
        case insuranceArrears = "insurance.arrears"
        case insuranceBenefits = "insurance.benefits"
        case medicalBasicEnrolment = "medical.basic-enrolment"
        case medicalCatastrophic = "medical.catastrophic"
        case medicalAssistance = "medical.assistance"
        case medicalMutualAid = "medical.mutual-aid"
        case educationStudentAid = "education.student-aid"
        case educationGoldenAutumn = "education.golden-autumn"
        case housingPublicRental = "housing.public-rental"
        case housingRentalSubsidy = "housing.rental-subsidy"
        case housingRentReduction = "housing.rent-reduction"
        case reliefDibao = "relief.dibao"
        case reliefTemporary = "relief.temporary"

        /// Codes order by their text (the order `jiekun assess --json` lists them in).
        public static func < (lhs: Code, rhs: Code) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The department that leads the measure (policy §4.2 table, Part B "lead service").
        public var leadDepartment: Agency {
            switch self {
            case .employmentGuidance, .employmentTraining, .employmentEntrepreneurship, .employmentLivingAllowance,
                .employmentPlacement, .insurancePensionEnrolment, .insurancePensionEntitlement, .insuranceArrears,
                .insuranceBenefits:
                return .humanResources
            case .medicalBasicEnrolment, .medicalCatastrophic, .medicalAssistance, .medicalMutualAid:
                return .medicalInsurance
            case .educationStudentAid, .educationGoldenAutumn:
                return .education
            case .housingPublicRental, .housingRentalSubsidy, .housingRentReduction:
                return .housing
            case .reliefDibao, .reliefTemporary:
                return .civilAffairs
            }
        }

        /// The department that supports the measure where Part B names one: the union pays the mutual-aid fee
        /// (categories 1 and 2) and the Golden Autumn grant; civil affairs reviews a rent reduction.
        public var supportingDepartment: Agency? {
            switch self {
            case .medicalMutualAid, .educationGoldenAutumn: return .union
            case .housingRentReduction: return .civilAffairs
            default: return nil
            }
        }

        /// The §2.3 dimension the measure guarantees once delivered, or `nil` for a measure that only supports one.
        public var guarantees: Dimension? {
            switch self {
            case .employmentPlacement: return .employment
            case .insurancePensionEnrolment, .insurancePensionEntitlement, .insuranceArrears, .insuranceBenefits:
                return .socialInsurance
            case .medicalBasicEnrolment, .medicalCatastrophic, .medicalAssistance: return .medicalCare
            case .educationStudentAid: return .schooling
            case .housingPublicRental, .housingRentalSubsidy: return .housing
            case .reliefDibao: return .basicLiving
            default: return nil
            }
        }

        /// Whether the measure is triggered once per child rather than once per household.
        public var isPerChild: Bool { self == .educationStudentAid || self == .educationGoldenAutumn }

        /// The policy clause the measure implements, e.g. `§4.2.1`.
        public var clause: String {
            switch leadDepartment {
            case .humanResources: return rawValue.hasPrefix("insurance.") ? "§4.2.4" : "§4.2.1"
            case .medicalInsurance: return "§4.2.2"
            case .education: return "§4.2.3"
            case .housing: return "§4.2.5"
            case .civilAffairs: return "§4.2.6"
            case .union, .coordinator: return "§4.1"
            }
        }
    }

    /// The six dimensions of §2.3 (两有五保障), food and clothing judged together as basic living.
    public enum Dimension: String, Sendable, Hashable, Codable, CaseIterable {
        /// 有吃、有穿.
        case basicLiving = "basic-living"
        /// 就业.
        case employment
        /// 就医.
        case medicalCare = "medical-care"
        /// 就学.
        case schooling
        /// 社会保险.
        case socialInsurance = "social-insurance"
        /// 住房.
        case housing
    }
}
