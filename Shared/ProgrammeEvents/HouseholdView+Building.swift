import HouseholdDomain

extension HouseholdView {
    /// The working and retirement ages of policy Part B's defaults (16; 60 for men, 50 for women): the default of
    /// ``init(for:household:assessment:helper:persons:)``. The union passes its policy file's `persons`.
    ///
    /// Source: policy Part B, "Persons and household facts".
    public static let partBPersons = Policy.PersonParameters(
        workingAgeFrom: 16, menRetirementAge: 60, womenRetirementAge: 50)

    /// Builds the view of a household for one agency, filling only the fields that agency needs.
    ///
    /// See the table of ``HouseholdView`` and `docs/DATA-MINIMISATION.md`. Derived facts replace raw personal data
    /// wherever they suffice: hr-employment gets "able to work" and ages, never the health status; housing gets the
    /// housing need and the tenant, never the health status or the causes; the coordinator gets the §2.3 flags and
    /// no names or identity numbers. The union, which holds the file and has no household feed, gets the common
    /// fields only.
    ///
    /// A person's name and identity number (the members, housing's tenant) go to a department only when it leads
    /// a measure of the household's plan: it acts for that household (enrols, pays, places, leases) and needs to
    /// know whom for; otherwise the members list is empty and there is no tenant. A department's decisions never
    /// read the members (they are taken on the household facts and the plan), so this changes no decision. The
    /// view of a `household.updated` is built from the updated plan: a department for which a measure newly
    /// appears gets the members in that update's view, one whose measures are gone no longer gets them.
    /// - Parameters:
    ///   - agency: the consuming agency of the feed.
    ///   - household: the household's file.
    ///   - assessment: its current assessment under the policy (category, `S`, plan, §2.3 flags).
    ///   - helper: the name of its helper (一帮一), if paired; never put in the coordinator's view.
    ///   - persons: the policy's ages, for "able to work" and ages (hr-employment).
    /// - Source: policy §4.1, §4.2.1–§4.2.6, §2.3, Part B; DESIGN "data minimisation".
    public init(
        for agency: Agency, household: Household, assessment: Assessment, helper: String?,
        persons: Policy.PersonParameters = HouseholdView.partBPersons
    ) {
        self.agency = agency
        self.fileNumber = assessment.fileNumber
        self.prefectureCode = assessment.prefectureCode
        self.divisionCode = assessment.divisionCode
        self.filedOn = assessment.filedOn
        self.category = assessment.category
        self.minimumLivingStandard = assessment.minimumLivingStandard
        self.measures =
            agency == .coordinator
            ? assessment.measures : assessment.measures.filter { $0.code.leadDepartment == agency }
        if agency != .coordinator && agency != .union { self.helper = helper }
        switch agency {
        case .union:
            break
        case .humanResources:
            isZeroEmployment = assessment.isZeroEmployment
            employer = household.employer.isEmpty ? nil : household.employer
            employerCreditCode = household.employerCreditCode.isEmpty ? nil : household.employerCreditCode
            members = Self.employmentMembers(of: household, persons: persons)
        case .medicalInsurance:
            members = household.members.map { member in
                var seen = Member(identifying: member)
                seen.health = member.health
                seen.medicalInsurance = member.medicalInsurance
                return seen
            }
        case .education:
            members = household.members.filter { $0.schoolLevel != .none }.map { member in
                var seen = Member(identifying: member)
                seen.schoolLevel = member.schoolLevel
                return seen
            }
        case .housing:
            householdSize = assessment.householdSize
            housing = household.housing
            needsHousing = assessment.needsHousing
            tenant = household.worker.map(Member.init(identifying:))
        case .civilAffairs:
            householdSize = assessment.householdSize
            monthlyIncome = household.monthlyIncome
            monthlySpecialExpense = household.monthlySpecialExpense
            perCapitaIncome = assessment.perCapitaIncome
            isBelowStandard = assessment.isBelowStandard
            isOnDibao = assessment.isOnDibao
            causes = household.causes
            members = household.members.map(Member.init(identifying:))
        case .coordinator:
            householdSize = assessment.householdSize
            perCapitaIncome = assessment.perCapitaIncome
            isBelowStandard = assessment.isBelowStandard
            isOnDibao = assessment.isOnDibao
            isZeroEmployment = assessment.isZeroEmployment
            needsHousing = assessment.needsHousing
        }
        if measures.isEmpty && agency != .coordinator {
            // The department leads no measure: it acts for no one of the household, so learns no name and no
            // identity number (rule 3). An empty list, not none: its schema lists the members it acts for.
            if members != nil { members = [] }
            tenant = nil
        }
    }

    /// The members hr-employment acts for (policy §4.2.1, §4.2.4, Part B triggers): those able to work
    /// (guidance, training, entrepreneurship, placement), those laid off (living allowance), and the worker and
    /// the spouse (pension measures).
    private static func employmentMembers(of household: Household, persons: Policy.PersonParameters) -> [Member] {
        let facts = PersonFacts(household, persons: persons)
        return household.members.indices.compactMap { index in
            let member = household.members[index]
            let isWorkerOrSpouse = member.relation == .worker || member.relation == .spouse
            let isAbleToWork = facts.isAbleToWork(index)
            guard isAbleToWork || isWorkerOrSpouse || member.workStatus == .laidOff else { return nil }
            var seen = Member(identifying: member)
            seen.age = facts.ages[index]
            seen.isAbleToWork = isAbleToWork
            seen.workStatus = member.workStatus
            seen.wantsBusiness = member.wantsBusiness
            if isWorkerOrSpouse { seen.pensionInsurance = member.pensionInsurance }
            return seen
        }
    }
}
