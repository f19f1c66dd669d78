import EventFabric
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import Testing

@testable import AgencyDesks

/// The coordinator judges §2.3 on its view of the household, the sequential run on the assessment: both must give
/// the same ``ExitSubject`` for the two to judge the same ("distributed equals sequential").
@Suite("Exit subjects")
struct ExitSubjectTests {
    /// KM-2017-0001 of the sample file (income 1,200 yuan for three, S = 496: category 1; the worker laid off, the
    /// spouse without work, the child at 初中; rents) and its assessment.
    static func kunming() throws -> (household: Household, assessment: Assessment) {
        let policy = try Policy.load(contentsOfFile: DepartmentDeskTests.policyPath)
        let household = try #require(
            try DepartmentDeskTests.households(policy: policy).first { $0.fileNumber == "KM-2017-0001" })
        return (household, try Assessor(policy: policy).assess(household))
    }

    @Test(
        "the coordinator's view gives the subject of the assessment: KM-2017-0001, 530100, 2017-03-15, category 1, below S, not on 低保, no one employed, no housing need"
    )
    func viewEqualsAssessment() throws {
        let (household, assessment) = try Self.kunming()
        try #require(assessment.measures.count == 10)
        let expected = ExitSubject(
            fileNumber: "KM-2017-0001", prefectureCode: "530100", filedOn: LocalDate("2017-03-15")!, category: .one,
            measures: assessment.measures, isBelowStandard: true, isOnDibao: false, isZeroEmployment: true,
            needsHousing: false)
        #expect(ExitSubject(assessment) == expected)
        let view = HouseholdView(for: .coordinator, household: household, assessment: assessment, helper: nil)
        #expect(try CoordinatorDesk.subject(of: view) == expected)
    }

    @Test(
        "a coordinator's view lacking a §2.3 fact is refused, naming the file and the fact, and nothing is kept",
        arguments: ["isBelowStandard", "isOnDibao", "isZeroEmployment", "needsHousing"])
    func missingFact(fact: String) throws {
        let (household, assessment) = try Self.kunming()
        var view = HouseholdView(for: .coordinator, household: household, assessment: assessment, helper: nil)
        switch fact {
        case "isBelowStandard": view.isBelowStandard = nil
        case "isOnDibao": view.isOnDibao = nil
        case "isZeroEmployment": view.isZeroEmployment = nil
        default: view.needsHousing = nil
        }
        let refusal = DeskRefusal(
            code: "coordinator.view.fact", description: "the view of KM-2017-0001 carries no \(fact)")
        #expect(throws: refusal) { try CoordinatorDesk.subject(of: view) }

        let desk = CoordinatorDesk(policy: try Policy.load(contentsOfFile: DepartmentDeskTests.policyPath))
        let store = try EventStore(
            writer: DatabaseQueue(), migrations: { CoordinatorDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        let event = try DepartmentDeskTests.event(HouseholdRegistered(view: view))
        #expect(throws: refusal) {
            try store.writer.write { db in try desk.apply(event, in: db, journal: store.journal) }
        }
        #expect(try store.writer.read { db in try desk.file("KM-2017-0001", in: db) } == nil)
    }
}
