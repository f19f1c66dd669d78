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

/// The staff tools at the desks: the union's search and a department's worklist, on the three sample households
/// (KM-2017-0001 in 五华区 530102, QJ-2017-0007 in 麒麟区 530302, DL-2017-0042 in 大理市 532901).
@Suite("Staff tools: search and worklists at the desks")
struct StaffToolsDeskTests {
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path

    static func store(_ migrations: @escaping (inout DatabaseMigrator) -> Void) throws -> EventStore {
        try EventStore(writer: DatabaseQueue(), migrations: { migrations(&$0) }, logger: Logger(label: "test"))
    }

    static func samples() throws -> HouseholdImport {
        try HouseholdImporter(today: LocalDate("2026-11-29")!).read(contentsOfFile: Fixtures.sampleHouseholds.path)
    }

    /// The union with the samples filed; 五华区 has one helper, 周帮扶.
    static func union() throws -> (UnionDesk, EventStore) {
        let policy = try Policy.load(contentsOfFile: policyPath)
        let union = UnionDesk(policy: policy, helpers: ["530102": ["周帮扶"]])
        let store = try store { UnionDesk.registerMigrations(&$0) }
        let imported = try samples()
        try store.writer.write { db in
            try union.seedBudgets(in: db)
            _ = try union.file(
                imported.entries.sortedInFilingOrder { $0.facts.filedOn }, headers: imported.headers, in: db,
                journal: store.journal)
        }
        return (union, store)
    }

    @Test(
        "Search by file number, name, identity number or its last six, county code or name, helper; a field asked for",
        arguments: [
            ("KM-2017-0001", nil, ["KM-2017-0001"], [SearchRequest.Field.file]),
            ("km-2017", nil, ["KM-2017-0001"], [.file]),
            ("张某", nil, ["KM-2017-0001"], [.name]),  // 张某 and 张某某, one file
            ("杨", SearchRequest.Field.name, ["DL-2017-0042"], [.name]),
            ("530302196801015174", nil, ["QJ-2017-0007"], [.identity]),
            ("015174", nil, ["QJ-2017-0007"], [.identity]),
            ("530102", nil, ["KM-2017-0001"], [.county]),  // a county code, and no identity number ends with it
            ("530300", nil, ["QJ-2017-0007"], [.county]),  // 曲靖市's code: its counties
            ("曲靖", nil, ["QJ-2017-0007"], [.county]),
            ("大理", nil, ["DL-2017-0042"], [.county]),
            ("周帮", nil, ["KM-2017-0001"], [.helper]),
            ("某", nil, ["DL-2017-0042", "KM-2017-0001", "QJ-2017-0007"], [.name]),
            ("KM-2017-0001", SearchRequest.Field.name, [], []),
            ("王五", nil, [], []),
        ] as [(String, SearchRequest.Field?, [String], [SearchRequest.Field])])
    func search(text: String, field: SearchRequest.Field?, files: [String], matched: [SearchRequest.Field]) throws {
        let (union, store) = try Self.union()
        let reply = try store.writer.read { db in
            try union.search(SearchRequest(text: text, field: field), within: .province, in: db)
        }
        #expect(reply.households.map(\.fileNumber) == files)
        #expect(reply.households.allSatisfy { $0.matched == matched }, "\(reply.households.map(\.matched))")
        #expect(!reply.truncated)
    }

    @Test("A hit shows the file's facts, the worker's identity number masked; the area limits what is searched")
    func factsAndArea() throws {
        let (union, store) = try Self.union()
        let (inKunming, inWuhua, limited) = try store.writer.read { db in
            (
                try union.search(SearchRequest(text: "某"), within: try StaffArea(code: "530100"), in: db),
                try union.search(SearchRequest(text: "张某"), within: try StaffArea(code: "530102"), in: db),
                try union.search(SearchRequest(text: "某", limit: 2), within: .province, in: db)
            )
        }
        #expect(inKunming.households.map(\.fileNumber) == ["KM-2017-0001"])
        #expect(
            inWuhua.households == [
                SearchReply.Household(
                    fileNumber: "KM-2017-0001", status: "open", closedReason: nil, closedOn: nil, category: 1,
                    county: "530102", countyName: "五华区", filedOn: LocalDate("2017-03-15")!, helper: "周帮扶",
                    workerName: "张某", workerIdentity: "530102********1314", members: 3, matched: [.name])
            ])
        #expect(limited.households.map(\.fileNumber) == ["DL-2017-0042", "KM-2017-0001"] && limited.truncated)
        let refusal = #expect(throws: DeskRefusal.self) {
            try store.writer.read { db in
                try union.search(SearchRequest(text: "12345", field: .identity), within: .province, in: db)
            }
        }
        #expect(refusal?.code == "search.field.unusable")
        #expect(throws: DeskRefusal.self) {
            try store.writer.read { db in try union.search(SearchRequest(text: "  "), within: .province, in: db) }
        }
    }

    /// Housing in review mode with the samples received, and four decisions kept as a department keeps them, the
    /// two delivered with their deliveries recorded.
    static func housing() throws -> (DepartmentDesk, EventStore) {
        let policy = try Policy.load(contentsOfFile: policyPath)
        let housing = DepartmentDesk(department: .housing, policy: policy, mode: .review)
        let store = try store { DepartmentDesk.registerMigrations(&$0) }
        for household in try samples().entries.compactMap(\.household) {
            let view = HouseholdView(
                for: .housing, household: household, assessment: try Assessor(policy: policy).assess(household),
                helper: nil)
            let payload = HouseholdRegistered(view: view)
            let event = try CloudEvent(
                source: "/jiekun/union-registry", type: HouseholdRegistered.type, subject: payload.fileNumber,
                payload: payload, encoder: EventCoding.makeEncoder())
            try store.writer.write { db in try housing.apply(event, in: db, journal: store.journal) }
        }
        // measure, file, status, due, delivered (computed)
        let decisions: [(String, String, String, String, String?)] = [
            ("KM-2017-0001/a", "KM-2017-0001", "granted", "2017-08-01", "2017-08-01"),  // on time
            ("QJ-2017-0007/b", "QJ-2017-0007", "granted", "2017-08-01", "2018-01-01"),  // money of 2018
            ("DL-2017-0042/c", "DL-2017-0042", "granted", "2017-06-01", nil),  // waiting for money
            ("QJ-2017-0007/d", "QJ-2017-0007", "refused", "2017-06-01", nil),
        ]
        try store.writer.write { db in
            for (measure, file, status, due, delivered) in decisions {
                try db.execute(
                    sql: """
                        INSERT INTO desk_decisions (measure_id, file_number, code, member_number, department, status,
                            reason, amount_fen, paid_by, due_on, delivered_on)
                        VALUES (?, ?, 'housing.rental-subsidy', NULL, 'housing', ?, '', 240000, 'housing', ?, ?)
                        """, arguments: [measure, file, status, due, delivered])
            }
            // Their deliveries recorded on the days the rules computed.
            for (measure, _, _, _, delivered) in decisions where delivered != nil {
                try housing.deliver(
                    DeliverRequest(
                        measureID: measure, on: delivered.flatMap(LocalDate.init), amount: Yuan(yuan: 2400),
                        reference: "test"),
                    by: "housing-0001", in: db)
            }
        }
        return (housing, store)
    }

    @Test(
        "Due: granted, not delivered by the date, due on or after it; overdue: due before it and not delivered by it",
        arguments: [
            ("2017-07-15", ["KM-2017-0001/a", "QJ-2017-0007/b"], ["DL-2017-0042/c"], [44]),
            ("2017-08-01", ["QJ-2017-0007/b"], ["DL-2017-0042/c"], [61]),  // a delivered on its due date
            ("2017-09-01", [], ["DL-2017-0042/c", "QJ-2017-0007/b"], [92, 31]),
            ("2018-01-01", [], ["DL-2017-0042/c"], [214]),  // b delivered with 2018's money
        ])
    func dueAndOverdue(on: String, due: [String], overdue: [String], late: [Int]) throws {
        let (housing, store) = try Self.housing()
        let date = LocalDate(on)!
        let asker = Asker(staffID: "housing-0001", area: .province, roles: [.clerk])
        let (dueList, overdueList) = try store.writer.read { db in
            (
                try housing.worklist(.due, on: date, as: asker, limit: 100, in: db),
                try housing.worklist(.overdue, on: date, as: asker, limit: 100, in: db)
            )
        }
        #expect(dueList.items.map(\.measureID) == due)
        #expect(overdueList.items.map(\.measureID) == overdue)
        #expect(overdueList.items.compactMap(\.daysOverdue) == late)
        #expect(dueList.items.allSatisfy { $0.daysOverdue == nil && $0.amount == Yuan(fen: 240000) })
        // The item carries housing's own view: the tenant and the housing facts, no income.
        let view = try #require(overdueList.items.first).view
        #expect(
            view.fileNumber == "DL-2017-0042" && view.housing == Household.Housing.none && view.monthlyIncome == nil)
    }

    @Test("Awaiting: proposals of the area; an approver does not see their own; an auditor sees all")
    func awaiting() throws {
        let (housing, store) = try Self.housing()
        let ids = try store.writer.read { db in try housing.awaitingStaff(in: db) }
        let qujing = try #require(ids.first { $0.hasPrefix("QJ-") })
        let dali = try #require(ids.first { $0.hasPrefix("DL-") })
        try store.writer.write { db in
            try housing.propose(qujing, .approve, reason: "核实无误", by: "housing-0001", in: db)
            try housing.propose(
                dali, .refuse, reasonCode: "already-covered", reason: "已有住房", by: "housing-0002", in: db)
        }
        func list(_ asker: Asker) throws -> [String] {
            try store.writer.read { db in
                try housing.worklist(.awaiting, on: LocalDate("2017-07-01")!, as: asker, limit: 100, in: db).items.map {
                    "\($0.measureID) \($0.proposedDecision ?? "") \($0.proposedBy ?? "")"
                }
            }
        }
        #expect(
            try list(Asker(staffID: "housing-0009", area: .province, roles: [.auditor])) == [
                "\(dali) refuse housing-0002", "\(qujing) approve housing-0001",
            ])
        #expect(
            try list(Asker(staffID: "housing-0002", area: .province, roles: [.clerk, .approver])) == [
                "\(qujing) approve housing-0001"
            ])
        #expect(
            try list(Asker(staffID: "housing-0003", area: try StaffArea(code: "532900"), roles: [.approver])) == [
                "\(dali) refuse housing-0002"
            ])
    }
}
