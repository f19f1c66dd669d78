/// Facts about persons derived from the file on its filing date (policy Part B, "Persons and household facts").
public struct PersonFacts: Sendable {
    /// The household the facts are about.
    public let household: Household
    /// Ages in whole years on the filing date, by member index.
    public let ages: [Int]
    private let persons: Policy.PersonParameters

    /// Derives the facts of a household.
    ///
    /// - Parameters:
    ///   - household: a validated household.
    ///   - persons: working-age and retirement-age parameters.
    public init(_ household: Household, persons: Policy.PersonParameters) {
        self.household = household
        self.persons = persons
        self.ages = household.members.map { $0.birthDate.age(on: household.filedOn) }
    }

    /// Working age: `workingAgeFrom ≤ age < retirement age` (60 men, 50 women by default).
    public func isOfWorkingAge(_ index: Int) -> Bool {
        let member = household.members[index]
        return ages[index] >= persons.workingAgeFrom && ages[index] < persons.retirementAge(of: member.sex)
    }

    /// Reached retirement age: `age ≥ retirement age`.
    public func hasReachedRetirementAge(_ index: Int) -> Bool {
        ages[index] >= persons.retirementAge(of: household.members[index].sex)
    }

    /// Able to work: of working age, work status neither 在学 nor 退休, health neither 重大疾病 nor 残疾.
    public func isAbleToWork(_ index: Int) -> Bool {
        let member = household.members[index]
        return isOfWorkingAge(index) && member.workStatus != .student && member.workStatus != .retired
            && member.health != .majorIllness && member.health != .disabled
    }

    /// Employed: work status 在岗 or 灵活就业.
    public func isEmployed(_ index: Int) -> Bool {
        let status = household.members[index].workStatus
        return status == .employed || status == .flexiblyEmployed
    }

    /// Zero-employment household (零就业家庭): no member employed, and at least one member able to work.
    public var isZeroEmployment: Bool {
        let indices = household.members.indices
        return !indices.contains(where: isEmployed) && indices.contains(where: isAbleToWork)
    }

    /// Members at school: school level anything from 学前 to 研究生.
    public var childrenAtSchool: [Household.Member] { household.members.filter { $0.schoolLevel != .none } }
}
