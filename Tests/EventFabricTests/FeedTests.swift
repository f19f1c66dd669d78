import Dispatch
import EventFabric
import Foundation
import GRDB
import InMemoryLogging
import Logging
import Synchronization
import TestSupport
import Testing
import ZeroMQ

/// Live publisher and subscriber threads on loopback TCP (DESIGN "Nothing lost").
///
/// Serialized: the suites below each push tens of thousands of events through two threads and SQLite, and the
/// machine has two cores.
@Suite("Durable feeds", .serialized)
struct FeedTests {
    @Test("a subscriber started after 500 events ends with 1…500, each applied once, then follows live")
    func lateSubscriber() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        try FeedTesting.publish(500, on: "housing", to: upstream.store)
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay)
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }

        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 500 })
        #expect(try downstream.appliedSequences() == Array(1...500))
        let statistics = subscriber.statistics(of: "housing")
        #expect(statistics.applied == 500)
        #expect(statistics.replayed == 500)
        #expect(statistics.refused == 0)

        // Then live: a new commit wakes the publisher, and the event arrives without a replay.
        #expect(waitUntil { subscriber.statistics(of: "housing").heartbeats > 0 })
        try FeedTesting.publish(1, from: 501, on: "housing", to: upstream.store)
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 501 })
        #expect(subscriber.statistics(of: "housing").replayed == 500)
        #expect(try downstream.appliedSequences() == Array(1...501))
        // The publisher counts a send after it returns, which may be after the subscriber applied it.
        #expect(waitUntil { publisher.statistics(of: "housing").latestSent == 501 })
    }

    @Test("replay chunks cut short by the publisher's byte cap: pipelined requests realign, nothing is skipped")
    func shortChunks() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        try FeedTesting.publish(2_000, on: "housing", to: upstream.store, size: 1_000)
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"], replayMaxBytes: 20_000)
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay,
            configure: { $0.replayChunk = 100 })
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 2_000 })
        #expect(try downstream.appliedSequences() == Array(1...2_000))
        #expect(subscriber.statistics(of: "housing").replayed == 2_000)
    }

    @Test("a frozen subscriber and a burst of 100,000 events: all applied once, in order, after it resumes")
    func frozenSubscriber() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        // Small high-water marks so that the live path certainly drops part of the burst.
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"], sendHighWaterMark: 1_000)
        let gate = Gate()
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay,
            configure: { $0.receiveHighWaterMark = 1_000 },
            handler: { db, event in
                if event.sequence == 1 { gate.wait() }  // frozen inside its first transaction: it reads nothing
                try FeedNode.recordingHandler(db, event)
            })
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }

        try FeedTesting.publish(1, on: "housing", to: upstream.store)
        #expect(waitUntil { gate.isWaiting })
        let burst = 100_000
        try FeedTesting.publish(burst, from: 2, on: "housing", to: upstream.store)
        #expect(
            waitUntil(timeout: .seconds(60)) { publisher.statistics(of: "housing").latestSent == 100_001 })
        gate.open()

        #expect(
            waitUntil(timeout: .seconds(90)) {
                subscriber.statistics(of: "housing").cursor == UInt64(burst + 1)
            })
        let applied = try downstream.appliedSequences()
        #expect(applied.count == burst + 1)
        #expect(applied == Array(1...Int64(burst + 1)))
        let statistics = subscriber.statistics(of: "housing")
        #expect(statistics.applied == burst + 1)
        #expect(statistics.replayed > 0, "the live PUB dropped part of the burst, and replay filled the gap")
        #expect(statistics.refused == 0)
    }

    @Test("malformed messages are refused and counted without personal data in logs; the subscriber keeps serving")
    func malformed() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        // The live messages come from a raw PUB of the test; the replay endpoint is a real (empty) journal.
        let rawContext = try Context()
        let raw = try rawContext.socket(.pub)
        try raw.setLinger(.zero)
        let rawEndpoint = try raw.bind("tcp://127.0.0.1:*")
        let logs = InMemoryLogHandler()
        let metrics = FeedMetricsRecorder()
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: rawEndpoint, replay: endpoints.replay,
            configure: { $0.maxEventBytes = 4_096 }, logger: logs.logger, metrics: metrics,
            acceptedTypes: ["test.counted"])
        defer {
            raw.close()
            rawContext.terminate()
        }
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }

        // No sleep: repeat a heartbeat until the subscriber has heard one (the SUB is then connected).
        let heartbeat = try CloudEvent(
            source: "/jiekun/tests", type: "jiekun.heartbeat", sequence: 0,
            data: Array(#"{"feed":"housing","latest":"00000000000000000000"}"#.utf8)
        ).message()
        #expect(
            try waitUntil {
                try raw.send(heartbeat)
                return subscriber.statistics(of: "housing").heartbeats > 0
            })

        let marker = "张三 110101199003074514"  // stands for personal data: must never reach a log
        func json(_ sequence: Int, type: String = "test.counted", dropping attribute: String? = nil) -> [UInt8] {
            var attributes: [(String, String)] = [
                ("specversion", "\"1.0\""), ("id", "\"evt-\(sequence)-\(type)\""), ("source", "\"/jiekun/tests\""),
                ("type", "\"\(type)\""), ("sequence", "\"\(CloudEvent.sequenceString(UInt64(sequence)))\""),
                ("data", #"{"name":"\#(marker)"}"#),
            ]
            attributes.removeAll { $0.0 == attribute }
            return Array(("{" + attributes.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
        }
        let topic = Array("test.counted".utf8)
        let oversized = try CloudEvent(
            source: "/jiekun/tests", type: "test.counted", sequence: 1,
            data: Array(#"{"name":"\#(marker)","pad":"\#(String(repeating: "x", count: 5_000))"}"#.utf8))
        try raw.send([json(1)])  // one frame
        try raw.send([topic, json(1), []])  // three frames
        try raw.send([topic, Array(#"{"name":"\#(marker)""#.utf8)])  // invalid JSON
        try raw.send([topic, json(1, dropping: "source")])  // a required attribute missing
        try raw.send(oversized.message())  // larger than maxEventBytes
        try raw.send([Array("test.unknown".utf8), json(1, type: "test.unknown")])  // a type not accepted
        try raw.send(
            try CloudEvent(
                source: "/jiekun/tests", type: "jiekun.heartbeat", sequence: 0,
                data: Array(#"{"feed":"medical","latest":"00000000000000000000"}"#.utf8)
            ).message())  // a heartbeat of another feed: a misconfigured endpoint
        try raw.send([topic, json(2)])  // and a good one: the subscriber still serves

        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 2 })
        let statistics = subscriber.statistics(of: "housing")
        #expect(statistics.applied == 1)
        #expect(
            statistics.refusedByReason == [
                "frames": 2, "json": 1, "attribute.missing": 1, "oversized": 1, "type.unknown": 1,
                "heartbeat.feed": 1,
            ])
        #expect(statistics.refused == 7)
        #expect(try downstream.appliedSequences() == [2])
        let refusals = try downstream.store.refusals(of: "housing")
        #expect(refusals.map(\.sequence) == [1])
        #expect(refusals.first?.reason == "type.unknown")
        #expect(refusals.first?.type == "test.unknown")
        for (reason, count) in statistics.refusedByReason {
            #expect(
                metrics.value("jiekun.events.refused", [("feed", "housing"), ("reason", reason)]) == count, "\(reason)")
        }
        #expect(metrics.value("jiekun.events.applied", [("feed", "housing")]) == 1)
        let records = logs.entries
        #expect(records.contains { $0.level == .warning && $0.text.contains("frames") })
        for record in records {
            #expect(!record.text.contains("张三") && !record.text.contains("110101"), "\(record.text)")
        }
    }

    @Test("a message beyond the transport's size limit is dropped by libzmq; the subscriber reconnects and serves")
    func transportLimit() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing", limits: .init(maxMessageSize: 64 << 10))
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        let rawContext = try Context()
        let raw = try rawContext.socket(.pub)
        try raw.setLinger(.zero)
        let rawEndpoint = try raw.bind("tcp://127.0.0.1:*")
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: rawEndpoint, replay: endpoints.replay,
            configure: {
                $0.maxEventBytes = 512 << 10
                $0.heartbeatTimeout = .milliseconds(300)
            })
        defer {
            raw.close()
            rawContext.terminate()
        }
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }
        let heartbeat = try CloudEvent(
            source: "/jiekun/tests", type: "jiekun.heartbeat", sequence: 0,
            data: Array(#"{"feed":"housing","latest":"00000000000000000000"}"#.utf8)
        ).message()
        func heartbeatsUntilHeard() -> Bool {
            let heard = subscriber.statistics(of: "housing").heartbeats
            return waitUntil {
                try? raw.send(heartbeat)
                return subscriber.statistics(of: "housing").heartbeats > heard
            }
        }
        #expect(heartbeatsUntilHeard())

        // 100 KiB against a 64 KiB ZMQ_MAXMSGSIZE: libzmq drops it and closes the connection for good (a protocol
        // error); the subscriber notices the silence and connects a new SUB.
        var huge = try FeedTesting.event(1, size: 100 << 10).sequenced(1)
        try raw.send(huge.message())
        #expect(heartbeatsUntilHeard())
        huge = try FeedTesting.event(1).sequenced(1)
        #expect(
            waitUntil {
                try? raw.send(huge.message())
                return subscriber.statistics(of: "housing").cursor == 1
            }, "\(subscriber.statistics(of: "housing"))")
        #expect(try downstream.appliedSequences() == [1])
        #expect(subscriber.statistics(of: "housing").refused == 0)
        #expect(subscriber.statistics(of: "housing").silences >= 1, "the dead connection was noticed and replaced")
    }

    @Test("a handler that throws refuses that event only: recorded, its writes rolled back, the cursor moves on")
    func handlerRefusal() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        try FeedTesting.publish(50, on: "housing", to: upstream.store)
        // A republished event (same id, new sequence) is refused as a duplicate.
        try upstream.store.publish([FeedTesting.event(7)], on: "housing")
        struct Unreadable: Error, CustomStringConvertible {
            var description: String { "the payload does not match the schema" }
        }
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay,
            handler: { db, event in
                try FeedNode.recordingHandler(db, event)
                if (event.sequence ?? 0) % 10 == 0 { throw Unreadable() }
            })
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }

        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 51 })
        let expected = (1...50).filter { $0 % 10 != 0 }.map(Int64.init)
        #expect(try downstream.appliedSequences() == expected)
        let refusals = try downstream.store.refusals(of: "housing")
        #expect(refusals.map(\.sequence) == [10, 20, 30, 40, 50, 51])
        #expect(refusals.first?.reason == "handler: the payload does not match the schema")
        #expect(refusals.last?.reason == "duplicate")
        #expect(subscriber.statistics(of: "housing").refusedByReason == ["handler": 5, "duplicate": 1])
    }

    @Test("replay: bounded chunks, the latest sequence, nothing unrequested; bad, unknown and denied requests")
    func replayProtocol() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let node = try FeedNode(folder: folder, name: "union")
        try FeedTesting.publish(25, on: "housing", to: node.store, size: 1_000)
        let (publisher, endpoints) = try node.startPublisher(
            feeds: ["housing"], replayMaxBytes: 10_000,
            authorize: { peer, _ in peer.routingID != Array("intruder".utf8) })
        defer { node.stop(publisher) }
        let context = try Context()
        defer { context.terminate() }
        func client(_ name: String) throws -> Socket {
            let dealer = try context.socket(.dealer)
            try dealer.setLinger(.zero)
            try dealer.setRoutingID(name)
            try dealer.connect(endpoints.replay)
            return dealer
        }
        let housing = try client("housing")
        defer { housing.close() }
        func ask(_ frames: [[UInt8]], on socket: Socket) throws -> ReplayProtocol.Reply? {
            try socket.send(frames)
            return try socket.receive(timeout: .seconds(10)).flatMap(ReplayProtocol.Reply.init(frames:))
        }

        let first = try #require(
            try ask(ReplayProtocol.Request(feed: "housing", after: 0, limit: 100).frames(), on: housing))
        #expect(first.status == .ok && first.after == 0 && first.latest == 25)
        #expect(first.events.count == 9)  // 10,000 bytes of ~1,100-byte events
        #expect(try first.events.map { try CloudEvent(json: $0).sequence } == Array(1...9))
        let tail = try #require(
            try ask(ReplayProtocol.Request(feed: "housing", after: 20, limit: 3).frames(), on: housing))
        #expect(try tail.events.map { try CloudEvent(json: $0).sequence } == [21, 22, 23])
        let end = try #require(
            try ask(ReplayProtocol.Request(feed: "housing", after: 25, limit: 3).frames(), on: housing))
        #expect(end.status == .ok && end.events.isEmpty && end.latest == 25)
        let unknown = try #require(
            try ask(ReplayProtocol.Request(feed: "medical", after: 0, limit: 3).frames(), on: housing))
        #expect(unknown.status == .unknownFeed)
        let bad = try #require(try ask([Array("GET /".utf8)], on: housing))
        #expect(bad.status == .badRequest)
        #expect(try housing.receive(timeout: .milliseconds(200)) == nil, "the server sends nothing unrequested")

        let intruder = try client("intruder")
        defer { intruder.close() }
        let denied = try #require(
            try ask(ReplayProtocol.Request(feed: "housing", after: 0, limit: 3).frames(), on: intruder))
        #expect(denied.status == .denied && denied.events.isEmpty)
        #expect(waitUntil { publisher.statistics(of: "housing").replayRefused == 1 })
    }

    @Test("a silent publisher is noticed within the heartbeat timeout; after its restart, a heartbeat ahead replays")
    func silence() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"], heartbeat: .milliseconds(50))
        let logs = InMemoryLogHandler()
        let metrics = FeedMetricsRecorder()
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay,
            configure: { $0.heartbeatTimeout = .milliseconds(400) }, logger: logs.logger, metrics: metrics)
        defer { downstream.stop(nil, subscriber) }
        #expect(waitUntil { subscriber.statistics(of: "housing").heartbeats > 0 })

        upstream.stop(publisher)
        #expect(waitUntil { subscriber.statistics(of: "housing").isSilent })
        #expect(metrics.value("jiekun.feed.silent", [("feed", "housing")]) == 1)
        #expect(logs.entries.contains { $0.level == .warning && $0.message.description.contains("silent") })

        // Meanwhile the service commits events; the publisher comes back on the same endpoints (a restart): the
        // subscriber says so, and the first heartbeat, ahead of its cursor, makes it replay them.
        try FeedTesting.publish(20, on: "housing", to: upstream.store)
        let restarted = try FeedNode(folder: folder, name: "union")
        let again = FeedPublisher(
            store: restarted.store, context: restarted.context,
            configuration: .init(
                source: "/jiekun/tests",
                feeds: [.init(name: "housing", endpoint: endpoints.feeds["housing"]!)],
                replayEndpoint: endpoints.replay, heartbeatInterval: .milliseconds(50)),
            logger: FeedTesting.quietLogger)
        try again.start()
        defer { restarted.stop(again) }
        #expect(waitUntil { !subscriber.statistics(of: "housing").isSilent })
        #expect(metrics.value("jiekun.feed.silent", [("feed", "housing")]) == 0)
        #expect(waitUntil { logs.entries.contains { $0.message.description.contains("heard again") } })
        #expect(subscriber.statistics(of: "housing").silences >= 1)
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 20 })
        #expect(subscriber.statistics(of: "housing").replayed == 20)
        #expect(try downstream.appliedSequences() == Array(1...20))
    }

    @Test("a stopped publisher: one warning per outage naming the feed, its publisher and endpoint; one line when back")
    func quietOutages() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        var (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"], heartbeat: .milliseconds(50))
        let live = try #require(endpoints.feeds["housing"])
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "jiekun.tests.feeds") { _ in logs }
        logger.logLevel = .debug
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: live, replay: endpoints.replay,
            configure: { configuration in
                configuration.heartbeatTimeout = .milliseconds(300)
                configuration.replayTimeout = .milliseconds(300)
                configuration.upstreams[0].publisher = "union-registry"
            }, logger: logger)
        defer { downstream.stop(nil, subscriber) }
        #expect(waitUntil { subscriber.statistics(of: "housing").heartbeats > 0 })
        func count(_ prefix: String, _ level: Logger.Level? = nil) -> Int {
            logs.entries.filter { entry in
                "\(entry.message)".hasPrefix(prefix) && (level.map { entry.level == $0 } ?? true)
            }.count
        }

        for outage in 1...2 {
            upstream.stop(publisher)
            // Silent for several heartbeat timeouts: the subscriber reconnects each time, and warns once.
            let reconnects = count("reconnecting to a silent upstream feed")
            #expect(waitUntil { count("reconnecting to a silent upstream feed") >= reconnects + 3 })
            #expect(count("upstream feed silent", .warning) == outage)
            // Meanwhile 10 events are committed; the publisher comes back on the same endpoints.
            try FeedTesting.publish(10, from: outage * 10 - 9, on: "housing", to: upstream.store)
            upstream = try FeedNode(folder: folder, name: "union")
            publisher = FeedPublisher(
                store: upstream.store, context: upstream.context,
                configuration: .init(
                    source: "/jiekun/tests", feeds: [.init(name: "housing", endpoint: live)],
                    replayEndpoint: endpoints.replay, heartbeatInterval: .milliseconds(50)),
                logger: FeedTesting.quietLogger)
            try publisher.start()
            #expect(waitUntil { count("upstream feed heard again", .info) == outage })
            #expect(subscriber.statistics(of: "housing").cursor == UInt64(outage * 10))
        }
        upstream.stop(publisher)

        let warnings = logs.entries.filter { $0.level == .warning }.map { "\($0.message)" }
        #expect(
            warnings
                == Array(
                    repeating: "upstream feed silent: waiting for housing from union-registry at \(live)", count: 2))
        let back = logs.entries.filter { "\($0.message)".hasPrefix("upstream feed heard again") }
        #expect(back.count == 2)
        for line in back {
            #expect("\(line.message)".hasSuffix(": housing from union-registry at \(live); replayed 10 events"))
            #expect(line.metadata["feed.endpoint"] == .string(live))
            #expect(line.metadata["feed.publisher"] == "union-registry")
        }
    }

    @Test("entries beyond the publisher's queue are read back from the journal: all go out live, in order, once")
    func queueOverflow() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        // About three 1 KiB entries fit the queue; each transaction below commits 40.
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"], maxQueuedBytes: 3_500)
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay)
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }
        #expect(waitUntil { subscriber.statistics(of: "housing").heartbeats > 0 })

        for batch in 0..<10 {
            try FeedTesting.publish(40, from: 1 + batch * 40, on: "housing", to: upstream.store, size: 1_000)
        }
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 400 })
        #expect(try downstream.appliedSequences() == Array(1...400))
        #expect(subscriber.statistics(of: "housing").replayed == 0, "everything arrived live")
        #expect(waitUntil { publisher.statistics(of: "housing").published == 400 })
    }

    @Test("entries committed out of the publisher's sight (another connection) go out before the next heartbeat")
    func unheardCommits() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay)
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }
        try FeedTesting.publish(5, on: "housing", to: upstream.store)
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 5 })

        // A second store object on the same file: its journal's commits are not reported to this publisher.
        let other = try EventStore(
            path: folder.appendingPathComponent("union.sqlite").path, logger: FeedTesting.quietLogger)
        try FeedTesting.publish(7, from: 6, on: "housing", to: other)
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 12 })
        #expect(try downstream.appliedSequences() == Array(1...12))
        #expect(waitUntil { publisher.statistics(of: "housing").latestSent == 12 })
    }

    @Test("the transactional outbox: a handler's output events are journaled in its transaction and sent on")
    func outboxChain() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let union = try FeedNode(folder: folder, name: "union")
        let housing = try FeedNode(folder: folder, name: "housing")
        let coordinator = try FeedNode(folder: folder, name: "coordinator")
        let (unionPublisher, unionEndpoints) = try union.startPublisher(feeds: ["housing"])
        let (housingPublisher, housingEndpoints) = try housing.startPublisher(feeds: ["outcomes"])
        let store = housing.store
        let relay = try housing.startSubscriber(
            feed: "housing", live: unionEndpoints.feeds["housing"]!, replay: unionEndpoints.replay,
            handler: { db, event in
                let outcome = try CloudEvent(
                    id: "outcome-\(event.id)", source: "/jiekun/housing", type: "measure.decided",
                    subject: event.subject, effectiveDate: event.effectiveDate, data: event.data)
                try store.journal.append(outcome, to: "outcomes", in: db)
            })
        let sink = try coordinator.startSubscriber(
            feed: "outcomes", live: housingEndpoints.feeds["outcomes"]!, replay: housingEndpoints.replay)
        defer { coordinator.stop(nil, sink) }
        defer { housing.stop(housingPublisher, relay) }
        defer { union.stop(unionPublisher) }

        try FeedTesting.publish(300, on: "housing", to: union.store)
        #expect(waitUntil { sink.statistics(of: "outcomes").cursor == 300 })
        #expect(try coordinator.appliedSequences() == Array(1...300))
        let ids = try coordinator.store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM test_applied ORDER BY sequence")
        }
        #expect(ids == (1...300).map { "outcome-evt-\($0)" })
    }
}

/// Holds a handler until the test opens it.
final class Gate: Sendable {
    private let waiting = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    /// Whether a thread waits at the gate.
    var isWaiting: Bool { waiting.load(ordering: .relaxed) }

    /// Waits until the gate opens.
    func wait() {
        waiting.store(true, ordering: .relaxed)
        semaphore.wait()
    }

    /// Opens the gate.
    func open() {
        semaphore.signal()
    }
}
