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

/// Deliveries as recorded facts (policy §4.2, §5.2): a clerk records each delivery with its reference and the facts
/// its measure's kind needs; corrections cite what they correct; overdue counts from recorded deliveries; in `auto`
/// mode the simulated clerk records what the rules deliver.
@Suite("Deliveries: recorded, refused, corrected, overdue")
struct DeliveryTests {
    /// Approves `measure` in review mode: proposed by clerk `…-0001`, approved by `…-0002` on `day`.
    static func approve(_ measure: String, on day: String, desk: DepartmentDesk, store: EventStore) throws {
        let prefix = desk.department.rawValue
        try store.writer.write { db in
            try desk.propose(measure, .approve, reason: "", by: "\(prefix)-0001", on: LocalDate(day), in: db)
            try desk.decide(
                measure, .approve, reason: "", by: "\(prefix)-0002", on: LocalDate(day), in: db,
                journal: store.journal)
        }
    }

    /// The refusal code of a delivery, or `nil` when it was recorded.
    static func refusal(_ request: DeliverRequest, desk: DepartmentDesk, store: EventStore) -> String? {
        do {
            try store.writer.write { db in _ = try desk.deliver(request, by: "\(desk.department.rawValue)-0001", in: db)
            }
            return nil
        } catch let refusal as DeskRefusal {
            return refusal.code
        } catch {
            return "\(error)"
        }
    }

    static func worklist(
        _ list: WorklistRequest.List, on day: String, desk: DepartmentDesk, store: EventStore
    ) throws -> [String] {
        let asker = Asker(staffID: "\(desk.department.rawValue)-0001", area: .province, roles: [.clerk])
        return try store.writer.read { db in
            try desk.worklist(list, on: LocalDate(day)!, as: asker, limit: 100, in: db).items.map {
                "\($0.measureID) \($0.daysOverdue.map(String.init) ?? "-")"
            }
        }
    }

    @Test("Overdue from processing days across a month boundary, until a clerk records the delivery")
    func overdueUntilRecorded() throws {
        let (housing, store) = try MakerCheckerTests.desk(.housing, policy: try MakerCheckerTests.policy())
        let measure = "QJ-2017-0007/housing.public-rental"
        try Self.approve(measure, on: "2017-06-01", desk: housing, store: store)
        // Approved 2017-06-01, 90 processing days: 29 more days of June (to 06-30), 31 of July (07-31, 60 days),
        // 30 of August: due 2017-08-30.
        #expect(try Self.worklist(.due, on: "2017-08-30", desk: housing, store: store) == ["\(measure) -"])
        #expect(try Self.worklist(.overdue, on: "2017-08-30", desk: housing, store: store).isEmpty)
        // 2017-08-31 is 1 day past 08-30; 2017-09-02 is 1 + 2 = 3 days past (31 August, 1 and 2 September).
        #expect(try Self.worklist(.overdue, on: "2017-08-31", desk: housing, store: store) == ["\(measure) 1"])
        #expect(try Self.worklist(.overdue, on: "2017-09-02", desk: housing, store: store) == ["\(measure) 3"])
        #expect(try Self.worklist(.due, on: "2017-09-02", desk: housing, store: store).isEmpty)

        let delivery = DeliverRequest(
            measureID: measure, on: LocalDate("2017-09-02"), amount: .zero, reference: "曲住配〔2017〕88号",
            unit: "麒麟区公租房3栋2单元501")
        #expect(Self.refusal(delivery, desk: housing, store: store) == nil)
        // Recorded on 09-02: not overdue from that day on; still overdue on the days before it.
        #expect(try Self.worklist(.overdue, on: "2017-09-02", desk: housing, store: store).isEmpty)
        #expect(try Self.worklist(.overdue, on: "2017-09-01", desk: housing, store: store) == ["\(measure) 2"])
        let recorded = try #require(
            try store.writer.read { db in try housing.deliveries(of: "QJ-2017-0007", in: db) }.first)
        #expect(recorded.deliveredOn == LocalDate("2017-09-02") && recorded.unit == "麒麟区公租房3栋2单元501")
        #expect(recorded.staffID == "housing-0001" && !recorded.simulated && recorded.reference == "曲住配〔2017〕88号")
    }

    @Test("A job placement needs a valid employer code and a start date; 低保 its first month and monthly amount")
    func kindFacts() throws {
        let policy = try MakerCheckerTests.policy()
        let (hr, hrStore) = try MakerCheckerTests.desk(.humanResources, policy: policy)
        let placement = "KM-2017-0001/employment.placement"
        try Self.approve(placement, on: "2017-04-01", desk: hr, store: hrStore)
        var request = DeliverRequest(
            measureID: placement, on: LocalDate("2017-05-10"), amount: .zero, reference: "昆人社就〔2017〕15号")
        #expect(Self.refusal(request, desk: hr, store: hrStore) == "desk.deliver.employer-code")
        // Huawei Technologies' published code with its last character changed: the check character is 6, not 7.
        request.employerCode = "914403001922038217"
        request.startOn = LocalDate("2017-05-15")
        #expect(Self.refusal(request, desk: hr, store: hrStore) == "desk.deliver.employer-code")
        request.employerCode = "91440300192203821"  // 17 characters
        #expect(Self.refusal(request, desk: hr, store: hrStore) == "desk.deliver.employer-code")
        request.employerCode = "914403001922038216"
        request.startOn = nil
        #expect(Self.refusal(request, desk: hr, store: hrStore) == "desk.deliver.start")
        request.startOn = LocalDate("2017-05-15")
        request.unit = "3-501"
        #expect(Self.refusal(request, desk: hr, store: hrStore) == "desk.deliver.field", "a unit is housing's")
        request.unit = nil
        #expect(Self.refusal(request, desk: hr, store: hrStore) == nil)
        let placed = try #require(try hrStore.writer.read { db in try hr.deliveries(of: "KM-2017-0001", in: db) }.first)
        #expect(placed.employerCode == "914403001922038216" && placed.startOn == LocalDate("2017-05-15"))

        let (civil, civilStore) = try MakerCheckerTests.desk(.civilAffairs, policy: policy)
        let dibao = "KM-2017-0001/relief.dibao"
        try Self.approve(dibao, on: "2017-04-01", desk: civil, store: civilStore)
        var payment = DeliverRequest(
            measureID: dibao, on: LocalDate("2017-05-02"), amount: Yuan(yuan: 660), reference: "五华民低〔2017〕5号",
            firstMonth: "2017-13", monthlyAmount: Yuan(yuan: 660))
        #expect(Self.refusal(payment, desk: civil, store: civilStore) == "desk.deliver.first-month")
        payment.firstMonth = "2017-05"
        payment.monthlyAmount = nil
        #expect(Self.refusal(payment, desk: civil, store: civilStore) == "desk.deliver.monthly-amount")
        payment.monthlyAmount = Yuan(yuan: 660)
        #expect(Self.refusal(payment, desk: civil, store: civilStore) == nil)
        let paid = try #require(
            try civilStore.writer.read { db in try civil.deliveries(of: "KM-2017-0001", in: db) }.first)
        #expect(paid.firstMonth == "2017-05" && paid.monthlyAmount == Yuan(yuan: 660))
    }

    @Test("Refused: unknown, not granted, waiting for money, before the decision, no amount, no reference, no unit")
    func refusals() throws {
        let (housing, store) = try MakerCheckerTests.desk(.housing, policy: try MakerCheckerTests.policy())
        let rental = "QJ-2017-0007/housing.public-rental"
        try Self.approve(rental, on: "2017-06-01", desk: housing, store: store)
        let refusedMeasure = "DL-2017-0042/housing.public-rental"
        try store.writer.write { db in
            try housing.propose(
                refusedMeasure, .refuse, reasonCode: "not-eligible", reason: "已有住房", by: "housing-0001",
                on: LocalDate("2017-07-01"), in: db)
            try housing.decide(
                refusedMeasure, .approve, reason: "", by: "housing-0002", on: LocalDate("2017-07-01"), in: db,
                journal: store.journal)
            // A rental subsidy granted and waiting for money (no delivery date), as a department keeps it.
            try db.execute(
                sql: """
                    INSERT INTO desk_decisions (measure_id, file_number, code, member_number, department, status,
                        reason, amount_fen, paid_by, due_on, delivered_on)
                    VALUES ('KM-2017-0001/housing.rental-subsidy', 'KM-2017-0001', 'housing.rental-subsidy', NULL,
                        'housing', 'granted', '', 240000, 'housing', '2017-04-14', NULL)
                    """)
        }
        let good = DeliverRequest(
            measureID: rental, on: LocalDate("2017-08-30"), amount: .zero, reference: "曲住配〔2017〕88号", unit: "3-501")
        func with(_ change: (inout DeliverRequest) -> Void) -> DeliverRequest {
            var request = good
            change(&request)
            return request
        }
        #expect(
            Self.refusal(with { $0.measureID = "QJ-2017-0007/housing.rent-reduction" }, desk: housing, store: store)
                == "desk.deliver.unknown")
        #expect(
            Self.refusal(with { $0.measureID = refusedMeasure }, desk: housing, store: store)
                == "desk.deliver.not-granted")
        #expect(
            Self.refusal(
                with {
                    $0.measureID = "KM-2017-0001/housing.rental-subsidy"
                    $0.unit = nil
                }, desk: housing, store: store) == "desk.deliver.waiting")
        // Decided 2017-06-01 (due 08-30 less 90 days): a delivery dated 05-31 is before it.
        #expect(
            Self.refusal(with { $0.on = LocalDate("2017-05-31") }, desk: housing, store: store) == "desk.deliver.on")
        #expect(Self.refusal(with { $0.amount = nil }, desk: housing, store: store) == "desk.deliver.amount")
        #expect(Self.refusal(with { $0.amount = Yuan(fen: -1) }, desk: housing, store: store) == "desk.deliver.amount")
        #expect(Self.refusal(with { $0.reference = "  " }, desk: housing, store: store) == "desk.deliver.reference")
        #expect(Self.refusal(with { $0.unit = nil }, desk: housing, store: store) == "desk.deliver.unit")
        #expect(
            Self.refusal(with { $0.firstMonth = "2017-08" }, desk: housing, store: store) == "desk.deliver.field")
        #expect(try store.writer.read { db in try housing.deliveries(of: "QJ-2017-0007", in: db) }.isEmpty)
    }

    @Test("A delivery is never edited: a correction cites the latest record, with a reason")
    func corrections() throws {
        let (housing, store) = try MakerCheckerTests.desk(.housing, policy: try MakerCheckerTests.policy())
        let rental = "QJ-2017-0007/housing.public-rental"
        try Self.approve(rental, on: "2017-06-01", desk: housing, store: store)
        let first = DeliverRequest(
            measureID: rental, on: LocalDate("2017-08-20"), amount: .zero, reference: "曲住配〔2017〕88号", unit: "3-501")
        #expect(Self.refusal(first, desk: housing, store: store) == nil)
        #expect(Self.refusal(first, desk: housing, store: store) == "desk.deliver.recorded")
        var correction = first
        correction.unit = "3-502"
        correction.corrects = 1
        #expect(Self.refusal(correction, desk: housing, store: store) == "desk.deliver.reason")
        correction.reason = "房号录入错误"
        correction.corrects = 7
        #expect(Self.refusal(correction, desk: housing, store: store) == "desk.deliver.corrects")
        correction.corrects = 1
        #expect(Self.refusal(correction, desk: housing, store: store) == nil)
        #expect(Self.refusal(correction, desk: housing, store: store) == "desk.deliver.corrects", "#1 is superseded")
        // The latest record, #2, is dated 09-05: on 09-01 the measure is overdue again (2 days past 08-30).
        var late = correction
        late.corrects = 2
        late.on = LocalDate("2017-09-05")
        #expect(Self.refusal(late, desk: housing, store: store) == nil)
        #expect(try Self.worklist(.overdue, on: "2017-09-01", desk: housing, store: store) == ["\(rental) 2"])
        let chain = try store.writer.read { db in try housing.deliveries(of: "QJ-2017-0007", in: db) }
        #expect(
            chain.map { "\($0.id) \($0.deliveredOn) \($0.unit ?? "-") \($0.corrects.map { "#\($0)" } ?? "-")" } == [
                "1 2017-08-20 3-501 -", "2 2017-08-20 3-502 #1", "3 2017-09-05 3-502 #2",
            ])
        #expect(chain[1].reason == "房号录入错误")
        for sql in ["UPDATE desk_deliveries SET unit = 'x'", "DELETE FROM desk_deliveries"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try store.writer.write { db in try db.execute(sql: sql) } }
        }
    }

    @Test("The operation: a clerk in the household's area records; outside it the request is refused and audited")
    func operationArea() throws {
        #expect(DepartmentDesk.operationRoles[Operation.deliver] == [.clerk])
        let (housing, store) = try MakerCheckerTests.desk(.housing, policy: try MakerCheckerTests.policy())
        var migrator = DatabaseMigrator()
        AuditLog.registerMigrations(&migrator)
        try migrator.migrate(store.writer)
        let rental = "QJ-2017-0007/housing.public-rental"  // 曲靖 530302
        try Self.approve(rental, on: "2017-06-01", desk: housing, store: store)
        let body = try MessageCoding.encode(
            DeliverRequest(
                measureID: rental, on: LocalDate("2017-08-20"), amount: .zero, reference: "曲住配〔2017〕88号",
                unit: "3-501"))
        func ask(_ asker: Asker) throws -> ServiceReply {
            let request = ServiceRequest(clientID: "test", number: 1, operation: Operation.deliver, body: body)
            return try store.writer.write { db in
                try housing.answer(request, as: asker, in: db, journal: store.journal)
            }
        }
        let kunming = Asker(staffID: "housing-0005", area: try StaffArea(code: "530100"), roles: [.clerk])
        let outside = try ask(kunming)
        #expect(outside.status != .ok)
        let qujing = Asker(staffID: "housing-0006", area: try StaffArea(code: "530300"), roles: [.clerk])
        let inside = try ask(qujing)
        #expect(inside.status == .ok)
        #expect(try MessageCoding.decode(DeliverReply.self, from: inside.body).number == 1)
        let outcomes = try store.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT staff_id, outcome FROM agency_audit WHERE operation = 'deliver' ORDER BY seq"
            ).map { "\($0["staff_id"] as String? ?? "-") \($0["outcome"] as String? ?? "-")" }
        }
        #expect(outcomes == ["housing-0005 refused", "housing-0006 done"])
    }

    @Test("Auto mode: the simulated clerk records each delivery the rules made, on its date, through deliver")
    func simulatedClerk() throws {
        let policy = try MakerCheckerTests.policy()
        let housing = DepartmentDesk(department: .housing, policy: policy, mode: .auto)
        let store = try EventStore(
            writer: DatabaseQueue(), migrations: { DepartmentDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        try store.writer.write { db in try housing.seedBudgets(in: db) }
        for household in try StaffToolsDeskTests.samples().entries.compactMap(\.household) {
            let payload = HouseholdRegistered(
                view: HouseholdView(
                    for: .housing, household: household, assessment: try Assessor(policy: policy).assess(household),
                    helper: nil))
            let event = try CloudEvent(
                source: "/jiekun/union-registry", type: HouseholdRegistered.type, subject: payload.fileNumber,
                payload: payload, encoder: EventCoding.makeEncoder())
            try store.writer.write { db in try housing.apply(event, in: db, journal: store.journal) }
        }
        let (decision, deliveries) = try store.writer.read { db in
            (
                try housing.knownDecisions(of: "QJ-2017-0007", in: db)["QJ-2017-0007/housing.public-rental"],
                try housing.deliveries(of: "QJ-2017-0007", in: db)
            )
        }
        // Filed 2017-05-02, 90 processing days: 29 more days of May, 30 of June (59), 31 of July (90): 2017-07-31.
        #expect(decision?.dueOn == LocalDate("2017-07-31"))
        let delivered = try #require(decision?.deliveredOn)
        #expect(
            deliveries.map { "\($0.measureID) \($0.deliveredOn) \($0.staffID ?? "-") \($0.simulated)" } == [
                "QJ-2017-0007/housing.public-rental \(delivered) housing-demo-clerk true"
            ])
        #expect(deliveries.first?.unit == "SIM-QJ-2017-0007" && deliveries.first?.reference.hasPrefix("SIM-") == true)
        // Nothing delivered by the rules is overdue once its date is reached.
        #expect(try Self.worklist(.overdue, on: delivered.description, desk: housing, store: store).isEmpty)
    }

    @Test("The simulated clerk's employer codes carry a valid check character")
    func simulatedCodes() {
        for file in ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042", "KM-2019-9000123"] {
            #expect(CreditCode.validate(DepartmentDesk.simulatedEmployerCode(for: file)) == nil, "\(file)")
        }
    }
}
