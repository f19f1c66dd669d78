import HouseholdDomain
import Testing

/// Policy Part B, "Measures, their triggers and the dimension they guarantee". The base household of
/// ``HouseholdBuilder`` (two healthy, employed, insured adults, housed, cause 无劳动能力) triggers nothing; each
/// case changes one fact. Category 1 unless said (income 500 < 992, so `relief.dibao` is always expected there).
@Suite("Measures triggered (policy §4.2, Part B)")
struct MeasurePlanTests {
    typealias B = HouseholdBuilder
    typealias Member = Household.Member

    static func codes(_ household: Household, category: Eligibility.Category? = .one) -> [String] {
        MeasurePlan.measures(for: household, category: category, standard: B.standard, persons: B.persons)
            .map(\.code.rawValue)
    }

    /// Category 1 household with income 500 (so `relief.dibao` comes too) after `change`.
    static func planned(_ change: (inout Household) -> Void) -> [String] {
        var household = B.household(income: "500")
        change(&household)
        return codes(household)
    }

    @Test("the neutral household: only relief.dibao (pc < S, not on 低保)")
    func neutral() {
        #expect(Self.planned { _ in } == ["relief.dibao"])
        #expect(Self.planned { $0.isOnDibao = true } == [])
        #expect(Self.codes(B.household(income: "1000"), category: .two) == [])
        #expect(Self.codes(B.household(income: "500"), category: nil) == [], "not eligible: no measures")
    }

    @Test("§4.2.1 employment")
    func employment() {
        // The spouse is laid off: guidance, training, living allowance; the worker is still employed.
        #expect(
            Self.planned { $0.members[1].workStatus = .laidOff } == [
                "employment.guidance", "employment.living-allowance", "employment.training", "relief.dibao",
            ])
        // Unemployed or 无: guidance and training only.
        #expect(
            Self.planned { $0.members[1].workStatus = .unemployed } == [
                "employment.guidance", "employment.training", "relief.dibao",
            ])
        // Laid off but not able to work (重大疾病): living allowance only; the other measures of illness come too.
        #expect(
            Self.planned {
                $0.members[1].workStatus = .laidOff
                $0.members[1].health = .majorIllness
            } == [
                "employment.living-allowance", "medical.assistance", "medical.catastrophic", "medical.mutual-aid",
                "relief.dibao",
            ])
        // Cause 化解过剩产能: living allowance for the household.
        #expect(
            Self.planned { $0.secondaryCauses = [.overcapacityReduction] } == [
                "employment.living-allowance", "relief.dibao",
            ])
        // Wants a business and able to work; not when unable (残疾).
        #expect(Self.planned { $0.members[0].wantsBusiness = true } == ["employment.entrepreneurship", "relief.dibao"])
        #expect(
            Self.planned {
                $0.members[0].wantsBusiness = true
                $0.members[0].health = .disabled
            } == ["relief.dibao"])
        // Zero-employment: nobody 在岗/灵活就业 and someone able to work.
        #expect(
            Self.planned {
                $0.members[0].workStatus = .sickLeave
                $0.members[1].workStatus = .earlyRetirement
            } == ["employment.placement", "relief.dibao"])
        // Flexible employment counts as employed.
        #expect(
            Self.planned {
                $0.members[0].workStatus = .flexiblyEmployed
                $0.members[1].workStatus = .sickLeave
            } == ["relief.dibao"])
        // Nobody employed but nobody able to work either: not zero-employment.
        #expect(
            Self.planned {
                $0.members[0].workStatus = .sickLeave
                $0.members[0].health = .disabled
                $0.members[1].workStatus = .retired
            } == ["relief.dibao"])
    }

    @Test("working age starts on the 16th birthday")
    func workingAgeFrom16() {
        func plan(filedOn: String) -> [String] {
            var household = B.household(income: "500", filedOn: filedOn)
            household.members.append(B.member(3, .child, born: "2001-03-15", sex: .male, work: .none))
            return Self.codes(household)
        }
        #expect(plan(filedOn: "2017-03-14") == ["relief.dibao"], "15 the day before the birthday")
        #expect(plan(filedOn: "2017-03-15") == ["employment.guidance", "employment.training", "relief.dibao"])
    }

    @Test("§4.2.4 pension: working age to 60 for men, 50 for women, on the birthday")
    func pensionAges() {
        func plan(filedOn: String, born: String, sex: Sex, pension: Member.PensionInsurance) -> [String] {
            var household = B.household(income: "500", filedOn: filedOn)
            household.members[0] = B.member(1, .worker, born: born, sex: sex, pension: pension)
            return Self.codes(household)
        }
        let enrolment = ["insurance.pension-enrolment", "relief.dibao"]
        let entitlement = ["insurance.pension-entitlement", "relief.dibao"]
        #expect(plan(filedOn: "2017-03-14", born: "1957-03-15", sex: .male, pension: .notEnrolled) == enrolment)
        #expect(plan(filedOn: "2017-03-15", born: "1957-03-15", sex: .male, pension: .notEnrolled) == ["relief.dibao"])
        #expect(plan(filedOn: "2017-03-14", born: "1957-03-15", sex: .male, pension: .enrolled) == ["relief.dibao"])
        #expect(plan(filedOn: "2017-03-15", born: "1957-03-15", sex: .male, pension: .enrolled) == entitlement)
        #expect(plan(filedOn: "2017-03-15", born: "1957-03-15", sex: .male, pension: .drawing) == ["relief.dibao"])
        #expect(plan(filedOn: "2017-03-14", born: "1967-03-15", sex: .female, pension: .notEnrolled) == enrolment)
        #expect(plan(filedOn: "2017-03-15", born: "1967-03-15", sex: .female, pension: .enrolled) == entitlement)
        // Born on 29 February: the birthday is 1 March in other years (2018 is not a leap year).
        #expect(plan(filedOn: "2018-02-28", born: "1968-02-29", sex: .female, pension: .notEnrolled) == enrolment)
        #expect(plan(filedOn: "2018-03-01", born: "1968-02-29", sex: .female, pension: .enrolled) == entitlement)
        #expect(plan(filedOn: "2018-02-28", born: "1968-02-29", sex: .female, pension: .enrolled) == ["relief.dibao"])
    }

    @Test("§4.2.4 pension measures concern only the worker and the spouse; 在学 is excluded")
    func pensionPersons() {
        #expect(
            Self.planned {
                $0.members.append(B.member(3, .parent, born: "1960-01-01", sex: .male, pension: .notEnrolled))
            } == ["relief.dibao"])
        #expect(
            Self.planned { $0.members[1].pensionInsurance = .notEnrolled } == [
                "insurance.pension-enrolment", "relief.dibao",
            ])
        #expect(
            Self.planned {
                $0.members[1].pensionInsurance = .notEnrolled
                $0.members[1].workStatus = .student
            } == ["relief.dibao"])
    }

    @Test("§4.2.4 arrears and benefits")
    func insurance() {
        #expect(Self.planned { $0.hasEmployerArrears = true } == ["insurance.arrears", "relief.dibao"])
        #expect(
            Self.planned { $0.secondaryCauses = [.insuranceBenefitsNotDelivered] } == [
                "insurance.benefits", "relief.dibao",
            ])
    }

    @Test("§4.2.2 medical security, by category")
    func medical() {
        #expect(
            Self.planned { $0.members[1].medicalInsurance = .notEnrolled } == [
                "medical.basic-enrolment", "relief.dibao",
            ])
        // Ill (患病) in category 1: assistance and mutual aid; in category 2: mutual aid only.
        #expect(
            Self.planned { $0.members[1].health = .ill } == [
                "medical.assistance", "medical.mutual-aid", "relief.dibao",
            ])
        var household = B.household(income: "1000")
        household.members[1].health = .ill
        #expect(Self.codes(household, category: .two) == ["medical.mutual-aid"])
        household.members[1].health = .majorIllness
        #expect(
            Self.codes(household, category: .three) == [
                "medical.assistance", "medical.catastrophic", "medical.mutual-aid",
            ])
        household.members[1].health = .disabled
        #expect(Self.codes(household, category: .two) == [])
    }

    @Test("§4.2.3 schooling: one per child, Golden Autumn for 高职 and 本科")
    func schooling() {
        var household = B.household(income: "3000")  // six members: S × 6 = 2976, so no 低保
        let levels: [Member.SchoolLevel] = [.preschool, .higherVocational, .undergraduate, .postgraduate]
        for (offset, level) in levels.enumerated() {
            household.members.append(
                B.member(3 + offset, .child, born: "2000-01-01", sex: .female, work: .student, school: level))
        }
        let plan = MeasurePlan.measures(for: household, category: .two, standard: B.standard, persons: B.persons)
        #expect(
            plan.map(\.id) == [
                "T-1/education.golden-autumn/4", "T-1/education.golden-autumn/5", "T-1/education.student-aid/3",
                "T-1/education.student-aid/4", "T-1/education.student-aid/5", "T-1/education.student-aid/6",
            ])
    }

    @Test("§4.2.5 housing: public rental for 无房/危房; rent reduction for category 1 in public rental")
    func housing() {
        #expect(Self.planned { $0.housing = .none } == ["housing.public-rental", "relief.dibao"])
        #expect(Self.planned { $0.housing = .dangerous } == ["housing.public-rental", "relief.dibao"])
        #expect(Self.planned { $0.housing = .rented } == ["relief.dibao"])
        #expect(Self.planned { $0.housing = .publicRental } == ["housing.rent-reduction", "relief.dibao"])
        var household = B.household(income: "1000")
        household.housing = .publicRental
        #expect(Self.codes(household, category: .two) == [])
    }

    @Test("§4.2.6 relief: 低保 when pc < S and not on it; temporary assistance for sudden events")
    func relief() {
        for cause in [Household.Cause.naturalDisaster, .accident, .majorIllness] {
            #expect(Self.planned { $0.secondaryCauses = [cause] } == ["relief.dibao", "relief.temporary"])
        }
        #expect(Self.planned { $0.secondaryCauses = [.other, .laidOff] } == ["relief.dibao"])
        // 991.99 < 992: still below S.
        #expect(Self.codes(B.household(income: "991.99")) == ["relief.dibao"])
        #expect(Self.codes(B.household(income: "992"), category: .two) == [])
    }
}
