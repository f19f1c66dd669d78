import EventFabric
import Foundation
import HouseholdDomain
import Logging
import Yams
import ZeroMQ

extension AgencyConfiguration {
    /// How ``load(file:environment:options:)`` treats what lies outside the file.
    public struct LoadOptions: Sendable, Hashable {
        /// Whether to read `keys.secret` (checking its permissions) into ``AgencyConfiguration/keyPair``. Off only
        /// to check a configuration on another host, such as the examples in `deploy/` in tests.
        public var readsSecretKey: Bool

        /// Creates options.
        ///
        /// - Parameter readsSecretKey: Whether to read the secret key file (`true`).
        public init(readsSecretKey: Bool = true) {
            self.readsSecretKey = readsSecretKey
        }
    }

    /// The top-level keys of a configuration file.
    static let topLevelKeys = [
        "agency", "store", "policy", "keys", "decisionMode", "exitProcedure", "insecure", "listen", "peers",
        "upstream", "helpers", "heartbeat", "logLevel",
    ]

    /// The settings an environment variable may override, by key path. Lists and mappings (`listen.feeds`,
    /// `peers`, `upstream`, `helpers`) are the file's alone.
    public static let overridableKeyPaths = [
        "agency", "store", "policy", "keys.secret", "decisionMode", "exitProcedure", "insecure", "listen.replay",
        "listen.requests",
        "listen.http",
        "heartbeat.interval", "heartbeat.timeout", "logLevel",
    ]

    /// The environment variable overriding a key path: `JIEKUN_` and the path in capitals, dots as underscores
    /// (`keys.secret` → `JIEKUN_KEYS_SECRET`, `decisionMode` → `JIEKUN_DECISIONMODE`).
    ///
    /// - Parameter keyPath: One of ``overridableKeyPaths``.
    /// - Returns: The variable's name.
    public static func environmentVariable(for keyPath: String) -> String {
        "JIEKUN_" + keyPath.replacingOccurrences(of: ".", with: "_").uppercased()
    }

    /// Loads and validates an agency's configuration file, with environment overrides.
    ///
    /// Each variable of ``overridableKeyPaths`` (see ``environmentVariable(for:)``) replaces its key's value in the
    /// file, as if written there (`JIEKUN_INSECURE=true`, `JIEKUN_STORE=/srv/housing.sqlite`); a relative path
    /// from the environment is relative to the current directory, one from the file to the file's folder. Other
    /// `JIEKUN_` variables are reported in ``warnings``.
    ///
    /// - Parameters:
    ///   - file: The YAML file (`--config FILE`).
    ///   - environment: The process's environment.
    ///   - options: Whether to read the secret key file.
    /// - Returns: The validated configuration.
    /// - Throws: ``AgencyConfigurationError`` listing every problem with its key path.
    public static func load(
        file: String,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        options: LoadOptions = LoadOptions()
    ) throws(AgencyConfigurationError) -> AgencyConfiguration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw AgencyConfigurationError(
                file: file, issues: [.init(keyPath: "", message: "cannot read the file (missing or not readable)")]
            )
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw AgencyConfigurationError(file: file, issues: [.init(keyPath: "", message: "the file is not UTF-8")])
        }
        return try load(yaml: yaml, file: file, environment: environment, options: options)
    }

    /// Loads and validates a configuration from its text (see ``load(file:environment:options:)``).
    ///
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: The file's path: relative paths in it are relative to its folder.
    ///   - environment: The process's environment.
    ///   - options: Whether to read the secret key file.
    /// - Returns: The validated configuration.
    /// - Throws: ``AgencyConfigurationError`` listing every problem with its key path.
    public static func load(
        yaml: String,
        file: String,
        environment: [String: String] = [:],
        options: LoadOptions = LoadOptions()
    ) throws(AgencyConfigurationError) -> AgencyConfiguration {
        var root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw AgencyConfigurationError(
                file: file, issues: [.init(keyPath: "", message: "not valid YAML: \(Self.describe(yamlError: error))")]
            )
        }
        var warnings: [String] = []
        let environmentPaths = applyOverrides(environment, to: &root, warnings: &warnings)
        let reader = ConfigurationReader(file: file, environmentPaths: environmentPaths)
        let configuration = ConfigurationBuilder(reader: reader, options: options, warnings: warnings).build(root)
        guard let configuration, reader.issues.isEmpty else {
            throw AgencyConfigurationError(file: file, issues: reader.issues)
        }
        return configuration
    }

    /// Finds `--config FILE` (or `--config=FILE`) in a service's arguments and loads it.
    ///
    /// - Parameters:
    ///   - arguments: The process's arguments, the executable first (`CommandLine.arguments`).
    ///   - environment: The process's environment.
    ///   - options: Whether to read the secret key file.
    /// - Returns: The validated configuration.
    /// - Throws: ``AgencyConfigurationError`` for a missing `--config`, an unknown argument, or any problem of the
    ///   file.
    public static func load(
        arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        options: LoadOptions = LoadOptions()
    ) throws(AgencyConfigurationError) -> AgencyConfiguration {
        let executable = arguments.first.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "service"
        let usage = "usage: \(executable) --config FILE (overrides: JIEKUN_STORE, JIEKUN_DECISIONMODE, …)"
        var file: String?
        var remaining = arguments.dropFirst()[...]
        while let argument = remaining.popFirst() {
            if argument == "--config", let value = remaining.popFirst() {
                file = value
            } else if argument.hasPrefix("--config=") {
                file = String(argument.dropFirst("--config=".count))
            } else {
                let message = "unexpected argument \"\(argument.prefix(80))\"; \(usage)"
                throw AgencyConfigurationError(file: "(command line)", issues: [.init(keyPath: "", message: message)])
            }
        }
        guard let file, !file.isEmpty else {
            throw AgencyConfigurationError(
                file: "(command line)", issues: [.init(keyPath: "", message: "no configuration file; \(usage)")]
            )
        }
        return try load(file: file, environment: environment, options: options)
    }

    /// Sets the overridden values in the node tree.
    ///
    /// - Parameters:
    ///   - environment: The process's environment.
    ///   - root: The file's root node.
    ///   - warnings: Receives a warning per unknown `JIEKUN_` variable.
    /// - Returns: Key path → the variable that set it.
    private static func applyOverrides(
        _ environment: [String: String], to root: inout Node, warnings: inout [String]
    ) -> [String: String] {
        let known = Dictionary(uniqueKeysWithValues: overridableKeyPaths.map { (environmentVariable(for: $0), $0) })
        var applied: [String: String] = [:]
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix("JIEKUN_") {
            guard let keyPath = known[variable] else {
                warnings.append(
                    "\(variable) is not a configuration override and was ignored (known: "
                        + known.keys.sorted().joined(separator: ", ") + ")"
                )
                continue
            }
            guard case .mapping(var top) = root else { continue }
            let scalar = Node.scalar(Node.Scalar(value, .implicit, .plain))
            let parts = keyPath.split(separator: ".").map(String.init)
            if parts.count == 1 {
                top[parts[0]] = scalar
            } else {
                var inner: Node.Mapping
                if case .mapping(let existing) = top[parts[0]] { inner = existing } else { inner = Node.Mapping([]) }
                inner[parts[1]] = scalar
                top[parts[0]] = .mapping(inner)
            }
            root = .mapping(top)
            applied[keyPath] = variable
        }
        return applied
    }

    /// A YAML syntax error in one line, with its position.
    ///
    /// - Parameter error: Yams' error.
    /// - Returns: The description.
    private static func describe(yamlError error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}

/// Reads each section of the file into an ``AgencyConfiguration``, then checks what spans sections (keys against
/// endpoints, readers against peers, the secret key file).
private struct ConfigurationBuilder {
    let reader: ConfigurationReader
    let options: AgencyConfiguration.LoadOptions
    var warnings: [String]

    /// The agencies' names, for messages.
    static let agencyNames = Agency.allCases.map(\.rawValue)

    /// Builds the configuration, or returns `nil` when a required part is missing or invalid (reported).
    ///
    /// - Parameter root: The file's root node.
    /// - Returns: The configuration, meaningful only when the reader has no issue.
    func build(_ root: Node) -> AgencyConfiguration? {
        guard let entries = reader.mapping(root, .root, allowed: AgencyConfiguration.topLevelKeys) else { return nil }
        let values = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        let path = ConfigurationPath.root

        let agency = reader.choice(
            values["agency"], path.key("agency"), parent: root, what: "an agency", choices: Self.agencyNames,
            make: Agency.init(rawValue:)
        )
        let store = reader.filePath(values["store"], path.key("store"), parent: root, expected: "the SQLite file")
        let policy = reader.filePath(values["policy"], path.key("policy"), parent: root, expected: "the policy file")
        let insecure = values["insecure"].flatMap { reader.bool($0, path.key("insecure")) } ?? false
        let keyFiles = values["keys"].map { readKeys(node: $0) }
        let secretKeyFile = keyFiles?.secret
        let decisionMode = agency.flatMap { readDecisionMode(values["decisionMode"], agency: $0, parent: root) }
        let exitProcedure = values["exitProcedure"].flatMap { readExitProcedure($0, agency: agency, parent: root) }
        let logLevel =
            values["logLevel"].flatMap {
                reader.choice(
                    $0, path.key("logLevel"), parent: root, what: "a log level",
                    choices: Logger.Level.allCases.map(\.rawValue), make: Logger.Level.init(rawValue:)
                )
            } ?? .info
        let heartbeat = values["heartbeat"].map(readHeartbeat(node:)) ?? AgencyConfiguration.Heartbeat()
        let peers = values["peers"].map(readPeers(node:)) ?? AgencyConfiguration.Peers()
        let listen = readListen(values["listen"], parent: root)
        let upstream = values["upstream"].map { readUpstream(node: $0, agency: agency) } ?? []
        let helpers = values["helpers"].map { readHelpers(node: $0, agency: agency) } ?? [:]

        guard let agency, let store, let policy, let listen else { return nil }
        var configuration = AgencyConfiguration(
            file: reader.file, agency: agency, store: store, policy: policy, secretKeyFile: secretKeyFile,
            keyPair: nil, decisionMode: decisionMode, insecure: insecure, listen: listen, peers: peers,
            upstream: upstream, helpers: helpers, heartbeat: heartbeat, logLevel: logLevel, warnings: warnings
        )
        configuration.signingKeyFile = keyFiles?.signing
        configuration.exitProcedure = exitProcedure
        readSecretKey(into: &configuration)
        readSigningKey(into: &configuration)
        checkSecurity(of: &configuration, values: values)
        return configuration
    }

    // MARK: Sections

    /// `keys: {secret: PATH, signing: PATH}` (`signing` optional).
    private func readKeys(node: Node) -> (secret: String?, signing: String?) {
        let path = ConfigurationPath.root.key("keys")
        guard let entries = reader.mapping(node, path, allowed: ["secret", "signing"]) else { return (nil, nil) }
        let values = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        // `keys.secret` may be left out only with `signing` (a local stack without CURVE that signs its heads).
        let secret =
            values["secret"] == nil && values["signing"] != nil
            ? nil
            : reader.filePath(
                values["secret"], path.key("secret"), parent: node,
                expected: "the secret key file written by `jiekun keys generate`"
            )
        let signing = values["signing"].flatMap {
            reader.filePath(
                $0, path.key("signing"), parent: node,
                expected: "the signing key file (NAME.signing.key) written by `jiekun keys generate`")
        }
        return (secret, signing)
    }

    /// `decisionMode`: required for the five departments, refused for the others.
    private func readDecisionMode(
        _ node: Node?, agency: Agency, parent: Node
    ) -> AgencyConfiguration.DecisionMode? {
        let path = ConfigurationPath.root.key("decisionMode")
        guard agency.decidesMeasures else {
            if let node {
                reader.report(
                    path, "only the five departments decide measures; remove decisionMode for \(agency.rawValue)",
                    at: node
                )
            }
            return nil
        }
        let modes = AgencyConfiguration.DecisionMode.allCases.map(\.rawValue)
        return reader.choice(
            node, path, parent: parent, what: "a decision mode", choices: modes,
            make: AgencyConfiguration.DecisionMode.init(rawValue:)
        )
    }

    /// `exitProcedure`: the union's only (policy C.4), `auto` or `review`.
    private func readExitProcedure(
        _ node: Node, agency: Agency?, parent: Node
    ) -> AgencyConfiguration.DecisionMode? {
        let path = ConfigurationPath.root.key("exitProcedure")
        guard agency == .union else {
            reader.report(path, "only the union runs exit procedures; remove exitProcedure here", at: node)
            return nil
        }
        return reader.choice(
            node, path, parent: parent, what: "an exit procedure mode",
            choices: AgencyConfiguration.DecisionMode.allCases.map(\.rawValue),
            make: AgencyConfiguration.DecisionMode.init(rawValue:))
    }

    /// `heartbeat: {interval, timeout}`.
    private func readHeartbeat(node: Node) -> AgencyConfiguration.Heartbeat {
        let path = ConfigurationPath.root.key("heartbeat")
        var heartbeat = AgencyConfiguration.Heartbeat()
        guard let entries = reader.mapping(node, path, allowed: ["interval", "timeout"]) else { return heartbeat }
        let values = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        if let node = values["interval"], let interval = reader.duration(node, path.key("interval")) {
            heartbeat.interval = interval
        }
        if let node = values["timeout"], let timeout = reader.duration(node, path.key("timeout")) {
            heartbeat.timeout = timeout
        }
        if heartbeat.timeout <= heartbeat.interval {
            reader.report(
                path.key("timeout"), "must be longer than heartbeat.interval (\(heartbeat.interval))",
                at: values["timeout"] ?? node
            )
        }
        return heartbeat
    }

    /// `peers: {AGENCY: KEY, …, operators: {NAME: KEY}}`.
    private func readPeers(node: Node) -> AgencyConfiguration.Peers {
        let path = ConfigurationPath.root.key("peers")
        var peers = AgencyConfiguration.Peers()
        guard let entries = reader.mapping(node, path) else { return peers }
        for (key, value) in entries {
            if key == "signing" {
                guard let signing = reader.mapping(value, path.key(key)) else { continue }
                for (name, keyNode) in signing {
                    let agencyPath = path.key(key).key(name)
                    let expected =
                        "a public signing key (SUITE:BASE64, the .signing.pub file of `jiekun keys generate`)"
                    guard let agency = Agency(rawValue: name) else {
                        reader.report(
                            agencyPath, "not an agency (one of \(Self.agencyNames.joined(separator: ", ")))",
                            at: keyNode)
                        continue
                    }
                    guard let text = reader.text(keyNode, agencyPath, parent: nil, expected: expected) else { continue }
                    guard let publicKey = PublicSigningKey(text: text) else {
                        reader.report(agencyPath, "not \(expected)", at: keyNode)
                        continue
                    }
                    peers.signing[agency] = publicKey
                }
            } else if key == "operators" {
                guard let operators = reader.mapping(value, path.key(key)) else { continue }
                for (name, keyNode) in operators {
                    let namePath = path.key(key).key(name)
                    if let problem = Self.operatorNameProblem(name) {
                        reader.report(namePath, problem, at: keyNode)
                    } else if let publicKey = publicKey(keyNode, namePath) {
                        peers.operators[name] = publicKey
                    }
                }
            } else if let agency = Agency(rawValue: key) {
                if let publicKey = publicKey(value, path.key(key)) { peers.agencies[agency] = publicKey }
            } else {
                reader.report(
                    path.key(key),
                    "not an agency (one of \(Self.agencyNames.joined(separator: ", "))) nor `operators`",
                    at: value
                )
            }
        }
        // One key, one peer: the ZAP user id of a connection must name who holds the key.
        let all =
            peers.agencies.map { (key: $0.value, name: $0.key.rawValue, path: path.key($0.key.rawValue)) }
            + peers.operators.map { (key: $0.value, name: $0.key, path: path.key("operators").key($0.key)) }
        let sharing = Dictionary(grouping: all, by: \.key).values.filter { $0.count > 1 }
        for group in sharing {
            for entry in group.sorted(by: { $0.name < $1.name }) {
                let others = group.map(\.name).filter { $0 != entry.name }.sorted().joined(separator: ", ")
                reader.report(entry.path, "the same public key as \(others): each peer needs its own key pair", at: nil)
            }
        }
        return peers
    }

    /// Why an operator's name cannot be a ZAP user id, or `nil`.
    private static func operatorNameProblem(_ name: String) -> String? {
        if Agency(rawValue: name) != nil || name == "operators" {
            return "an operator cannot be named like an agency: requests would pass for that agency's"
        }
        let valid =
            (1...64).contains(name.utf8.count)
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
        return valid ? nil : "an operator's name is 1 to 64 lowercase letters, digits and '-', such as ops-kunming"
    }

    /// A public key: 40 Z85 characters. The value is never repeated in messages.
    private func publicKey(_ node: Node, _ path: ConfigurationPath) -> String? {
        let expected = "a CURVE public key (40 Z85 characters, the .pub file of `jiekun keys generate`)"
        guard let text = reader.text(node, path, parent: nil, expected: expected) else { return nil }
        guard CurveKeyPair.isZ85Key(text) else {
            reader.report(path, "not \(expected): \(text.utf8.count) characters", at: node)
            return nil
        }
        return text
    }

    /// `listen: {replay, requests, feeds}`.
    private func readListen(_ node: Node?, parent: Node) -> AgencyConfiguration.Listen? {
        let path = ConfigurationPath.root.key("listen")
        guard let node else {
            reader.report(path, "required: the endpoints this agency binds (requests, replay, feeds)", at: parent)
            return nil
        }
        guard let entries = reader.mapping(node, path, allowed: ["replay", "requests", "feeds", "http"]) else {
            return nil
        }
        let values = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        let requests = reader.endpoint(values["requests"], path.key("requests"), parent: node, binds: true)
        var feeds: [AgencyConfiguration.ListenFeed] = []
        if let feedsNode = values["feeds"], let entries = reader.mapping(feedsNode, path.key("feeds")) {
            for (name, value) in entries {
                if let feed = readFeed(name: name, node: value, path: path.key("feeds").key(name)) {
                    feeds.append(feed)
                }
            }
        }
        var replay: String?
        if values["replay"] != nil || !feeds.isEmpty {
            replay = reader.endpoint(values["replay"], path.key("replay"), parent: node, binds: true)
        }
        var http: HTTPAddress?
        if let httpNode = values["http"] {
            let expected = "an address: http://host:port"
            if let text = reader.text(httpNode, path.key("http"), parent: node, expected: expected) {
                do {
                    http = try HTTPAddress(text)
                } catch {
                    reader.report(
                        path.key("http"), "\"\(text.prefix(80))\" is not \(expected) (\(error))", at: httpNode)
                }
            }
        }
        guard let requests else { return nil }
        return AgencyConfiguration.Listen(replay: replay, requests: requests, feeds: feeds, http: http)
    }

    /// One entry of `listen.feeds`: an endpoint, or `{endpoint, readers}`.
    private func readFeed(name: String, node: Node, path: ConfigurationPath) -> AgencyConfiguration.ListenFeed? {
        let validName =
            (1...64).contains(name.utf8.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        guard validName else {
            reader.report(path, "a feed's name is 1 to 64 letters, digits, '.', '_' or '-'", at: node)
            return nil
        }
        guard case .mapping = node else {
            return reader.endpoint(node, path, parent: nil, binds: true).map {
                AgencyConfiguration.ListenFeed(name: name, endpoint: $0)
            }
        }
        guard let entries = reader.mapping(node, path, allowed: ["endpoint", "readers"]) else { return nil }
        let values = Dictionary(entries, uniquingKeysWith: { first, _ in first })
        let endpoint = reader.endpoint(values["endpoint"], path.key("endpoint"), parent: node, binds: true)
        var readers: [Agency]?
        if let readersNode = values["readers"], let list = reader.list(readersNode, path.key("readers")) {
            readers = list.enumerated().compactMap { index, element in
                reader.choice(
                    element, path.key("readers").index(index), parent: nil, what: "an agency",
                    choices: Self.agencyNames, make: Agency.init(rawValue:)
                )
            }
        }
        return endpoint.map { AgencyConfiguration.ListenFeed(name: name, endpoint: $0, readers: readers) }
    }

    /// `upstream: [{feed, publisher, endpoint, replay}]`.
    private func readUpstream(node: Node, agency: Agency?) -> [AgencyConfiguration.Upstream] {
        let path = ConfigurationPath.root.key("upstream")
        guard let list = reader.list(node, path) else { return [] }
        var upstreams: [AgencyConfiguration.Upstream] = []
        var feeds: Set<String> = []
        for (index, element) in list.enumerated() {
            let itemPath = path.index(index)
            let keys = ["feed", "publisher", "endpoint", "replay"]
            guard let entries = reader.mapping(element, itemPath, allowed: keys) else { continue }
            let values = Dictionary(entries, uniquingKeysWith: { first, _ in first })
            let feed = reader.text(values["feed"], itemPath.key("feed"), parent: element, expected: "the feed's name")
            let publisher = reader.choice(
                values["publisher"], itemPath.key("publisher"), parent: element, what: "an agency",
                choices: Self.agencyNames, make: Agency.init(rawValue:)
            )
            let endpoint = reader.endpoint(values["endpoint"], itemPath.key("endpoint"), parent: element, binds: false)
            let replay = reader.endpoint(values["replay"], itemPath.key("replay"), parent: element, binds: false)
            if let feed, !feeds.insert(feed).inserted {
                reader.report(itemPath.key("feed"), "feed \(feed) is consumed twice", at: values["feed"])
            }
            if let publisher, publisher == agency {
                reader.report(
                    itemPath.key("publisher"), "an agency does not consume its own feeds", at: values["publisher"]
                )
            }
            if let feed, let publisher, let endpoint, let replay {
                upstreams.append(.init(feed: feed, publisher: publisher, endpoint: endpoint, replay: replay))
            }
        }
        return upstreams
    }

    /// `helpers: {COUNTY: [NAME, …]}`, the union's only. Names are personal data: never in messages.
    private func readHelpers(node: Node, agency: Agency?) -> [String: [String]] {
        let path = ConfigurationPath.root.key("helpers")
        guard agency == nil || agency == .union else {
            reader.report(path, "only union-registry pairs helpers (一帮一); remove helpers", at: node)
            return [:]
        }
        guard let entries = reader.mapping(node, path) else { return [:] }
        var helpers: [String: [String]] = [:]
        for (county, value) in entries {
            let countyPath = path.key(county)
            guard county.count == 6, county.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                reader.report(countyPath, "a county is its 6-digit division code, such as 530102", at: value)
                continue
            }
            guard let list = reader.list(value, countyPath) else { continue }
            guard !list.isEmpty else {
                reader.report(countyPath, "list at least one helper, or remove the county", at: value)
                continue
            }
            helpers[county] = list.enumerated().compactMap { index, element in
                reader.text(element, countyPath.index(index), parent: nil, expected: "a helper's name")
            }
        }
        return helpers
    }

    // MARK: Across sections

    /// Reads `keys.secret` unless insecure or told not to, and checks it against `peers`.
    private func readSecretKey(into configuration: inout AgencyConfiguration) {
        let path = ConfigurationPath.root.key("keys").key("secret")
        guard let file = configuration.secretKeyFile else { return }
        if configuration.insecure {
            configuration.warnings.append(
                "keys.secret is not used: `insecure: true` runs every endpoint without CURVE"
            )
            return
        }
        guard options.readsSecretKey else { return }
        do {
            let pair = try SecretKeyFile.read(path: file)
            configuration.keyPair = pair
            let own = configuration.agency
            if let listed = configuration.peers.agencies[own], listed != pair.publicKey {
                let fingerprint = ZAPAuthenticator.fingerprint(ofPublicKey: pair.publicKey)
                reader.report(
                    ConfigurationPath.root.key("peers").key(own.rawValue),
                    "is not the public key of keys.secret (\(fingerprint))", at: nil
                )
            }
            for (name, key) in configuration.peers.agencies where key == pair.secretKey {
                reader.report(
                    ConfigurationPath.root.key("peers").key(name.rawValue),
                    "this is this agency's SECRET key: list public keys (.pub files) only, and make a new key pair",
                    at: nil
                )
            }
        } catch {
            reader.report(path, error.message, at: nil)
        }
    }

    /// Reads `keys.signing` unless told not to read key files, and checks it against `peers.signing`.
    private func readSigningKey(into configuration: inout AgencyConfiguration) {
        guard let file = configuration.signingKeyFile, options.readsSecretKey else { return }
        do {
            let key = try SecretKeyFile.readSigningKey(path: file)
            configuration.signingKey = key
            if let listed = configuration.peers.signing[configuration.agency], listed != key.publicKey {
                reader.report(
                    ConfigurationPath.root.key("peers").key("signing").key(configuration.agency.rawValue),
                    "is not the public key of keys.signing", at: nil)
            }
        } catch {
            reader.report(ConfigurationPath.root.key("keys").key("signing"), error.message, at: nil)
        }
    }

    /// Checks each endpoint with the security it will run with (``EndpointSecurity/validate(endpoint:insecure:)``),
    /// and that every reader and publisher has a key.
    private func checkSecurity(of configuration: inout AgencyConfiguration, values: [String: Node]) {
        let secure = !configuration.insecure && configuration.secretKeyFile != nil
        let root = ConfigurationPath.root
        let peersPath = root.key("peers")
        let listenPath = root.key("listen")
        // Readers and publishers need keys only when CURVE is on.
        if secure {
            for feed in configuration.listen.feeds {
                for (index, reader) in (feed.readers ?? []).enumerated()
                where configuration.peers.agencies[reader] == nil {
                    self.reader.report(
                        listenPath.key("feeds").key(feed.name).key("readers").index(index),
                        "\(reader.rawValue) has no public key under peers", at: nil
                    )
                }
            }
            for (index, upstream) in configuration.upstream.enumerated()
            where configuration.peers.agencies[upstream.publisher] == nil {
                reader.report(
                    root.key("upstream").index(index).key("publisher"),
                    "\(upstream.publisher.rawValue) has no public key under peers (its .pub file)", at: nil
                )
            }
        }
        var checks: [(ConfigurationPath, String, EndpointSecurity)] = []
        let plan = configuration.securityPlan(keyPair: configuration.keyPair ?? SecurityPlan.placeholderKeyPair)
        checks.append((listenPath.key("requests"), configuration.listen.requests, plan.requests))
        if let replay = configuration.listen.replay {
            checks.append((listenPath.key("replay"), replay, plan.replay))
        }
        for feed in configuration.listen.feeds {
            let feedPath = listenPath.key("feeds").key(feed.name)
            let endpointPath = feed.readers == nil ? feedPath : feedPath.key("endpoint")
            checks.append((endpointPath, feed.endpoint, plan.feeds[feed.name] ?? .plain))
        }
        for (index, upstream) in configuration.upstream.enumerated() {
            let itemPath = root.key("upstream").index(index)
            checks.append((itemPath.key("endpoint"), upstream.endpoint, plan.upstreams[upstream.feed] ?? .plain))
            checks.append((itemPath.key("replay"), upstream.replay, plan.upstreamReplays[upstream.feed] ?? .plain))
        }
        var bound: [String: String] = [:]
        for (path, endpoint, security) in checks {
            do {
                if let warning = try security.validate(endpoint: endpoint, insecure: configuration.insecure) {
                    configuration.warnings.append("\(path): \(warning)")
                }
            } catch let error as FabricSecurityError {
                reader.report(path, error.message, at: nil)
            } catch {
                reader.report(path, "\(error)", at: nil)
            }
            let binds = path.text.hasPrefix("listen")
            if binds, !endpoint.hasSuffix(":*") {
                if let other = bound[endpoint] {
                    reader.report(path, "\(endpoint) is also bound by \(other)", at: nil)
                } else {
                    bound[endpoint] = path.text
                }
            }
        }
        for (agency, key) in configuration.peers.agencies.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where AgencyConfiguration.exampleKeys.contains(key) {
            configuration.warnings.append(
                "\(peersPath.key(agency.rawValue)): an example key from deploy/agencies/ whose secret nobody has; "
                    + "replace it with \(agency.rawValue)'s own .pub file"
            )
        }
        if values["peers"] == nil, secure {
            configuration.warnings.append("peers: none listed, so every CURVE client will be refused")
        }
    }
}
