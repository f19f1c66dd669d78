import Foundation
import HouseholdDomain

/// Builds households for rule tests: identity numbers with valid check characters from a birth date and sex.
enum HouseholdBuilder {
    /// An identity number of county `530102` for a person born on `born` (`YYYY-MM-DD`).
    static func identityNumber(born: String, sex: Sex, serial: Int = 1) -> IdentityNumber {
        let date = born.replacingOccurrences(of: "-", with: "")
        let sequence = serial * 2 + (sex == .male ? 1 : 0)
        let body = "530102" + date + threeDigits(sequence)
        let check = IdentityNumber.checkCharacter(for: Array(body.utf8)[...])
        return IdentityNumber(body + String(UnicodeScalar(check)))!
    }

    /// A member; `born` as `YYYY-MM-DD`.
    static func member(
        _ number: Int, _ relation: Household.Member.Relation, born: String, sex: Sex,
        health: Household.Member.Health = .healthy, work: Household.Member.WorkStatus = .employed,
        school: Household.Member.SchoolLevel = .none, pension: Household.Member.PensionInsurance = .enrolled,
        medical: Household.Member.MedicalInsurance = .enrolled, wantsBusiness: Bool = false
    ) -> Household.Member {
        Household.Member(
            number: number, name: "某", identityNumber: identityNumber(born: born, sex: sex, serial: number),
            relation: relation, health: health, workStatus: work, schoolLevel: school, pensionInsurance: pension,
            medicalInsurance: medical, wantsBusiness: wantsBusiness)
    }

    /// A household filed in 五华区 (Kunming, S = 496 in 2017) whose members are all healthy, employed and insured,
    /// housed, with no cause that triggers anything: a neutral base that each test changes in one place.
    static func household(
        income: String, expense: String = "0", filedOn: String = "2017-03-15",
        primaryCause: Household.Cause = .unableToWork, members: [Household.Member]? = nil
    ) -> Household {
        Household(
            fileNumber: "T-1", divisionCode: "530102", filedOn: LocalDate(filedOn)!, monthlyIncome: Yuan(income)!,
            monthlySpecialExpense: Yuan(expense)!, housing: .purchased, primaryCause: primaryCause,
            members: members ?? [
                member(1, .worker, born: "1975-06-12", sex: .male),
                member(2, .spouse, born: "1977-02-03", sex: .female),
            ])
    }

    /// The shipped defaults of the policy: k2 = 1.5, 3×, expense-adjusted test on; retirement 60/50.
    static let eligibility = Policy.EligibilityParameters(
        category2UpperMultiple: Multiple("1.5")!, category3UpperMultiple: Multiple("3")!, expenseAdjustedTest: true)
    static let persons = Policy.PersonParameters(workingAgeFrom: 16, menRetirementAge: 60, womenRetirementAge: 50)
    /// S = 496 yuan per person per month (the 2017 placeholder, linear between the published floors).
    static let standard = Yuan(yuan: 496)
}

/// A number zero-padded to three digits.
func threeDigits(_ value: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, 3 - text.count)) + text
}
