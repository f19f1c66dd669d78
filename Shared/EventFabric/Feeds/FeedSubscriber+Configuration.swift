import Foundation

extension FeedSubscriber {
    /// One upstream feed: where to hear it live and where to replay it.
    public struct Upstream: Sendable, Hashable {
        /// The local name: the cursor's key, the metrics' `feed` dimension (e.g. `union-registry.housing`).
        public var name: String
        /// The feed's name at the publisher (in replay requests).
        public var feed: String
        /// The publishing agency (`union-registry`), for logs; `nil` when unknown.
        public var publisher: String?
        /// The publisher's PUB endpoint for this feed.
        public var endpoint: String
        /// How the PUB endpoint is secured (a CURVE client in production).
        public var security: EndpointSecurity
        /// The publisher's replay ROUTER endpoint.
        public var replayEndpoint: String
        /// How the replay endpoint is secured.
        public var replaySecurity: EndpointSecurity
        /// The event types accepted; others are refused as `type.unknown`. `nil` accepts every type.
        public var acceptedTypes: Set<String>?
        /// The publisher's signing key (`peers.signing`): when set, every heartbeat must carry a head signed with
        /// it (``SignedHead``), or the subscriber raises an alarm; `nil` does not check heads (a publisher from
        /// before signed heads).
        public var signingKey: PublicSigningKey?

        /// Creates an upstream.
        ///
        /// - Parameters:
        ///   - name: The local name; the feed's name by default.
        ///   - feed: The feed's name at the publisher.
        ///   - publisher: The publishing agency, for logs.
        ///   - endpoint: The publisher's PUB endpoint.
        ///   - security: How the PUB endpoint is secured.
        ///   - replayEndpoint: The publisher's replay endpoint.
        ///   - replaySecurity: How the replay endpoint is secured.
        ///   - acceptedTypes: The event types accepted, or `nil` for all.
        ///   - signingKey: The publisher's signing key, or `nil` not to check its heads.
        public init(
            name: String? = nil,
            feed: String,
            publisher: String? = nil,
            endpoint: String,
            security: EndpointSecurity = .plain,
            replayEndpoint: String,
            replaySecurity: EndpointSecurity = .plain,
            acceptedTypes: Set<String>? = nil,
            signingKey: PublicSigningKey? = nil
        ) {
            self.name = name ?? feed
            self.feed = feed
            self.publisher = publisher
            self.endpoint = endpoint
            self.security = security
            self.replayEndpoint = replayEndpoint
            self.replaySecurity = replaySecurity
            self.acceptedTypes = acceptedTypes
            self.signingKey = signingKey
        }

        /// The feed, its publisher and an endpoint, as the log names what a subscriber waits for
        /// (`households.housing from union-registry at tcp://union:7113`).
        ///
        /// - Parameter endpoint: The endpoint awaited: ``endpoint`` or ``replayEndpoint``.
        /// - Returns: The description.
        func awaited(at endpoint: String) -> String {
            "\(feed)" + (publisher.map { " from \($0)" } ?? "") + " at \(endpoint)"
        }
    }

    /// The most live events an upstream keeps while it replays (one contiguous run; the oldest half goes when it is
    /// full, and replay fetches them): 10,000, about 10 MiB of 1 KiB events, whatever ``Configuration/batchSize``.
    static let liveBufferLimit = 10_000

    /// The subscriber's settings.
    public struct Configuration: Sendable {
        /// The upstream feeds.
        public var upstreams: [Upstream]
        /// How long an upstream may be silent (no heartbeat, no event) before the subscriber says so.
        public var heartbeatTimeout: Duration
        /// The most consecutive events applied in one transaction.
        public var batchSize: Int
        /// How long live events may wait for more before their transaction commits (group commit): a commit writes
        /// the pages it changed to the WAL, so a feed trickling a few events at a time costs far more in many small
        /// transactions than in fewer larger ones. Zero commits at once.
        public var commitDelay: Duration
        /// The most events asked for in one replay request.
        public var replayChunk: Int
        /// The most replay requests outstanding at once per upstream (credit-based flow control).
        public var replayPipeline: Int
        /// How long to wait for a replay reply before asking again.
        public var replayTimeout: Duration
        /// `ZMQ_RCVHWM` of each SUB, in messages: beyond it live messages are dropped (and replayed later).
        public var receiveHighWaterMark: Int
        /// The largest event accepted, in bytes; larger ones are refused as `oversized`. (The fabric's
        /// `maxMessageSize` stops even larger ones at the transport.)
        public var maxEventBytes: Int

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - upstreams: The upstream feeds.
        ///   - heartbeatTimeout: The silence limit; 5 s by default (heartbeats come every second by default).
        ///   - batchSize: Events per transaction; 2,000 by default (a backlog commits in fewer, larger
        ///     transactions, which write a page many events change once: about 3 % less processor time than 500
        ///     on the 71,000-household demo).
        ///   - commitDelay: The longest live events wait for more before they are applied; 20 ms by default.
        ///   - replayChunk: Events per replay request; 500 by default.
        ///   - replayPipeline: Replay requests outstanding; 3 by default.
        ///   - replayTimeout: The wait for a replay reply; 5 s by default.
        ///   - receiveHighWaterMark: Each SUB's `RCVHWM`; 2,000 messages by default (~2 MiB of 1 KiB events per
        ///     upstream, so a service's memory does not grow with how far behind it is: beyond, it replays).
        ///   - maxEventBytes: The largest event accepted; 1 MiB by default.
        public init(
            upstreams: [Upstream],
            heartbeatTimeout: Duration = .seconds(5),
            batchSize: Int = 2_000,
            commitDelay: Duration = .milliseconds(20),
            replayChunk: Int = 500,
            replayPipeline: Int = 3,
            replayTimeout: Duration = .seconds(5),
            receiveHighWaterMark: Int = 2_000,
            maxEventBytes: Int = Journal.maxEventBytes
        ) {
            self.upstreams = upstreams
            self.heartbeatTimeout = heartbeatTimeout
            self.batchSize = max(1, batchSize)
            self.commitDelay = max(.zero, commitDelay)
            self.replayChunk = max(1, replayChunk)
            self.replayPipeline = max(1, replayPipeline)
            self.replayTimeout = replayTimeout
            self.receiveHighWaterMark = receiveHighWaterMark
            self.maxEventBytes = maxEventBytes
        }
    }
}
