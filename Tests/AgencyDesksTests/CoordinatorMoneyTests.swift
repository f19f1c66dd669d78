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

/// The coordinator's money table (policy §5.1, §5.2): appropriated, paid, waiting and remaining per prefecture,
/// year and measure, learnt from medical insurance's events only — `measure.decided` and `budget.appropriated` —
/// with figures computed by hand from the policy file.
@Suite("Coordinator: money against appropriations")
struct CoordinatorMoneyTests {
    /// Medical insurance and the coordinator, each over its own in-memory store, under the policy file with every
    /// prefecture's `medical.assistance` lines set to 0 but Kunming's 2017 line, 6,000 yuan (two grants of 3,000).
    struct Offices {
        let policy: Policy
        let medical: DepartmentDesk
        let medicalStore: EventStore
        let coordinator: CoordinatorDesk
        let coordinatorStore: EventStore
        /// The last entry of `outcomes.medical-insurance` the coordinator applied.
        var cursor: UInt64 = 0

        init() throws {
            var policy = try Policy.load(contentsOfFile: DepartmentDeskTests.policyPath)
            for prefecture in policy.prefectures.keys {
                for year in policy.budgetYears where policy.prefectures[prefecture]!.years[year] != nil {
                    policy.prefectures[prefecture]!.years[year]!.budgets[.medicalAssistance] = Yuan(
                        yuan: prefecture == "530100" && year == 2017 ? 6_000 : 0)
                }
            }
            self.policy = policy
            medical = DepartmentDesk(department: .medicalInsurance, policy: policy)
            medicalStore = try EventStore(
                writer: DatabaseQueue(), migrations: { DepartmentDesk.registerMigrations(&$0) },
                logger: Logger(label: "test"))
            coordinator = CoordinatorDesk(policy: policy)
            coordinatorStore = try EventStore(
                writer: DatabaseQueue(), migrations: { CoordinatorDesk.registerMigrations(&$0) },
                logger: Logger(label: "test"))
            let medical = medical
            try medicalStore.writer.write { db in try medical.seedBudgets(in: db) }
        }

        /// Files copies of KM-2017-0001 (Kunming; `medical.assistance`, 3,000 yuan, due 30 days after filing) as
        /// `KM-2017-900n`, filed on the given days, at medical insurance and at the coordinator.
        func file(on days: [String]) throws {
            let template = try #require(
                try DepartmentDeskTests.households(policy: policy).first { $0.fileNumber == "KM-2017-0001" })
            for (index, day) in days.enumerated() {
                var household = template
                household.fileNumber = "KM-2017-900\(index + 1)"
                household.filedOn = try #require(LocalDate(day))
                let assessment = try Assessor(policy: policy).assess(household)
                for (agency, store) in [(Agency.medicalInsurance, medicalStore), (.coordinator, coordinatorStore)] {
                    let view = HouseholdView(for: agency, household: household, assessment: assessment, helper: nil)
                    let event = try DepartmentDeskTests.event(HouseholdRegistered(view: view))
                    let (medical, coordinator) = (medical, coordinator)
                    try store.writer.write { db in
                        agency == .coordinator
                            ? try coordinator.apply(event, in: db, journal: store.journal)
                            : try medical.apply(event, in: db, journal: store.journal)
                    }
                }
            }
        }

        /// Applies at the coordinator what medical insurance published on `outcomes.medical-insurance` since the
        /// last time; returns the events' types.
        mutating func deliver() throws -> [String] {
            let feed = Feed.outcomes(of: .medicalInsurance)!.name
            let entries = try medicalStore.writer.read { [cursor, medicalStore] db in
                try medicalStore.journal.entries(of: feed, after: cursor, maxCount: 10_000, in: db)
            }
            var types: [String] = []
            for entry in entries {
                let event = try CloudEvent(json: entry.payload)
                try apply(event)
                cursor = entry.sequence
                types.append(event.type)
            }
            return types
        }

        func apply(_ event: CloudEvent) throws {
            let coordinator = coordinator
            try coordinatorStore.writer.write { db in
                try coordinator.apply(event, in: db, journal: coordinatorStore.journal)
            }
        }

        /// The coordinator's money line of Kunming's (or the province's) medical assistance in a year.
        func line(_ code: String, _ year: Int) throws -> ProvinceReport.BudgetFigures? {
            let coordinator = coordinator
            return try coordinatorStore.writer.read { db in try coordinator.report(in: db) }.budgets.first {
                $0.code == code && $0.year == year && $0.measure == .medicalAssistance
            }
        }

        /// Medical insurance's province-wide finance officer tops up Kunming's medical assistance.
        func topUp(_ yuan: String, year: Int, on day: String) throws -> ServiceReply {
            let request = ServiceRequest(
                clientID: "test", number: 1, operation: Operation.budgetAct,
                body: try MessageCoding.encode(
                    BudgetActRequest(
                        kind: "追加", prefecture: "530100", year: year, measure: "medical.assistance", yuan: yuan,
                        on: LocalDate(day), reference: "昆财社〔2018〕3号")))
            let finance = Asker(staffID: "finance-0007", area: .province, roles: [.finance])
            let medical = medical
            return try medicalStore.writer.write { db in
                try medical.answer(request, as: finance, in: db, journal: medicalStore.journal)
            }
        }
    }

    @Test("paid, waiting, a top-up and what it pays, by hand from the policy file")
    func byHand() throws {
        var offices = try Offices()
        // Three grants of 3,000 filed on 1, 2 and 3 March 2017, due 30 days later (31 March, 1 and 2 April).
        try offices.file(on: ["2017-03-01", "2017-03-02", "2017-03-03"])
        #expect(try offices.deliver().contains(MeasuresDecided.type))

        // Kunming 2017: appropriated 6,000 (the opening line); paid 2 × 3,000 = 6,000; the third grant waits
        // (1 measure, 3,000 yuan, due in 2017); remaining 6,000 − 6,000 = 0.
        let before = try #require(try offices.line("530100", 2017))
        #expect(before.appropriated == Yuan(yuan: 6_000))
        #expect(before.payments == 2 && before.paid == Yuan(yuan: 6_000))
        #expect(before.waiting == 1 && before.waitingYuan == Yuan(yuan: 3_000))
        #expect(before.remaining == .zero)
        // The province is Kunming's sum: every other prefecture's line is 0 and has no files.
        let province = try #require(try offices.line("530000", 2017))
        #expect(province.appropriated == Yuan(yuan: 6_000) && province.paid == Yuan(yuan: 6_000))
        #expect(province.waiting == 1 && province.waitingYuan == Yuan(yuan: 3_000))
        // A line with nothing appropriated, paid or waiting is left out (Kunming 2018 is 0 in the policy file).
        #expect(try offices.line("530100", 2018) == nil)

        // Finance tops up Kunming's 2018 line with 5,000 on 1 February 2018: the waiting grant is paid from it,
        // dated max(due 2017-04-02, arrived 2018-02-01, 1 January 2018) = 2018-02-01.
        let reply = try offices.topUp("5000", year: 2018, on: "2018-02-01")
        try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
        let types = try offices.deliver()
        #expect(types.first == BudgetAppropriated.type, "the act is published before what it pays")
        #expect(types.contains(MeasuresDecided.type))

        // 2017: appropriated 6,000, paid 6,000, nothing waits. 2018: appropriated 0 + 5,000 = 5,000; paid 1 × 3,000
        // (by its delivery date, 2018-02-01); remaining 5,000 − 3,000 = 2,000.
        let after2017 = try #require(try offices.line("530100", 2017))
        #expect(after2017.appropriated == Yuan(yuan: 6_000) && after2017.paid == Yuan(yuan: 6_000))
        #expect(after2017.waiting == 0 && after2017.waitingYuan == .zero && after2017.remaining == .zero)
        let after2018 = try #require(try offices.line("530100", 2018))
        #expect(after2018.appropriated == Yuan(yuan: 5_000))
        #expect(after2018.payments == 1 && after2018.paid == Yuan(yuan: 3_000))
        #expect(after2018.waiting == 0 && after2018.remaining == Yuan(yuan: 2_000))

        // The event carries the line, the act and the finance officer's pseudonymous id; no household.
        let feed = Feed.outcomes(of: .medicalInsurance)!.name
        let published = try offices.medicalStore.writer.read { db in
            try offices.medicalStore.journal.entries(of: feed, after: 0, maxCount: 10_000, in: db)
        }.map { try CloudEvent(json: $0.payload) }.filter { $0.type == BudgetAppropriated.type }
        let event = try #require(published.first)
        #expect(published.count == 1 && event.subject == nil && event.effectiveDate == "2018-02-01")
        let payload = try event.decodeData(as: BudgetAppropriated.self, using: EventCoding.makeDecoder())
        #expect(payload.agency == .medicalInsurance && payload.kind == .topUp && payload.staffID == "finance-0007")
        #expect(payload.prefecture == "530100" && payload.year == 2018 && payload.amount == Yuan(yuan: 5_000))

        // Replayed, the act counts once.
        try offices.apply(event)
        #expect(try offices.line("530100", 2018)?.appropriated == Yuan(yuan: 5_000))
    }

    @Test("money recorded for another agency, or for a measure its sender does not pay, is refused")
    func refusals() throws {
        let offices = try Offices()
        func event(_ agency: Agency, _ measure: Measure.Code, source: Agency) throws -> CloudEvent {
            try CloudEvent(
                source: "/jiekun/\(source.rawValue)", type: BudgetAppropriated.type,
                payload: BudgetAppropriated(
                    agency: agency, act: 1, kind: .topUp, prefecture: "530100", year: 2018, measure: measure,
                    amount: Yuan(yuan: 1_000), staffID: "finance-0001", reference: "x",
                    arrivedOn: LocalDate("2018-02-01")!), encoder: EventCoding.makeEncoder())
        }
        // Housing sends medical insurance's money; medical insurance sends the union's mutual-aid money.
        for (bad, code) in [
            (try event(.medicalInsurance, .medicalAssistance, source: .housing), "coordinator.budget.agency"),
            (try event(.medicalInsurance, .medicalMutualAid, source: .medicalInsurance), "coordinator.budget.measure"),
        ] {
            #expect(throws: DeskRefusal.self) { try offices.apply(bad) }
            do { try offices.apply(bad) } catch let refusal as DeskRefusal { #expect(refusal.code == code) }
        }
        #expect(try offices.line("530100", 2018) == nil, "nothing was kept")
        // An amount of 0 does not decode.
        let zero =
            #"{"agency":"housing","act":1,"kind":"top-up","prefecture":"530100","year":2018,"#
            + #""measure":"housing.rental-subsidy","amount":"0.00","reference":"x","arrivedOn":"2018-02-01"}"#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BudgetAppropriated.self, from: Data(zero.utf8))
        }
    }
}
