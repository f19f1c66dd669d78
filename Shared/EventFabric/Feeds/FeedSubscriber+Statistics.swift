extension FeedSubscriber {
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
        /// The publisher's latest sequence, as its last accepted heartbeat said (0 before one): the cursor has
        /// caught up with the feed when it reaches this (the workbench's `/ready`).
        public var publisherLatest: UInt64 = 0
        /// Replays started (at start, on a gap, on a heartbeat ahead).
        public var replays: Int = 0
        /// Whether the upstream is silent now.
        public var isSilent = false
        /// How many times the upstream fell silent.
        public var silences: Int = 0
        /// The publisher's incarnation the cursor was applied under, once heard.
        public var incarnation: String?
        /// Why the feed stopped (its publisher's journal went backwards or was replaced), if it did.
        public var divergence: String?
        /// Fenced positions passed since start: events lost at the publisher, applied nowhere here.
        public var fenced: Int = 0
        /// Signed heads received and found valid since start.
        public var signedHeads: Int = 0
        /// Signed heads refused since start (unknown key, bad signature, unsigned, replayed old head).
        public var headAlarms: Int = 0
        /// The last signed-head problem (`unknown-key`, `bad-signature`, `unsigned`, `replayed`, `rewritten`,
        /// `backwards`, `mismatch`), if any since start.
        public var headAlarm: String?
    }
}
