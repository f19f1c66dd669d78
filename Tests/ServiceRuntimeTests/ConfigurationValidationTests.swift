import Foundation
import ServiceRuntime
import Testing

@Suite("Agency configuration: validation")
struct ConfigurationValidationTests {
    /// Valid keys (from deploy/agencies): loaded without reading the secret key file.
    static let union = "emt14F83rpr8}$Do005!3Y]b]ZYs@2?VD-a)cI!y"
    static let civil = "*iET??H:DH(A&?G.6n[Wo!Sy#TvCtBJ98Sk&bnux"
    static let coordinator = "rwKijq?GniDO$Iprw3qr^$lH10bsC+h3V%NJw{2x"
    static let ops = "Aa36.355Nt(=?cm.mNOc!}xS+^:8/&BIXE6L]E}9"

    /// A valid configuration of housing; each case edits it.
    static let base = """
        agency: housing
        store: /var/lib/jiekun/housing.sqlite
        policy: /etc/jiekun/policy/yunnan.yaml
        keys:
          secret: /etc/jiekun/keys/housing.key
        decisionMode: review
        listen:
          replay: tcp://0.0.0.0:7500
          requests: tcp://0.0.0.0:7501
          feeds:
            outcomes.housing:
              endpoint: tcp://0.0.0.0:7510
              readers: [union-registry, civil-affairs, coordinator]
        peers:
          union-registry: '\(union)'
          civil-affairs: '\(civil)'
          coordinator: '\(coordinator)'
          operators:
            ops-kunming: '\(ops)'
        upstream:
          - feed: households.housing
            publisher: union-registry
            endpoint: tcp://union.jiekun.yn.gov.cn:7113
            replay: tcp://union.jiekun.yn.gov.cn:7100
          - feed: outcomes.civil-affairs
            publisher: civil-affairs
            endpoint: tcp://civil.jiekun.yn.gov.cn:7610
            replay: tcp://civil.jiekun.yn.gov.cn:7600
        heartbeat: {interval: 1s, timeout: 5s}
        logLevel: info
        """

    /// One refused edit and the key paths it must be reported at.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let edit: @Sendable (String) -> String
        let paths: [String]
        let message: String?

        init(_ name: String, paths: [String], message: String? = nil, edit: @escaping @Sendable (String) -> String) {
            self.name = name
            self.edit = edit
            self.paths = paths
            self.message = message
        }

        var testDescription: String { name }
    }

    static func replacing(_ old: String, _ new: String) -> @Sendable (String) -> String {
        { text in
            precondition(text.contains(old), "the base lacks \(old)")
            return text.replacingOccurrences(of: old, with: new)
        }
    }

    static let cases: [Case] = [
        Case("an unknown top-level key", paths: ["stroe"], message: "unknown key", edit: { $0 + "\nstroe: x.sqlite" }),
        Case("no agency", paths: ["agency"], message: "required", edit: replacing("agency: housing\n", "")),
        Case(
            "an agency that does not exist", paths: ["agency"], message: "not an agency",
            edit: replacing("agency: housing", "agency: tourism")),
        Case("no store", paths: ["store"], edit: replacing("store: /var/lib/jiekun/housing.sqlite\n", "")),
        Case(
            "a store that is a list", paths: ["store"], message: "expected the SQLite file, found a list",
            edit: replacing("store: /var/lib/jiekun/housing.sqlite", "store: [a, b]")),
        Case("no policy", paths: ["policy"], edit: replacing("policy: /etc/jiekun/policy/yunnan.yaml\n", "")),
        Case("insecure neither true nor false", paths: ["insecure"], edit: { $0 + "\ninsecure: maybe" }),
        Case("insecure as yes (ambiguous)", paths: ["insecure"], edit: { $0 + "\ninsecure: yes" }),
        Case(
            "a department without a decision mode", paths: ["decisionMode"],
            edit: replacing("decisionMode: review\n", "")),
        Case(
            "a decision mode that does not exist", paths: ["decisionMode"],
            edit: replacing("decisionMode: review", "decisionMode: sometimes")),
        Case(
            "a decision mode for the coordinator", paths: ["decisionMode"], message: "only the five departments",
            edit: replacing("agency: housing", "agency: coordinator")),
        Case("an unknown key under keys", paths: ["keys.public"], edit: replacing("keys:\n", "keys:\n  public: x\n")),
        Case(
            "no requests endpoint", paths: ["listen.requests"],
            edit: replacing("  requests: tcp://0.0.0.0:7501\n", "")),
        Case(
            "feeds without a replay endpoint", paths: ["listen.replay"],
            edit: replacing("  replay: tcp://0.0.0.0:7500\n", "")),
        Case(
            "an endpoint with another transport", paths: ["listen.requests"], message: "tcp, ipc or inproc",
            edit: replacing("requests: tcp://0.0.0.0:7501", "requests: udp://0.0.0.0:7501")),
        Case(
            "an endpoint without a port", paths: ["listen.replay"], message: "no :port",
            edit: replacing("replay: tcp://0.0.0.0:7500", "replay: tcp://0.0.0.0")),
        Case(
            "a port out of range", paths: ["listen.feeds[\"outcomes.housing\"].endpoint"],
            edit: replacing("endpoint: tcp://0.0.0.0:7510", "endpoint: tcp://0.0.0.0:75100")),
        Case(
            "an endpoint without ://", paths: ["upstream[1].replay"],
            edit: replacing("replay: tcp://civil.jiekun.yn.gov.cn:7600", "replay: tcp//civil.jiekun.yn.gov.cn:7600")),
        Case(
            "connecting to port *", paths: ["upstream[0].endpoint"],
            edit: replacing("endpoint: tcp://union.jiekun.yn.gov.cn:7113", "endpoint: tcp://union.jiekun.yn.gov.cn:*")),
        Case(
            "an endpoint bound twice", paths: ["listen.feeds[\"outcomes.housing\"].endpoint"], message: "also bound",
            edit: replacing("endpoint: tcp://0.0.0.0:7510", "endpoint: tcp://0.0.0.0:7500")),
        Case(
            "a feed that is a list", paths: ["listen.feeds[\"outcomes.housing\"]"],
            edit: replacing("    outcomes.housing:\n", "    outcomes.housing: [a]\n    ignored:\n")),
        Case(
            "an unknown key under a feed", paths: ["listen.feeds[\"outcomes.housing\"].topic"],
            edit: replacing("      readers:", "      topic: x\n      readers:")),
        Case(
            "a reader that is not an agency", paths: ["listen.feeds[\"outcomes.housing\"].readers[1]"],
            edit: replacing("[union-registry, civil-affairs, coordinator]", "[union-registry, tourism, coordinator]")),
        Case(
            "a reader without a key", paths: ["listen.feeds[\"outcomes.housing\"].readers[2]"],
            message: "no public key under peers",
            edit: replacing("  coordinator: '\(coordinator)'\n", "")),
        Case(
            "plain TCP without insecure",
            paths: [
                "listen.requests", "listen.replay", "listen.feeds[\"outcomes.housing\"].endpoint",
                "upstream[0].endpoint", "upstream[0].replay", "upstream[1].endpoint", "upstream[1].replay",
            ], message: "without CURVE", edit: replacing("keys:\n  secret: /etc/jiekun/keys/housing.key\n", "")),
        Case(
            "a peer key too short", paths: ["peers.union-registry"], message: "39 characters",
            edit: replacing("union-registry: '\(union)'", "union-registry: '\(union.dropLast())'")),
        Case(
            "a peer key that is not Z85", paths: ["peers.civil-affairs"], message: "40 Z85 characters",
            edit: replacing("civil-affairs: '\(civil)'", "civil-affairs: '\(civil.dropLast())~'")),
        Case(
            "a peer that is not an agency", paths: ["peers.tourism"],
            edit: replacing("peers:\n", "peers:\n  tourism: '\(ops)'\n")),
        Case(
            "an operator named like an agency", paths: ["peers.operators.housing"], message: "named like an agency",
            edit: replacing("    ops-kunming:", "    housing:")),
        Case(
            "an operator sharing an agency's key", paths: ["peers.operators.ops-kunming", "peers.union-registry"],
            message: "same public key",
            edit: replacing("ops-kunming: '\(ops)'", "ops-kunming: '\(union)'")),
        Case(
            "an upstream publisher without a key", paths: ["upstream[1].publisher"], message: "no public key",
            edit: replacing("  civil-affairs: '\(civil)'\n", "").self),
        Case(
            "an upstream without a replay endpoint", paths: ["upstream[0].replay"],
            edit: replacing("    replay: tcp://union.jiekun.yn.gov.cn:7100\n", "")),
        Case(
            "an unknown key in an upstream", paths: ["upstream[1].types"],
            edit: replacing("  - feed: outcomes.civil-affairs\n", "  - types: [x]\n    feed: outcomes.civil-affairs\n")),
        Case(
            "an upstream that is not a list", paths: ["upstream"],
            edit: { $0.replacingOccurrences(of: "upstream:\n", with: "upstream: none\nignored:\n") }),
        Case(
            "a feed consumed twice", paths: ["upstream[1].feed"],
            edit: replacing("feed: outcomes.civil-affairs", "feed: households.housing")),
        Case(
            "an agency consuming itself", paths: ["upstream[1].publisher"],
            edit: replacing("publisher: civil-affairs", "publisher: housing")),
        Case(
            "helpers outside the union", paths: ["helpers"], message: "only union-registry",
            edit: { $0 + "\nhelpers: {\"530102\": [someone]}" }),
        Case(
            "a heartbeat timeout shorter than the interval", paths: ["heartbeat.timeout"],
            edit: replacing("timeout: 5s", "timeout: 500ms")),
        Case(
            "a heartbeat that is not a duration", paths: ["heartbeat.interval"],
            edit: replacing("interval: 1s", "interval: fast")),
        Case(
            "an unknown log level", paths: ["logLevel"], edit: replacing("logLevel: info", "logLevel: loud")),
        Case("not YAML at all", paths: [""], message: "not valid YAML", edit: { $0 + "\n  - : [" }),
        Case("a key given twice", paths: [""], message: "not valid YAML", edit: { $0 + "\nlogLevel: debug" }),
        Case("a file that is a list", paths: [""], message: "expected a mapping", edit: { _ in "- agency: housing" }),
    ]

    @Test("The base configuration is valid")
    func baseLoads() throws {
        let configuration = try AgencyConfiguration.load(
            yaml: Self.base, file: "/etc/jiekun/housing.yaml", options: .init(readsSecretKey: false))
        #expect(configuration.decisionMode == .review)
        #expect(configuration.upstream.count == 2)
    }

    @Test("Each problem is reported at its key path", arguments: cases)
    func refused(_ testCase: Case) throws {
        let error = try #require(throws: AgencyConfigurationError.self) {
            try AgencyConfiguration.load(
                yaml: testCase.edit(Self.base), file: "/etc/jiekun/housing.yaml",
                options: .init(readsSecretKey: false))
        }
        #expect(error.file == "/etc/jiekun/housing.yaml")
        for path in testCase.paths {
            #expect(error.keyPaths.contains(path), "expected \(path) in \(error.keyPaths): \(error)")
        }
        if let message = testCase.message {
            #expect(error.issues.contains { $0.message.contains(message) }, "\(error)")
        }
        // Every line of the description says where the problem is.
        for line in "\(error)".split(separator: "\n").dropFirst() {
            #expect(line.hasPrefix("  /etc/jiekun/housing.yaml"), "\(line)")
        }
        // A public key is never repeated in messages.
        #expect(!"\(error)".contains(Self.union.dropLast()))
    }

    @Test("Problems are all reported at once, each with the file's line")
    func manyProblems() throws {
        let yaml = Self.base
            .replacingOccurrences(of: "decisionMode: review", with: "decisionMode: sometimes")
            .replacingOccurrences(of: "replay: tcp://civil.jiekun.yn.gov.cn:7600", with: "replay: civil:7600")
        let error = try #require(throws: AgencyConfigurationError.self) {
            try AgencyConfiguration.load(yaml: yaml, file: "housing.yaml", options: .init(readsSecretKey: false))
        }
        #expect(error.keyPaths == ["decisionMode", "upstream[1].replay"])
        #expect(error.issues.map(\.line) == [6, 28])
        #expect("\(error)".hasPrefix("configuration housing.yaml: 2 problems\n  housing.yaml:6: decisionMode: "))
    }

    @Test("A missing file is refused, naming it")
    func missingFile() throws {
        let error = try #require(throws: AgencyConfigurationError.self) {
            try AgencyConfiguration.load(file: "/nonexistent/housing.yaml", environment: [:])
        }
        #expect("\(error)".contains("/nonexistent/housing.yaml"))
    }
}
