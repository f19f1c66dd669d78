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

/// A publisher's journal that went backwards — its store restored from an older copy, or made anew — as real
/// processes (`fabric-probe`): the subscriber stops that feed, says so, and applies nothing more of it
/// (DESIGN "Evidence": a journal that went backwards is detected and alarmed, never silently skipped).
@Suite("Journals that went backwards", .serialized)
struct FeedDivergenceProcessTests {
    /// A probe publisher's store and endpoints, started and restarted on the same endpoints.
    struct Publisher {
        let storePath: String
        let log: URL
        var live = "tcp://127.0.0.1:*"
        var replay = "tcp://127.0.0.1:*"

        /// Starts a probe that publishes up to `total` events, naming them `<prefix>evt-<sequence>`, and waits
        /// until it has; the first start learns the endpoints bound.
        mutating func start(total: Int, prefix: String = "") throws -> ProbeProcess {
            let probe = try ProbeProcess(
                [
                    "publish", "--store", storePath, "--feed", "housing", "--live", live, "--replay", replay,
                    "--total", "\(total)", "--batch", "50", "--heartbeat-ms", "50", "--id-prefix", prefix,
                ], log: log)
            let ready = try #require(probe.waitForLine("READY "), "publisher: \(FeedTesting.tail(of: log))")
            for field in ready.split(separator: " ") {
                let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.first == "live" { live = parts[1] }
                if parts.first == "replay" { replay = parts[1] }
            }
            #expect(probe.waitForLine("DONE ") == "\(total)", "publisher: \(FeedTesting.tail(of: log))")
            return probe
        }

        /// Stops a probe with SIGTERM.
        func stop(_ probe: ProbeProcess) {
            probe.send(SIGTERM)
            #expect(probe.waitForExit()?.status == 0)
        }

        /// Removes the store and its `-wal` and `-shm` files (the service is stopped).
        func removeStore() {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
        }
    }

    /// Starts a probe subscriber of the publisher's feed and, if `applied` is given, waits until it has applied
    /// that many events.
    static func subscriber(_ storePath: String, of publisher: Publisher, log: URL, applied: Int? = nil) throws
        -> ProbeProcess
    {
        let probe = try ProbeProcess(
            [
                "subscribe", "--store", storePath, "--feed", "housing", "--live", publisher.live, "--replay",
                publisher.replay, "--batch", "50",
            ], log: log)
        #expect(probe.waitForLine("READY") != nil)
        if let applied {
            #expect(probe.waitForLine("APPLIED ") { $0 == "\(applied)" } != nil, "\(FeedTesting.tail(of: log))")
        }
        return probe
    }

    /// Once the stopped feed's publisher is heard again, stops the subscriber and checks that it holds the events
    /// `1…applied` of the old journal, each once, and none of the new ones (ids starting with `prefix`).
    static func stopAndCheck(
        _ subscriber: ProbeProcess, after publisher: ProbeProcess, store: String, applied: Int, prefix: String
    ) throws {
        waitForHeartbeats(after: publisher, subscriber: subscriber)
        subscriber.send(SIGTERM)
        #expect(subscriber.waitForExit()?.status == 0)
        #expect(try FeedProcessTests.AppliedSet.read(store, feed: "housing") == .complete(applied))
        #expect(try appliedIDs(store, prefixed: prefix) == 0)
    }

    /// The ids applied by a probe subscriber that start with `prefix`.
    static func appliedIDs(_ storePath: String, prefixed prefix: String) throws -> Int {
        let queue = try DatabaseQueue(path: storePath)
        return try queue.read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM probe_applied WHERE id LIKE ?", arguments: ["\(prefix)%"]) ?? 0
        }
    }

    /// Waits until the subscriber has received three more heartbeats than when the publisher finished: the
    /// publisher sends a heartbeat after the events it committed before it, on the same connection, so by then
    /// the subscriber has received all of them.
    static func waitForHeartbeats(after publisherDone: ProbeProcess, subscriber: ProbeProcess) {
        let heard = subscriber.latest("HEARD ")
        #expect(
            subscriber.waitForLine("HEARD ") { (UInt64($0) ?? 0) >= heard + 3 } != nil,
            "the stopped feed's publisher is still heard")
    }

    /// Publishes 1…400, takes an online backup (as OPERATIONS describes), publishes on to 1,000, has a subscriber
    /// apply them all, stops the publisher and puts the backup in place of its store (not started yet).
    ///
    /// - Returns: The publisher and the running subscriber.
    static func restore(in folder: URL, log: URL, subscriberStore: String) throws -> (Publisher, ProbeProcess) {
        var publisher = Publisher(storePath: folder.appendingPathComponent("union.sqlite").path, log: log)
        let backup = folder.appendingPathComponent("union-backup.sqlite").path
        let first = try publisher.start(total: 400)
        defer { first.killIfRunning() }
        try DatabaseQueue(path: publisher.storePath).backup(to: DatabaseQueue(path: backup))
        publisher.stop(first)
        let second = try publisher.start(total: 1_000)
        defer { second.killIfRunning() }
        let subscriber = try Self.subscriber(subscriberStore, of: publisher, log: log, applied: 1_000)
        publisher.stop(second)
        publisher.removeStore()
        try FileManager.default.copyItem(atPath: backup, toPath: publisher.storePath)
        return (publisher, subscriber)
    }

    @Test("a publisher's store restored from an older copy: the subscriber stops the feed and applies nothing new")
    func publisherRestoredFromBackup() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("probe.log")
        let subscriberStore = folder.appendingPathComponent("housing.sqlite").path
        var (publisher, subscriber) = try Self.restore(in: folder, log: log, subscriberStore: subscriberStore)
        defer { subscriber.killIfRunning() }

        // Restored to the backup (journal 400), it publishes new, different events under 401…700.
        let restored = try publisher.start(total: 700, prefix: "restored-")
        defer { restored.killIfRunning() }
        let reason = try #require(subscriber.waitForLine("DIVERGED "), "\(FeedTesting.tail(of: log))")
        #expect(reason.hasPrefix("journal behind the cursor"), "\(reason)")
        #expect(reason.hasSuffix("/1000"), "the cursor's position: \(reason)")
        let logText = try String(contentsOf: log, encoding: .utf8)
        let line = try #require(logText.split(separator: "\n").last { $0.contains("feed stopped") })
        #expect(line.contains("error"))
        for field in ["feed.name=housing", "feed.publisher=probe-publisher", "feed.cursor=1000", "publisher.latest="] {
            #expect(line.contains(field), "\(field) in \(line)")
        }
        publisher.stop(restored)

        // It goes on to 1,200, past the cursor: still nothing of it is applied, though its heartbeats are heard.
        let grown = try publisher.start(total: 1_200, prefix: "restored-")
        defer { grown.killIfRunning() }
        try Self.stopAndCheck(subscriber, after: grown, store: subscriberStore, applied: 1_000, prefix: "restored-")

        // Restarted, the subscriber remembers the stop (the journal has grown past its cursor meanwhile).
        let again = try Self.subscriber(subscriberStore, of: publisher, log: log)
        defer { again.killIfRunning() }
        #expect(again.waitForLine("DIVERGED ") == reason)
        try Self.stopAndCheck(again, after: grown, store: subscriberStore, applied: 1_000, prefix: "restored-")
        publisher.stop(grown)
    }

    @Test("a publisher whose store was made anew (another incarnation): the subscriber stops the feed")
    func publisherStoreRecreated() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("probe.log")
        var publisher = Publisher(storePath: folder.appendingPathComponent("union.sqlite").path, log: log)
        let first = try publisher.start(total: 300)
        defer { first.killIfRunning() }
        let subscriberStore = folder.appendingPathComponent("housing.sqlite").path
        let subscriber = try Self.subscriber(subscriberStore, of: publisher, log: log, applied: 300)
        defer { subscriber.killIfRunning() }
        publisher.stop(first)

        // A new store: its journal runs 1…500, past the cursor, under another incarnation.
        publisher.removeStore()
        let renewed = try publisher.start(total: 500, prefix: "renewed-")
        defer { renewed.killIfRunning() }
        let reason = try #require(subscriber.waitForLine("DIVERGED "), "\(FeedTesting.tail(of: log))")
        #expect(reason.hasPrefix("another incarnation"), "\(reason)")
        try Self.stopAndCheck(subscriber, after: renewed, store: subscriberStore, applied: 300, prefix: "renewed-")
        publisher.stop(renewed)
    }
}

extension FeedDivergenceProcessTests {
    @Test("after a restore: fence the lost positions at the publisher, resume the consumer; nothing is mistaken")
    func fenceAndResume() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("probe.log")
        let consumerStore = folder.appendingPathComponent("housing.sqlite").path
        var (publisher, consumer) = try Self.restore(in: folder, log: log, subscriberStore: consumerStore)
        defer { consumer.killIfRunning() }

        // Restored: the consumer stops the feed.
        let restored = try publisher.start(total: 400)
        defer { restored.killIfRunning() }
        #expect(consumer.waitForLine("DIVERGED ") != nil, "\(FeedTesting.tail(of: log))")
        publisher.stop(restored)
        consumer.send(SIGTERM)
        #expect(consumer.waitForExit()?.status == 0)

        // The operator fences 401…1000 at the publisher and resumes the consumer at that head.
        let incarnation = try #require(try StorePositions.read(path: publisher.storePath).incarnation)
        let early = try CommandRunner.run(
            "jiekun", ["feed", "resume", consumerStore, "--feed", "housing", "--head", "\(incarnation)/400"])
        #expect(early.status == 1)
        #expect(early.error.contains("ends at 400, before this cursor (1000)"), "\(early.error)")
        let fenced = try CommandRunner.run(
            "jiekun", ["feed", "fence", publisher.storePath, "--feed", "housing", "--through", "1000"])
        #expect(fenced.status == 0, "\(fenced.error)")
        #expect(fenced.text == "fenced housing 401…1000 (600 positions): head \(incarnation)/1000\n")
        let resumed = try CommandRunner.run(
            "jiekun", ["feed", "resume", consumerStore, "--feed", "housing", "--head", "\(incarnation)/1000"])
        #expect(resumed.status == 0, "\(resumed.error)")

        // Intake resumes: 1001…1100 reach the consumer; a new consumer gets 1…400 and 1001…1100, skipping the fence.
        let grown = try publisher.start(total: 1_100, prefix: "after-")
        defer { grown.killIfRunning() }
        let again = try Self.subscriber(consumerStore, of: publisher, log: log, applied: 1_100)
        defer { again.killIfRunning() }
        let fresh = folder.appendingPathComponent("coordinator.sqlite").path
        let newcomer = try Self.subscriber(fresh, of: publisher, log: log, applied: 1_100)
        defer { newcomer.killIfRunning() }
        for probe in [again, newcomer] {
            probe.send(SIGTERM)
            #expect(probe.waitForExit()?.status == 0)
        }
        publisher.stop(grown)
        #expect(again.output.allSatisfy { !$0.hasPrefix("DIVERGED") })
        func ids(_ path: String) throws -> [String] {
            try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT id FROM probe_applied ORDER BY sequence")
            }
        }
        let after = (1_001...1_100).map { "after-evt-\($0)" }
        #expect(try ids(consumerStore) == (1...1_000).map { "evt-\($0)" } + after)
        #expect(try ids(fresh) == (1...400).map { "evt-\($0)" } + after)
        let logText = try String(contentsOf: log, encoding: .utf8)
        #expect(logText.contains("events lost at the publisher were fenced"))
        // One warning per batch passed; together they name 401…1000, each position once.
        let ranges = logText.split(separator: "\n").filter { $0.contains("were fenced") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("feed.fenced=") }.map {
                $0.dropFirst("feed.fenced=".count).split(separator: "…").compactMap { UInt64($0) }
            }
        }
        #expect(ranges.flatMap { $0.count == 2 ? Array($0[0]...$0[1]) : [] } == Array(401...1_000), "\(ranges)")
    }
}

/// The other feeds of a subscriber go on when one stops (in process).
@Suite("A stopped feed leaves the others running")
struct FeedDivergenceTests {
    @Test("a publisher made anew stops its feed only; another publisher's feed is still applied")
    func otherFeedsGoOn() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let union = try FeedNode(folder: folder, name: "union")
        let civil = try FeedNode(folder: folder, name: "civil")
        let housing = try FeedNode(folder: folder, name: "housing")
        let (unionPublisher, unionEndpoints) = try union.startPublisher(feeds: ["households"])
        let (civilPublisher, civilEndpoints) = try civil.startPublisher(feeds: ["reviews"])
        defer { civil.stop(civilPublisher) }
        try FeedTesting.publish(100, on: "households", to: union.store)
        try FeedTesting.publish(100, from: 501, on: "reviews", to: civil.store)
        let subscriber = try housing.startSubscriber(
            feed: "households", live: unionEndpoints.feeds["households"]!, replay: unionEndpoints.replay
        ) { configuration in
            configuration.upstreams.append(
                .init(
                    feed: "reviews", endpoint: civilEndpoints.feeds["reviews"]!, replayEndpoint: civilEndpoints.replay))
        }
        defer { housing.stop(nil, subscriber) }
        #expect(
            waitUntil {
                subscriber.statistics(of: "households").cursor == 100
                    && subscriber.statistics(of: "reviews").cursor == 100
            })
        #expect(subscriber.statistics(of: "households").incarnation == union.store.incarnation)
        union.stop(unionPublisher)

        // The union's store made anew, on the same endpoints: 150 events of another incarnation.
        let renewed = try FeedNode(folder: folder, name: "union-renewed")
        try FeedTesting.publish(150, from: 1_001, on: "households", to: renewed.store)
        let renewedPublisher = FeedPublisher(
            store: renewed.store, context: renewed.context,
            configuration: .init(
                source: "/jiekun/union-registry",
                feeds: [.init(name: "households", endpoint: unionEndpoints.feeds["households"]!)],
                replayEndpoint: unionEndpoints.replay, heartbeatInterval: .milliseconds(100)),
            logger: FeedTesting.quietLogger)
        try renewedPublisher.start()
        defer { renewed.stop(renewedPublisher) }
        #expect(waitUntil { subscriber.statistics(of: "households").divergence != nil })
        let divergence = try #require(subscriber.statistics(of: "households").divergence)
        #expect(divergence.hasPrefix("another incarnation: the publisher is at \(renewed.store.incarnation)/"))
        #expect(divergence.hasSuffix("the cursor at \(union.store.incarnation)/100"))

        try FeedTesting.publish(50, from: 601, on: "reviews", to: civil.store)
        #expect(waitUntil { subscriber.statistics(of: "reviews").cursor == 150 })
        let heartbeats = subscriber.statistics(of: "households").heartbeats
        #expect(waitUntil { subscriber.statistics(of: "households").heartbeats >= heartbeats + 3 })
        #expect(subscriber.statistics(of: "households").cursor == 100)
        let positions = try housing.store.writer.read { db in try housing.store.cursors.positions(in: db) }
        #expect(
            positions["households"]
                == Cursors.Position(
                    sequence: 100, incarnation: union.store.incarnation, divergence: divergence))
        #expect(positions["reviews"]?.divergence == nil)
        let applied = try housing.store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM test_applied ORDER BY rowid")
        }
        #expect(applied.count == 250)

        // `jiekun feed positions` shows it from the store file, and fails.
        let shown = try CommandRunner.run("jiekun", ["feed", "positions", housing.store.writer.path])
        #expect(shown.status == 3, "\(shown.error)")
        #expect(shown.text.contains("store \(housing.store.writer.path): incarnation \(housing.store.incarnation)\n"))
        #expect(
            shown.text.contains(
                "  consumes  households" + String(repeating: " ", count: 22)
                    + "cursor \(union.store.incarnation)/100  DIVERGED: \(divergence)\n"), "\(shown.text)")
        #expect(shown.text.contains("cursor \(civil.store.incarnation)/150\n"))
        #expect(shown.error.contains("a feed this store consumes diverged"))
        let publisherShown = try CommandRunner.run("jiekun", ["feed", "positions", civil.store.writer.path])
        #expect(publisherShown.status == 0, "\(publisherShown.error)")
        #expect(
            publisherShown.text.contains(
                "  publishes reviews" + String(repeating: " ", count: 25) + "head \(civil.store.incarnation)/150\n"),
            "\(publisherShown.text)")
        #expect(Set(applied) == Set((1...100).map { "evt-\($0)" } + (501...650).map { "evt-\($0)" }))
    }
}
