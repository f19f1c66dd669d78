import Foundation
import HouseholdDomain
import ServiceRuntime
import Testing

@testable import JiekunCLI

@Suite("The demo's work table")
struct DemoWorkTableTests {
    /// A report with the given feed counts and journal counts.
    static func status(
        _ agency: Agency, feeds: [String: StatusReport.FeedCounts], journaled: Int64, bytes: Int64, rows: Int64,
        encodes: Int64 = 0, decodes: Int64 = 0
    ) throws -> StatusReport {
        let counters = Counters()
        for (feed, counts) in feeds {
            counters.increment(Counters.Label.eventsApplied, dimensions: [("feed", feed)], by: counts.applied)
            counters.increment(Counters.Label.eventsReplayed, dimensions: [("feed", feed)], by: counts.replayed)
            counters.increment(Counters.Label.eventsPublished, dimensions: [("feed", feed)], by: counts.published)
        }
        counters.increment(Counters.Label.journalAppended, by: journaled)
        counters.increment(Counters.Label.journalBytes, by: bytes)
        counters.increment(Counters.Label.rowsWritten, by: rows)
        var report = StatusReport(agency: agency.rawValue, started: Date(), counters: counters)
        report.jsonEncodes = encodes
        report.jsonDecodes = decodes
        return report
    }

    @Test("A row per service in agency order, then the total; per household divides by the households filed")
    func table() throws {
        let statuses: [Agency: StatusReport] = [
            .housing: try Self.status(
                .housing, feeds: ["households.housing": .init(applied: 6, replayed: 2)], journaled: 3, bytes: 1_536,
                rows: 20,
                encodes: 3, decodes: 6),
            .union: try Self.status(
                .union, feeds: ["households.housing": .init(published: 6)], journaled: 6, bytes: 6_000, rows: 31,
                encodes: 12, decodes: 9),
        ]
        let lines = DemoCommand.workTable(statuses, filed: 3).split(separator: "\n")
        try #require(lines.count == 5)
        #expect(lines[0] == "Work per service since it started (3 households filed; /hh: per household filed):")
        let cells = lines.dropFirst(2).map { $0.split(separator: " ").map(String.init) }
        // 6000 B = 5 KiB (rounded down), 2000 B per household; 1536 B = 1 KiB, 512 B per household; 31 rows ÷ 3 =
        // 10.3, 20 ÷ 3 = 6.7, 51 ÷ 3 = 17.0; 15 encodes and 15 decodes ÷ 3 = 5.0.
        #expect(
            cells[0] == [
                "union-registry", "0", "0", "0", "6", "6", "5", "31", "12", "9", "0.0", "2.0", "2000", "10.3", "4.0",
                "3.0",
            ])
        #expect(
            cells[1] == [
                "housing", "6", "2", "0", "0", "3", "1", "20", "3", "6", "2.0", "1.0", "512", "6.7", "1.0", "2.0",
            ])
        #expect(
            cells[2] == [
                "total", "6", "2", "0", "6", "9", "7", "51", "15", "15", "2.0", "3.0", "2512", "17.0", "5.0", "5.0",
            ])
    }

    @Test("No household filed: the per-household figures are dashes")
    func nothingFiled() throws {
        let statuses = [Agency.union: try Self.status(.union, feeds: [:], journaled: 0, bytes: 0, rows: 0)]
        let lines = DemoCommand.workTable(statuses, filed: 0).split(separator: "\n")
        let total = try #require(lines.last).split(separator: " ")
        #expect(total == ["total", "0", "0", "0", "0", "0", "0", "0", "0", "0", "–", "–", "–", "–", "–", "–"])
    }
}
