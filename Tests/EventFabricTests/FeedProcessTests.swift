import EventFabric
import Foundation
import GRDB
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Publishers and subscribers as real processes (`fabric-probe`), killed with SIGKILL at random points, restarted,
/// and stopped with SIGTERM (DESIGN "Nothing lost": a crash at any point neither loses nor double-applies).
@Suite("Durable feeds across crashes", .serialized)
struct FeedProcessTests {
    /// What a probe subscriber's store holds: rows of `probe_applied`, distinct sequences, their sum and sum of
    /// squares (a checksum of the applied set), distinct ids, and the cursor.
    struct AppliedSet: Equatable, CustomStringConvertible {
        var rows: Int
        var distinct: Int
        var sum: Int64
        var squares: Int64
        var ids: Int
        var cursor: UInt64

        /// The set of `1…count`, each once.
        static func complete(_ count: Int) -> AppliedSet {
            let n = Int64(count)
            return AppliedSet(
                rows: count, distinct: count, sum: n * (n + 1) / 2, squares: n * (n + 1) * (2 * n + 1) / 6,
                ids: count, cursor: UInt64(count))
        }

        var description: String {
            "rows \(rows), distinct \(distinct), sum \(sum), squares \(squares), ids \(ids), cursor \(cursor)"
        }

        /// Reads the set from a probe subscriber's store (the probe has exited, or is running: WAL lets us read).
        static func read(_ path: String, feed: String) throws -> AppliedSet {
            let store = try EventStore(
                path: path,
                migrations: { migrator in
                    migrator.registerMigration("probe.v1") { db in
                        try db.execute(sql: "CREATE TABLE probe_applied (sequence INTEGER NOT NULL, id TEXT NOT NULL)")
                    }
                }, logger: FeedTesting.quietLogger)
            return try store.writer.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*), COUNT(DISTINCT sequence), COALESCE(SUM(sequence), 0),
                               COALESCE(SUM(sequence * sequence), 0), COUNT(DISTINCT id)
                        FROM probe_applied
                        """)!
                return AppliedSet(
                    rows: row[0], distinct: row[1], sum: row[2], squares: row[3], ids: row[4],
                    cursor: try store.cursors.sequence(of: feed, in: db))
            }
        }
    }

    @Test("a subscriber killed with SIGKILL at random points while applying, then restarted, applies each once")
    func subscriberKilled() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let total = 4_000
        try FeedTesting.publish(total, on: "housing", to: upstream.store)
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        defer { upstream.stop(publisher) }
        let storePath = folder.appendingPathComponent("probe.sqlite").path
        let arguments = [
            "subscribe", "--store", storePath, "--feed", "housing", "--live", endpoints.feeds["housing"]!,
            "--replay", endpoints.replay, "--batch", "50", "--handler-delay-us", "100",
        ]
        let log = folder.appendingPathComponent("probe.log")
        var generator = SystemRandomNumberGenerator()
        var killedAt: [UInt64] = []
        for run in 0..<4 {
            let probe = try ProbeProcess(arguments, log: log)
            defer { probe.killIfRunning() }
            #expect(probe.waitForLine("READY") != nil, "probe run \(run) started")
            // Kill somewhere in the next stretch of the feed, mid-transaction most of the time.
            let from = UInt64(run * total / 5)
            let threshold = from + UInt64.random(in: 50...UInt64(total / 5), using: &generator)
            let reached = probe.waitForLine("APPLIED ") { (UInt64($0) ?? 0) >= threshold }
            #expect(reached != nil, "run \(run) reached \(threshold): \(probe.output.suffix(3))")
            probe.send(SIGKILL)
            let exit = probe.waitForExit()
            #expect(exit?.reason == .uncaughtSignal)
            let state = try AppliedSet.read(storePath, feed: "housing")
            killedAt.append(state.cursor)
            // After each crash, the store is consistent: exactly the events up to the cursor, once each.
            #expect(state == .complete(Int(state.cursor)), "after the kill in run \(run): \(state)")
        }
        let probe = try ProbeProcess(arguments, log: log)
        defer { probe.killIfRunning() }
        #expect(
            probe.waitForLine("APPLIED ", timeout: .seconds(30)) { UInt64($0) == UInt64(total) } != nil,
            "the last run: \(probe.output.suffix(3)); its log: \(FeedTesting.tail(of: log))")
        probe.send(SIGTERM)
        let exit = probe.waitForExit()
        #expect(exit?.status == 0 && exit?.reason == .exit, "its log: \(FeedTesting.tail(of: log))")
        let state = try AppliedSet.read(storePath, feed: "housing")
        #expect(state == .complete(total), "killed at \(killedAt): \(state)")
    }

    @Test("a publisher killed and restarted continues its sequence; its subscriber misses nothing")
    func publisherKilled() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let storePath = folder.appendingPathComponent("probe-publisher.sqlite").path
        let log = folder.appendingPathComponent("probe.log")
        func arguments(live: String, replay: String, total: Int) -> [String] {
            [
                "publish", "--store", storePath, "--feed", "housing", "--live", live, "--replay", replay,
                "--total", "\(total)", "--batch", "50", "--batch-delay-ms", "2", "--heartbeat-ms", "50",
            ]
        }
        let first = try ProbeProcess(
            arguments(live: "tcp://127.0.0.1:*", replay: "tcp://127.0.0.1:*", total: 3_000), log: log)
        defer { first.killIfRunning() }
        let ready = try #require(first.waitForLine("READY "))
        let fields = Dictionary(
            uniqueKeysWithValues: ready.split(separator: " ").map { field in
                let parts = field.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), String(parts[1]))
            })
        let live = try #require(fields["live"])
        let replay = try #require(fields["replay"])

        let downstream = try FeedNode(folder: folder, name: "housing")
        let subscriber = try downstream.startSubscriber(feed: "housing", live: live, replay: replay)
        defer { downstream.stop(nil, subscriber) }
        let threshold = UInt64.random(in: 300...1_500)
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor >= threshold })
        first.send(SIGKILL)
        #expect(first.waitForExit()?.reason == .uncaughtSignal)
        let published = first.latest("PUBLISHED ")

        // The restart binds the same endpoints and publishes up to 5,000 in all, continuing the journal.
        let second = try ProbeProcess(arguments(live: live, replay: replay, total: 5_000), log: log)
        defer { second.killIfRunning() }
        #expect(second.waitForLine("READY ") != nil)
        #expect(waitUntil(timeout: .seconds(40)) { subscriber.statistics(of: "housing").cursor == 5_000 })
        #expect(try downstream.appliedSequences() == Array(1...5_000))
        let ids = try downstream.store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM test_applied ORDER BY sequence")
        }
        // The probe names each event after the sequence it expects: they agree only if the sequence continued.
        #expect(ids == (1...5_000).map { "evt-\($0)" }, "killed after publishing \(published)")
        #expect(second.waitForLine("DONE ") == "5000")
        second.send(SIGTERM)
        let exit = second.waitForExit(timeout: .seconds(5))
        #expect(exit?.status == 0 && exit?.reason == .exit)
    }

    @Test("SIGTERM with events in flight: the probe exits within seconds and nothing committed is lost")
    func sigterm() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let total = 3_000
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        defer { upstream.stop(publisher) }
        let storePath = folder.appendingPathComponent("probe.sqlite").path
        let arguments = [
            "subscribe", "--store", storePath, "--feed", "housing", "--live", endpoints.feeds["housing"]!,
            "--replay", endpoints.replay, "--batch", "20", "--handler-delay-us", "200",
        ]
        let log = folder.appendingPathComponent("probe.log")
        let probe = try ProbeProcess(arguments, log: log)
        defer { probe.killIfRunning() }
        #expect(probe.waitForLine("READY") != nil)
        try FeedTesting.publish(total, on: "housing", to: upstream.store)
        #expect(probe.waitForLine("APPLIED ") { (UInt64($0) ?? 0) >= 500 } != nil)

        let start = ContinuousClock.now
        probe.send(SIGTERM)
        let exit = probe.waitForExit(timeout: .seconds(10))
        let elapsed = ContinuousClock.now - start
        #expect(exit?.status == 0 && exit?.reason == .exit)
        #expect(elapsed < .seconds(5), "stopped in \(elapsed)")
        let stopped = try #require(probe.waitForLine("STOPPED ").flatMap { UInt64($0) })
        let state = try AppliedSet.read(storePath, feed: "housing")
        #expect(state.cursor == stopped)
        #expect(state.cursor < UInt64(total), "events were still in flight")
        #expect(state == .complete(Int(state.cursor)))

        // Restarted, it carries on from its cursor.
        let again = try ProbeProcess(arguments, log: log)
        defer { again.killIfRunning() }
        #expect(again.waitForLine("APPLIED ", timeout: .seconds(30)) { UInt64($0) == UInt64(total) } != nil)
        again.send(SIGTERM)
        #expect(again.waitForExit()?.status == 0)
        #expect(try AppliedSet.read(storePath, feed: "housing") == .complete(total))
    }
}
