import Metrics
import ZeroMQ

/// The subscriber thread's state for one upstream (confined to that thread).
final class UpstreamState {
    let upstream: FeedSubscriber.Upstream
    /// The SUB socket (made anew while the upstream is silent).
    var live: Socket
    /// The replay DEALER (made anew after a replay timeout).
    var replaySocket: Socket
    /// The last sequence committed.
    var cursor: UInt64
    /// The publisher's incarnation the cursor was applied under; `nil` until its head was first heard.
    var incarnation: String?
    /// Why the feed stopped, if it did: nothing more of it is applied (``FeedSubscriber``).
    var divergence: String?
    /// Events queued for the next transaction, consecutive from `cursor + 1`.
    var batch: [BatchApplier.Item] = []
    /// When the oldest event of ``batch`` was queued by the live loop (for the commit delay), if it was.
    var batchStarted: ContinuousClock.Instant?
    /// Live, or replaying from the cursor.
    var replay = ReplayState.live
    /// The feed's latest sequence as last heard.
    var knownLatest: UInt64 = 0
    /// When the upstream was last heard.
    var lastHeard = ContinuousClock.now
    /// The silence under way, if the upstream is silent.
    var silence: UpstreamOutage?
    /// A silence that ended, to report once the replay it caused is done.
    var recovering: UpstreamOutage?
    /// Whether the upstream was heard since the start.
    var heardOnce = false
    /// Replay requests unanswered while the live feed is heard, if they are.
    var replayOutage: UpstreamOutage?
    /// When a replay request was last answered.
    var replayLastAnswered = ContinuousClock.now
    /// When the SUB was last made anew.
    var lastReconnect = ContinuousClock.now
    /// The newest valid signed head received (read from the store at the first head), if any.
    var heldHead: SignedHead?
    /// Whether ``heldHead`` was read from the store.
    var heldHeadLoaded = false
    /// The signed head last written to the store, and when.
    var storedHead: (head: SignedHead, at: ContinuousClock.Instant)?
    /// The last signed-head alarm logged, and when (one line per problem and minute).
    var lastHeadAlarm: (code: String, at: ContinuousClock.Instant)?
    let appliedCounter: Counter
    let replayedCounter: Counter
    let silenceGauge: Gauge
    let divergedGauge: Gauge

    init(
        upstream: FeedSubscriber.Upstream,
        live: Socket,
        replaySocket: Socket,
        position: Cursors.Position,
        metrics: any MetricsFactory
    ) {
        self.upstream = upstream
        self.live = live
        self.replaySocket = replaySocket
        self.cursor = position.sequence
        self.incarnation = position.incarnation
        self.divergence = position.divergence
        appliedCounter = Counter(
            label: "jiekun.events.applied", dimensions: [("feed", upstream.name)], factory: metrics)
        replayedCounter = Counter(
            label: "jiekun.events.replayed", dimensions: [("feed", upstream.name)], factory: metrics)
        silenceGauge = Gauge(label: "jiekun.feed.silent", dimensions: [("feed", upstream.name)], factory: metrics)
        divergedGauge = Gauge(label: "jiekun.feed.diverged", dimensions: [("feed", upstream.name)], factory: metrics)
    }

    /// The sequence the next event must have.
    var expected: UInt64 { cursor + UInt64(batch.count) + 1 }

    /// Whether the upstream is silent.
    var silent: Bool { silence != nil }
}
