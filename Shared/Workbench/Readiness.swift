/// Whether a service has caught up with every feed it consumes (`/ready`): each upstream heard, not silent, not
/// diverged, its cursor at the publisher's latest sequence as the last heartbeat said — the figures
/// `jiekun status` shows (cursor, journal, DIVERGED), read in process from the feed subscriber.
public struct Readiness: Codable, Sendable, Hashable {
    /// One consumed feed.
    public struct Feed: Codable, Sendable, Hashable {
        /// How far it is.
        public enum State: String, Codable, Sendable, Hashable {
            /// The cursor is at the publisher's latest sequence.
            case caughtUp = "caught-up"
            /// Events of the publisher's journal are not applied yet.
            case behind
            /// No heartbeat yet since the service started.
            case notHeard = "not-heard"
            /// No heartbeat nor event for longer than the heartbeat timeout.
            case silent
            /// The publisher's journal went backwards or was replaced: the feed is stopped until resynced.
            case diverged
        }

        /// The feed's name (`households.coordinator`).
        public var name: String
        /// The publishing agency.
        public var publisher: String
        /// The last sequence applied.
        public var cursor: UInt64
        /// The publisher's latest sequence, as last heard.
        public var publisherLatest: UInt64
        /// How far it is.
        public var state: State
        /// Why it diverged, if it did.
        public var divergence: String?

        /// Creates a feed's readiness.
        public init(
            name: String, publisher: String, cursor: UInt64, publisherLatest: UInt64, state: State,
            divergence: String? = nil
        ) {
            self.name = name
            self.publisher = publisher
            self.cursor = cursor
            self.publisherLatest = publisherLatest
            self.state = state
            self.divergence = divergence
        }
    }

    /// The agency.
    public var agency: String
    /// Every consumed feed.
    public var feeds: [Feed]

    /// Whether every feed has caught up (a service consuming nothing is ready once it runs).
    public var ready: Bool { feeds.allSatisfy { $0.state == .caughtUp } }

    /// Creates a readiness.
    ///
    /// - Parameters:
    ///   - agency: The agency.
    ///   - feeds: Its consumed feeds.
    public init(agency: String, feeds: [Feed]) {
        self.agency = agency
        self.feeds = feeds
    }

    private enum CodingKeys: String, CodingKey {
        case agency, feeds, ready
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        agency = try container.decode(String.self, forKey: .agency)
        feeds = try container.decode([Feed].self, forKey: .feeds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agency, forKey: .agency)
        try container.encode(ready, forKey: .ready)
        try container.encode(feeds, forKey: .feeds)
    }
}
