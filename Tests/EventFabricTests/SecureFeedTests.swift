import EventFabric
import Foundation
import TestSupport
import Testing
import ZeroMQ

/// A feed over CURVE with our ZAP handler, end to end (DESIGN "Security", "Nothing lost"): the admitted agency gets
/// every event, by replay and live; an agency whose key is not admitted at the feed gets nothing, and one admitted
/// at the replay endpoint but not a reader of the feed is denied its replay.
@Suite("Secure feeds", .serialized)
struct SecureFeedTests {
    @Test("CURVE + ZAP: the reader gets 1…200 by replay and live; a stranger's key gets nothing")
    func curveFeed() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let union = try CurveKeyPair.generate()
        let housing = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()

        let upstream = try FeedNode(folder: folder, name: "union")
        let publisher = FeedPublisher(
            store: upstream.store, context: upstream.context,
            configuration: .init(
                source: "/jiekun/union-registry",
                feeds: [
                    .init(
                        name: "households.housing", endpoint: "tcp://127.0.0.1:*",
                        security: .curveServer(
                            keyPair: union, domain: "union.feed.households.housing",
                            admitted: [housing.publicKey: "housing"]),
                        readers: ["housing"])
                ],
                replayEndpoint: "tcp://127.0.0.1:*",
                replaySecurity: .curveServer(
                    keyPair: union, domain: "union.replay",
                    admitted: [housing.publicKey: "housing", stranger.publicKey: "stranger"]),
                heartbeatInterval: .milliseconds(100)),
            logger: FeedTesting.quietLogger)
        let endpoints = try publisher.start()
        defer { upstream.stop(publisher) }
        try FeedTesting.publish(150, on: "households.housing", to: upstream.store)

        func subscribe(_ node: FeedNode, as keys: CurveKeyPair) throws -> FeedSubscriber {
            try node.startSubscriber(
                feed: "households.housing", live: endpoints.feeds["households.housing"]!, replay: endpoints.replay
            ) { configuration in
                configuration.upstreams[0].security = .curveClient(keyPair: keys, serverPublicKey: union.publicKey)
                configuration.upstreams[0].replaySecurity = .curveClient(
                    keyPair: keys, serverPublicKey: union.publicKey)
            }
        }
        let reader = try FeedNode(folder: folder, name: "housing")
        let readerSubscriber = try subscribe(reader, as: housing)
        defer { reader.stop(nil, readerSubscriber) }
        let outsider = try FeedNode(folder: folder, name: "stranger")
        let outsiderSubscriber = try subscribe(outsider, as: stranger)
        defer { outsider.stop(nil, outsiderSubscriber) }

        #expect(waitUntil { readerSubscriber.statistics(of: "households.housing").cursor == 150 })
        #expect(waitUntil { readerSubscriber.statistics(of: "households.housing").heartbeats > 0 })
        try FeedTesting.publish(50, from: 151, on: "households.housing", to: upstream.store)
        #expect(waitUntil { readerSubscriber.statistics(of: "households.housing").cursor == 200 })
        #expect(try reader.appliedSequences() == Array(1...200))

        // The stranger: refused by ZAP at the feed, denied its replay (not a reader), nothing applied.
        #expect(
            waitUntil {
                upstream.context.authenticator.refusalCount(domain: "union.feed.households.housing") > 0
                    && publisher.statistics(of: "households.housing").replayRefused > 0
            })
        #expect(try outsider.appliedSequences().isEmpty)
        #expect(outsiderSubscriber.statistics(of: "households.housing").cursor == 0)
    }
}
