import Dispatch
import EventFabric
import Foundation
import GRDB
import Logging
import Metrics
import ServiceRuntime
import Synchronization
import Testing

@Suite("Counters and the status report")
struct CountersTests {
    /// A factory recording what reaches it, to check forwarding.
    final class Recording: MetricsFactory, CounterHandler {
        let increments = Atomic<Int64>(0)
        func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { self }
        func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
            NOOPMetricsHandler.instance
        }
        func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
            NOOPMetricsHandler.instance
        }
        func destroyCounter(_ handler: any CounterHandler) {}
        func destroyRecorder(_ handler: any RecorderHandler) {}
        func destroyTimer(_ handler: any TimerHandler) {}
        func increment(by amount: Int64) { increments.add(amount, ordering: .relaxed) }
        func reset() {}
    }

    @Test("A counting factory counts each counter under its label and dimensions, and forwards it")
    func countingFactory() {
        let counters = Counters()
        let upstream = Recording()
        let factory = CountingMetricsFactory(counters: counters, forwardingTo: upstream)
        let applied = Counter(
            label: Counters.Label.eventsApplied, dimensions: [("feed", "households.housing")], factory: factory)
        applied.increment()
        applied.increment(by: 4)
        Counter(label: "jiekun.other", factory: factory).increment()
        #expect(counters.value(Counters.Label.eventsApplied, dimensions: [("feed", "households.housing")]) == 5)
        #expect(counters.value("jiekun.other") == 1)
        #expect(upstream.increments.load(ordering: .relaxed) == 6)
        applied.reset()
        #expect(counters.value(Counters.Label.eventsApplied, dimensions: [("feed", "households.housing")]) == 0)
    }

    @Test("Dimensions are matched in any order; totals add up over other dimensions")
    func totals() {
        let counters = Counters()
        counters.increment(Counters.Label.eventsRefused, dimensions: [("reason", "duplicate"), ("feed", "f")])
        counters.increment(
            Counters.Label.eventsRefused, dimensions: [("feed", "f"), ("reason", "type.unknown")], by: 2)
        counters.increment(Counters.Label.eventsRefused, dimensions: [("feed", "g"), ("reason", "duplicate")])
        counters.increment(Counters.Label.eventsRefused, dimensions: [("feed", "g")], by: -5)
        #expect(
            counters.value(Counters.Label.eventsRefused, dimensions: [("feed", "f"), ("reason", "duplicate")]) == 1)
        #expect(counters.total(Counters.Label.eventsRefused, where: "feed", is: "f") == 3)
        #expect(counters.total(Counters.Label.eventsRefused, where: "feed", is: "g") == 1)
        #expect(
            Counters.Key(label: "l", dimensions: [("b", "2"), ("a", "1")]).description == "l{a=1,b=2}")
    }

    @Test("Increments from many threads are all counted")
    func threadSafe() {
        let counters = Counters()
        let factory = CountingMetricsFactory(counters: counters)
        let counter = Counter(
            label: Counters.Label.requestsExecuted, dimensions: [("server", "requests")], factory: factory)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<1_000 { counter.increment() }
        }
        #expect(counters.value(Counters.Label.requestsExecuted, dimensions: [("server", "requests")]) == 8_000)
    }

    @Test("The status report groups the counters by feed and by server, and round-trips as JSON")
    func report() throws {
        let counters = Counters()
        counters.increment(Counters.Label.eventsApplied, dimensions: [("feed", "households.housing")], by: 120)
        counters.increment(Counters.Label.eventsReplayed, dimensions: [("feed", "households.housing")], by: 40)
        counters.increment(
            Counters.Label.eventsRefused, dimensions: [("feed", "households.housing"), ("reason", "duplicate")])
        counters.increment(Counters.Label.eventsPublished, dimensions: [("feed", "outcomes.housing")], by: 118)
        counters.increment(Counters.Label.requestsExecuted, dimensions: [("server", "requests")], by: 3)
        counters.increment(Counters.Label.requestsFailed, dimensions: [("server", "requests")])
        let started = Date(timeIntervalSince1970: 1_740_816_000)
        let report = StatusReport(
            agency: "housing", started: started, counters: counters, journal: ["outcomes.housing": 118],
            cursors: ["households.housing": 121, "outcomes.civil-affairs": 0])
        // The one refusal is a duplicate: refused 1, of which duplicates 1.
        var housing = StatusReport.FeedCounts(applied: 120, refused: 1, replayed: 40)
        housing.duplicates = 1
        #expect(report.feeds["households.housing"] == housing)
        #expect(report.feeds["outcomes.housing"] == .init(published: 118))
        #expect(report.feeds["outcomes.civil-affairs"] == .init())
        #expect(report.requests["requests"] == .init(executed: 3, failed: 1))
        let json = try report.json()
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.hasPrefix(#"{"agency":"housing","cursors":{"households.housing":121,"#))
        #expect(text.contains(#""started":"2025-03-01T08:00:00Z""#))
        #expect(try StatusReport.decode(json) == report)
    }

    @Test("The status report carries what the process journaled and wrote; a report without those fields still decodes")
    func journaled() throws {
        let counters = Counters()
        counters.increment(Counters.Label.journalAppended, by: 2)
        counters.increment(Counters.Label.journalAppended, by: 1)
        counters.increment(Counters.Label.journalBytes, by: 1_500)
        counters.increment(Counters.Label.journalBytes, by: 700)
        counters.increment(Counters.Label.rowsWritten, by: 9)
        counters.increment(Counters.Label.transactionsCommitted)
        counters.increment(Counters.Label.transactionsCommitted)
        // Refused on households.housing: 2 duplicates and 1 of an unknown type; 3 refusals, 2 of them duplicates.
        counters.increment(
            Counters.Label.eventsRefused, dimensions: [("feed", "households.housing"), ("reason", "duplicate")], by: 2)
        counters.increment(
            Counters.Label.eventsRefused, dimensions: [("feed", "households.housing"), ("reason", "type.unknown")])
        let report = StatusReport(
            agency: "union-registry", started: Date(timeIntervalSince1970: 1_740_816_000), counters: counters,
            journal: ["households.housing": 3])
        #expect(report.journaled == 3)
        #expect(report.journaledBytes == 2_200)
        #expect(report.rowsWritten == 9)
        #expect(report.transactions == 2)
        #expect(report.feeds["households.housing"]?.refused == 3)
        #expect(report.feeds["households.housing"]?.duplicates == 2)
        let json = try report.json()
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""journaled":3,"journaledBytes":2200,"#))
        #expect(text.contains(#""rowsWritten":9,"#))
        #expect(try StatusReport.decode(json) == report)
        var counted = report
        counted.jsonEncodes = 240
        counted.jsonDecodes = 410
        counted.envelopeEncodes = 118
        counted.envelopeDecodes = 121
        #expect(try StatusReport.decode(try counted.json()) == counted)

        // A service built before these counts answers without them.
        let older = #"{"agency":"housing","feeds":{},"requests":{},"started":"2025-03-01T08:00:00Z"}"#
        let decoded = try StatusReport.decode(Array(older.utf8))
        #expect(decoded.journaled == nil)
        #expect(decoded.journaledBytes == nil)
        #expect(decoded.rowsWritten == nil)
        #expect(decoded.jsonEncodes == nil)
        #expect(decoded.jsonDecodes == nil)
        #expect(decoded.transactions == nil)
        #expect(decoded.envelopeEncodes == nil)
        #expect(decoded.envelopeDecodes == nil)
    }

    @Test("The status report lists the consumed feeds that stopped, with why (DESIGN Evidence)")
    func divergedFeeds() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("status-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try EventStore(
            path: folder.appendingPathComponent("housing.sqlite").path, logger: Logger(label: "test"))
        let reason = "journal behind the cursor: the publisher is at a/400 (replay), the cursor at a/1000"
        try store.writer.write { db in
            try store.cursors.advance("households.housing", to: 1_000, incarnation: "a", in: db)
            try store.cursors.setDivergence("households.housing", reason, in: db)
            try store.cursors.advance("support.civil-affairs", to: 7, incarnation: "b", in: db)
        }
        let handler = StatusReport.handler(
            agency: "housing", started: Date(), counters: Counters(), store: store, publishedFeeds: [],
            consumedFeeds: ["households.housing", "support.civil-affairs"])
        let request = ServiceRequest(clientID: "c", number: 1, operation: StatusReport.operation, body: [])
        let reply = try store.writer.write { db in try handler(request, db) }
        let report = try StatusReport.decode(reply.body)
        #expect(report.cursors == ["households.housing": 1_000, "support.civil-affairs": 7])
        #expect(report.diverged == ["households.housing": reason])
        #expect(report.incarnation == store.incarnation)
        #expect(report.isDiverged)

        // An operator's resync clears it.
        try store.writer.write { db in try store.cursors.setDivergence("households.housing", nil, in: db) }
        let after = try StatusReport.decode(try store.writer.write { db in try handler(request, db) }.body)
        #expect(after.diverged == nil)
        #expect(!after.isDiverged)
    }
}
