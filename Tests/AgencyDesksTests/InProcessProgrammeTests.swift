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

    @Test(
        "300 sample households, two interleavings: the coordinator's report equals the sequential run's",
        arguments: [1, 2] as [UInt64])
    func distributedEqualsSequential(interleaving: UInt64) throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let csv = try CaseloadGenerator(policy: policy, seed: 11, year: 2017, mistakeRate: 0).csv(households: 300)
        let imported = try HouseholdImporter(today: LocalDate("2026-11-29")!).read(bytes: Array(csv.utf8))
        let entries = imported.entries.sortedInFilingOrder { $0.facts.filedOn }

        // The agencies.
        var agencies: [Agency: Office] = [:]
        let union = UnionDesk(policy: policy)
        let unionStore = try Self.store { UnionDesk.registerMigrations(&$0) }
        try unionStore.writer.write { db in try union.seedBudgets(in: db) }
        agencies[.union] = Office(agency: .union, store: unionStore) { try union.apply($0, in: $1, journal: $2) }
        for department in [Agency.humanResources, .medicalInsurance, .education, .housing, .civilAffairs] {
            let desk = DepartmentDesk(department: department, policy: policy)
            let store = try Self.store { DepartmentDesk.registerMigrations(&$0) }
            try store.writer.write { db in try desk.seedBudgets(in: db) }
            agencies[department] = Office(agency: department, store: store) {
                try desk.apply($0, in: $1, journal: $2)
            }
        }
        let coordinator = CoordinatorDesk(policy: policy)
        let coordinatorStore = try Self.store { CoordinatorDesk.registerMigrations(&$0) }
        agencies[.coordinator] = Office(agency: .coordinator, store: coordinatorStore) {
            try coordinator.apply($0, in: $1, journal: $2)
        }

        // Intake: the union files the caseload in filing order.
        let filings = try unionStore.writer.write { db in
            try union.file(entries, headers: imported.headers, in: db, journal: unionStore.journal)
        }
        #expect(filings.count == 300)

        // Deliver every feed to each consumer, in order, the feeds interleaved at random, until nothing is left.
        var cursors: [String: UInt64] = [:]  // "consumer feed" → last sequence delivered
        var random = SeededGenerator(seed: interleaving)
        var delivered = 0
        while true {
            var ready: [(feed: Feed, consumer: Agency, entries: [Journal.Entry])] = []
            for feed in Feed.all {
                let publisher = agencies[feed.publisher]!.store
                for consumer in feed.consumers {
                    let key = "\(consumer.rawValue) \(feed.name)"
                    let entries = try publisher.writer.read { db in
                        try publisher.journal.entries(
                            of: feed.name, after: cursors[key] ?? 0, maxCount: Int.random(in: 1...20, using: &random),
                            in: db)
                    }
                    if !entries.isEmpty { ready.append((feed, consumer, entries)) }
                }
            }
            guard let pick = ready.randomElement(using: &random) else { break }
            let consumer = agencies[pick.consumer]!
            for entry in pick.entries {
                let event = try CloudEvent(json: entry.payload)
                try consumer.store.writer.write { db in try consumer.apply(event, db, consumer.store.journal) }
                cursors["\(pick.consumer.rawValue) \(pick.feed.name)"] = entry.sequence
                delivered += 1
            }
        }
        #expect(delivered > 3_000)

        var run = ProgrammeRun(policy: policy)
        for entry in entries { try run.file(try #require(entry.household)) }
        let report = try coordinatorStore.writer.read { db in try coordinator.report(in: db) }
        let sequential = ProvinceReport(files: run.files, years: policy.budgetYears)
        #expect(report.province == sequential.province)
        #expect(report.prefectures == sequential.prefectures)
        #expect(report.departments == sequential.departments)
        #expect(report.money == sequential.money)
        // Every exit closed its file at the union.
        let closed = try unionStore.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM union_files WHERE status = 'closed'")
        }
        #expect(closed == sequential.province.cumulativeExits)
    }
}
