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

/// Budgets as recorded facts (policy §5.2, C.6): the policy file's figures are the opening appropriation; finance
/// records top-ups and appropriations; a measure no money can pay waits and is paid in filing order, dated the day
/// money arrived.
@Suite("Budget book")
struct BudgetBookTests {
    /// Medical insurance's desk over an in-memory store, whose Kunming (530100) `medical.assistance` lines are
    /// `yuan` per year (other years 0).
    struct Office {
        let desk: DepartmentDesk
        let store: EventStore

        init(kunmingAssistance yuan: [Int: Int64]) throws {
            var policy = try Policy.load(contentsOfFile: DepartmentDeskTests.policyPath)
            for year in policy.budgetYears {
                policy.prefectures["530100"]!.years[year]!.budgets[.medicalAssistance] = Yuan(yuan: yuan[year] ?? 0)
            }
            desk = DepartmentDesk(department: .medicalInsurance, policy: policy)
            store = try EventStore(
                writer: DatabaseQueue(), migrations: { DepartmentDesk.registerMigrations(&$0) },
                logger: Logger(label: "test"))
            let desk = desk
            try store.writer.write { db in try desk.seedBudgets(in: db) }
        }

        /// Files copies of KM-2017-0001 (a Kunming household with `medical.assistance`, 3,000 yuan, due 30 days
        /// after filing) as `KM-2017-900n`, filed on the given days, in that order.
        func file(on days: [String]) throws {
            let template = try #require(
                try DepartmentDeskTests.households(policy: desk.policy).first { $0.fileNumber == "KM-2017-0001" })
            for (index, day) in days.enumerated() {
                var household = template
                household.fileNumber = "KM-2017-900\(index + 1)"
                household.filedOn = try #require(LocalDate(day))
                let assessment = try Assessor(policy: desk.policy).assess(household)
                let view = HouseholdView(
                    for: .medicalInsurance, household: household, assessment: assessment, helper: nil)
                let event = try DepartmentDeskTests.event(HouseholdRegistered(view: view))
                let desk = desk
                try store.writer.write { db in try desk.apply(event, in: db, journal: store.journal) }
            }
        }

        /// The delivery date of KM-2017-900n's medical assistance, `nil` while it waits.
        func delivered(_ number: Int) throws -> LocalDate? {
            let desk = desk
            let file = "KM-2017-900\(number)"
            let decision = try store.writer.read { db in try desk.knownDecisions(of: file, in: db) }[
                "\(file)/medical.assistance"]
            return try #require(decision).deliveredOn
        }

        /// Sends one request as `asker`; the reply's status and body.
        func ask(_ operation: String, _ body: some Encodable, as asker: Asker) throws -> ServiceReply {
            let request = ServiceRequest(
                clientID: "test", number: 1, operation: operation, body: try MessageCoding.encode(body))
            let desk = desk
            return try store.writer.write { db in try desk.answer(request, as: asker, in: db, journal: store.journal) }
        }

        func topUp(_ yuan: String, year: Int, on day: String, as asker: Asker = Office.provinceFinance) throws
            -> ServiceReply
        {
            try ask(
                Operation.budgetAct,
                BudgetActRequest(
                    kind: "追加", prefecture: "530100", year: year, measure: "medical.assistance", yuan: yuan,
                    on: LocalDate(day), reference: "昆财社〔2017〕12号"),
                as: asker)
        }

        func show(on day: String) throws -> BudgetReply {
            let reply = try ask(
                Operation.budget, BudgetQuery(prefecture: "530100", measure: "medical.assistance", on: LocalDate(day)),
                as: Office.provinceFinance)
            try #require(reply.status == .ok)
            return try MessageCoding.decode(BudgetReply.self, from: reply.body)
        }

        static let provinceFinance = Asker(staffID: "medical-insurance-0003", area: .province, roles: [.finance])
    }

    @Test("a line that pays exactly two: the third and fourth wait; a top-up pays the third, dated the top-up")
    func topUpPaysInFilingOrder() throws {
        // 2017 line 6,000 yuan ÷ 3,000 per grant = 2 grants; 2018–2020 lines 0.
        let office = try Office(kunmingAssistance: [2017: 6_000])
        try office.file(on: ["2017-03-01", "2017-03-02", "2017-03-03", "2017-03-04"])
        // Due = filing + 30 days: 2017-03-31 and 2017-04-01; the third and fourth find 0 left.
        #expect(try office.delivered(1) == LocalDate("2017-03-31"))
        #expect(try office.delivered(2) == LocalDate("2017-04-01"))
        #expect(try office.delivered(3) == nil)
        #expect(try office.delivered(4) == nil)

        var shown = try office.show(on: "2017-03-31")
        let line2017 = try #require(shown.lines.first { $0.year == 2017 })
        // Appropriated 6,000; paid 3,000 on 03-31 (spent by 03-31) and 3,000 on 04-01 (committed after 03-31).
        #expect(line2017.appropriated == Yuan(yuan: 6_000))
        #expect(line2017.spent == Yuan(yuan: 3_000))
        #expect(line2017.committed == Yuan(yuan: 3_000))
        #expect(line2017.remaining == .zero)
        // Two waiting, both due in 2017 (04-02, 04-03): 2 × 3,000 = 6,000.
        #expect(line2017.waitingCount == 2 && line2017.waitingYuan == Yuan(yuan: 6_000))
        #expect(shown.waiting == [.init(prefecture: "530100", count: 2, yuan: Yuan(yuan: 6_000))])

        // A top-up of 4,000 on 2017-06-15 pays one more grant (4,000 ÷ 3,000 = 1, 1,000 left): the third filed.
        let reply = try office.topUp("4000", year: 2017, on: "2017-06-15")
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
        let act = try MessageCoding.decode(BudgetActReply.self, from: reply.body)
        #expect(act.act.kind == .topUp && act.act.staffID == "medical-insurance-0003")
        #expect(act.paid.map(\.measureID) == ["KM-2017-9003/medical.assistance"])
        #expect(try office.delivered(3) == LocalDate("2017-06-15"), "dated the day the money arrived")
        #expect(try office.delivered(4) == nil, "the fourth still waits")
        shown = try office.show(on: "2017-12-31")
        #expect(shown.lines.first { $0.year == 2017 }?.remaining == Yuan(yuan: 1_000))
        #expect(shown.acts.map(\.reference) == ["昆财社〔2017〕12号"])

        // The published events: the third's decision and delivery, dated 2017-06-15.
        let delivered = try office.store.writer.read { db in
            try office.store.journal.entries(of: "outcomes.medical-insurance", after: 0, maxCount: 100, in: db)
                .map { try CloudEvent(json: $0.payload) }
        }.filter { $0.subject == "KM-2017-9003" && $0.type == MeasuresDelivered.type }
        #expect(delivered.map(\.effectiveDate) == ["2017-06-15"])
    }

    @Test("the union queues a payment it cannot make for an open file, never for a file it already closed (§5.2)")
    func unionQueuesOpenFilesOnly() throws {
        // Kunming's mutual-aid lines are 0 in every year: every payment asked of the union waits for money.
        var policy = try Policy.load(contentsOfFile: StaffToolsDeskTests.policyPath)
        for year in policy.budgetYears {
            policy.prefectures["530100"]!.years[year]!.budgets[.medicalMutualAid] = .zero
        }
        let union = UnionDesk(policy: policy, helpers: ["530102": ["周帮扶"]])
        let store = try StaffToolsDeskTests.store { UnionDesk.registerMigrations(&$0) }
        let imported = try StaffToolsDeskTests.samples()
        /// Medical insurance asks the union to pay KM-2017-0001's mutual-aid fee (measure instance `id`).
        func ask(_ id: String, in db: Database) throws {
            let request = SupportRequest(
                measureID: "KM-2017-0001/\(id)", measure: .medicalMutualAid, kind: .payment, from: .medicalInsurance,
                to: .union, amount: Yuan(yuan: 180), prefecture: "530100", dueOn: LocalDate("2017-04-14")!)
            let event = try CloudEvent(
                source: "/jiekun/medical-insurance", type: SupportRequested.type, subject: "KM-2017-0001",
                effectiveDate: "2017-04-14",
                payload: SupportRequested(fileNumber: "KM-2017-0001", requests: [request]),
                encoder: EventCoding.makeEncoder())
            try union.apply(event, in: db, journal: store.journal)
        }
        func queued(in db: Database) throws -> [String] {
            try String.fetchAll(db, sql: "SELECT measure_id FROM budget_waiting ORDER BY measure_id")
        }
        try store.writer.write { db in
            try union.seedBudgets(in: db)
            _ = try union.file(
                imported.entries.sortedInFilingOrder { $0.facts.filedOn }, headers: imported.headers, in: db,
                journal: store.journal)
            try ask("medical.mutual-aid", in: db)
            #expect(try queued(in: db) == ["KM-2017-0001/medical.mutual-aid"], "open: it waits for money")
            try union.close(
                "KM-2017-0001", reason: .death, on: LocalDate("2017-05-02")!, in: db, journal: store.journal)
            #expect(try queued(in: db) == [], "the closure takes it out of the queue")
            // The request again, as when it was sent before the department heard of the closure and arrives after it:
            // answered, not queued.
            try ask("medical.mutual-aid", in: db)
            #expect(try queued(in: db) == [])
        }
    }

    @Test(
        "a 2017 decision never spends 2018's money in 2017; a new year's appropriation pays the waiting, never forgotten"
    )
    func ownYearFirst() throws {
        // 2017 line 3,000 (one grant), 2018 line 3,000 (one grant, not before 2018-01-01), 2019–2020 0.
        let office = try Office(kunmingAssistance: [2017: 3_000, 2018: 3_000])
        try office.file(on: ["2017-03-01", "2017-03-02", "2017-03-03"])
        #expect(try office.delivered(1) == LocalDate("2017-03-31"), "2017's money, on its due date")
        // The second is due 2017-04-01, 2017's line is spent: it waits until 2018's money arrives on 2018-01-01.
        #expect(try office.delivered(2) == LocalDate("2018-01-01"))
        #expect(try office.delivered(3) == nil)
        let lines = try office.show(on: "2017-12-31").lines
        #expect(lines.first { $0.year == 2018 }?.committed == Yuan(yuan: 3_000), "drawn on the 2018 line")

        // Finance appropriates 2021 (no line yet) on 2020-12-20: the third, waiting since 2017, is paid on
        // 2021-01-01, the first day 2021's money may be spent.
        let reply = try office.ask(
            Operation.budgetAct,
            BudgetActRequest(
                kind: "appropriate", prefecture: "530100", year: 2021, measure: "medical.assistance", yuan: "3000",
                on: LocalDate("2020-12-20"), reference: "云财社〔2020〕88号"),
            as: Office.provinceFinance)
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
        #expect(try office.delivered(3) == LocalDate("2021-01-01"))

        // An appropriation for a line already appropriated is refused (a top-up is the act for it).
        let again = try office.ask(
            Operation.budgetAct,
            BudgetActRequest(
                kind: "appropriate", prefecture: "530100", year: 2021, measure: "medical.assistance", yuan: "1",
                reference: "x"),
            as: Office.provinceFinance)
        #expect(again.status == .refused)
    }

    @Test("finance acts only in its prefecture; the opening appropriation is the policy file's; acts are append-only")
    func areaAndAttribution() throws {
        let office = try Office(kunmingAssistance: [2017: 6_000])
        // Qujing's (530300) finance officer may not top up Kunming's line; Kunming's may.
        let qujing = Asker(staffID: "medical-insurance-0007", area: try StaffArea(code: "530300"), roles: [.finance])
        #expect(try office.topUp("100", year: 2017, on: "2017-05-01", as: qujing).status == .refused)
        let county = Asker(staffID: "medical-insurance-0008", area: try StaffArea(code: "530102"), roles: [.finance])
        #expect(try office.topUp("100", year: 2017, on: "2017-05-01", as: county).status == .refused)
        let kunming = Asker(staffID: "medical-insurance-0009", area: try StaffArea(code: "530100"), roles: [.finance])
        #expect(try office.topUp("100", year: 2017, on: "2017-05-01", as: kunming).status == .ok)
        // Bad input names the field.
        let zero = try office.topUp("0", year: 2017, on: "2017-05-01")
        #expect(zero.status == .refused && String(decoding: zero.body, as: UTF8.self).contains("--yuan"))
        // Only finance records acts; finance, auditors, clerks and approvers read.
        #expect(DepartmentDesk.operationRoles[Operation.budgetAct] == [.finance])
        #expect(UnionDesk.operationRoles[Operation.budgetAct] == [.finance])
        #expect(DepartmentDesk.operationRoles[Operation.budget] == [.finance, .auditor, .clerk, .approver])

        // Opening: 6,000 attributed to the policy file, dated 2017-01-01, no staff; then Kunming's 100.
        let acts = try office.store.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, amount_fen, staff_id, source, business_date FROM budget_acts
                    WHERE prefecture = '530100' AND year = 2017 AND measure = 'medical.assistance' ORDER BY act
                    """)
        }
        #expect(acts.count == 2)
        #expect(acts.first?["kind"] == "opening" && acts.first?["amount_fen"] == 600_000)
        #expect((acts.first?["staff_id"] as String?) == nil)
        #expect(acts.first?["source"] == "policy file Yunnan (云政办发〔2017〕20号), version 2017.3")
        #expect(acts.first?["business_date"] == "2017-01-01")
        #expect(acts.last?["staff_id"] == "medical-insurance-0009")
        #expect(throws: DatabaseError.self) {
            try office.store.writer.write { db in try db.execute(sql: "DELETE FROM budget_acts") }
        }
        #expect(throws: DatabaseError.self) {
            try office.store.writer.write { db in try db.execute(sql: "UPDATE budget_acts SET amount_fen = 1") }
        }
    }

    @Test("a store of the previous release (agency.budgets.v1, money spent) gets its opening acts; balances kept")
    func upgradeInPlace() throws {
        let policy = try Policy.load(contentsOfFile: DepartmentDeskTests.policyPath)
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        DepartmentDesk.registerMigrations(&migrator)
        try migrator.migrate(queue, upTo: "agency.budgets.v1")
        // The previous release seeded Kunming's 2017 medical assistance (1,300,000) and spent all but 4,500.
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO budget_lines VALUES ('530100', 2017, 'medical.assistance', 450000)")
        }
        try migrator.migrate(queue)
        let desk = DepartmentDesk(department: .medicalInsurance, policy: policy)
        try queue.write { db in try desk.seedBudgets(in: db) }
        let line = try queue.read { db in
            try BudgetOperations.summaries(
                prefecture: "530100", year: 2017, measure: .medicalAssistance, on: LocalDate("2017-12-31")!, in: db)
        }
        // Appropriated 1,300,000 (the opening act); remaining kept at 4,500; spent 1,300,000 − 4,500 = 1,295,500.
        #expect(line.first?.appropriated == Yuan(yuan: 1_300_000))
        #expect(line.first?.remaining == Yuan(fen: 450_000))
        #expect(line.first?.spent == Yuan(yuan: 1_295_500))
        // Seeding again (a later start) records nothing more.
        try queue.write { db in try desk.seedBudgets(in: db) }
        let openings = try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM budget_acts WHERE kind = 'opening'")
        }
        // One opening act per line of the policy file that medical insurance pays, whatever the store held.
        let expected = Ledger(
            policy: policy, measures: AutomaticDecisions.budgetMeasures(of: .medicalInsurance, policy: policy)
        ).budgets.count
        #expect(expected > 0 && openings == expected)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM budget_lines") } == 1)
    }
}
