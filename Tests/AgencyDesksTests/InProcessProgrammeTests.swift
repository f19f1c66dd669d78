import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import SampleCaseload
import TestSupport
import Testing

/// The seven agencies' desks, each with its own store, exchanging events through their journals along the feeds of
/// `Feed.all` — every feed in order, the feeds interleaved at random — give the report the sequential
/// ``ProgrammeRun`` gives ("distributed equals sequential", without the sockets).
@Suite("The programme in one process, feed by feed")
struct InProcessProgrammeTests {
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path

    /// One agency: its store and what it does with an event.
    struct Office {
        let agency: Agency
        let store: EventStore
        let apply: @Sendable (CloudEvent, Database, Journal) throws -> Void
    }

    static func store(_ migrations: @escaping (inout DatabaseMigrator) -> Void) throws -> EventStore {
        try EventStore(writer: DatabaseQueue(), migrations: { migrations(&$0) }, logger: Logger(label: "test"))
    }

    /// The seven agencies, each with its own store, the union's and the coordinator's desks at hand.
    struct Programme {
        var agencies: [Agency: Office] = [:]
        let union: UnionDesk
        let unionStore: EventStore
        let coordinator: CoordinatorDesk
        let coordinatorStore: EventStore
        /// "consumer feed" → last sequence delivered.
        var cursors: [String: UInt64] = [:]

        init(policy: Policy) throws {
            union = UnionDesk(policy: policy)
            unionStore = try InProcessProgrammeTests.store { UnionDesk.registerMigrations(&$0) }
            try unionStore.writer.write { [union] db in try union.seedBudgets(in: db) }
            agencies[.union] = Office(agency: .union, store: unionStore) { [union] in
                try union.apply($0, in: $1, journal: $2)
            }
            for department in [Agency.humanResources, .medicalInsurance, .education, .housing, .civilAffairs] {
                let desk = DepartmentDesk(department: department, policy: policy)
                let store = try InProcessProgrammeTests.store { DepartmentDesk.registerMigrations(&$0) }
                try store.writer.write { db in try desk.seedBudgets(in: db) }
                agencies[department] = Office(agency: department, store: store) {
                    try desk.apply($0, in: $1, journal: $2)
                }
            }
            coordinator = CoordinatorDesk(policy: policy)
            coordinatorStore = try InProcessProgrammeTests.store { CoordinatorDesk.registerMigrations(&$0) }
            agencies[.coordinator] = Office(agency: .coordinator, store: coordinatorStore) { [coordinator] in
                try coordinator.apply($0, in: $1, journal: $2)
            }
        }

        /// Files households at the union in filing order.
        func file(_ imported: HouseholdImport) throws -> [UnionDesk.Filing] {
            let entries = imported.entries.sortedInFilingOrder { $0.facts.filedOn }
            return try unionStore.writer.write { db in
                try union.file(entries, headers: imported.headers, in: db, journal: unionStore.journal)
            }
        }

        /// Delivers every feed to each consumer, in order, the feeds interleaved at random, until nothing is left.
        ///
        /// - Returns: the events delivered.
        mutating func deliver(using random: inout SeededGenerator) throws -> Int {
            var delivered = 0
            while true {
                var ready: [(feed: Feed, consumer: Agency, entries: [Journal.Entry])] = []
                for feed in Feed.all {
                    let publisher = agencies[feed.publisher]!.store
                    for consumer in feed.consumers {
                        let key = "\(consumer.rawValue) \(feed.name)"
                        let entries = try publisher.writer.read { [cursors] db in
                            try publisher.journal.entries(
                                of: feed.name, after: cursors[key] ?? 0,
                                maxCount: Int.random(in: 1...20, using: &random), in: db)
                        }
                        if !entries.isEmpty { ready.append((feed, consumer, entries)) }
                    }
                }
                guard let pick = ready.randomElement(using: &random) else { return delivered }
                let consumer = agencies[pick.consumer]!
                for entry in pick.entries {
                    let event = try CloudEvent(json: entry.payload)
                    try consumer.store.writer.write { db in try consumer.apply(event, db, consumer.store.journal) }
                    cursors["\(pick.consumer.rawValue) \(pick.feed.name)"] = entry.sequence
                    delivered += 1
                }
            }
        }
    }

    @Test(
        "300 sample households, two interleavings: the coordinator's report equals the sequential run's",
        arguments: [1, 2] as [UInt64])
    func distributedEqualsSequential(interleaving: UInt64) throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let csv = try CaseloadGenerator(policy: policy, seed: 11, year: 2017, mistakeRate: 0).csv(households: 300)
        let imported = try HouseholdImporter(today: LocalDate("2026-11-29")!).read(bytes: Array(csv.utf8))
        let entries = imported.entries.sortedInFilingOrder { $0.facts.filedOn }

        var programme = try Programme(policy: policy)
        // Intake: the union files the caseload in filing order.
        let filings = try programme.file(imported)
        #expect(filings.count == 300)
        var random = SeededGenerator(seed: interleaving)
        #expect(try programme.deliver(using: &random) > 3_000)

        var run = ProgrammeRun(policy: policy)
        for entry in entries { try run.file(try #require(entry.household)) }
        let report = try programme.coordinatorStore.writer.read { db in try programme.coordinator.report(in: db) }
        let sequential = ProvinceReport(files: run.files, years: policy.budgetYears)
        #expect(report.province == sequential.province)
        #expect(report.prefectures == sequential.prefectures)
        #expect(report.departments == sequential.departments)
        #expect(report.money == sequential.money)
        // Every exit closed its file at the union.
        let closed = try programme.unionStore.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM union_files WHERE status = 'closed'")
        }
        #expect(closed == sequential.province.cumulativeExits)
        // Each exit closed on the same day in both: the approval date of its procedure (policy C.4). From the day
        // the guarantees held through the approval there are exactly 7 working days: the review's (the first on or
        // after that day), 5 of 公示, and the approval's.
        let unionClosures = try programme.unionStore.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT file_number, closed_on FROM union_files WHERE status = 'closed'"
            ).map { ($0["file_number"] as String, LocalDate($0["closed_on"] as String)!) }
        }
        let runClosures = run.files.compactMap { file in
            file.closure.map { (file.subject.fileNumber, $0.closedOn) }
        }
        #expect(Dictionary(uniqueKeysWithValues: unionClosures) == Dictionary(uniqueKeysWithValues: runClosures))
        for file in run.files {
            guard let proposed = file.readiness.exitDate, let closure = file.closure else { continue }
            #expect(policy.workingCalendar.workingDays(from: proposed, through: closure.closedOn) == 7)
        }
    }

    @Test("relapses: exited households filed again (返困) give the sequential run's report, linked both ways")
    func relapsesEqualSequential() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let csv = try CaseloadGenerator(policy: policy, seed: 11, year: 2017, mistakeRate: 0).csv(households: 300)
        let today = LocalDate("2026-11-29")!
        let imported = try HouseholdImporter(today: today).read(bytes: Array(csv.utf8))
        // A third of the exited households fall back, so that 300 households give a few dozen relapses.
        let relapses = RelapseSample(seed: 11, perMille: 300)

        var programme = try Programme(policy: policy)
        _ = try programme.file(imported)
        var random = SeededGenerator(seed: 3)
        _ = try programme.deliver(using: &random)
        // The exits as the coordinator knows them, then the relapse import at the union.
        var exits: [String: LocalDate] = [:]
        for file in try programme.coordinatorStore.writer.read({ db in try programme.coordinator.files(in: db) }) {
            // The exit date is the approval's (policy C.4): the closure the union sent.
            if let closure = file.closure, closure.reason == .exited {
                exits[file.subject.fileNumber] = closure.closedOn
            }
        }
        let relapseFile = relapses.csv(caseload: csv, exits: exits)
        #expect(relapseFile.households > 20)
        let relapseImport = try HouseholdImporter(today: today).read(bytes: Array(relapseFile.csv.utf8))
        let filings = try programme.file(relapseImport)
        #expect(filings.allSatisfy { if case .filed = $0 { true } else { false } }, "\(filings.prefix(3))")
        _ = try programme.deliver(using: &random)

        // The same, sequentially: the caseload, then the relapses chosen from the run's own exits.
        var run = ProgrammeRun(policy: policy)
        for entry in imported.entries.sortedInFilingOrder(by: { $0.facts.filedOn }) {
            try run.file(try #require(entry.household))
        }
        var sequentialExits: [String: LocalDate] = [:]
        for file in run.files where file.closure?.reason == .exited {
            sequentialExits[file.subject.fileNumber] = file.closure?.closedOn
        }
        #expect(sequentialExits == exits)
        for entry in try HouseholdImporter(today: today).read(
            bytes: Array(relapses.csv(caseload: csv, exits: exits).csv.utf8)
        ).entries.sortedInFilingOrder(by: { $0.facts.filedOn }) {
            try run.file(try #require(entry.household))
        }
        #expect(run.refused.isEmpty)

        let report = try programme.coordinatorStore.writer.read { db in try programme.coordinator.report(in: db) }
        let sequential = ProvinceReport(files: run.files, years: policy.budgetYears)
        #expect(report.prefectures == sequential.prefectures)
        #expect(report.province == sequential.province)
        #expect(report.departments == sequential.departments)
        #expect(report.money == sequential.money)
        // Every relapse is counted once, in its filing year, and once against the exit it follows.
        #expect(report.province.years.map(\.relapses).reduce(0, +) == relapseFile.households)
        #expect(report.province.years.map(\.relapsedExits).reduce(0, +) == relapseFile.households)

        // The link, both ways, as `jiekun household` shows it.
        let first = try #require(filings.first)
        guard case .filed(let relapse, _, _) = first else { return }
        let earlier = String(relapse.dropLast(2))
        try programme.coordinatorStore.writer.read { db in
            let file = try #require(try programme.coordinator.file(relapse, in: db))
            #expect(file.earlierFile?.fileNumber == earlier)
            #expect(file.earlierFile?.isRelapse == true)
            #expect(file.earlierFile?.closedOn == exits[earlier])
            #expect(try programme.coordinator.laterFiles(of: earlier, in: db) == [relapse])
        }
    }

    @Test(
        "money that arrives later: top-ups at medical insurance and the union pay the waiting in filing order, as the sequential run"
    )
    func topUpsEqualSequential() throws {
        var policy = try Policy.load(contentsOfFile: Self.policyPath)
        // Kunming (530100): medical assistance 3,000 in 2017 (one grant of 3,000), none later; no mutual-aid money.
        for year in policy.budgetYears {
            policy.prefectures["530100"]!.years[year]!.budgets[.medicalAssistance] = Yuan(
                yuan: year == 2017 ? 3_000 : 0)
            policy.prefectures["530100"]!.years[year]!.budgets[.medicalMutualAid] = .zero
        }
        let csv = try CaseloadGenerator(policy: policy, seed: 11, year: 2017, mistakeRate: 0).csv(households: 300)
        let imported = try HouseholdImporter(today: LocalDate("2026-11-29")!).read(bytes: Array(csv.utf8))
        var programme = try Programme(policy: policy)
        _ = try programme.file(imported)
        var random = SeededGenerator(seed: 5)
        _ = try programme.deliver(using: &random)

        let medical = programme.agencies[.medicalInsurance]!.store
        func waiting(_ store: EventStore, _ measure: Measure.Code) throws -> [BudgetBook.Waiting] {
            try store.writer.read { db in try BudgetBook.waiting(prefecture: "530100", measure: measure, in: db) }
        }
        let assistanceBefore = try waiting(medical, .medicalAssistance)
        let feesBefore = try waiting(programme.unionStore, .medicalMutualAid)
        #expect(assistanceBefore.count >= 4 && feesBefore.count >= 3, "the test needs waiting measures")

        // Finance tops up Kunming's 2018 lines on 2018-03-01: 9,000 yuan = 3 grants of 3,000; 120 yuan = 2 fees of 60.
        let finance = Asker(staffID: "finance-0001", area: .province, roles: [.finance])
        func topUp(_ measure: Measure.Code, _ yuan: String, at agency: Agency) throws -> BudgetActReply {
            let request = ServiceRequest(
                clientID: "test", number: 1, operation: Operation.budgetAct,
                body: try MessageCoding.encode(
                    BudgetActRequest(
                        kind: "top-up", prefecture: "530100", year: 2018, measure: measure.rawValue, yuan: yuan,
                        on: LocalDate("2018-03-01"), reference: "昆财〔2018〕7号")))
            let store = programme.agencies[agency]!.store
            let reply = try store.writer.write { db in
                agency == .union
                    ? try programme.union.answer(request, as: finance, in: db, journal: store.journal)
                    : try DepartmentDesk(department: agency, policy: policy).answer(
                        request, as: finance, in: db, journal: store.journal)
            }
            try #require(reply.status == .ok, "\(String(decoding: reply.body, as: UTF8.self))")
            return try MessageCoding.decode(BudgetActReply.self, from: reply.body)
        }
        // Each agency's money is recorded once the other's consequences (deliveries, exits, closures) have been
        // applied everywhere, as the sequential run takes them at once.
        let assistance = try topUp(.medicalAssistance, "9000", at: .medicalInsurance)
        _ = try programme.deliver(using: &random)
        let feesWaiting = try waiting(programme.unionStore, .medicalMutualAid)
        let fees = try topUp(.medicalMutualAid, "120", at: .union)
        _ = try programme.deliver(using: &random)
        // The first three and the first two in filing order, each due in 2017 and paid on the top-up's date.
        #expect(assistance.paid.map(\.measureID) == assistanceBefore.prefix(3).map(\.measureID))
        #expect(fees.paid.map(\.measureID) == feesWaiting.prefix(2).map(\.measureID))
        #expect(feesWaiting.count <= feesBefore.count, "a file closed meanwhile leaves the queue")
        #expect(Set((assistance.paid + fees.paid).map(\.paidOn)) == [LocalDate("2018-03-01")!])
        // The fourth in filing order is now the first waiting.
        #expect(try waiting(medical, .medicalAssistance).first?.measureID == assistanceBefore[3].measureID)

        // The sequential run, the same money arriving after the same households.
        var run = ProgrammeRun(policy: policy)
        for entry in imported.entries.sortedInFilingOrder(by: { $0.facts.filedOn }) {
            try run.file(try #require(entry.household))
        }
        run.receive(
            Yuan(yuan: 9_000), for: .medicalAssistance, paidBy: .medicalInsurance, prefecture: "530100", year: 2018,
            arrivedOn: LocalDate("2018-03-01")!)
        run.receive(
            Yuan(yuan: 120), for: .medicalMutualAid, paidBy: .union, prefecture: "530100", year: 2018,
            arrivedOn: LocalDate("2018-03-01")!)
        let report = try programme.coordinatorStore.writer.read { db in try programme.coordinator.report(in: db) }
        let sequential = ProvinceReport(files: run.files, years: policy.budgetYears)
        #expect(report.province == sequential.province)
        #expect(report.prefectures == sequential.prefectures)
        #expect(report.departments == sequential.departments)
        #expect(report.money == sequential.money)
        // The money table: the coordinator learnt the two top-ups from `budget.appropriated`, the sequential run
        // from its own acts. Kunming's 2018 medical assistance line: 0 opening + 9,000 top-up.
        let withMoney = ProvinceReport(files: run.files, years: policy.budgetYears, appropriations: run.appropriations)
        #expect(report.budgets == withMoney.budgets)
        let assistance2018 = try #require(
            report.budgets.first { $0.code == "530100" && $0.year == 2018 && $0.measure == .medicalAssistance })
        #expect(assistance2018.appropriated == Yuan(yuan: 9_000))
    }
}
