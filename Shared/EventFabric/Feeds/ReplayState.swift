/// Where one upstream of a ``FeedSubscriber`` stands: live, or replaying from its cursor (DESIGN "Nothing lost").
///
/// ```text
///            gap, heartbeat ahead, start
///   live ───────────────────────────────▶ replaying ──┐ a failed batch, a refused request:
///    ▲                                      │   ▲     │ retry after a pause
///    └──── caught up with the feed's end ───┘   └─────┘
///          or with the live events kept
/// ```
///
/// Confined to the subscriber's thread.
enum ReplayState {
    /// Events are applied as they arrive on the SUB socket.
    case live
    /// Chunks are asked for from the cursor; live events arriving meanwhile are kept.
    case replaying(Replay)

    /// A replay under way.
    struct Replay {
        /// The `after` of each request in flight, oldest first.
        var outstanding: [UInt64] = []
        /// The `after` of the next request.
        var nextAfter: UInt64
        /// When a request was last sent or answered.
        var lastRequest = ContinuousClock.now
        /// When to ask again after a refused request or a failed batch; `nil` while requests flow.
        var retryAt: ContinuousClock.Instant?
        /// Live events received meanwhile: one contiguous run.
        var liveBuffer: [CloudEvent] = []

        /// Forgets the requests in flight and asks again from `cursor`, now.
        ///
        /// - Parameter cursor: The last sequence committed.
        mutating func restart(from cursor: UInt64) {
            outstanding = []
            nextAfter = cursor
            retryAt = nil
        }

        /// Keeps a live event, as part of one contiguous run of at most `limit` events (the oldest half goes when
        /// it is full: replay fetches them).
        ///
        /// - Parameters:
        ///   - event: The event.
        ///   - sequence: Its sequence.
        ///   - limit: The most events kept.
        mutating func buffer(_ event: CloudEvent, sequence: UInt64, limit: Int) {
            if let last = liveBuffer.last?.sequence {
                if sequence <= last { return }
                if sequence != last + 1 { liveBuffer.removeAll(keepingCapacity: true) }
            }
            liveBuffer.append(event)
            if liveBuffer.count > limit { liveBuffer.removeFirst(liveBuffer.count - limit / 2) }
        }
    }

    /// A replay from `cursor`, asking at once.
    ///
    /// - Parameter cursor: The last sequence committed.
    /// - Returns: The state.
    static func replaying(from cursor: UInt64) -> ReplayState {
        .replaying(Replay(nextAfter: cursor))
    }

    /// A replay from `cursor` that asks only at `retryAt`, the live events kept and the requests in flight
    /// forgotten: after a batch that could not be applied.
    ///
    /// - Parameters:
    ///   - cursor: The last sequence committed.
    ///   - retryAt: When to ask.
    /// - Returns: The state.
    static func retrying(from cursor: UInt64, at retryAt: ContinuousClock.Instant) -> ReplayState {
        .replaying(Replay(nextAfter: cursor, retryAt: retryAt))
    }

    /// Whether a replay is under way.
    var isReplaying: Bool {
        if case .replaying = self { true } else { false }
    }

    /// Whether a replay waits for its retry time before asking again.
    var awaitsRetry: Bool {
        if case .replaying(let replay) = self { replay.retryAt != nil } else { false }
    }

    /// Changes the replay under way in place; does nothing when live.
    ///
    /// - Parameter change: The change.
    mutating func update(_ change: (inout Replay) -> Void) {
        guard case .replaying(var replay) = self else { return }
        self = .live
        change(&replay)
        self = .replaying(replay)
    }
}
