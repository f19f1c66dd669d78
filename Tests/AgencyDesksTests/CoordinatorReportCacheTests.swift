import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import TestSupport
import Testing

/// The coordinator answers `report` from the state of its store: computed once per set of feed positions, so that
/// the dashboard's pages do not read every file each time, and computed again as soon as any cursor moves.
@Suite("Coordinator: the report is computed once per state of the store")
struct CoordinatorReportCacheTests {
    @Test("the same positions give the report kept; a moved cursor gives the report of what was applied")
    func keptUntilACursorMoves() throws {
        let policy = try Policy.load(contentsOfFile: DepartmentDeskTests.policyPath)
        let desk = CoordinatorDesk(policy: policy)
        let store = try EventStore(
            writer: DatabaseQueue(), migrations: { CoordinatorDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        let auditor = Asker(staffID: "coordinator-0001", area: .province, roles: [.auditor])
        func report() throws -> ProvinceReport {
            let request = ServiceRequest(clientID: "test", number: 1, operation: Operation.report, body: [])
            let reply = try store.writer.read { db in
                try desk.answer(request, as: auditor, in: db, journal: store.journal)
            }
            try #require(reply.status == .ok)
            return try MessageCoding.decode(ProvinceReport.self, from: reply.body)
        }
        #expect(try report().province.filesOpened == 0)

        // KM-2017-0001 (Kunming, filed 2017-03-15) applied as the subscriber does, but the cursor not moved yet:
        // the positions are those of the report kept, which is answered (no file).
        let household = try #require(
            try DepartmentDeskTests.households(policy: policy).first { $0.fileNumber == "KM-2017-0001" })
        let view = HouseholdView(
            for: .coordinator, household: household, assessment: try Assessor(policy: policy).assess(household),
            helper: nil)
        let event = try DepartmentDeskTests.event(HouseholdRegistered(view: view))
        try store.writer.write { db in try desk.apply(event, in: db, journal: store.journal) }
        #expect(try report().province.filesOpened == 0, "kept: no cursor moved")

        // The cursor moves (in the subscriber, in the same transaction as the event): one file opened, in Kunming.
        try store.writer.write { db in
            try store.cursors.advance(Feed.households(for: .coordinator)!.name, to: 1, in: db)
        }
        let after = try report()
        #expect(after.province.filesOpened == 1)
        #expect(after.prefectures.first { $0.code == "530100" }?.filesOpened == 1)
    }
}
