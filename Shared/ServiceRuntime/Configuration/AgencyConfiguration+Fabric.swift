import EventFabric
import HouseholdDomain
import ZeroMQ

/// The security of each endpoint of an agency, derived from its configuration.
struct SecurityPlan {
    /// Stands for the agency's key pair when the configuration is checked without reading the secret key file:
    /// ``EndpointSecurity/validate(endpoint:insecure:)`` never looks at the keys.
    static let placeholderKeyPair = CurveKeyPair(publicKey: "", secretKey: "")

    /// The request endpoint's.
    var requests: EndpointSecurity
    /// The replay endpoint's.
    var replay: EndpointSecurity
    /// Feed name → its PUB endpoint's.
    var feeds: [String: EndpointSecurity]
    /// Feed name → the peer names allowed to replay it, or `nil` for anyone (plain endpoints).
    var readers: [String: Set<String>?]
    /// Upstream feed → the security of its PUB endpoint.
    var upstreams: [String: EndpointSecurity]
    /// Upstream feed → the security of its publisher's replay endpoint.
    var upstreamReplays: [String: EndpointSecurity]
}

extension AgencyConfiguration {
    /// The ZAP domain of one of this agency's bound endpoints: `housing.requests`, `housing.replay`,
    /// `housing.feed.outcomes.housing`.
    ///
    /// - Parameter endpoint: `requests`, `replay`, or `feed.NAME`.
    /// - Returns: The domain.
    public func zapDomain(_ endpoint: String) -> String {
        "\(agency.rawValue).\(endpoint)"
    }

    /// The agencies allowed to read a feed: its `readers`, or every agency under `peers` but this one.
    ///
    /// - Parameter feed: The feed.
    /// - Returns: The readers.
    public func readers(of feed: ListenFeed) -> [Agency] {
        feed.readers ?? peers.agencies.keys.filter { $0 != agency }.sorted { $0.rawValue < $1.rawValue }
    }

    /// Whose store a request's full-disk reply names (``RequestServer/Options/storeOwner``): "the union", "the
    /// coordinator", "the housing department".
    public var storeOwner: String {
        switch agency {
        case .union: "the union"
        case .coordinator: "the coordinator"
        default: "the \(agency.rawValue) department"
        }
    }

    /// The security of the request endpoint: a CURVE server admitting every agency under `peers` and every
    /// operator, or plain when ``insecure``.
    ///
    /// - Returns: The security to give the ``RequestServer``.
    /// - Throws: ``AgencyConfigurationError`` when CURVE is configured but the secret key was not read.
    public func requestSecurity() throws(AgencyConfigurationError) -> EndpointSecurity {
        try securityPlan(keyPair: requireKeyPair()).requests
    }

    /// The feed publisher's configuration: every feed of `listen.feeds` with its readers' keys, the replay
    /// endpoint, the heartbeat interval, the signing key (`keys.signing`) its heads are signed with.
    ///
    /// - Returns: The configuration, or `nil` when the agency publishes no feed.
    /// - Throws: ``AgencyConfigurationError`` when CURVE is configured but the secret key was not read.
    public func feedPublisherConfiguration() throws(AgencyConfigurationError) -> FeedPublisher.Configuration? {
        guard let replay = listen.replay, !listen.feeds.isEmpty else { return nil }
        let plan = securityPlan(keyPair: try requireKeyPair())
        let feeds = listen.feeds.map { feed in
            FeedPublisher.Endpoint(
                name: feed.name, endpoint: feed.endpoint, security: plan.feeds[feed.name] ?? .plain,
                readers: plan.readers[feed.name] ?? nil
            )
        }
        return FeedPublisher.Configuration(
            source: "/jiekun/\(agency.rawValue)", feeds: feeds, replayEndpoint: replay, replaySecurity: plan.replay,
            heartbeatInterval: heartbeat.interval, signingKey: signingKey
        )
    }

    /// The feed subscriber's configuration: every feed of `upstream`, each a CURVE client of its publisher's key
    /// and checked against its publisher's signing key (`peers.signing`), and the heartbeat timeout. The cursor of each is named after the feed.
    ///
    /// - Parameter acceptedTypes: Feed → the event types accepted (others are refused); a feed not listed accepts
    ///   every type.
    /// - Returns: The configuration, or `nil` when the agency consumes no feed.
    /// - Throws: ``AgencyConfigurationError`` when CURVE is configured but the secret key was not read.
    public func feedSubscriberConfiguration(
        acceptedTypes: [String: Set<String>] = [:]
    ) throws(AgencyConfigurationError) -> FeedSubscriber.Configuration? {
        guard !upstream.isEmpty else { return nil }
        let plan = securityPlan(keyPair: try requireKeyPair())
        let upstreams = upstream.map { upstream in
            FeedSubscriber.Upstream(
                name: upstream.feed, feed: upstream.feed, publisher: upstream.publisher.rawValue,
                endpoint: upstream.endpoint,
                security: plan.upstreams[upstream.feed] ?? .plain, replayEndpoint: upstream.replay,
                replaySecurity: plan.upstreamReplays[upstream.feed] ?? .plain,
                acceptedTypes: acceptedTypes[upstream.feed], signingKey: peers.signing[upstream.publisher]
            )
        }
        return FeedSubscriber.Configuration(upstreams: upstreams, heartbeatTimeout: heartbeat.timeout)
    }

    /// The key pair, or `nil` when the endpoints run plain.
    ///
    /// - Returns: The key pair read at load.
    /// - Throws: ``AgencyConfigurationError`` when CURVE is configured but the secret key was not read.
    private func requireKeyPair() throws(AgencyConfigurationError) -> CurveKeyPair? {
        guard !insecure, secretKeyFile != nil else { return nil }
        guard let keyPair else {
            throw AgencyConfigurationError(
                file: file,
                issues: [
                    .init(
                        keyPath: "keys.secret",
                        message: "the secret key file was not read (LoadOptions.readsSecretKey was off)"
                    )
                ]
            )
        }
        return keyPair
    }

    /// The security of every endpoint.
    ///
    /// - Parameter keyPair: The agency's key pair; ignored (plain everywhere) when ``insecure`` or without
    ///   `keys.secret`.
    /// - Returns: The plan.
    func securityPlan(keyPair: CurveKeyPair?) -> SecurityPlan {
        let pair = insecure || secretKeyFile == nil ? nil : keyPair
        func server(_ endpoint: String, _ domain: String, _ admitted: [String: String]) -> EndpointSecurity {
            guard let pair, !endpoint.hasPrefix("inproc://") else { return .plain }
            return .curveServer(keyPair: pair, domain: zapDomain(domain), admitted: admitted)
        }
        func admitted(_ agencies: [Agency]) -> [String: String] {
            var admitted: [String: String] = [:]
            for agency in agencies { if let key = peers.agencies[agency] { admitted[key] = agency.rawValue } }
            return admitted
        }
        var feeds: [String: EndpointSecurity] = [:]
        var feedReaders: [String: Set<String>?] = [:]
        var replayAdmitted: [String: String] = [:]
        for feed in listen.feeds {
            let allowed = admitted(self.readers(of: feed))
            feeds[feed.name] = server(feed.endpoint, "feed.\(feed.name)", allowed)
            feedReaders[feed.name] = pair == nil ? nil : Set(allowed.values)
            replayAdmitted.merge(allowed) { first, _ in first }
        }
        var requestAdmitted = admitted(peers.agencies.keys.filter { $0 != agency })
        for (name, key) in peers.operators { requestAdmitted[key] = name }
        func client(_ endpoint: String, _ publisher: Agency) -> EndpointSecurity {
            guard let pair, !endpoint.hasPrefix("inproc://") else { return .plain }
            return .curveClient(keyPair: pair, serverPublicKey: peers.agencies[publisher] ?? "")
        }
        var upstreams: [String: EndpointSecurity] = [:]
        var upstreamReplays: [String: EndpointSecurity] = [:]
        for upstream in upstream {
            upstreams[upstream.feed] = client(upstream.endpoint, upstream.publisher)
            upstreamReplays[upstream.feed] = client(upstream.replay, upstream.publisher)
        }
        return SecurityPlan(
            requests: server(listen.requests, "requests", requestAdmitted),
            replay: listen.replay.map { server($0, "replay", replayAdmitted) } ?? .plain,
            feeds: feeds, readers: feedReaders, upstreams: upstreams, upstreamReplays: upstreamReplays
        )
    }
}
