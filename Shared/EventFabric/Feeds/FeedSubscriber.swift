import Foundation
import GRDB
import Logging
import Metrics
import Synchronization
import ZeroMQ

/// Applies the events of upstream feeds exactly once, in order, recovering every loss by replay
/// (DESIGN "Nothing lost").
///
/// The subscriber runs on a thread of its own, which owns a SUB socket and a replay DEALER per upstream. It keeps a
/// cursor per upstream in its store (``Cursors``). On start, on a sequence gap, and on a heartbeat ahead of its
/// cursor, it replays from its cursor, chunk by chunk (a few chunk requests outstanding, never more), then carries
/// on live, dropping what it has already applied (sequence ≤ cursor). Live events arriving during a replay are
/// kept (a bounded, contiguous run) and applied once the replay reaches them.
///
/// **The handler contract.** ``Handler`` runs on the subscriber's thread *inside the write transaction* that
/// advances the cursor: it writes the service's state, and may append outgoing events with
/// ``Journal/append(_:to:in:)`` on the same `db` — all committed together, or not at all. Up to
/// ``Configuration/batchSize`` consecutive events share one transaction. The handler must have no effect outside
/// `db`: when it throws, the batch's transaction is rolled back and run again with one savepoint per event, so
/// the handler may run more than once for an event — only its committed writes count. A crash at any
/// point therefore neither loses nor double-applies an event; on top of that the event id is recorded in
/// `applied_events`, and an id seen before is not applied again (refused as `duplicate`).
///
/// **Refusals never stop the loop.** A malformed message (wrong frame count, invalid JSON, missing attribute,
/// oversized, …) is refused and counted. An event whose type is not in ``Upstream/acceptedTypes``, a duplicate id,
/// or an event the handler throws for, is refused *and recorded* (`refused_events`: feed, sequence, id, type,
/// reason) and **the cursor moves past it**: one bad event must not block a feed (a blocked feed would stop every
/// later household's processing), and the record lets an operator replay it by hand once the cause is fixed. The
/// handler's partial writes are rolled back with its savepoint. Exception: a handler error that is an SQLite
/// failure of the store itself (disk full, I/O error, …) aborts the whole batch, which is applied again later.
///
/// **Silence.** With no heartbeat or event from an upstream for ``Configuration/heartbeatTimeout``, the subscriber
/// logs a warning and sets the gauge `jiekun.feed.silent` (dimension `feed`) to 1; it logs again, and resets the
/// gauge, when the upstream is heard again.
///
/// Metrics (dimension `feed`): `jiekun.events.applied`, `jiekun.events.refused` (with `reason`),
/// `jiekun.events.replayed`. The same counts are readable in process with ``statistics(of:)``.
public final class FeedSubscriber: Sendable {
    /// Applies one event inside the subscriber's transaction; throwing refuses the event (see ``FeedSubscriber``).
    public typealias Handler = @Sendable (_ db: Database, _ event: CloudEvent) throws -> Void

    /// One upstream feed: where to hear it live and where to replay it.
    public struct Upstream: Sendable, Hashable {
        /// The local name: the cursor's key, the metrics' `feed` dimension (e.g. `union-registry.housing`).
        public var name: String
        /// The feed's name at the publisher (in replay requests).
        public var feed: String
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

        /// Creates an upstream.
        ///
        /// - Parameters:
        ///   - name: The local name; the feed's name by default.
        ///   - feed: The feed's name at the publisher.
        ///   - endpoint: The publisher's PUB endpoint.
        ///   - security: How the PUB endpoint is secured.
        ///   - replayEndpoint: The publisher's replay endpoint.
        ///   - replaySecurity: How the replay endpoint is secured.
        ///   - acceptedTypes: The event types accepted, or `nil` for all.
        public init(
            name: String? = nil,
            feed: String,
            endpoint: String,
            security: EndpointSecurity = .plain,
            replayEndpoint: String,
            replaySecurity: EndpointSecurity = .plain,
            acceptedTypes: Set<String>? = nil
        ) {
            self.name = name ?? feed
            self.feed = feed
            self.endpoint = endpoint
            self.security = security
            self.replayEndpoint = replayEndpoint
            self.replaySecurity = replaySecurity
            self.acceptedTypes = acceptedTypes
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

    /// Counters of one upstream, readable in process (the services answer "how many applied" from them).
    public struct Statistics: Sendable, Hashable {
        /// The last sequence applied (the cursor committed).
        public var cursor: UInt64 = 0
        /// Events applied by the handler since start.
        public var applied: Int = 0
        /// Messages and events refused since start (malformed, unknown type, duplicate, handler error).
        public var refused: Int = 0
        /// Refusals by reason code (``EnvelopeError/reason``, `type.unknown`, `duplicate`, `handler`, …).
        public var refusedByReason: [String: Int] = [:]
        /// Events committed (applied or refused) that came by replay.
        public var replayed: Int = 0
        /// Heartbeats received.
        public var heartbeats: Int = 0
        /// Replays started (at start, on a gap, on a heartbeat ahead).
        public var replays: Int = 0
        /// Whether the upstream is silent now.
        public var isSilent = false
        /// How many times the upstream fell silent.
        public var silences: Int = 0
    }

    /// State shared with other threads.
    private struct Shared {
        var statistics: [String: Statistics] = [:]
        var worker: WorkerThread?
    }

    private let store: EventStore
    private let context: FabricContext
    private let configuration: Configuration
    private let handler: Handler
    private let logger: Logger
    private let metrics: any MetricsFactory
    private let shared = Mutex(Shared())

    /// Creates a subscriber; ``start()`` connects and runs it.
    ///
    /// - Parameters:
    ///   - store: The service's store: cursors, idempotency and refusal records, and the handler's tables.
    ///   - context: The fabric context its sockets are made in.
    ///   - configuration: The upstreams and limits.
    ///   - logger: For notices, with `feed.name` / `feed.sequence` metadata; never payloads.
    ///   - metricsFactory: Where the subscriber's metrics go; the process's `MetricsSystem` by default.
    ///   - handler: Applies one event inside the transaction (see ``Handler``).
    public init(
        store: EventStore,
        context: FabricContext,
        configuration: Configuration,
        logger: Logger,
        metricsFactory: (any MetricsFactory)? = nil,
        handler: @escaping Handler
    ) {
        self.store = store
        self.context = context
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.metrics = metricsFactory ?? MetricsSystem.factory
    }

    /// Starts the subscriber's thread, which connects to every upstream and starts replaying from its cursors.
    ///
    /// - Throws: ``ZMQError`` for an invalid endpoint, `DatabaseError` if the cursors cannot be read,
    ///   ``FeedError``.
    public func start() throws {
        guard shared.withLock({ $0.worker == nil }) else { throw FeedError.alreadyStarted }
        var names: Set<String> = []
        for upstream in configuration.upstreams where !names.insert(upstream.name).inserted {
            throw FeedError.duplicateUpstream(upstream.name)
        }
        let (worker, _) = try WorkerThread.start(name: "jiekun.feed-subscriber") {
            [self] (ready: @Sendable (Result<Bool, any Error>) -> Void) in
            run(ready: ready)
        }
        shared.withLock { $0.worker = worker }
    }

    /// Blocks until the subscriber's thread has ended (after ``FabricContext/shutdown()``).
    public func join() {
        shared.withLock { $0.worker }?.join()
    }

    /// Blocks until the subscriber's thread has ended, at most `timeout`.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread has ended (`true` also if it never started).
    public func join(timeout: Duration) -> Bool {
        shared.withLock { $0.worker }?.join(timeout: timeout) ?? true
    }

    /// Suspends until the subscriber's thread has ended.
    public func joined() async {
        await shared.withLock { $0.worker }?.joined()
    }

    /// The counters of an upstream.
    ///
    /// - Parameter upstream: The upstream's local name.
    /// - Returns: Its counters (zero for an unknown name).
    public func statistics(of upstream: String) -> Statistics {
        shared.withLock { $0.statistics[upstream] } ?? Statistics()
    }

    // MARK: The thread

    /// The thread's body: set up, report, loop until the context is shut down, clean up.
    ///
    /// - Parameter ready: Reports the setup's outcome.
    private func run(ready: @Sendable (Result<Bool, any Error>) -> Void) {
        var states: [UpstreamState] = []
        defer {
            for state in states {
                state.live.close()
                state.replay.close()
            }
        }
        do {
            states = try setUp()
        } catch {
            ready(.failure(error))
            return
        }
        ready(.success(true))
        logger.info(
            "feed subscriber started",
            metadata: ["feed.names": "\(states.map(\.upstream.name))"])
        do {
            try serve(states)
        } catch ZMQError.contextTerminated {
            for state in states { flush(state) }
            logger.info("feed subscriber stopping: context shut down")
        } catch {
            logger.error("feed subscriber stopped by an error", metadata: ["error.description": "\(error)"])
        }
    }

    /// Creates and connects the sockets, reads the cursors, and asks for the first replay chunks.
    ///
    /// - Returns: One state per upstream.
    /// - Throws: ``ZMQError``, `DatabaseError`.
    private func setUp() throws -> [UpstreamState] {
        let cursors = try store.writer.read { db in try store.cursors.all(in: db) }
        var states: [UpstreamState] = []
        do {
            for upstream in configuration.upstreams {
                let live = try makeLiveSocket(upstream)
                let replay: Socket
                do {
                    replay = try makeReplaySocket(upstream)
                } catch {
                    live.close()
                    throw error
                }
                states.append(
                    UpstreamState(
                        upstream: upstream, live: live, replay: replay, cursor: cursors[upstream.name] ?? 0,
                        metrics: metrics))
            }
        } catch {
            for state in states {
                state.live.close()
                state.replay.close()
            }
            throw error
        }
        shared.withLock { shared in
            for state in states {
                shared.statistics[state.upstream.name, default: Statistics()].cursor = state.cursor
            }
        }
        for state in states { try startReplay(state, reason: "start") }
        return states
    }

    /// Makes an upstream's SUB socket, subscribed to everything and connected.
    ///
    /// Every event of a feed is received (no prefix filter): a filtered feed would look like a feed with gaps. A
    /// subscriber that wants fewer types sets ``Upstream/acceptedTypes``; a publisher that wants to send fewer
    /// makes another feed.
    ///
    /// - Parameter upstream: The upstream.
    /// - Returns: The socket.
    /// - Throws: ``ZMQError``.
    private func makeLiveSocket(_ upstream: Upstream) throws -> Socket {
        let socket = try context.socket(.sub, security: upstream.security)
        do {
            try socket.setReceiveHighWaterMark(configuration.receiveHighWaterMark)
            try socket.subscribe("")
            try socket.connect(upstream.endpoint)
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Makes an upstream's replay DEALER socket, connected.
    ///
    /// - Parameter upstream: The upstream.
    /// - Returns: The socket.
    /// - Throws: ``ZMQError``.
    private func makeReplaySocket(_ upstream: Upstream) throws -> Socket {
        let socket = try context.socket(.dealer, security: upstream.replaySecurity)
        do {
            try socket.connect(upstream.replayEndpoint)
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// The loop: receive live messages and replay replies, apply them in batches, watch for silence and timeouts.
    ///
    /// - Parameter states: The upstreams' states.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func serve(_ states: [UpstreamState]) throws {
        func makePoller() -> Poller {
            var poller = Poller()
            for state in states {
                poller.register(state.live)
                poller.register(state.replay)
            }
            return poller
        }
        var poller = makePoller()
        while true {
            let ready = try poller.poll(timeout: nextWakeUp(states))
            for item in ready {
                let state = states[item.index / 2]
                if item.index % 2 == 0 {
                    try receiveLive(state)
                } else {
                    try receiveReplies(state)
                }
            }
            let now = ContinuousClock.now
            var socketsChanged = false
            for state in states {
                if !state.batch.isEmpty {
                    let started = state.batchStarted ?? now
                    state.batchStarted = started
                    if now - started >= configuration.commitDelay { flush(state) }
                }
                socketsChanged = try checkTimers(state, now: now) || socketsChanged
            }
            if socketsChanged { poller = makePoller() }
        }
    }

    /// The longest the loop may sleep before a timer is due.
    ///
    /// - Parameter states: The upstreams' states.
    /// - Returns: The time until the earliest commit of waiting events, silence check, replay timeout or retry,
    ///   between 0 and 1 s.
    private func nextWakeUp(_ states: [UpstreamState]) -> Duration {
        let now = ContinuousClock.now
        var deadline = now + .seconds(1)
        for state in states {
            if let started = state.batchStarted { deadline = min(deadline, started + configuration.commitDelay) }
            if state.silent {
                deadline = min(deadline, state.lastReconnect + configuration.heartbeatTimeout)
            } else {
                deadline = min(deadline, state.lastHeard + configuration.heartbeatTimeout)
            }
            if state.replaying {
                if let retryAt = state.retryAt {
                    deadline = min(deadline, retryAt)
                } else if !state.outstanding.isEmpty {
                    deadline = min(deadline, state.lastRequest + configuration.replayTimeout)
                }
            }
        }
        return max(deadline - now, .zero)
    }

    /// Reacts to timers: silence, replay timeout, retry after a failure.
    ///
    /// A silent upstream's SUB is closed and made anew every heartbeat timeout until it is heard again: libzmq
    /// does not reconnect a connection it closed for a protocol error (such as a message above the transport's
    /// size limit), and a fresh socket also clears any other stuck state. A timed-out replay closes the DEALER and
    /// makes it anew (the "Lazy Pirate" pattern), which also discards late replies.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - now: The current time.
    /// - Returns: Whether a socket was replaced (the poller must be rebuilt).
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func checkTimers(_ state: UpstreamState, now: ContinuousClock.Instant) throws -> Bool {
        var replaced = false
        if !state.silent && now - state.lastHeard >= configuration.heartbeatTimeout {
            state.silent = true
            state.silenceGauge.record(1)
            logger.warning(
                "upstream feed is silent: no heartbeat or event within the heartbeat timeout",
                metadata: [
                    "feed.name": "\(state.upstream.name)", "feed.timeout": "\(configuration.heartbeatTimeout)",
                ])
            updateStatistics(state) { statistics in
                statistics.isSilent = true
                statistics.silences += 1
            }
        }
        if state.silent && now - state.lastReconnect >= configuration.heartbeatTimeout {
            logger.info("reconnecting to a silent upstream feed", metadata: ["feed.name": "\(state.upstream.name)"])
            let live = try makeLiveSocket(state.upstream)
            state.live.close()
            state.live = live
            state.lastReconnect = now
            replaced = true
        }
        guard state.replaying else { return replaced }
        if let retryAt = state.retryAt {
            guard now >= retryAt else { return replaced }
            state.retryAt = nil
            state.outstanding = []
            state.nextAfter = state.cursor
            try topUp(state)
        } else if !state.outstanding.isEmpty && now - state.lastRequest >= configuration.replayTimeout {
            logger.warning(
                "replay request timed out; asking again on a new connection",
                metadata: ["feed.name": "\(state.upstream.name)", "feed.sequence": "\(state.cursor)"])
            let replay = try makeReplaySocket(state.upstream)
            state.replay.close()
            state.replay = replay
            replaced = true
            state.outstanding = []
            state.nextAfter = state.cursor
            try topUp(state)
        } else if state.outstanding.isEmpty {
            try topUp(state)
        }
        return replaced
    }

    // MARK: Live messages

    /// Receives the live messages waiting on an upstream's SUB (at most two batches' worth per call).
    ///
    /// - Parameter state: The upstream's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func receiveLive(_ state: UpstreamState) throws {
        for _ in 0..<(configuration.batchSize * 2) {
            let frames: [[UInt8]]
            do {
                frames = try state.live.receive(flags: .dontWait)
            } catch ZMQError.wouldBlock {
                return
            }
            try handleLive(frames, state: state)
        }
    }

    /// Handles one live message: refuse it, take a heartbeat, drop a duplicate, queue the next event, or detect a gap.
    ///
    /// - Parameters:
    ///   - frames: The message.
    ///   - state: The upstream's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func handleLive(_ frames: [[UInt8]], state: UpstreamState) throws {
        heard(state)
        let size = frames.reduce(0) { $0 + $1.count }
        guard size <= configuration.maxEventBytes else {
            refuseMessage(state, reason: EnvelopeError.oversized(size))
            return
        }
        let event: CloudEvent
        switch CloudEvent.decode(message: frames) {
        case .success(let decoded): event = decoded
        case .failure(let error):
            refuseMessage(state, reason: error)
            return
        }
        if event.type == ReplayProtocol.heartbeatType {
            // A heartbeat names its feed: one from another feed means a misconfigured endpoint, whose events would
            // be applied under this cursor. Say so loudly (at most one heartbeat a second).
            let data = try? event.decodeData(as: ReplayProtocol.HeartbeatData.self)
            guard data?.feed == state.upstream.feed else {
                refuseMessage(state, code: "heartbeat.feed", detail: "a heartbeat of another feed on this endpoint")
                return
            }
            updateStatistics(state) { $0.heartbeats += 1 }
            try handleHeartbeat(latest: event.sequence ?? 0, state: state)
            return
        }
        guard let sequence = event.sequence else {
            refuseMessage(state, reason: .missingAttribute("sequence"))
            return
        }
        if state.replaying {
            state.buffer(event, sequence: sequence, limit: Self.liveBufferLimit)
            return
        }
        let expected = state.expected
        if sequence < expected { return }  // already applied or queued
        if sequence == expected {
            state.batch.append(Item(sequence: sequence, event: event, refusal: nil, replayed: false))
            if state.batch.count >= configuration.batchSize { flush(state) }
            return
        }
        logger.info(
            "sequence gap on a live feed; replaying",
            metadata: [
                "feed.name": "\(state.upstream.name)", "feed.sequence": "\(sequence)",
                "feed.expected": "\(expected)",
            ])
        flush(state)
        try startReplay(state, reason: "gap")
        state.buffer(event, sequence: sequence, limit: Self.liveBufferLimit)
    }

    /// Handles a heartbeat: a latest sequence beyond what was received means live events were lost.
    ///
    /// - Parameters:
    ///   - latest: The publisher's latest sequence.
    ///   - state: The upstream's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func handleHeartbeat(latest: UInt64, state: UpstreamState) throws {
        state.knownLatest = max(state.knownLatest, latest)
        guard !state.replaying, latest >= state.expected else { return }
        logger.info(
            "heartbeat ahead of the cursor; replaying",
            metadata: [
                "feed.name": "\(state.upstream.name)", "feed.sequence": "\(state.cursor)", "feed.latest": "\(latest)",
            ])
        flush(state)
        try startReplay(state, reason: "heartbeat")
    }

    /// Records that an upstream was heard, ending a silence.
    ///
    /// - Parameter state: The upstream's state.
    private func heard(_ state: UpstreamState) {
        state.lastHeard = .now
        guard state.silent else { return }
        state.silent = false
        state.silenceGauge.record(0)
        logger.info("upstream feed heard again", metadata: ["feed.name": "\(state.upstream.name)"])
        updateStatistics(state) { $0.isSilent = false }
    }

    /// Counts and logs a message refused before its sequence could be known (nothing is recorded in the store).
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - reason: Why.
    private func refuseMessage(_ state: UpstreamState, reason: EnvelopeError) {
        refuseMessage(state, code: reason.reason, detail: reason.description)
    }

    /// Counts and logs a message refused before its sequence could be known (nothing is recorded in the store).
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - code: The reason's code (the metric's `reason` dimension).
    ///   - detail: An explanation without any value from the message.
    private func refuseMessage(_ state: UpstreamState, code: String, detail: String) {
        Counter(
            label: "jiekun.events.refused", dimensions: [("feed", state.upstream.name), ("reason", code)],
            factory: metrics
        ).increment()
        logger.warning(
            "malformed message refused",
            metadata: [
                "feed.name": "\(state.upstream.name)", "refusal.reason": "\(code)", "refusal.detail": "\(detail)",
            ])
        updateStatistics(state) { statistics in
            statistics.refused += 1
            statistics.refusedByReason[code, default: 0] += 1
        }
    }

    // MARK: Replay

    /// Enters replay mode and asks for the first chunks after the cursor.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - reason: Why (`start`, `gap`, `heartbeat`, `failure`), for the log.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func startReplay(_ state: UpstreamState, reason: String) throws {
        state.replaying = true
        state.outstanding = []
        state.nextAfter = state.cursor
        updateStatistics(state) { $0.replays += 1 }
        logger.debug(
            "replay started",
            metadata: [
                "feed.name": "\(state.upstream.name)", "feed.sequence": "\(state.cursor)", "replay.reason": "\(reason)",
            ])
        try topUp(state)
    }

    /// Sends replay requests until the pipeline is full (or the known end of the feed is requested).
    ///
    /// - Parameter state: The upstream's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func topUp(_ state: UpstreamState) throws {
        guard state.replaying, state.retryAt == nil else { return }
        if state.nextAfter < state.expected - 1 { state.nextAfter = state.expected - 1 }
        while state.outstanding.count < configuration.replayPipeline {
            if !state.outstanding.isEmpty && state.nextAfter >= state.knownLatest { break }
            let request = ReplayProtocol.Request(
                feed: state.upstream.feed, after: state.nextAfter, limit: configuration.replayChunk)
            do {
                try state.replay.send(request.frames(), flags: .dontWait)
            } catch ZMQError.wouldBlock {
                break
            }
            state.outstanding.append(state.nextAfter)
            state.nextAfter += UInt64(configuration.replayChunk)
            state.lastRequest = .now
        }
    }

    /// Receives the replay replies waiting on an upstream's DEALER.
    ///
    /// - Parameter state: The upstream's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func receiveReplies(_ state: UpstreamState) throws {
        for _ in 0..<(configuration.replayPipeline * 2) {
            let frames: [[UInt8]]
            do {
                frames = try state.replay.receive(flags: .dontWait)
            } catch ZMQError.wouldBlock {
                return
            }
            try handleReply(frames, state: state)
        }
    }

    /// Handles one replay reply: queue its events that continue the cursor, then finish the replay or ask for more.
    ///
    /// - Parameters:
    ///   - frames: The reply.
    ///   - state: The upstream's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func handleReply(_ frames: [[UInt8]], state: UpstreamState) throws {
        guard let reply = ReplayProtocol.Reply(frames: frames) else {
            logger.warning("malformed replay reply ignored", metadata: ["feed.name": "\(state.upstream.name)"])
            return
        }
        guard let index = state.outstanding.firstIndex(of: reply.after) else { return }  // stale
        state.outstanding.removeSubrange(0...index)
        state.lastRequest = .now
        guard reply.status == .ok else {
            logger.error(
                "replay refused by the publisher; retrying after the replay timeout",
                metadata: ["feed.name": "\(state.upstream.name)", "replay.status": "\(reply.status.rawValue)"])
            state.outstanding = []
            state.retryAt = .now + configuration.replayTimeout
            return
        }
        state.knownLatest = max(state.knownLatest, reply.latest)
        var sequence = reply.after
        for json in reply.events {
            sequence += 1
            let expected = state.expected
            if sequence < expected { continue }
            if sequence > expected { break }
            state.batch.append(replayedItem(json, sequence: sequence, state: state))
            if state.batch.count >= configuration.batchSize {
                flush(state)
                guard state.replaying, state.retryAt == nil else { return }  // the batch failed
            }
        }
        if reply.latest < state.cursor && reply.events.isEmpty {
            logger.warning(
                "the publisher's journal is behind this cursor",
                metadata: [
                    "feed.name": "\(state.upstream.name)", "feed.sequence": "\(state.cursor)",
                    "feed.latest": "\(reply.latest)",
                ])
        }
        flush(state)
        guard state.retryAt == nil else { return }
        // A chunk cut short by the publisher's byte cap misaligns the requests pipelined after it: forget them
        // (their replies will be ignored) and ask again from the cursor.
        let received = UInt64(reply.events.count)
        if received < UInt64(configuration.replayChunk) && reply.after + received < reply.latest {
            state.outstanding = []
        }
        try finishReplayIfCaughtUp(state, latest: reply.latest)
        if state.outstanding.isEmpty { state.nextAfter = state.cursor }
        try topUp(state)
    }

    /// Decodes one replayed event; a malformed one becomes a refusal at its position, so the cursor moves past it.
    ///
    /// - Parameters:
    ///   - json: The event's JSON.
    ///   - sequence: Its position in the feed.
    ///   - state: The upstream's state.
    /// - Returns: The item to apply.
    private func replayedItem(_ json: [UInt8], sequence: UInt64, state: UpstreamState) -> Item {
        guard json.count <= configuration.maxEventBytes else {
            return Item(
                sequence: sequence, event: nil, refusal: EnvelopeError.oversized(json.count).reason, replayed: true)
        }
        do {
            let event = try CloudEvent(json: json)
            guard event.sequence == sequence else {
                return Item(sequence: sequence, event: nil, refusal: "sequence.mismatch", replayed: true)
            }
            return Item(sequence: sequence, event: event, refusal: nil, replayed: true)
        } catch {
            return Item(sequence: sequence, event: nil, refusal: error.reason, replayed: true)
        }
    }

    /// Leaves replay mode once the cursor reaches the live events kept, or the feed's end.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - latest: The feed's latest sequence, per the last reply.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func finishReplayIfCaughtUp(_ state: UpstreamState, latest: UInt64) throws {
        guard state.replaying else { return }
        state.liveBuffer.removeAll { ($0.sequence ?? 0) <= state.cursor }
        if let first = state.liveBuffer.first?.sequence, first == state.cursor + 1 {
            let kept = state.liveBuffer
            state.liveBuffer = []
            for event in kept {
                state.batch.append(Item(sequence: event.sequence ?? 0, event: event, refusal: nil, replayed: false))
                if state.batch.count >= configuration.batchSize {
                    flush(state)
                    guard state.retryAt == nil else { return }  // the batch failed: replay later
                }
            }
            flush(state)
            guard state.retryAt == nil else { return }
        } else if !state.liveBuffer.isEmpty || state.cursor < latest {
            return
        }
        state.replaying = false
        state.outstanding = []
        logger.debug(
            "replay finished; live",
            metadata: ["feed.name": "\(state.upstream.name)", "feed.sequence": "\(state.cursor)"])
    }

    // MARK: Applying

    /// Applies the queued events in one transaction with the cursor advance; on failure, nothing is applied and the
    /// events are replayed after a pause.
    ///
    /// - Parameter state: The upstream's state.
    private func flush(_ state: UpstreamState) {
        guard let first = state.batch.first, let last = state.batch.last else { return }
        let items = state.batch
        state.batch = []
        state.batchStarted = nil
        // Items are queued only in order from the cursor; check it anyway, since a mistake here would skip events.
        guard first.sequence == state.cursor + 1, last.sequence - first.sequence + 1 == UInt64(items.count) else {
            logger.error(
                "events queued out of order; dropping them and replaying",
                metadata: ["feed.name": "\(state.upstream.name)", "feed.sequence": "\(state.cursor)"])
            state.replaying = true
            state.outstanding = []
            state.liveBuffer = []
            state.retryAt = .now
            return
        }
        let upstream = state.upstream
        let outcome: Outcome
        do {
            // Optimistically without a savepoint per event (they cost a third of the apply time); if a handler
            // throws, the whole transaction is rolled back and the batch runs again, each event in a savepoint.
            func run(isolated: Bool) throws -> Outcome {
                try store.writer.write { db in
                    var outcome = Outcome()
                    for item in items {
                        try apply(item, upstream: upstream, in: db, isolated: isolated, outcome: &outcome)
                    }
                    try store.cursors.advance(upstream.name, to: last.sequence, in: db)
                    return outcome
                }
            }
            do {
                outcome = try run(isolated: items.count == 1)
            } catch is HandlerFailure {
                outcome = try run(isolated: true)
            }
        } catch {
            logger.error(
                "cannot apply a batch of events; nothing applied, replaying it shortly",
                metadata: [
                    "feed.name": "\(upstream.name)", "feed.sequence": "\(state.cursor)",
                    "error.description": "\(error)",
                ])
            state.replaying = true
            state.outstanding = []
            state.liveBuffer = []
            state.retryAt = .now + .seconds(1)
            return
        }
        state.cursor = last.sequence
        let replayed = items.reduce(0) { $0 + ($1.replayed ? 1 : 0) }
        if outcome.applied > 0 { state.appliedCounter.increment(by: outcome.applied) }
        if replayed > 0 { state.replayedCounter.increment(by: replayed) }
        for refusal in outcome.refusals {
            Counter(
                label: "jiekun.events.refused", dimensions: [("feed", upstream.name), ("reason", refusal.code)],
                factory: metrics
            ).increment()
            logger.warning(
                "event refused",
                metadata: [
                    "feed.name": "\(upstream.name)", "feed.sequence": "\(refusal.sequence)",
                    "event.id": "\(refusal.id ?? "-")", "event.type": "\(refusal.type ?? "-")",
                    "refusal.reason": "\(refusal.code)",
                ])
        }
        updateStatistics(state) { statistics in
            statistics.cursor = last.sequence
            statistics.applied += outcome.applied
            statistics.replayed += replayed
            statistics.refused += outcome.refusals.count
            for refusal in outcome.refusals { statistics.refusedByReason[refusal.code, default: 0] += 1 }
        }
    }

    /// Applies or refuses one item inside the batch's transaction.
    ///
    /// - Parameters:
    ///   - item: The item.
    ///   - upstream: Its upstream.
    ///   - db: The open write transaction.
    ///   - isolated: Whether to run the handler in a savepoint, so that its failure refuses this event only;
    ///     otherwise its failure throws ``HandlerFailure`` and the caller runs the batch again, isolated.
    ///   - outcome: The batch's tally.
    /// - Throws: `DatabaseError` for a failure of the store itself, which aborts the batch; ``HandlerFailure``.
    private func apply(
        _ item: Item,
        upstream: Upstream,
        in db: Database,
        isolated: Bool,
        outcome: inout Outcome
    ) throws {
        func refuse(_ code: String, detail: String? = nil) throws {
            let refusal = EventStore.Refusal(
                feed: upstream.name, sequence: item.sequence, id: item.event?.id, type: item.event?.type,
                reason: detail.map { "\(code): \($0)" } ?? code)
            try EventStore.record(refusal, in: db)
            outcome.refusals.append(
                Outcome.Refused(sequence: item.sequence, id: item.event?.id, type: item.event?.type, code: code))
        }
        guard let event = item.event else {
            try refuse(item.refusal ?? "unknown")
            return
        }
        if let accepted = upstream.acceptedTypes, !accepted.contains(event.type) {
            try refuse("type.unknown")
            return
        }
        var duplicate = false
        do {
            if isolated {
                try db.inSavepoint {
                    guard try EventStore.markApplied(event.id, in: db) else {
                        duplicate = true
                        return .commit
                    }
                    try handler(db, event)
                    return .commit
                }
            } else if try EventStore.markApplied(event.id, in: db) {
                try handler(db, event)
            } else {
                duplicate = true
            }
        } catch let error as DatabaseError where Self.isStoreFailure(error) {
            throw error
        } catch {
            guard isolated else { throw HandlerFailure() }
            try refuse("handler", detail: String(describing: error))
            return
        }
        if duplicate {
            try refuse("duplicate")
        } else {
            outcome.applied += 1
        }
    }

    /// Whether an SQLite error is a failure of the store itself (not of the handler's logic or data).
    ///
    /// - Parameter error: The error.
    /// - Returns: `true` for disk full, I/O errors, corruption, locking, out of memory, read-only, cannot open.
    static func isStoreFailure(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_BUSY, .SQLITE_LOCKED,
            .SQLITE_NOMEM, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PROTOCOL, .SQLITE_INTERRUPT, .SQLITE_ABORT:
            true
        default:
            false
        }
    }

    /// Updates an upstream's shared counters.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - update: The change.
    private func updateStatistics(_ state: UpstreamState, _ update: (inout Statistics) -> Void) {
        shared.withLock { update(&$0.statistics[state.upstream.name, default: Statistics()]) }
    }
}

/// A handler threw in a batch run without savepoints: the batch runs again with one savepoint per event.
private struct HandlerFailure: Error {}

/// One event (or refused entry) queued for the next transaction.
private struct Item {
    /// Its position in the feed.
    var sequence: UInt64
    /// The event, or `nil` if it is refused already.
    var event: CloudEvent?
    /// The refusal code when `event` is `nil`.
    var refusal: String?
    /// Whether it came by replay.
    var replayed: Bool
}

/// The tally of one batch's transaction.
private struct Outcome {
    /// A refusal to count and log once committed.
    struct Refused {
        var sequence: UInt64
        var id: String?
        var type: String?
        var code: String
    }

    /// Events applied.
    var applied = 0
    /// Refusals recorded.
    var refusals: [Refused] = []
}

/// The subscriber thread's state for one upstream (confined to that thread).
private final class UpstreamState {
    let upstream: FeedSubscriber.Upstream
    /// The SUB socket (made anew while the upstream is silent).
    var live: Socket
    /// The replay DEALER (made anew after a replay timeout).
    var replay: Socket
    /// The last sequence committed.
    var cursor: UInt64
    /// Events queued for the next transaction, consecutive from `cursor + 1`.
    var batch: [Item] = []
    /// When the oldest event of ``batch`` was queued by the live loop (for the commit delay), if it was.
    var batchStarted: ContinuousClock.Instant?
    /// Whether a replay is under way (live events are then kept in `liveBuffer`).
    var replaying = false
    /// The `after` of each replay request in flight, oldest first.
    var outstanding: [UInt64] = []
    /// The `after` of the next request.
    var nextAfter: UInt64 = 0
    /// When a request was last sent or answered.
    var lastRequest = ContinuousClock.now
    /// When to retry after a refusal or a failed batch.
    var retryAt: ContinuousClock.Instant?
    /// The feed's latest sequence as last heard.
    var knownLatest: UInt64 = 0
    /// Live events received during a replay: one contiguous run.
    var liveBuffer: [CloudEvent] = []
    /// When the upstream was last heard.
    var lastHeard = ContinuousClock.now
    /// Whether the upstream is silent.
    var silent = false
    /// When the SUB was last made anew.
    var lastReconnect = ContinuousClock.now
    let appliedCounter: Counter
    let replayedCounter: Counter
    let silenceGauge: Gauge

    init(
        upstream: FeedSubscriber.Upstream,
        live: Socket,
        replay: Socket,
        cursor: UInt64,
        metrics: any MetricsFactory
    ) {
        self.upstream = upstream
        self.live = live
        self.replay = replay
        self.cursor = cursor
        appliedCounter = Counter(
            label: "jiekun.events.applied", dimensions: [("feed", upstream.name)], factory: metrics)
        replayedCounter = Counter(
            label: "jiekun.events.replayed", dimensions: [("feed", upstream.name)], factory: metrics)
        silenceGauge = Gauge(label: "jiekun.feed.silent", dimensions: [("feed", upstream.name)], factory: metrics)
    }

    /// The sequence the next event must have.
    var expected: UInt64 { cursor + UInt64(batch.count) + 1 }

    /// Keeps a live event received during a replay, as part of one contiguous run of at most `limit` events.
    ///
    /// - Parameters:
    ///   - event: The event.
    ///   - sequence: Its sequence.
    ///   - limit: The most events kept.
    func buffer(_ event: CloudEvent, sequence: UInt64, limit: Int) {
        if let last = liveBuffer.last?.sequence {
            if sequence <= last { return }
            if sequence != last + 1 { liveBuffer.removeAll(keepingCapacity: true) }
        }
        liveBuffer.append(event)
        if liveBuffer.count > limit { liveBuffer.removeFirst(liveBuffer.count - limit / 2) }
    }
}
