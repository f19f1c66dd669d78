import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import Testing

/// A department decides on its view of the household, the sequential run on the assessment: both must give the
/// same ``DecisionSubject`` for the two to decide the same ("distributed equals sequential").
@Suite("Decision subjects")
struct DecisionSubjectTests {
    @Test("every department's view gives the subject of the assessment: KM-2017-0101, 530100, 2017-04-01, category 1")
    func viewEqualsAssessment() {
        let expected = DecisionSubject(
            fileNumber: "KM-2017-0101", prefectureCode: "530100", filedOn: LocalDate("2017-04-01")!, category: .one)
        #expect(DecisionSubject(Samples.assessment) == expected)
        for department in [Agency.humanResources, .medicalInsurance, .education, .housing, .civilAffairs] {
            #expect(DecisionSubject(Samples.view(for: department)) == expected, "\(department.rawValue)")
        }
    }

    @Test("a view of a household no longer eligible gives a subject without a category")
    func noLongerEligible() {
        var view = Samples.view(for: .housing)
        view.category = nil
        #expect(DecisionSubject(view).category == nil)
        #expect(DecisionSubject(view).prefectureCode == "530100")
    }
}
