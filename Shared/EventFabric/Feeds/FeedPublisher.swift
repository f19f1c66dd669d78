import Foundation
import GRDB
import Logging
import Metrics
import Synchronization
import ZeroMQ

/// Sends a service's journaled events on its feeds, heartbeats them, and serves replay (DESIGN "Nothing lost").
///
/// The publisher runs on a thread of its own, which owns all its sockets:
/// - one **PUB** socket per feed, each on its own endpoint with its own ``EndpointSecurity`` (data minimisation:
///   each consuming agency gets its own feed, and ZAP admits only its key there). After each committed
///   transaction that appended to a feed, the journal hands over the entries it committed
///   (``Journal/observeCommits(_:)``); they are queued in memory (at most ``Configuration/maxQueuedBytes``), the
///   thread is woken through an `inproc://` PUSH/PULL signal and sends them as two-frame CloudEvents
///   (topic = type), in sequence order. What the queue cannot hold, or any gap before a queued entry, is read back
///   from the journal.
/// - a **heartbeat** per feed every ``Configuration/heartbeatInterval``: topic `jiekun.heartbeat`, carrying the
///   feed's head (the store's incarnation and the latest sequence sent), so that a subscriber notices a loss even
///   when the feed is quiet (or a journal that went backwards). Before it, the thread compares each feed's last
///   journal entry with the last sent, and sends from the journal what it had not heard of (entries committed by
///   another connection to the store file, for instance).
/// - one **ROUTER** replay endpoint serving ``ReplayProtocol`` requests: "feed F after sequence N, at most K
///   events" gets one bounded chunk (≤ K events, ≤ ``Configuration/replayMaxBytes``) and the feed's head; the
///   server never sends unrequested data, so a slow reader cannot exhaust memory.
///
/// Durable before visible: the journal hands entries over only after their transaction's commit has returned,
/// which on a ``EventStore/Durability/synced`` store is after the WAL's `fsync` (``EventStore``); entries read
/// back from the journal are committed, hence synced, too. So nothing is sent that a power cut could take back.
///
/// High-water marks, chosen on purpose: each PUB has `SNDHWM` = ``Configuration/sendHighWaterMark`` (2,000 by
/// default, about 2 MiB of 1 KiB events per slow subscriber at worst, so a publisher's memory does not grow with
/// how far behind a subscriber is). Beyond it the live PUB drops — by design:
/// the journal never drops, and the subscriber recovers the gap by replay. The ROUTER is mandatory-routing and sends
/// without blocking; a reply that cannot be queued is dropped and the client asks again after its timeout.
///
/// A restarted publisher continues from the journal: sequences are `max + 1` of the journal, and what was
/// committed while it was down reaches subscribers by replay (heartbeats advertise it).
///
/// Shutdown: ``requestStop()`` wakes the thread, which sends what is committed, closes its sockets (unbinding
/// its endpoints) and ends; ``FabricContext/shutdown()`` makes its blocked poll fail with `ETERM`, with the same
/// end. ``join()`` (or ``joined()``) waits for that.
public final class FeedPublisher: Sendable {
    /// One feed as the publisher binds it: its PUB endpoint, how it is secured and who may read it.
    public struct Endpoint: Sendable, Hashable {
        /// The feed's name, as in the journal (e.g. `housing`).
        public var name: String
        /// The endpoint to bind, such as `tcp://0.0.0.0:7101` or `tcp://127.0.0.1:*`.
        public var endpoint: String
        /// How the endpoint is secured (a CURVE server in production).
        public var security: EndpointSecurity
        /// The ZAP user ids (peer names) allowed to replay this feed; `nil` admits any peer (plain endpoints).
        public var readers: Set<String>?

        /// Creates a feed's endpoint.
        ///
        /// - Parameters:
        ///   - name: The feed's name.
        ///   - endpoint: The PUB endpoint to bind.
        ///   - security: How the endpoint is secured.
        ///   - readers: The peer names allowed to replay it; by default, the names admitted by a CURVE server
        ///     `security`, or anyone for `.plain`.
        public init(name: String, endpoint: String, security: EndpointSecurity = .plain, readers: Set<String>? = nil) {
            self.name = name
            self.endpoint = endpoint
            self.security = security
            if let readers {
                self.readers = readers
            } else if case .curveServer(_, _, let admitted) = security {
                self.readers = Set(admitted.values)
            } else {
                self.readers = nil
            }
        }
    }

    /// The publisher's settings.
    public struct Configuration: Sendable {
        /// The `source` of heartbeats, such as `/jiekun/union-registry`.
        public var source: String
        /// The feeds to publish.
        public var feeds: [Endpoint]
        /// The replay ROUTER's endpoint to bind.
        public var replayEndpoint: String
        /// How the replay endpoint is secured.
        public var replaySecurity: EndpointSecurity
        /// The interval between heartbeats on each feed.
        public var heartbeatInterval: Duration
        /// `ZMQ_SNDHWM` of each PUB, in messages: beyond it a slow subscriber's live messages are dropped.
        public var sendHighWaterMark: Int
        /// The most events in one replay chunk, whatever the client asks.
        public var replayMaxEvents: Int
        /// The most payload bytes in one replay chunk (one event at least).
        public var replayMaxBytes: Int
        /// The most payload bytes of committed entries queued in memory for the publisher's thread. Beyond it,
        /// entries are not queued and the thread reads them back from the journal: a publisher slower than its
        /// store's commits keeps a flat memory.
        public var maxQueuedBytes: Int
        /// The agency's signing key: when set, every heartbeat carries the feed's head signed with it
        /// (``SignedHead``); `nil` sends unsigned heartbeats, as publishers before signed heads did.
        public var signingKey: SigningKey?
        /// The publishing agency's name in signed heads (`union-registry`): the last part of ``source``.
        public var publisherName: String { String(source.split(separator: "/").last ?? Substring(source)) }

        /// Creates a configuration.
        ///
        /// - Parameters:
        ///   - source: The `source` of heartbeats.
        ///   - feeds: The feeds.
        ///   - replayEndpoint: The replay ROUTER's endpoint.
        ///   - replaySecurity: How the replay endpoint is secured.
        ///   - heartbeatInterval: The heartbeat interval; 1 s by default.
        ///   - sendHighWaterMark: Each PUB's `SNDHWM`; 2,000 messages by default.
        ///   - replayMaxEvents: The most events per chunk; 1,000 by default.
        ///   - replayMaxBytes: The most bytes per chunk; 4 MiB by default.
        ///   - maxQueuedBytes: The most bytes of committed entries queued for sending; 32 MiB by default.
        ///   - signingKey: The key heads are signed with; none (unsigned heartbeats) by default.
        public init(
            source: String,
            feeds: [Endpoint],
            replayEndpoint: String,
            replaySecurity: EndpointSecurity = .plain,
            heartbeatInterval: Duration = .seconds(1),
            sendHighWaterMark: Int = 2_000,
            replayMaxEvents: Int = 1_000,
            replayMaxBytes: Int = 4 << 20,
            maxQueuedBytes: Int = 32 << 20,
            signingKey: SigningKey? = nil
        ) {
            self.source = source
            self.feeds = feeds
            self.replayEndpoint = replayEndpoint
            self.replaySecurity = replaySecurity
            self.heartbeatInterval = heartbeatInterval
            self.sendHighWaterMark = sendHighWaterMark
            self.replayMaxEvents = replayMaxEvents
            self.replayMaxBytes = replayMaxBytes
            self.maxQueuedBytes = maxQueuedBytes
            self.signingKey = signingKey
        }
    }

    /// The endpoints actually bound (with the ports the system picked).
    public struct Endpoints: Sendable, Hashable {
        /// Feed name → its PUB endpoint.
        public var feeds: [String: String]
        /// The replay ROUTER's endpoint.
        public var replay: String
    }

    /// Who sent a replay request.
    public struct ReplayPeer: Sendable, Hashable {
        /// The ROUTER's routing id of the connection.
        public var routingID: [UInt8]
        /// The ZAP user id of the connection (the peer's name, as the ZAP handler admitted its key); `nil` on an
        /// endpoint without ZAP (plain).
        public var userID: String?
    }

    /// Decides whether a peer may replay a feed.
    public typealias Authorizer = @Sendable (_ peer: ReplayPeer, _ feed: Endpoint) -> Bool

    /// The default policy: a feed with no ``Endpoint/readers`` admits anyone; otherwise the peer's ZAP user id must be
    /// one of them (a peer without a user id is refused).
    public static let readersAuthorizer: Authorizer = { peer, feed in
        guard let readers = feed.readers else { return true }
        guard let userID = peer.userID else { return false }
        return readers.contains(userID)
    }

    /// Counters of one feed, readable in process.
    public struct Statistics: Sendable, Hashable {
        /// The latest sequence sent live (or found in the journal at start).
        public var latestSent: UInt64 = 0
        /// Events sent live since start.
        public var published: Int = 0
        /// Events sent in replay chunks since start.
        public var replayed: Int = 0
        /// Replay requests refused (denied, unknown feed, malformed).
        public var replayRefused: Int = 0
    }

    /// State shared between the publisher's thread and the store's commit hook.
    private struct Shared {
        /// Feed → the committed entries not yet taken by the thread, in sequence order.
        var queued: [String: [Journal.Entry]] = [:]
        /// The payload bytes in ``queued``.
        var queuedBytes = 0
        /// Feeds to read from the journal up to at least a sequence (entries that were not queued).
        var hints: [String: UInt64] = [:]
        /// Whether a wake-up signal is in flight.
        var signalled = false
        /// Per feed counters.
        var statistics: [String: Statistics] = [:]
    }

    private let store: EventStore
    private let context: FabricContext
    private let configuration: Configuration
    private let authorize: Authorizer
    private let logger: Logger
    private let metrics: any MetricsFactory
    private let shared = Mutex(Shared())
    /// The publisher's thread; its signal wakes the loop for committed entries too.
    private let worker = WorkerThread(name: "jiekun.feed-publisher")

    /// Creates a publisher; ``start()`` binds and runs it.
    ///
    /// - Parameters:
    ///   - store: The service's store, whose journal holds the feeds.
    ///   - context: The fabric context its sockets are made in.
    ///   - configuration: The feeds and endpoints.
    ///   - authorize: Who may replay which feed; ``readersAuthorizer`` by default.
    ///   - logger: For notices, with `feed.name` metadata; never payloads.
    ///   - metricsFactory: Where `jiekun.events.published` and `jiekun.replay.refused` go; the process's
    ///     `MetricsSystem` by default.
    public init(
        store: EventStore,
        context: FabricContext,
        configuration: Configuration,
        authorize: @escaping Authorizer = FeedPublisher.readersAuthorizer,
        logger: Logger,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.store = store
        self.context = context
        self.configuration = configuration
        self.authorize = authorize
        self.logger = logger
        self.metrics = metricsFactory ?? MetricsSystem.factory
    }

    /// Starts the publisher's thread, which binds every endpoint, and returns once they are bound.
    ///
    /// - Returns: The bound endpoints.
    /// - Throws: ``EndpointBindError`` if an endpoint cannot be bound (a port in use), ``ZMQError``,
    ///   `DatabaseError` if the journal cannot be read, or ``FeedError/alreadyStarted``.
    @discardableResult
    public func start() throws -> Endpoints {
        try worker.start { [self] (ready: @Sendable (Result<Endpoints, any Error>) -> Void) in run(ready: ready) }
    }

    /// Asks the publisher's thread to end and returns at once; ``joined()`` waits for it.
    public func requestStop() { worker.requestStop() }

    /// Blocks until the publisher's thread has ended (after ``requestStop()`` or ``FabricContext/shutdown()``).
    public func join() { worker.join() }

    /// Blocks until the publisher's thread has ended, at most `timeout`.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread has ended (`true` also if it never started).
    public func join(timeout: Duration) -> Bool { worker.join(timeout: timeout) }

    /// Suspends until the publisher's thread has ended.
    public func joined() async { await worker.joined() }

    /// The counters of a feed.
    ///
    /// - Parameter feed: The feed's name.
    /// - Returns: Its counters (zero for an unknown feed).
    public func statistics(of feed: String) -> Statistics {
        shared.withLock { $0.statistics[feed] } ?? Statistics()
    }

    // MARK: The thread

    /// The sockets and state owned by the publisher's thread.
    private struct Loop {
        var publishers: [String: Socket] = [:]
        var router: Socket?
        var wake: Socket?
        var sent: [String: UInt64] = [:]
        var topics: [String: [UInt8]] = [:]
        var counters: [String: Counter] = [:]
        var retry = false

        /// Closes every socket.
        mutating func close() {
            for socket in publishers.values { socket.close() }
            router?.close()
            wake?.close()
        }
    }

    /// The thread's body: set up, report, loop until the context is shut down, clean up.
    ///
    /// - Parameter ready: Reports the setup's outcome.
    private func run(ready: @Sendable (Result<Endpoints, any Error>) -> Void) {
        var loop = Loop()
        var observation: Journal.Observation?
        defer {
            observation?.cancel()
            loop.close()
            worker.closeSignal()
        }
        let endpoints: Endpoints
        do {
            endpoints = try setUp(&loop)
            observation = store.journal.observeCommits { [self] entries in noteCommitted(entries) }
        } catch {
            ready(.failure(error))
            return
        }
        ready(.success(endpoints))
        logger.info(
            "feed publisher started",
            metadata: ["feed.names": "\(configuration.feeds.map(\.name))", "feed.replay": "\(endpoints.replay)"])
        // Entries committed between setUp's read and the observation are sent by this first pass.
        shared.withLock { $0.hints = Dictionary(uniqueKeysWithValues: configuration.feeds.map { ($0.name, 0) }) }
        do {
            try serve(&loop)
            logger.info("feed publisher stopped")
        } catch ZMQError.contextTerminated {
            logger.info("feed publisher stopping: context shut down")
        } catch {
            logger.error("feed publisher stopped by an error", metadata: ["error.description": "\(error)"])
        }
    }

    /// Creates and binds every socket, and reads where each feed stands.
    ///
    /// - Parameter loop: The thread's state to fill.
    /// - Returns: The bound endpoints.
    /// - Throws: ``ZMQError``, `DatabaseError`.
    private func setUp(_ loop: inout Loop) throws -> Endpoints {
        loop.wake = try worker.makeSignal(in: context)

        var feedEndpoints: [String: String] = [:]
        for feed in configuration.feeds {
            let socket = try context.socket(.pub, security: feed.security)
            loop.publishers[feed.name] = socket
            try socket.setSendHighWaterMark(configuration.sendHighWaterMark)
            feedEndpoints[feed.name] = try EndpointBindError.bind(socket, to: feed.endpoint, as: .feed(feed.name))
            loop.counters[feed.name] = Counter(
                label: "jiekun.events.published", dimensions: [("feed", feed.name)], factory: metrics)
        }
        let router = try context.socket(.router, security: configuration.replaySecurity)
        loop.router = router
        try router.setRouterMandatory(true)
        let replayEndpoint = try EndpointBindError.bind(router, to: configuration.replayEndpoint, as: .replay)

        let latest = try journalEnds()
        for (feed, sequence) in latest {
            loop.sent[feed] = sequence
        }
        shared.withLock { shared in
            for (feed, sequence) in latest { shared.statistics[feed, default: Statistics()].latestSent = sequence }
        }
        return Endpoints(feeds: feedEndpoints, replay: replayEndpoint)
    }

    /// The loop: wait for a commit signal, a replay request or the next heartbeat, and serve it, until
    /// ``requestStop()``.
    ///
    /// - Parameter loop: The thread's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func serve(_ loop: inout Loop) throws {
        guard let wake = loop.wake, let router = loop.router else { return }
        var poller = Poller()
        poller.register(wake)
        poller.register(router)
        let interval = configuration.heartbeatInterval
        var nextHeartbeat = ContinuousClock.now + interval
        try sendCommitted(&loop)
        while !worker.isStopping {
            let ready = try poller.poll(timeout: max(nextHeartbeat - .now, .zero))
            for item in ready {
                if item.socket === wake {
                    while (try? wake.receive(flags: .dontWait)) != nil {}
                    try sendCommitted(&loop)
                } else {
                    try serveReplay(router)
                }
            }
            let now = ContinuousClock.now
            if now >= nextHeartbeat {
                noteJournalAhead(of: loop.sent)
                try sendCommitted(&loop)
                try sendHeartbeats(&loop)
                nextHeartbeat = max(nextHeartbeat + interval, now)
            }
        }
    }

    /// Called on the writer's thread after a commit that appended: queues the entries and wakes the thread.
    ///
    /// - Parameter entries: The committed entries, per feed in sequence order.
    private func noteCommitted(_ entries: [Journal.Entry]) {
        shared.withLock { shared in
            var relevant = false
            for entry in entries where shared.statistics[entry.feed] != nil {
                relevant = true
                if shared.queuedBytes + entry.payload.count <= configuration.maxQueuedBytes {
                    shared.queued[entry.feed, default: []].append(entry)
                    shared.queuedBytes += entry.payload.count
                } else {
                    shared.hints[entry.feed] = max(shared.hints[entry.feed] ?? 0, entry.sequence)
                }
            }
            guard relevant, !shared.signalled else { return }
            if worker.wake() { shared.signalled = true }
        }
    }

    /// Before a heartbeat: marks to be read from the journal every feed whose last entry is beyond the last sent
    /// and not queued (committed without this publisher hearing of it).
    ///
    /// - Parameter sent: Feed → the last sequence sent.
    private func noteJournalAhead(of sent: [String: UInt64]) {
        guard let latest = try? journalEnds() else { return }  // Reading fails again when sending; that logs it.
        shared.withLock { shared in
            for (feed, sequence) in latest where sequence > (sent[feed] ?? 0) {
                let queuedUpTo = shared.queued[feed]?.last?.sequence ?? 0
                if sequence > queuedUpTo { shared.hints[feed] = max(shared.hints[feed] ?? 0, sequence) }
            }
        }
    }

    /// Each feed's last sequence in the journal, in ``Configuration/feeds`` order.
    ///
    /// - Throws: `DatabaseError`.
    private func journalEnds() throws -> [(feed: String, sequence: UInt64)] {
        try store.writer.read { db in
            try configuration.feeds.map { ($0.name, try store.journal.latestSequence(of: $0.name, in: db)) }
        }
    }

    /// Sends the entries committed since the last send, feed by feed: the queued ones from memory, anything before
    /// or between them from the journal, in chunks.
    ///
    /// - Parameter loop: The thread's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func sendCommitted(_ loop: inout Loop) throws {
        let (queued, hinted) = shared.withLock { shared in
            shared.signalled = false
            defer {
                shared.queued = [:]
                shared.queuedBytes = 0
                shared.hints = [:]
            }
            return (shared.queued, shared.hints)
        }
        let retrying = loop.retry
        loop.retry = false
        for feed in configuration.feeds {
            let pending = queued[feed.name] ?? []
            // Read the journal to its end (not only up to the queued entries): after a failed read, and for
            // hinted feeds (entries not queued, or committed out of this publisher's sight).
            let readsToEnd = retrying || hinted[feed.name] != nil
            guard readsToEnd || !pending.isEmpty, let socket = loop.publishers[feed.name] else { continue }
            let sentBefore = loop.sent[feed.name] ?? 0
            var sent = sentBefore
            var next = pending.startIndex
            func transmit(_ entry: Journal.Entry) throws {
                let topic = loop.topics[entry.type] ?? Array(entry.type.utf8)
                if loop.topics.count < 1_000 { loop.topics[entry.type] = topic }
                try socket.send([topic, entry.payload])
                sent = entry.sequence
            }
            while true {
                while next < pending.endIndex, pending[next].sequence <= sent { next += 1 }
                if next < pending.endIndex, pending[next].sequence == sent + 1 {
                    try transmit(pending[next])
                    next += 1
                    continue
                }
                guard next < pending.endIndex || readsToEnd else { break }
                // A gap before the next queued entry, or the journal's end to reach: read the journal.
                let chunk = 2_000
                let limit = next < pending.endIndex ? min(chunk, Int(pending[next].sequence - sent - 1)) : chunk
                let entries: [Journal.Entry]
                do {
                    entries = try store.writer.read { [sent] db in
                        try store.journal.entries(of: feed.name, after: sent, maxCount: limit, in: db)
                    }
                } catch {
                    logger.error(
                        "cannot read the journal; retrying at the next heartbeat",
                        metadata: ["feed.name": "\(feed.name)", "error.description": "\(error)"])
                    loop.retry = true
                    break
                }
                for entry in entries { try transmit(entry) }
                guard entries.count == limit else {
                    if next < pending.endIndex {
                        // The journal ends before an entry it committed: never expected. The entries left are
                        // not sent live; the next heartbeat's check reads them from the journal.
                        logger.error(
                            "the journal lacks entries before a committed one; reading it again at the next heartbeat",
                            metadata: ["feed.name": "\(feed.name)", "feed.sequence": "\(sent)"])
                    }
                    break
                }
            }
            loop.sent[feed.name] = sent
            let sentNow = Int(sent - sentBefore)
            guard sentNow > 0 else { continue }
            shared.withLock { shared in
                shared.statistics[feed.name, default: Statistics()].latestSent = sent
                shared.statistics[feed.name, default: Statistics()].published += sentNow
            }
            loop.counters[feed.name]?.increment(by: sentNow)
        }
    }

    /// Sends one heartbeat per feed, carrying the latest sequence sent and, with a signing key, that head signed.
    ///
    /// - Parameter loop: The thread's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func sendHeartbeats(_ loop: inout Loop) throws {
        for feed in configuration.feeds {
            guard let socket = loop.publishers[feed.name] else { continue }
            let latest = loop.sent[feed.name] ?? 0
            let message = ReplayProtocol.heartbeat(
                feed: feed.name, latest: latest, incarnation: store.incarnation, source: configuration.source,
                head: signedHead(of: feed.name, at: latest))
            try socket.send(message)
        }
    }

    /// The head of a feed at a sequence sent, signed with the configured key; `nil` without a key or when the
    /// journal cannot be read (the heartbeat then goes unsigned, and subscribers that expect a signature say so).
    ///
    /// - Parameters:
    ///   - feed: The feed.
    ///   - sequence: The last sequence sent.
    /// - Returns: The signed head.
    private func signedHead(of feed: String, at sequence: UInt64) -> SignedHead? {
        guard let key = configuration.signingKey else { return nil }
        do {
            let chain = try store.writer.read { db in try store.journal.chain(of: feed, at: sequence, in: db) }
            guard let chain else { return nil }
            return try SignedHead.sign(
                feed: feed, publisher: configuration.publisherName, incarnation: store.incarnation,
                sequence: sequence, chain: chain, key: key)
        } catch {
            logger.error(
                "cannot sign the feed's head; the heartbeat goes unsigned",
                metadata: ["feed.name": "\(feed)", "error.description": "\(error)"])
            return nil
        }
    }

    /// Answers the replay requests waiting on the ROUTER (a bounded number per call, to keep serving the rest).
    ///
    /// - Parameter router: The replay ROUTER.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func serveReplay(_ router: Socket) throws {
        for _ in 0..<64 {
            let message: ReceivedMessage
            do {
                message = try router.receiveMessage(flags: .dontWait)
            } catch ZMQError.wouldBlock {
                return
            }
            guard let routingID = message.frames.first else { continue }
            let peer = ReplayPeer(routingID: routingID, userID: message.userID)
            let reply = answer(message.frames.dropFirst(), peer: peer)
            do {
                try router.send([routingID] + reply.frames(), flags: .dontWait)
            } catch ZMQError.wouldBlock {
                logger.debug(
                    "replay reply dropped: the client's queue is full", metadata: ["feed.name": "\(reply.feed)"])
            } catch ZMQError.hostUnreachable {
                logger.debug("replay reply dropped: the client is gone", metadata: ["feed.name": "\(reply.feed)"])
            } catch ZMQError.contextTerminated {
                throw ZMQError.contextTerminated
            } catch {
                logger.warning(
                    "replay reply not sent", metadata: ["feed.name": "\(reply.feed)", "error.description": "\(error)"])
            }
        }
    }

    /// Builds the reply to one replay request.
    ///
    /// - Parameters:
    ///   - frames: The request's frames, without the routing id.
    ///   - peer: Who sent it.
    /// - Returns: The reply.
    private func answer(_ frames: ArraySlice<[UInt8]>, peer: ReplayPeer) -> ReplayProtocol.Reply {
        guard let request = ReplayProtocol.Request(frames: frames) else {
            refuseReplay(feed: nil, reason: "bad-request")
            return ReplayProtocol.Reply(status: .badRequest, feed: "", after: 0, latest: 0)
        }
        guard let feed = configuration.feeds.first(where: { $0.name == request.feed }) else {
            refuseReplay(feed: nil, reason: "unknown-feed")
            return ReplayProtocol.Reply(status: .unknownFeed, feed: request.feed, after: request.after, latest: 0)
        }
        guard authorize(peer, feed) else {
            refuseReplay(feed: feed.name, reason: "denied", peer: peer.userID)
            return ReplayProtocol.Reply(status: .denied, feed: feed.name, after: request.after, latest: 0)
        }
        do {
            let (entries, latest) = try store.writer.read { db in
                let entries = try store.journal.entries(
                    of: feed.name, after: request.after, maxCount: min(request.limit, configuration.replayMaxEvents),
                    maxBytes: configuration.replayMaxBytes, in: db)
                return (entries, try store.journal.latestSequence(of: feed.name, in: db))
            }
            shared.withLock { $0.statistics[feed.name, default: Statistics()].replayed += entries.count }
            return ReplayProtocol.Reply(
                status: .ok, feed: feed.name, after: request.after, latest: latest, incarnation: store.incarnation,
                events: entries.map(\.payload))
        } catch {
            logger.error("cannot read the journal for a replay", metadata: ["feed.name": "\(feed.name)"])
            // An empty chunk with latest 0 makes the client retry later; it never advances a cursor.
            return ReplayProtocol.Reply(status: .ok, feed: feed.name, after: request.after, latest: 0)
        }
    }

    /// Counts and logs a refused replay request.
    ///
    /// - Parameters:
    ///   - feed: The feed asked for, if known.
    ///   - reason: `bad-request`, `unknown-feed` or `denied`.
    ///   - peer: The requester's ZAP user id, if known (an agency name, not personal data).
    private func refuseReplay(feed: String?, reason: String, peer: String? = nil) {
        if let feed {
            shared.withLock { $0.statistics[feed, default: Statistics()].replayRefused += 1 }
        }
        Counter(label: "jiekun.replay.refused", dimensions: [("reason", reason)], factory: metrics).increment()
        logger.warning(
            "replay request refused",
            metadata: ["feed.name": "\(feed ?? "-")", "replay.reason": "\(reason)", "peer.user": "\(peer ?? "-")"])
    }
}

/// A misuse of a feed component.
public enum FeedError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `start()` was called twice.
    case alreadyStarted
    /// A subscriber's configuration names the same upstream twice.
    case duplicateUpstream(String)

    /// An explanation for the programmer.
    public var description: String {
        switch self {
        case .alreadyStarted: "the component is already started"
        case .duplicateUpstream(let name): "the upstream '\(name)' is configured twice"
        }
    }
}
