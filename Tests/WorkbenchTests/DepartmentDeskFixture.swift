import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Hummingbird
import HummingbirdTesting
import Logging
import ProgrammeEvents
import ServiceRuntime
import Synchronization
import TestSupport
import Workbench
import ZeroMQ

@testable import AgencyServices

/// A department's workbench in process over a temporary store in `review` mode, with the three sample households
/// (`deploy/samples/households.csv`: KM-2017-0001 in 530102 五华区, QJ-2017-0007 in 530302 麒麟区, DL-2017-0042 in
/// 532901 大理市) received: the real request handler (roles, areas, the desk's maker-checker), staff with
/// passwords, the clock the tests move (1,700,000,000 s: 2023-11-15 in China).
final class DepartmentDeskFixture: Sendable {
    let department: Agency
    let folder: URL
    let store: EventStore
    let desk: DepartmentDesk
    let counters = Counters()
    let clock = Clock()
    let workbench: Workbench

    /// - Parameters:
    ///   - department: The department.
    ///   - secondApproverAbove: The policy's two-approver threshold, yuan (the policy file's 5,000 by default).
    init(_ department: Agency = .medicalInsurance, secondApproverAbove: Yuan? = nil) throws {
        self.department = department
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-desk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "desk-test")
        logger.logLevel = .critical
        var policy = try Policy.load(contentsOfFile: WorkbenchFixture.policyPath)
        if let secondApproverAbove { policy.makerChecker.secondApproverAbove = secondApproverAbove }
        let desk = DepartmentDesk(department: department, policy: policy, mode: .review)
        self.desk = desk
        store = try AgencyAssembly.openStore(
            DepartmentDesk.self, path: folder.appendingPathComponent("\(department.rawValue).sqlite").path,
            logger: logger)
        try store.writer.write { db in try desk.seedBudgets(in: db) }
        let imported = try HouseholdImporter(today: LocalDate("2026-11-29")!)
            .read(contentsOfFile: Fixtures.sampleHouseholds.path)
        for household in imported.entries.compactMap(\.household) {
            let view = HouseholdView(
                for: department, household: household,
                assessment: try Assessor(policy: policy).assess(household), helper: nil)
            let payload = HouseholdRegistered(view: view)
            let event = try CloudEvent(
                source: "/jiekun/union-registry", type: HouseholdRegistered.type, subject: payload.fileNumber,
                payload: payload, encoder: EventCoding.makeEncoder())
            try store.writer.write { [store] db in try desk.apply(event, in: db, journal: store.journal) }
        }
        let handler = AgencyAssembly.authorising(
            desk, agency: department.rawValue, counters: counters, logger: logger, journal: store.journal)
        let clock = clock
        workbench = Workbench(
            agency: department, store: store, queries: DepartmentDesk.queries, handler: handler,
            readiness: { Readiness(agency: department.rawValue, feeds: []) }, counters: counters, logger: logger,
            now: { clock.now.withLock { $0 } })
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Adds a member with the password, returns the staff id.
    func addMember(_ roles: Set<StaffRole>, area: String = "530000", name: String = "测试人员") throws -> String {
        try store.writer.write { db in
            let member = try StaffRegister.add(
                displayName: name, roles: roles, area: try StaffArea(code: area),
                publicKey: try CurveKeyPair.generate().publicKey, agency: department, by: "test", in: db)
            try StaffRegister.setPasswordHash(
                try StaffPasswords.hash(WorkbenchFixture.password, cost: 4), of: member.id, by: "test", in: db)
            return member.id
        }
    }

    /// The measures awaiting staff (proposed or not), by id, read from the store.
    func awaitingMeasures() throws -> [String] {
        try store.writer.read { db in try String.fetchAll(db, sql: "SELECT measure_id FROM desk_awaiting_staff") }
    }

    /// Runs `body` with a test client of the router.
    func withClient<Value: Sendable>(_ body: @Sendable (Browser) async throws -> Value) async throws -> Value {
        let application = Application(router: workbench.makeRouter())
        return try await application.test(.router) { client in try await body(Browser(client: client)) }
    }
}
