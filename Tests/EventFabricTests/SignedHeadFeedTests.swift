import Foundation
import GRDB
import InMemoryLogging
import Logging
import TestSupport
import Testing
import ZeroMQ

@testable import EventFabric

/// Signed heads on real sockets: a publisher signs its heads in heartbeats; a subscriber checks them against the
/// publisher's known key, keeps the valid ones, and raises an alarm for an unknown key, a bad signature, an
/// unsigned heartbeat and a replayed old head (docs/SECURITY.md).
@Suite("Signed heads between a publisher and a subscriber")
struct SignedHeadFeedTests {
    @Test("A publisher's signed heads are checked and kept; the kept heads match its journal offline")
    func signedHeadsKept() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        let key = try SigningKey.generate()
        let publisher = FeedPublisher(
            store: upstream.store, context: upstream.context,
            configuration: .init(
                source: "/jiekun/union-registry", feeds: [.init(name: "housing", endpoint: "tcp://127.0.0.1:*")],
                replayEndpoint: "tcp://127.0.0.1:*", heartbeatInterval: .milliseconds(100), signingKey: key),
            logger: FeedTesting.quietLogger)
        let endpoints = try publisher.start()
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: endpoints.feeds["housing"]!, replay: endpoints.replay,
            configure: { $0.upstreams[0].signingKey = key.publicKey })
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }

        try FeedTesting.publish(25, on: "housing", to: upstream.store)
        #expect(waitUntil { subscriber.statistics(of: "housing").cursor == 25 })
        // A head of the final position arrives with a heartbeat after the events.
        #expect(
            waitUntil {
                ((try? JournalVerifier.storedHeads(path: downstream.store.writer.path)) ?? []).contains {
                    $0.sequence == 25
                }
            })
        let statistics = subscriber.statistics(of: "housing")
        #expect(statistics.signedHeads > 0 && statistics.headAlarms == 0)
        let kept = try JournalVerifier.storedHeads(path: downstream.store.writer.path)
        #expect(kept.allSatisfy { $0.publisher == "union-registry" && $0.key == key.publicKey && $0.hasValidSignature })
        let report = try JournalVerifier.verify(
            path: upstream.store.writer.path, peerHeads: kept, trustedKey: key.publicKey)
        #expect(report.isIntact, "\(report.findings)")
        #expect(report.headsChecked == kept.count)
        // The subscriber's store verifies too: its own (empty) journal, and the signatures of the heads it keeps.
        #expect(try JournalVerifier.verify(path: downstream.store.writer.path).isIntact)
    }

    @Test("An unknown key, a bad signature, an unsigned heartbeat, a replayed old head and a head gone back: alarms")
    func alarms() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let upstream = try FeedNode(folder: folder, name: "union")
        let downstream = try FeedNode(folder: folder, name: "housing")
        // The replay endpoint is a real (empty) journal; live heartbeats come from a raw PUB of the test.
        let (publisher, endpoints) = try upstream.startPublisher(feeds: ["housing"])
        let rawContext = try Context()
        let raw = try rawContext.socket(.pub)
        try raw.setLinger(.zero)
        let rawEndpoint = try raw.bind("tcp://127.0.0.1:*")
        let logs = InMemoryLogHandler()
        let metrics = FeedMetricsRecorder()
        let key = try SigningKey.generate()
        let subscriber = try downstream.startSubscriber(
            feed: "housing", live: rawEndpoint, replay: endpoints.replay,
            configure: { configuration in
                configuration.upstreams[0].signingKey = key.publicKey
                configuration.upstreams[0].publisher = "union-registry"
            }, logger: logs.logger, metrics: metrics)
        defer {
            raw.close()
            rawContext.terminate()
        }
        defer { downstream.stop(nil, subscriber) }
        defer { upstream.stop(publisher) }

        let incarnation = upstream.store.incarnation
        let start = JournalChain.start(feed: "housing", incarnation: incarnation, suite: .standard)
        func heartbeat(_ head: SignedHead?) -> [[UInt8]] {
            ReplayProtocol.heartbeat(
                feed: "housing", latest: 0, incarnation: incarnation, source: "/jiekun/union-registry", head: head)
        }
        func head(time: String, by signer: SigningKey = key) throws -> SignedHead {
            try SignedHead.sign(
                feed: "housing", publisher: "union-registry", incarnation: incarnation, sequence: 0, chain: start,
                time: time, key: signer)
        }
        func alarms() -> Int { subscriber.statistics(of: "housing").headAlarms }

        // A valid head, repeated until the subscriber has heard it (its SUB is then connected).
        let fresh = try head(time: "2026-12-07T10:00:00.000Z")
        #expect(
            try waitUntil {
                try raw.send(heartbeat(fresh))
                return subscriber.statistics(of: "housing").signedHeads > 0
            })
        #expect(alarms() == 0)

        // A head signed by a key that is not the publisher's.
        let stranger = try SigningKey.generate()
        try raw.send(heartbeat(try head(time: "2026-12-07T10:00:01.000Z", by: stranger)))
        #expect(waitUntil { subscriber.statistics(of: "housing").headAlarm == "unknown-key" })

        // The publisher's key, but a signature that does not hold.
        var broken = try head(time: "2026-12-07T10:00:02.000Z")
        broken.signature[0] ^= 1
        try raw.send(heartbeat(broken))
        #expect(waitUntil { subscriber.statistics(of: "housing").headAlarm == "bad-signature" })

        // No head at all from a publisher whose signing key is configured.
        try raw.send(heartbeat(nil))
        #expect(waitUntil { subscriber.statistics(of: "housing").headAlarm == "unsigned" })

        // An old head, validly signed, replayed after a newer one was kept.
        try raw.send(heartbeat(try head(time: "2026-12-07T09:59:00.000Z")))
        #expect(waitUntil { subscriber.statistics(of: "housing").headAlarm == "replayed" })

        // A newer head at position 5, then one signed later for position 3: the journal went back.
        func positioned(_ sequence: UInt64, time: String) throws -> [[UInt8]] {
            let head = try SignedHead.sign(
                feed: "housing", publisher: "union-registry", incarnation: incarnation, sequence: sequence,
                chain: start, time: time, key: key)
            return ReplayProtocol.heartbeat(
                feed: "housing", latest: sequence, incarnation: incarnation, source: "/jiekun/union-registry",
                head: head)
        }
        let valid = subscriber.statistics(of: "housing").signedHeads
        try raw.send(try positioned(5, time: "2026-12-07T10:01:00.000Z"))
        #expect(waitUntil { subscriber.statistics(of: "housing").signedHeads > valid })
        try raw.send(try positioned(3, time: "2026-12-07T10:02:00.000Z"))
        #expect(waitUntil { subscriber.statistics(of: "housing").headAlarm == "backwards" })

        #expect(alarms() == 5)
        #expect(metrics.value("jiekun.heads.refused", [("feed", "housing")]) == 5)
        // Nothing refused was kept: the store holds the two valid heads.
        let kept = try JournalVerifier.storedHeads(path: downstream.store.writer.path)
        #expect(kept.map(\.sequence) == [0, 5] && kept.first == fresh)
        // Each alarm is an error line naming the feed, the publisher and the problem.
        let errors = logs.entries.filter { $0.level == .error }
        for problem in ["unknown-key", "bad-signature", "unsigned", "replayed", "backwards"] {
            #expect(
                errors.contains {
                    $0.text.contains("head.problem=\(problem)") && $0.text.contains("feed.name=housing")
                        && $0.text.contains("feed.publisher=union-registry")
                }, "\(problem)")
        }
    }
}
