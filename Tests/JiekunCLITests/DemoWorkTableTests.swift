import Foundation
import HouseholdDomain
import ServiceRuntime
import Testing

@testable import JiekunCLI

@Suite("The demo's work table")
struct DemoWorkTableTests {
    /// A report with the given feed counts and journal counts.
    static func status(
        _ agency: Agency, feeds: [String: StatusReport.FeedCounts], duplicates: [String: Int64] = [:],
        journaled: Int64, bytes: Int64, rows: Int64, transactions: Int64 = 0, encodes: Int64 = 0, decodes: Int64 = 0,
        requests: Int64 = 0
    ) throws -> StatusReport {
        let counters = Counters()
        for (feed, counts) in feeds {
            counters.increment(Counters.Label.eventsApplied, dimensions: [("feed", feed)], by: counts.applied)
            counters.increment(Counters.Label.eventsReplayed, dimensions: [("feed", feed)], by: counts.replayed)
            counters.increment(Counters.Label.eventsPublished, dimensions: [("feed", feed)], by: counts.published)
            counters.increment(
                Counters.Label.eventsRefused, dimensions: [("feed", feed), ("reason", "type.unknown")],
                by: counts.refused)
        }
        for (feed, count) in duplicates {
            counters.increment(
                Counters.Label.eventsRefused, dimensions: [("feed", feed), ("reason", StatusReport.duplicateReason)],
                by: count)
        }
        counters.increment(Counters.Label.journalAppended, by: journaled)
        counters.increment(Counters.Label.journalBytes, by: bytes)
        counters.increment(Counters.Label.rowsWritten, by: rows)
        counters.increment(Counters.Label.transactionsCommitted, by: transactions)
        counters.increment(Counters.Label.requestsExecuted, dimensions: [("server", "requests")], by: requests)
        var report = StatusReport(agency: agency.rawValue, started: Date(), counters: counters)
        report.jsonEncodes = encodes
        report.jsonDecodes = decodes
        report.envelopeEncodes = journaled
        report.envelopeDecodes = feeds.values.reduce(0) { $0 + $1.applied + $1.refused }
        return report
    }

    /// Two services, three households filed: the union sent 6 events to housing, which received 8 (2 replayed
    /// again after a restart, refused as duplicates) and refused 1 of an unknown type.
    static func statistics() throws -> DemoCommand.WorkStatistics {
        let statuses: [Agency: StatusReport] = [
            .housing: try Self.status(
                .housing, feeds: ["households.housing": .init(applied: 6, refused: 1, replayed: 2)],
                duplicates: ["households.housing": 2], journaled: 3, bytes: 1_536, rows: 20, transactions: 4,
                encodes: 3, decodes: 6, requests: 2),
            .union: try Self.status(
                .union, feeds: ["households.housing": .init(published: 6)], journaled: 6, bytes: 6_000, rows: 31,
                transactions: 2, encodes: 12, decodes: 9, requests: 4),
        ]
        return DemoCommand.WorkStatistics(
            statuses: statuses, storeBytes: [.union: 12_288, .housing: 8_192, .coordinator: 4_096], households: 3)
    }

    @Test("A row per service in agency order, then the total; the second table divides by the households filed")
    func table() throws {
        let lines = DemoCommand.workTable(try Self.statistics()).split(separator: "\n")
        try #require(lines.count == 10)
        #expect(lines[0].hasPrefix("Work per service since it started (3 households filed; "))
        #expect(lines[5] == "Work per household filed (each count ÷ 3):")
        let cells = lines.map { $0.split(separator: " ").map(String.init) }
        #expect(cells[1] == ["service"] + DemoCommand.countColumns)
        #expect(cells[6] == cells[1])
        // Housing received 6 applied + 1 refused + 2 duplicates (refused too) = 9; refused 1 + 2 = 3. The union
        // polled 4 requests, housing 2. Envelopes (as `status` above sets them): written = journaled, read = the
        // feed's applied + refused = 6 + 1 = 7.
        // received replayed applied dup refused published journaled bytes rows commits enc dec env-enc env-dec req
        // store.
        #expect(
            cells[2] == [
                "union-registry", "0", "0", "0", "0", "0", "6", "6", "6000", "31", "2", "12", "9", "6", "0", "4",
                "12288",
            ])
        #expect(
            cells[3] == [
                "housing", "9", "2", "6", "2", "3", "0", "3", "1536", "20", "4", "3", "6", "3", "7", "2", "8192",
            ])
        // The total adds both rows; the coordinator sent no report, so its store is not counted.
        #expect(
            cells[4] == [
                "total", "9", "2", "6", "2", "3", "6", "9", "7536", "51", "6", "15", "15", "9", "7", "6", "20480",
            ])
        // Per household: 9 ÷ 3 = 3.00, 2 ÷ 3 = 0.67, 7536 ÷ 3 = 2512.00, 51 ÷ 3 = 17.00, 20480 ÷ 3 = 6826.67,
        // 7 ÷ 3 = 2.33.
        #expect(
            cells[9] == [
                "total", "3.00", "0.67", "2.00", "0.67", "1.00", "2.00", "3.00", "2512.00", "17.00", "2.00", "5.00",
                "5.00", "3.00", "2.33", "2.00", "6826.67",
            ])
    }

    @Test("The JSON for benchmarks holds the same counts, per service and per feed, and reads back")
    func json() throws {
        let statistics = try Self.statistics()
        let json = try statistics.json()
        let decoded = try JSONDecoder().decode(DemoCommand.WorkStatistics.self, from: json)
        #expect(decoded == statistics)
        #expect(decoded.households == 3)
        #expect(decoded.services["housing"]?.received == 9)
        #expect(decoded.services["housing"]?.duplicates == 2)
        #expect(decoded.feeds["housing"]?["households.housing"]?.applied == 6)
        #expect(decoded.feeds["union-registry"]?["households.housing"]?.published == 6)
        #expect(decoded.total.storeBytes == 20_480)
        #expect(decoded.total.transactions == 6)
    }

    @Test("No household filed: the per-household figures are dashes")
    func nothingFiled() throws {
        let statistics = DemoCommand.WorkStatistics(
            statuses: [.union: try Self.status(.union, feeds: [:], journaled: 0, bytes: 0, rows: 0)], storeBytes: [:],
            households: 0)
        let lines = DemoCommand.workTable(statistics).split(separator: "\n")
        let total = try #require(lines.last).split(separator: " ")
        #expect(total == ["total"] + Array(repeating: "–", count: DemoCommand.countColumns.count))
    }
}
