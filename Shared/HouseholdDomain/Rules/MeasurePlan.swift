/// One measure for one household (or one child of it): the unit departments decide and deliver.
public struct MeasureInstance: Sendable, Hashable, Codable, Comparable {
    /// Stable id that staff can name: `FILE/CODE` for a household measure, `FILE/CODE/MEMBER` for a per-child
    /// measure, where `MEMBER` is the child's member number (e.g. `KM-2017-0001/education.student-aid/3`).
    public var id: String
    /// The measure.
    public var code: Measure.Code
    /// The child's member number for a per-child measure, else `nil`.
    public var memberNumber: Int?

    /// Creates the instance of `code` for the household `fileNumber` (and the child `memberNumber`).
    public init(fileNumber: String, code: Measure.Code, memberNumber: Int? = nil) {
        self.code = code
        self.memberNumber = memberNumber
        self.id = MeasureInstance.id(fileNumber: fileNumber, code: code, memberNumber: memberNumber)
    }

    /// The id of an instance, see ``id``.
    public static func id(fileNumber: String, code: Measure.Code, memberNumber: Int? = nil) -> String {
        if let memberNumber { return "\(fileNumber)/\(code.rawValue)/\(memberNumber)" }
        return "\(fileNumber)/\(code.rawValue)"
    }

    /// Instances order by code, then by member number.
    public static func < (lhs: MeasureInstance, rhs: MeasureInstance) -> Bool {
        (lhs.code.rawValue, lhs.memberNumber ?? 0) < (rhs.code.rawValue, rhs.memberNumber ?? 0)
    }
}

/// The measures a household's plan asks for (一户一计划, policy §4.1), triggered by the Part B table.
public enum MeasurePlan {
    /// The measures triggered for an eligible household, sorted by code then member number.
    ///
    /// Per-child measures (`education.student-aid`, `education.golden-autumn`) appear once per child. The plan
    /// always asks for `housing.public-rental`, never `housing.rental-subsidy`, which only the housing service
    /// decides when no unit is free.
    /// - Parameters:
    ///   - household: a validated household.
    ///   - category: its category (policy §3); `nil` (not eligible) gives no measures.
    ///   - standard: `S`, yuan per person per month.
    ///   - persons: age parameters.
    /// - Returns: the triggered instances.
    /// - Source: policy §4.2.1–§4.2.6, Part B "Measures, their triggers and the dimension they guarantee".
    public static func measures(
        for household: Household, category: Eligibility.Category?, standard: Yuan,
        persons: Policy.PersonParameters
    ) -> [MeasureInstance] {
        guard let category else { return [] }
        let facts = PersonFacts(household, persons: persons)
        let members = household.members
        let indices = members.indices
        let causes = household.causes
        var codes: [Measure.Code] = []

        // §4.2.1 employment and entrepreneurship
        let jobSeeker = indices.contains { index in
            facts.isAbleToWork(index) && [.laidOff, .unemployed, .none].contains(members[index].workStatus)
        }
        if jobSeeker { codes += [.employmentGuidance, .employmentTraining] }
        if indices.contains(where: { facts.isAbleToWork($0) && members[$0].wantsBusiness }) {
            codes.append(.employmentEntrepreneurship)
        }
        if members.contains(where: { $0.workStatus == .laidOff }) || causes.contains(.overcapacityReduction) {
            codes.append(.employmentLivingAllowance)
        }
        if facts.isZeroEmployment { codes.append(.employmentPlacement) }

        // §4.2.4 social insurance: the worker (本人) and the spouse (配偶)
        let workerOrSpouse = indices.filter { members[$0].relation == .worker || members[$0].relation == .spouse }
        if workerOrSpouse.contains(where: {
            facts.isOfWorkingAge($0) && members[$0].workStatus != .student
                && members[$0].pensionInsurance == .notEnrolled
        }) {
            codes.append(.insurancePensionEnrolment)
        }
        if workerOrSpouse.contains(where: {
            facts.hasReachedRetirementAge($0) && members[$0].pensionInsurance == .enrolled
        }) {
            codes.append(.insurancePensionEntitlement)
        }
        if household.hasEmployerArrears { codes.append(.insuranceArrears) }
        if causes.contains(.insuranceBenefitsNotDelivered) { codes.append(.insuranceBenefits) }

        // §4.2.2 medical security
        let anyIll = members.contains { $0.health == .ill || $0.health == .majorIllness }
        let anyMajorIllness = members.contains { $0.health == .majorIllness }
        if members.contains(where: { $0.medicalInsurance == .notEnrolled }) { codes.append(.medicalBasicEnrolment) }
        if anyMajorIllness { codes.append(.medicalCatastrophic) }
        if (anyIll && category == .one) || anyMajorIllness { codes.append(.medicalAssistance) }
        if anyIll { codes.append(.medicalMutualAid) }

        // §4.2.5 housing
        if household.housing.needsHousing { codes.append(.housingPublicRental) }
        if category == .one && household.housing == .publicRental { codes.append(.housingRentReduction) }

        // §4.2.6 safety net: pc < S, i.e. income < S × size, and not yet on 低保
        if household.monthlyIncome < standard * household.size && !household.isOnDibao { codes.append(.reliefDibao) }
        if causes.contains(where: { [.naturalDisaster, .accident, .majorIllness].contains($0) }) {
            codes.append(.reliefTemporary)
        }

        var instances = codes.map { MeasureInstance(fileNumber: household.fileNumber, code: $0) }
        // §4.2.3 children's schooling: one per child at school; Golden Autumn per child at 高职 or 本科
        for child in facts.childrenAtSchool {
            instances.append(
                MeasureInstance(
                    fileNumber: household.fileNumber, code: .educationStudentAid, memberNumber: child.number))
            if child.schoolLevel == .higherVocational || child.schoolLevel == .undergraduate {
                instances.append(
                    MeasureInstance(
                        fileNumber: household.fileNumber, code: .educationGoldenAutumn, memberNumber: child.number))
            }
        }
        return instances.sorted()
    }
}
