import HouseholdDomain

/// What an agency instance serves once it has started, for its one "ready" line (STYLE "Services": readiness is
/// signalled, never guessed):
///
/// ```text
/// jiekun housing ready: feeds outcomes.housing@tcp://0.0.0.0:7510, requests.housing@tcp://0.0.0.0:7511, replay tcp://0.0.0.0:7500, requests tcp://0.0.0.0:7501; upstream households.housing from union-registry, support.civil-affairs from civil-affairs
/// ```
public struct ReadySummary: Sendable, Hashable {
    /// A published feed and the endpoint bound.
    public struct BoundFeed: Sendable, Hashable {
        /// The feed's name.
        public var name: String
        /// The endpoint bound.
        public var endpoint: String
    }

    /// A consumed feed and its publisher.
    public struct Upstream: Sendable, Hashable {
        /// The feed's name.
        public var feed: String
        /// The publishing agency.
        public var publisher: String
    }

    /// The agency (`housing`).
    public var agency: String
    /// The feeds published, with the endpoints bound.
    public var feeds: [BoundFeed]
    /// The replay endpoint bound, if any.
    public var replay: String?
    /// The request endpoint bound, if any.
    public var requests: String?
    /// The feeds consumed.
    public var upstream: [Upstream]
    /// Whether the endpoints run without CURVE.
    public var insecure: Bool
    /// The workbench's address, if the service serves one.
    public var http: String?

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - agency: The agency.
    ///   - feeds: Feed name → endpoint bound.
    ///   - replay: The replay endpoint bound.
    ///   - requests: The request endpoint bound.
    ///   - upstream: Feed → publisher, of the feeds consumed.
    ///   - insecure: Whether the endpoints run without CURVE.
    public init(
        agency: String,
        feeds: [(name: String, endpoint: String)] = [],
        replay: String? = nil,
        requests: String? = nil,
        upstream: [(feed: String, publisher: String)] = [],
        insecure: Bool = false
    ) {
        self.agency = agency
        self.feeds = feeds.map { BoundFeed(name: $0.name, endpoint: $0.endpoint) }
        self.replay = replay
        self.requests = requests
        self.upstream = upstream.map { Upstream(feed: $0.feed, publisher: $0.publisher) }
        self.insecure = insecure
    }

    /// The summary of a configuration, with the endpoints actually bound where known (a port `*` becomes the
    /// port the system chose).
    ///
    /// - Parameters:
    ///   - configuration: The agency's configuration.
    ///   - boundFeeds: Feed name → endpoint bound (``FeedPublisher/Endpoints/feeds``).
    ///   - boundReplay: The replay endpoint bound.
    ///   - boundRequests: The request endpoint bound (``RequestServer/endpoint``).
    public init(
        configuration: AgencyConfiguration,
        boundFeeds: [String: String] = [:],
        boundReplay: String? = nil,
        boundRequests: String? = nil
    ) {
        self.init(
            agency: configuration.agency.rawValue,
            feeds: configuration.listen.feeds.map { ($0.name, boundFeeds[$0.name] ?? $0.endpoint) },
            replay: boundReplay ?? configuration.listen.replay,
            requests: boundRequests ?? configuration.listen.requests,
            upstream: configuration.upstream.map { ($0.feed, $0.publisher.rawValue) },
            insecure: configuration.insecure
        )
        http = configuration.listen.http?.description
    }

    /// The ready line.
    public var line: String {
        var served: [String] = []
        if !feeds.isEmpty {
            served.append("feeds " + feeds.map { "\($0.name)@\($0.endpoint)" }.joined(separator: ", "))
        }
        if let replay { served.append("replay \(replay)") }
        if let requests { served.append("requests \(requests)") }
        if let http { served.append("workbench \(http)") }
        var line = "jiekun \(agency) ready: " + (served.isEmpty ? "no endpoint" : served.joined(separator: ", "))
        if !upstream.isEmpty {
            line += "; upstream " + upstream.map { "\($0.feed) from \($0.publisher)" }.joined(separator: ", ")
        }
        if insecure { line += " (INSECURE: no CURVE)" }
        return line
    }
}
