import EventFabric
import HouseholdDomain
import Logging
import ZeroMQ

/// The configuration of one agency instance: one YAML file per instance (`--config FILE`), with environment
/// overrides (DESIGN "Storage and configuration").
///
/// Load it with ``load(file:environment:options:)``, which validates everything at once and throws an
/// ``AgencyConfigurationError`` naming each offending key path (`upstream[2].replay`), the file and its line. The
/// schema, in the order of the examples in `deploy/agencies/`:
///
/// ```yaml
/// agency: housing                       # an Agency raw value
/// store: /var/lib/jiekun/housing.sqlite # SQLite (WAL); relative paths are relative to this file
/// policy: /etc/jiekun/policy/yunnan.yaml
/// keys:
///   secret: /etc/jiekun/keys/housing.key  # written by `jiekun keys generate`, mode 0600
///   signing: /etc/jiekun/keys/housing.signing.key  # optional: signs the feeds' heads (ed25519-sha256 | sm2-sm3)
/// decisionMode: review                  # auto | review; the five departments only, required there
/// exitProcedure: review                 # auto | review; the union only, default auto (policy C.4)
/// insecure: false                       # true: plain TCP, no CURVE (local stack only)
/// listen:
///   replay: tcp://0.0.0.0:7500
///   requests: tcp://0.0.0.0:7501
///   http: http://127.0.0.1:7590         # optional: the workbench (web pages, /health /ready /metrics)
///   feeds:
///     outcomes.housing: {endpoint: "tcp://0.0.0.0:7510", readers: [coordinator]}
///     requests.housing: {endpoint: "tcp://0.0.0.0:7511", readers: [civil-affairs, coordinator]}
/// peers:                                # public keys (Z85) this instance admits or trusts
///   union-registry: "…40 Z85 characters…"
///   operators: {ops-kunming: "…"}       # admitted on the request endpoint only
///   signing: {union-registry: "ed25519-sha256:…"}  # publishers' signing keys: their heads are checked
/// upstream:
///   - {feed: households.housing, publisher: union-registry,
///      endpoint: "tcp://union.jiekun.yn.gov.cn:7113", replay: "tcp://union.jiekun.yn.gov.cn:7100"}
/// helpers: {"530102": [name, …]}        # union-registry only: helpers per county code (一帮一)
/// heartbeat: {interval: 1s, timeout: 5s}
/// logLevel: info                        # trace | debug | info | notice | warning | error | critical
/// ```
///
/// A feed under `listen.feeds` is either an endpoint (every agency under `peers` may read it) or a mapping with
/// `endpoint` and `readers` (data minimisation: only those agencies' keys are admitted).
public struct AgencyConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The file the configuration was read from, as given.
    public var file: String
    /// The agency this instance runs (`agency`).
    public var agency: Agency
    /// The SQLite store's path (`store`), absolute.
    public var store: String
    /// The policy file's path (`policy`), absolute.
    public var policy: String
    /// The secret key file's path (`keys.secret`), absolute; `nil` only when ``insecure``.
    public var secretKeyFile: String?
    /// The key pair read from ``secretKeyFile`` at load, or `nil` when the file was not read
    /// (``LoadOptions/readsSecretKey`` off) or there is none.
    public var keyPair: CurveKeyPair?
    /// The signing key file's path (`keys.signing`), absolute; `nil` when the agency does not sign its heads.
    public var signingKeyFile: String?
    /// The signing key read from ``signingKeyFile`` at load (never logged), or `nil`.
    public var signingKey: SigningKey?
    /// How a department decides measures (`decisionMode`); `nil` for the union and the coordinator.
    public var decisionMode: DecisionMode?
    /// How the union takes exits through their procedure (`exitProcedure`, policy C.4): `auto` (the demo's
    /// simulated staff; the default when not given) or `review` (staff); `nil` for the other agencies.
    public var exitProcedure: DecisionMode?
    /// Whether every endpoint runs plain, without CURVE (`insecure`, default `false`).
    public var insecure: Bool
    /// The endpoints this instance binds (`listen`).
    public var listen: Listen
    /// The public keys this instance admits or trusts (`peers`).
    public var peers: Peers
    /// The feeds this instance consumes (`upstream`), in file order.
    public var upstream: [Upstream]
    /// The union's helpers per county code (`helpers`, 一帮一 pairing). Personal data: never log these names.
    public var helpers: [String: [String]]
    /// Feed heartbeats (`heartbeat`).
    public var heartbeat: Heartbeat
    /// The lowest level logged (`logLevel`, default `info`).
    public var logLevel: Logger.Level
    /// What to log at warning level when the service starts: `INSECURE` endpoints, example keys, unknown
    /// `JIEKUN_` variables. Never personal data or secrets.
    public var warnings: [String]

    /// Creates a configuration in code (tests, tools); services load theirs with
    /// ``load(file:environment:options:)``, which validates it.
    ///
    /// - Parameters:
    ///   - file: Where it comes from, for messages.
    ///   - agency: The agency.
    ///   - store: The SQLite store's path.
    ///   - policy: The policy file's path.
    ///   - secretKeyFile: The secret key file's path, or `nil` for plain endpoints.
    ///   - keyPair: The key pair, or `nil`.
    ///   - decisionMode: A department's decision mode.
    ///   - insecure: Whether every endpoint runs plain.
    ///   - listen: The endpoints bound.
    ///   - peers: The public keys admitted or trusted.
    ///   - upstream: The feeds consumed.
    ///   - helpers: The union's helpers per county.
    ///   - heartbeat: Feed heartbeats.
    ///   - logLevel: The lowest level logged.
    ///   - warnings: What to log at start.
    public init(
        file: String = "(in code)",
        agency: Agency,
        store: String,
        policy: String,
        secretKeyFile: String? = nil,
        keyPair: CurveKeyPair? = nil,
        decisionMode: DecisionMode? = nil,
        insecure: Bool = false,
        listen: Listen,
        peers: Peers = Peers(),
        upstream: [Upstream] = [],
        helpers: [String: [String]] = [:],
        heartbeat: Heartbeat = Heartbeat(),
        logLevel: Logger.Level = .info,
        warnings: [String] = []
    ) {
        self.file = file
        self.agency = agency
        self.store = store
        self.policy = policy
        self.secretKeyFile = secretKeyFile
        self.keyPair = keyPair
        self.decisionMode = decisionMode
        self.insecure = insecure
        self.listen = listen
        self.peers = peers
        self.upstream = upstream
        self.helpers = helpers
        self.heartbeat = heartbeat
        self.logLevel = logLevel
        self.warnings = warnings
    }

    /// How a department decides the measures of the households routed to it.
    public enum DecisionMode: String, Sendable, Hashable, CaseIterable, Codable {
        /// The rules decide, and the department delivers.
        case auto
        /// The rules propose; a member of staff confirms each decision.
        case review
    }

    /// The endpoints an agency binds.
    public struct Listen: Sendable, Hashable {
        /// The replay ROUTER (`listen.replay`); required when ``feeds`` is not empty.
        public var replay: String?
        /// The request ROUTER (`listen.requests`): intake, queries, `status`.
        public var requests: String
        /// The feeds published, in file order (`listen.feeds`).
        public var feeds: [ListenFeed]
        /// The workbench's HTTP address (`listen.http`, `http://127.0.0.1:7590`), or `nil` for no web server.
        public var http: HTTPAddress?

        /// Creates the endpoints.
        ///
        /// - Parameters:
        ///   - replay: The replay endpoint.
        ///   - requests: The request endpoint.
        ///   - feeds: The feeds published.
        ///   - http: The workbench's address, if it serves one.
        public init(replay: String?, requests: String, feeds: [ListenFeed], http: HTTPAddress? = nil) {
            self.replay = replay
            self.requests = requests
            self.feeds = feeds
            self.http = http
        }
    }

    /// One feed an agency publishes, as `listen.feeds` configures it.
    public struct ListenFeed: Sendable, Hashable {
        /// The feed's name, as in the journal (`outcomes.housing`).
        public var name: String
        /// The PUB endpoint to bind.
        public var endpoint: String
        /// The agencies allowed to read it; `nil` for every agency under `peers`.
        public var readers: [Agency]?

        /// Creates a feed.
        ///
        /// - Parameters:
        ///   - name: The feed's name.
        ///   - endpoint: The PUB endpoint.
        ///   - readers: The agencies allowed to read it, or `nil` for every agency peer.
        public init(name: String, endpoint: String, readers: [Agency]? = nil) {
            self.name = name
            self.endpoint = endpoint
            self.readers = readers
        }
    }

    /// The public keys an agency admits on its endpoints and trusts as servers.
    public struct Peers: Sendable, Hashable {
        /// Agency → its public key (40 Z85 characters).
        public var agencies: [Agency: String]
        /// Operator name (`ops-kunming`) → public key; admitted on the request endpoint only.
        public var operators: [String: String]
        /// Agency → its public signing key (`peers.signing`): the heads of its feeds are checked against it.
        public var signing: [Agency: PublicSigningKey] = [:]

        /// Creates a list of peers.
        ///
        /// - Parameters:
        ///   - agencies: Agency → public key.
        ///   - operators: Operator name → public key.
        public init(agencies: [Agency: String] = [:], operators: [String: String] = [:]) {
            self.agencies = agencies
            self.operators = operators
        }
    }

    /// One feed an agency consumes.
    public struct Upstream: Sendable, Hashable {
        /// The feed's name at its publisher (`households.housing`); also the local cursor's name.
        public var feed: String
        /// The publishing agency; its public key is under `peers`.
        public var publisher: Agency
        /// The publisher's PUB endpoint of this feed.
        public var endpoint: String
        /// The publisher's replay endpoint.
        public var replay: String

        /// Creates an upstream.
        ///
        /// - Parameters:
        ///   - feed: The feed's name.
        ///   - publisher: The publishing agency.
        ///   - endpoint: Its PUB endpoint.
        ///   - replay: Its replay endpoint.
        public init(feed: String, publisher: Agency, endpoint: String, replay: String) {
            self.feed = feed
            self.publisher = publisher
            self.endpoint = endpoint
            self.replay = replay
        }
    }

    /// Feed heartbeats: how often a publisher sends them and how long a subscriber waits before calling an
    /// upstream silent.
    public struct Heartbeat: Sendable, Hashable {
        /// Between two heartbeats on each published feed (`heartbeat.interval`, default 1 s).
        public var interval: Duration
        /// Silence after which an upstream is reported silent (`heartbeat.timeout`, default 5 s).
        public var timeout: Duration

        /// Creates heartbeat settings.
        ///
        /// - Parameters:
        ///   - interval: Between two heartbeats (1 s).
        ///   - timeout: The silence limit (5 s); more than `interval`.
        public init(interval: Duration = .seconds(1), timeout: Duration = .seconds(5)) {
            self.interval = interval
            self.timeout = timeout
        }
    }

    /// The agency and its endpoints, without keys or helpers' names: safe to log.
    public var description: String {
        var parts = ["agency \(agency.rawValue) from \(file)", "requests \(listen.requests)"]
        if let replay = listen.replay { parts.append("replay \(replay)") }
        if let http = listen.http { parts.append("http \(http)") }
        parts += listen.feeds.map { "feed \($0.name)@\($0.endpoint)" }
        parts += upstream.map { "upstream \($0.feed) from \($0.publisher.rawValue)" }
        if insecure { parts.append("INSECURE") }
        return "AgencyConfiguration(" + parts.joined(separator: ", ") + ")"
    }
}

extension Agency {
    /// Whether the agency is one of the five departments that decide and deliver measures (not the union, not the
    /// coordinator): only those have a `decisionMode`.
    var decidesMeasures: Bool {
        switch self {
        case .union, .coordinator: false
        case .humanResources, .medicalInsurance, .education, .housing, .civilAffairs: true
        }
    }
}
