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
/// logs one warning naming the feed, its publisher and the endpoint it waits for, and sets the gauge
/// `jiekun.feed.silent` (dimension `feed`) to 1; it reminds with exponential back-off (after 1 minute, 2, 4, … at
/// most hourly), resets the gauge when the upstream is heard again, and logs once, when it has caught up, how long
/// the outage lasted and how many events it replayed.
///
/// **A journal that went backwards stops its feed.** A feed position is (incarnation, sequence): heartbeats, replay
/// replies and events carry the publisher store's incarnation (``EventStore/incarnation``), and the cursor keeps
/// the incarnation it was applied under (``Cursors/Position``; the first one heard is adopted). When a publisher
/// of another incarnation is heard (its store was recreated), or its journal ends before the cursor (a replay
/// reply's latest sequence below the cursor: its store was restored from an older copy, or lost its tail), the
/// subscriber stops applying that feed — the other feeds go on — until an operator fences the lost range and
/// resumes it (``EventStore/fence(_:through:)``, ``EventStore/resume(_:head:)``), and never applies a different
/// event under a sequence it already applied. It logs an error naming the feed, the publisher and both positions,
/// records why in the cursor (``Cursors/Position/divergence``: the stop survives a restart), sets the gauge
/// `jiekun.feed.diverged` to 1, and reports the feed as diverged (``Statistics/divergence``). Fenced positions
/// (``ReplayProtocol/fenceType``) are passed without applying anything, with a warning. A heartbeat below
/// the cursor only starts a replay, whose reply decides: a heartbeat can be overtaken by a replay reply on the
/// other socket. Not detected by positions alone: a restored journal that has grown past the cursor before the
/// subscriber hears it again (same incarnation, different events under the same sequences).
///
/// Metrics (dimension `feed`): `jiekun.events.applied`, `jiekun.events.refused` (with `reason`),
/// `jiekun.events.replayed`. The same counts are readable in process with ``statistics(of:)``.
public final class FeedSubscriber: Sendable {
    /// Applies one event inside the subscriber's transaction; throwing refuses the event (see ``FeedSubscriber``).
    public typealias Handler = @Sendable (_ db: Database, _ event: CloudEvent) throws -> Void

    /// State shared with other threads.
    private struct Shared {
        var statistics: [String: Statistics] = [:]
    }

    let store: EventStore
    private let context: FabricContext
    let configuration: Configuration
    private let applier: BatchApplier
    let logger: Logger
    let metrics: any MetricsFactory
    private let shared = Mutex(Shared())
    /// The subscriber's thread; its signal wakes the loop to stop.
    private let worker = WorkerThread(name: "jiekun.feed-subscriber")

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
        self.applier = BatchApplier(store: store, handler: handler)
        self.logger = logger
        self.metrics = metricsFactory ?? MetricsSystem.factory
    }

    /// Starts the subscriber's thread, which connects to every upstream and starts replaying from its cursors.
    ///
    /// - Throws: ``ZMQError`` for an invalid endpoint, `DatabaseError` if the cursors cannot be read,
    ///   ``FeedError``.
    public func start() throws {
        var names: Set<String> = []
        for upstream in configuration.upstreams where !names.insert(upstream.name).inserted {
            throw FeedError.duplicateUpstream(upstream.name)
        }
        _ = try worker.start { [self] (ready: @Sendable (Result<Bool, any Error>) -> Void) in run(ready: ready) }
    }

    /// Asks the subscriber's thread to end and returns at once: it applies the events it holds, closes its
    /// sockets and ends. ``joined()`` waits for it.
    public func requestStop() { worker.requestStop() }

    /// Blocks until the subscriber's thread has ended (after ``requestStop()`` or ``FabricContext/shutdown()``).
    public func join() { worker.join() }

    /// Blocks until the subscriber's thread has ended, at most `timeout`.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread has ended (`true` also if it never started).
    public func join(timeout: Duration) -> Bool { worker.join(timeout: timeout) }

    /// Suspends until the subscriber's thread has ended.
    public func joined() async { await worker.joined() }

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
        var stopWake: Socket?
        defer {
            for state in states {
                state.live.close()
                state.replaySocket.close()
            }
            stopWake?.close()
            worker.closeSignal()
        }
        do {
            stopWake = try worker.makeSignal(in: context)
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
            if let stopWake { try serve(states, stopWake: stopWake) }
            for state in states { flush(state) }
            logger.info("feed subscriber stopped")
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
        let positions = try store.writer.read { db in try store.cursors.positions(in: db) }
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
                        upstream: upstream, live: live, replaySocket: replay,
                        position: positions[upstream.name] ?? Cursors.Position(sequence: 0), metrics: metrics))
            }
        } catch {
            for state in states {
                state.live.close()
                state.replaySocket.close()
            }
            throw error
        }
        shared.withLock { shared in
            for state in states {
                shared.statistics[state.upstream.name, default: Statistics()].cursor = state.cursor
                shared.statistics[state.upstream.name, default: Statistics()].incarnation = state.incarnation
                shared.statistics[state.upstream.name, default: Statistics()].divergence = state.divergence
            }
        }
        for state in states {
            if let divergence = state.divergence {
                state.divergedGauge.record(1)
                logger.error(
                    "feed stopped: diverged before this start; nothing of it is applied until it is resynced",
                    metadata: metadata(state.upstream, endpoint: state.upstream.endpoint).merging(
                        ["feed.cursor": "\(state.cursor)", "feed.divergence": "\(divergence)"]) { $1 })
                continue
            }
            try startReplay(state, reason: "start")
        }
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

    /// The loop: receive live messages and replay replies, apply them in batches, watch for silence and timeouts,
    /// until ``requestStop()``.
    ///
    /// - Parameters:
    ///   - states: The upstreams' states.
    ///   - stopWake: The stop signal's PULL end.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func serve(_ states: [UpstreamState], stopWake: Socket) throws {
        func makePoller() -> Poller {
            var poller = Poller()
            for state in states {
                poller.register(state.live)
                poller.register(state.replaySocket)
            }
            poller.register(stopWake)
            return poller
        }
        var poller = makePoller()
        while !worker.isStopping {
            let ready = try poller.poll(timeout: nextWakeUp(states))
            for item in ready {
                guard item.index < states.count * 2 else {
                    while (try? stopWake.receive(flags: .dontWait)) != nil {}
                    continue
                }
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
            if case .replaying(let replay) = state.replay {
                if let retryAt = replay.retryAt {
                    deadline = min(deadline, retryAt)
                } else if !replay.outstanding.isEmpty {
                    deadline = min(deadline, replay.lastRequest + configuration.replayTimeout)
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
        reportOutages(state, now: now)
        if state.silent && now - state.lastReconnect >= configuration.heartbeatTimeout {
            logger.debug("reconnecting to a silent upstream feed", metadata: ["feed.name": "\(state.upstream.name)"])
            let live = try makeLiveSocket(state.upstream)
            state.live.close()
            state.live = live
            state.lastReconnect = now
            replaced = true
        }
        guard case .replaying(let replay) = state.replay else { return replaced }
        let cursor = state.cursor
        if let retryAt = replay.retryAt {
            guard now >= retryAt else { return replaced }
            state.replay.update { $0.restart(from: cursor) }
            try topUp(state)
        } else if !replay.outstanding.isEmpty && now - replay.lastRequest >= configuration.replayTimeout {
            replayTimedOut(state, now: now)
            let replaySocket = try makeReplaySocket(state.upstream)
            state.replaySocket.close()
            state.replaySocket = replaySocket
            replaced = true
            state.replay.update { $0.restart(from: cursor) }
            try topUp(state)
        } else if replay.outstanding.isEmpty {
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
            checkSignedHead(data?.head, latest: event.sequence ?? 0, incarnation: event.incarnation, state: state)
            try handleHeartbeat(latest: event.sequence ?? 0, incarnation: event.incarnation, state: state)
            return
        }
        // A stopped feed's heartbeats are still counted (the publisher is heard), its events are not looked at.
        guard state.divergence == nil else { return }
        guard let sequence = event.sequence else {
            refuseMessage(state, reason: .missingAttribute("sequence"))
            return
        }
        if let incarnation = event.incarnation, let known = state.incarnation, incarnation != known {
            diverge(state, reason: "another incarnation", incarnation: incarnation, latest: sequence, via: "event")
            return
        }
        if state.replay.isReplaying {
            state.replay.update { $0.buffer(event, sequence: sequence, limit: Self.liveBufferLimit) }
            return
        }
        let expected = state.expected
        if sequence < expected { return }  // already applied or queued
        if sequence == expected {
            state.batch.append(BatchApplier.Item(sequence: sequence, event: event, refusal: nil, replayed: false))
            if state.batch.count >= configuration.batchSize { flush(state) }
            return
        }
        try replay(
            state, because: "sequence gap on a live feed; replaying", reason: "gap",
            metadata: ["feed.sequence": "\(sequence)", "feed.expected": "\(expected)"])
        state.replay.update { $0.buffer(event, sequence: sequence, limit: Self.liveBufferLimit) }
    }

    /// Handles a heartbeat: a publisher of another incarnation stops the feed; a latest sequence beyond what was
    /// received means live events were lost; one below the cursor asks the journal (a replay) whether it went
    /// backwards.
    ///
    /// - Parameters:
    ///   - latest: The publisher's latest sequence.
    ///   - incarnation: The publisher's incarnation, if the heartbeat carries one.
    ///   - state: The upstream's state.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func handleHeartbeat(latest: UInt64, incarnation: String?, state: UpstreamState) throws {
        guard
            acceptsHead(incarnation: incarnation, latest: latest, judgingLatest: false, state: state, via: "heartbeat")
        else { return }
        if latest < state.cursor && !state.replay.isReplaying {
            try replay(
                state, because: "heartbeat behind the cursor; asking the publisher's journal",
                reason: "heartbeat behind", metadata: ["feed.sequence": "\(state.cursor)", "feed.latest": "\(latest)"])
            return
        }
        state.knownLatest = max(state.knownLatest, latest)
        updateStatistics(state) { $0.publisherLatest = latest }
        guard !state.replay.isReplaying, latest >= state.expected else { return }
        try replay(
            state, because: "heartbeat ahead of the cursor; replaying", reason: "heartbeat",
            metadata: ["feed.sequence": "\(state.cursor)", "feed.latest": "\(latest)"])
    }

    /// Says why at info level, applies what is queued, and replays from the cursor.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - message: Why, for the log.
    ///   - reason: Why, for ``startReplay(_:reason:)``.
    ///   - metadata: The positions involved (the feed's name is added).
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func replay(
        _ state: UpstreamState, because message: Logger.Message, reason: String, metadata: Logger.Metadata
    ) throws {
        logger.info(message, metadata: metadata.merging(["feed.name": "\(state.upstream.name)"]) { $1 })
        flush(state)
        try startReplay(state, reason: reason)
    }

    /// Records that an upstream was heard, ending a silence (the log says so once it has caught up).
    ///
    /// - Parameter state: The upstream's state.
    private func heard(_ state: UpstreamState) {
        state.lastHeard = .now
        state.heardOnce = true
        guard let silence = state.silence else { return }
        state.silence = nil
        state.recovering = silence  // logged once it has replayed what it missed (reportOutages)
        state.silenceGauge.record(0)
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
        guard state.divergence == nil else { return }
        state.replay = .replaying(from: state.cursor)
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
        guard case .replaying(var replay) = state.replay, replay.retryAt == nil else { return }
        defer { state.replay = .replaying(replay) }
        if replay.nextAfter < state.expected - 1 { replay.nextAfter = state.expected - 1 }
        while replay.outstanding.count < configuration.replayPipeline {
            if !replay.outstanding.isEmpty && replay.nextAfter >= state.knownLatest { break }
            let request = ReplayProtocol.Request(
                feed: state.upstream.feed, after: replay.nextAfter, limit: configuration.replayChunk)
            do {
                try state.replaySocket.send(request.frames(), flags: .dontWait)
            } catch ZMQError.wouldBlock {
                break
            }
            replay.outstanding.append(replay.nextAfter)
            replay.nextAfter += UInt64(configuration.replayChunk)
            replay.lastRequest = .now
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
                frames = try state.replaySocket.receive(flags: .dontWait)
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
        guard case .replaying(let replay) = state.replay, let index = replay.outstanding.firstIndex(of: reply.after)
        else { return }  // stale
        state.replay.update { replay in
            replay.outstanding.removeSubrange(0...index)
            replay.lastRequest = .now
        }
        state.replayLastAnswered = .now
        if let outage = state.replayOutage {
            state.replayOutage = nil
            let awaited = state.upstream.awaited(at: state.upstream.replayEndpoint)
            logger.info(
                "replay answered again after \(outage.seconds(at: .now)) s: \(awaited)",
                metadata: metadata(state.upstream, endpoint: state.upstream.replayEndpoint))
        }
        guard reply.status == .ok else {
            logger.error(
                "replay refused by the publisher; retrying after the replay timeout",
                metadata: ["feed.name": "\(state.upstream.name)", "replay.status": "\(reply.status.rawValue)"])
            let retryAt = ContinuousClock.now + configuration.replayTimeout
            state.replay.update { replay in
                replay.outstanding = []
                replay.retryAt = retryAt
            }
            return
        }
        guard
            acceptsHead(
                incarnation: reply.incarnation, latest: reply.latest, judgingLatest: true, state: state, via: "replay")
        else { return }
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
                guard state.replay.isReplaying, !state.replay.awaitsRetry else { return }  // the batch failed
            }
        }
        flush(state)
        guard !state.replay.awaitsRetry else { return }
        // A chunk cut short by the publisher's byte cap misaligns the requests pipelined after it: forget them
        // (their replies will be ignored) and ask again from the cursor.
        let received = UInt64(reply.events.count)
        if received < UInt64(configuration.replayChunk) && reply.after + received < reply.latest {
            state.replay.update { $0.outstanding = [] }
        }
        try finishReplayIfCaughtUp(state, latest: reply.latest)
        let cursor = state.cursor
        state.replay.update { replay in
            if replay.outstanding.isEmpty { replay.nextAfter = cursor }
        }
        try topUp(state)
    }

    /// Decodes one replayed event; a malformed one becomes a refusal at its position, so the cursor moves past it.
    ///
    /// - Parameters:
    ///   - json: The event's JSON.
    ///   - sequence: Its position in the feed.
    ///   - state: The upstream's state.
    /// - Returns: The item to apply.
    private func replayedItem(_ json: [UInt8], sequence: UInt64, state: UpstreamState) -> BatchApplier.Item {
        guard json.count <= configuration.maxEventBytes else {
            return BatchApplier.Item(
                sequence: sequence, event: nil, refusal: EnvelopeError.oversized(json.count).reason, replayed: true)
        }
        do {
            let event = try CloudEvent(json: json)
            guard event.sequence == sequence else {
                return BatchApplier.Item(sequence: sequence, event: nil, refusal: "sequence.mismatch", replayed: true)
            }
            return BatchApplier.Item(sequence: sequence, event: event, refusal: nil, replayed: true)
        } catch {
            return BatchApplier.Item(sequence: sequence, event: nil, refusal: error.reason, replayed: true)
        }
    }

    /// Leaves replay mode once the cursor reaches the live events kept, or the feed's end.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - latest: The feed's latest sequence, per the last reply.
    /// - Throws: ``ZMQError/contextTerminated`` at shutdown.
    private func finishReplayIfCaughtUp(_ state: UpstreamState, latest: UInt64) throws {
        guard case .replaying(var replay) = state.replay else { return }
        let cursor = state.cursor
        replay.liveBuffer.removeAll { ($0.sequence ?? 0) <= cursor }
        if let first = replay.liveBuffer.first?.sequence, first == cursor + 1 {
            let kept = replay.liveBuffer
            replay.liveBuffer = []
            state.replay = .replaying(replay)
            for event in kept {
                state.batch.append(
                    BatchApplier.Item(sequence: event.sequence ?? 0, event: event, refusal: nil, replayed: false))
                if state.batch.count >= configuration.batchSize {
                    flush(state)
                    guard !state.replay.awaitsRetry else { return }  // the batch failed: replay later
                }
            }
            flush(state)
            guard !state.replay.awaitsRetry else { return }
        } else if !replay.liveBuffer.isEmpty || cursor < latest {
            state.replay = .replaying(replay)
            return
        }
        state.replay = .live
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
        guard state.divergence == nil else {
            state.batch = []
            state.batchStarted = nil
            return
        }
        guard let first = state.batch.first, let last = state.batch.last else { return }
        let items = state.batch
        state.batch = []
        state.batchStarted = nil
        // Items are queued only in order from the cursor; check it anyway, since a mistake here would skip events.
        guard first.sequence == state.cursor + 1, last.sequence - first.sequence + 1 == UInt64(items.count) else {
            logger.error(
                "events queued out of order; dropping them and replaying",
                metadata: ["feed.name": "\(state.upstream.name)", "feed.sequence": "\(state.cursor)"])
            state.replay = .retrying(from: state.cursor, at: .now)
            return
        }
        let upstream = state.upstream
        let outcome: BatchApplier.Outcome
        do {
            outcome = try applier.apply(items, from: upstream, incarnation: state.incarnation)
        } catch {
            logger.error(
                "cannot apply a batch of events; nothing applied, replaying it shortly",
                metadata: [
                    "feed.name": "\(upstream.name)", "feed.sequence": "\(state.cursor)",
                    "error.description": "\(error)",
                ])
            state.replay = .retrying(from: state.cursor, at: .now + .seconds(1))
            return
        }
        state.cursor = last.sequence
        let replayed = items.reduce(0) { $0 + ($1.replayed ? 1 : 0) }
        if outcome.applied > 0 { state.appliedCounter.increment(by: outcome.applied) }
        if replayed > 0 { state.replayedCounter.increment(by: replayed) }
        if let first = outcome.fenced.first, let last = outcome.fenced.last {
            logger.warning(
                "events lost at the publisher were fenced: nothing applied for them; what they carried is to be entered again",
                metadata: [
                    "feed.name": "\(upstream.name)", "feed.fenced": "\(first)…\(last)",
                    "feed.fenced.count": "\(outcome.fenced.count)",
                ])
        }
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
            statistics.fenced += outcome.fenced.count
            for refusal in outcome.refusals { statistics.refusedByReason[refusal.code, default: 0] += 1 }
        }
    }

    /// Updates an upstream's shared counters.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - update: The change.
    func updateStatistics(_ state: UpstreamState, _ update: (inout Statistics) -> Void) {
        shared.withLock { update(&$0.statistics[state.upstream.name, default: Statistics()]) }
    }
}
