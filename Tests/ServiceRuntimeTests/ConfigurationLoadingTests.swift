import EventFabric
import Foundation
import HouseholdDomain
import ServiceRuntime
import TestSupport
import Testing
import Yams
import ZeroMQ

@Suite("Agency configuration: loading")
struct ConfigurationLoadingTests {
    static let agencies = Agency.allCases.map(\.rawValue)

    @Test("Every province example in deploy/agencies loads (key file not read)", arguments: agencies)
    func provinceExample(agency: String) throws {
        let file = RuntimeTestKit.deployFolder.appendingPathComponent("agencies/\(agency).yaml").path
        let configuration = try AgencyConfiguration.load(
            file: file, environment: [:], options: .init(readsSecretKey: false))
        #expect(configuration.agency.rawValue == agency)
        #expect(!configuration.insecure)
        #expect(configuration.secretKeyFile == "/etc/jiekun/keys/\(agency).key")
        #expect(configuration.store == "/var/lib/jiekun/\(agency).sqlite")
        #expect(configuration.keyPair == nil)
        #expect((configuration.decisionMode != nil) == !["union-registry", "coordinator"].contains(agency))
        #expect(!configuration.listen.feeds.isEmpty && !configuration.upstream.isEmpty)
        // Every reader and publisher has a key, and the example keys are flagged.
        for upstream in configuration.upstream { #expect(configuration.peers.agencies[upstream.publisher] != nil) }
        #expect(configuration.warnings.contains { $0.contains("an example key") })
        #expect(!configuration.warnings.contains { $0.contains("INSECURE") })
        #expect(configuration.helpers.isEmpty == (agency != "union-registry"))
    }

    @Test("Every local-stack example in deploy/local loads, insecure on 127.0.0.1", arguments: agencies)
    func localExample(agency: String) throws {
        let file = RuntimeTestKit.deployFolder.appendingPathComponent("local/\(agency).yaml").path
        let configuration = try AgencyConfiguration.load(file: file, environment: [:])
        #expect(configuration.insecure)
        #expect(configuration.policy == RuntimeTestKit.deployFolder.appendingPathComponent("policy/yunnan.yaml").path)
        #expect(configuration.store.hasSuffix("/.build/jiekun-local/\(agency).sqlite"))
        let endpoints =
            [configuration.listen.requests] + configuration.listen.feeds.map(\.endpoint)
            + configuration.upstream.flatMap { [$0.endpoint, $0.replay] }
        #expect(endpoints.allSatisfy { $0.hasPrefix("tcp://127.0.0.1:7") })
        #expect(configuration.warnings.contains { $0.contains("INSECURE") })
        let publisher = try #require(try configuration.feedPublisherConfiguration())
        #expect(publisher.feeds.allSatisfy { $0.security == .plain && $0.readers == nil })
    }

    @Test("The local and province examples publish the same feeds on the same ports", arguments: agencies)
    func examplesAgree(agency: String) throws {
        let province = try AgencyConfiguration.load(
            file: RuntimeTestKit.deployFolder.appendingPathComponent("agencies/\(agency).yaml").path,
            environment: [:], options: .init(readsSecretKey: false))
        let local = try AgencyConfiguration.load(
            file: RuntimeTestKit.deployFolder.appendingPathComponent("local/\(agency).yaml").path, environment: [:])
        func port(_ endpoint: String) -> Substring { endpoint.split(separator: ":").last ?? "" }
        #expect(province.listen.feeds.map(\.name) == local.listen.feeds.map(\.name))
        #expect(province.listen.feeds.map { port($0.endpoint) } == local.listen.feeds.map { port($0.endpoint) })
        #expect(province.upstream.map(\.feed) == local.upstream.map(\.feed))
    }

    @Test("Every consumed feed of the province is published by its publisher, on the port the consumer expects")
    func topologyIsConsistent() throws {
        let configurations = try Self.agencies.map {
            try AgencyConfiguration.load(
                file: RuntimeTestKit.deployFolder.appendingPathComponent("agencies/\($0).yaml").path,
                environment: [:], options: .init(readsSecretKey: false))
        }
        let byAgency = Dictionary(uniqueKeysWithValues: configurations.map { ($0.agency, $0) })
        for consumer in configurations {
            for upstream in consumer.upstream {
                let publisher = try #require(byAgency[upstream.publisher])
                let feed = try #require(publisher.listen.feeds.first { $0.name == upstream.feed })
                #expect(feed.endpoint.split(separator: ":").last == upstream.endpoint.split(separator: ":").last)
                #expect(publisher.readers(of: feed).contains(consumer.agency), "\(consumer.agency) reads \(feed.name)")
                #expect(publisher.peers.agencies[consumer.agency] != nil)
            }
        }
    }

    @Test("A secure configuration gives CURVE servers per endpoint and CURVE clients per upstream")
    func securityFromConfiguration() throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let own = try CurveKeyPair.generate()
        let union = try CurveKeyPair.generate()
        let civil = try CurveKeyPair.generate()
        let ops = try CurveKeyPair.generate()
        try RuntimeTestKit.writeSecretKey(own, to: folder.appendingPathComponent("housing.key"))
        let yaml = """
            agency: housing
            store: housing.sqlite
            policy: policy.yaml
            keys: {secret: housing.key}
            decisionMode: auto
            listen:
              replay: tcp://127.0.0.1:7500
              requests: tcp://127.0.0.1:7501
              feeds:
                outcomes.housing: {endpoint: "tcp://127.0.0.1:7510", readers: [union-registry]}
            peers:
              union-registry: '\(union.publicKey)'
              civil-affairs: '\(civil.publicKey)'
              housing: '\(own.publicKey)'
              operators: {ops-kunming: '\(ops.publicKey)'}
            upstream:
              - {feed: households.housing, publisher: union-registry, endpoint: "tcp://127.0.0.1:7113",
                 replay: "tcp://127.0.0.1:7100"}
            """
        let configuration = try AgencyConfiguration.load(
            yaml: yaml, file: folder.appendingPathComponent("housing.yaml").path)
        #expect(configuration.keyPair == own)
        #expect(configuration.store == folder.appendingPathComponent("housing.sqlite").standardizedFileURL.path)

        let publisher = try #require(try configuration.feedPublisherConfiguration())
        #expect(publisher.source == "/jiekun/housing")
        #expect(
            publisher.feeds.first?.security
                == .curveServer(
                    keyPair: own, domain: "housing.feed.outcomes.housing", admitted: [union.publicKey: "union-registry"]
                ))
        #expect(publisher.feeds.first?.readers == ["union-registry"])
        #expect(
            publisher.replaySecurity
                == .curveServer(keyPair: own, domain: "housing.replay", admitted: [union.publicKey: "union-registry"]))
        #expect(
            try configuration.requestSecurity()
                == .curveServer(
                    keyPair: own, domain: "housing.requests",
                    admitted: [
                        union.publicKey: "union-registry", civil.publicKey: "civil-affairs",
                        ops.publicKey: "ops-kunming",
                    ]
                ))
        let subscriber = try #require(try configuration.feedSubscriberConfiguration())
        #expect(subscriber.upstreams.first?.security == .curveClient(keyPair: own, serverPublicKey: union.publicKey))
        #expect(
            subscriber.upstreams.first?.replaySecurity == .curveClient(keyPair: own, serverPublicKey: union.publicKey))
        #expect(subscriber.upstreams.first?.name == "households.housing")
        #expect(subscriber.heartbeatTimeout == .seconds(5))
    }

    @Test("Security builders refuse to run when the key file was not read")
    func keyPairRequired() throws {
        let file = RuntimeTestKit.deployFolder.appendingPathComponent("agencies/housing.yaml").path
        let configuration = try AgencyConfiguration.load(
            file: file, environment: [:], options: .init(readsSecretKey: false))
        #expect(throws: AgencyConfigurationError.self) { try configuration.requestSecurity() }
    }

    @Test("The description names the agency and endpoints, never keys or helpers")
    func description() throws {
        let file = RuntimeTestKit.deployFolder.appendingPathComponent("agencies/union-registry.yaml").path
        let configuration = try AgencyConfiguration.load(
            file: file, environment: [:], options: .init(readsSecretKey: false))
        let text = "\(configuration)"
        #expect(text.contains("union-registry") && text.contains("tcp://0.0.0.0:7101"))
        #expect(!text.contains("示例帮扶人"))
        #expect(!configuration.peers.agencies.values.contains { text.contains($0) })
    }

    @Test("listen.http: the workbench's address, checked at load; https is refused naming the key")
    func workbenchAddress() throws {
        let file = RuntimeTestKit.deployFolder.appendingPathComponent("local/coordinator.yaml").path
        let configuration = try AgencyConfiguration.load(
            file: file, environment: [:], options: .init(readsSecretKey: false))
        #expect(configuration.listen.http == (try HTTPAddress("http://127.0.0.1:7750")))
        let overridden = try AgencyConfiguration.load(
            file: file, environment: ["JIEKUN_LISTEN_HTTP": "http://127.0.0.1:8750"],
            options: .init(readsSecretKey: false))
        #expect(overridden.listen.http?.port == 8750)
        let error = try #require(throws: AgencyConfigurationError.self) {
            try AgencyConfiguration.load(
                file: file, environment: ["JIEKUN_LISTEN_HTTP": "https://0.0.0.0:443"],
                options: .init(readsSecretKey: false))
        }
        #expect("\(error)".contains("listen.http"))
        #expect("\(error)".contains("reverse proxy"))
    }

    @Test("The ready line names the agency, its feeds, replay, requests and upstream")
    func readyLine() throws {
        let file = RuntimeTestKit.deployFolder.appendingPathComponent("agencies/housing.yaml").path
        let configuration = try AgencyConfiguration.load(
            file: file, environment: [:], options: .init(readsSecretKey: false))
        #expect(
            ReadySummary(configuration: configuration).line
                == "jiekun housing ready: feeds outcomes.housing@tcp://0.0.0.0:7510, "
                + "requests.housing@tcp://0.0.0.0:7511, replay tcp://0.0.0.0:7500, requests tcp://0.0.0.0:7501, "
                + "workbench http://127.0.0.1:7550; "
                + "upstream households.housing from union-registry, support.civil-affairs from civil-affairs")
    }
}

/// The AsyncAPI document, tested against `Feed.all` (ProgrammeEvents) by its own tests.
private let asyncAPIDocument = Fixtures.packageRoot.appendingPathComponent("docs/asyncapi.yaml")

/// The province examples against the AsyncAPI document (which is part of the repository: a missing document
/// fails the suite, it is not skipped).
@Suite("Agency configuration: examples against docs/asyncapi.yaml")
struct AsyncAPITopologyTests {
    static let document = asyncAPIDocument

    /// The document's text, or a failure saying where it was looked for.
    static func text() throws -> String {
        try #require(
            FileManager.default.fileExists(atPath: document.path),
            "the AsyncAPI document \(document.path) is missing: the topology cannot be checked against it")
        return try String(contentsOf: document, encoding: .utf8)
    }

    @Test("Each agency publishes and consumes exactly the feeds the AsyncAPI document gives it")
    func sameTopology() throws {
        let root = try #require(try Yams.compose(yaml: Self.text()))
        let operations = try #require(root["operations"]?.mapping)
        var sends: Set<String> = []
        var receives: Set<String> = []
        for (_, operation) in operations {
            let service = try #require(operation["x-service"]?.string)
            let reference = try #require(operation["channel"]?["$ref"]?.string)
            let channel = String(reference.dropFirst("#/channels/".count))
            switch operation["action"]?.string {
            case "send": sends.insert("\(service) \(channel)")
            case "receive": receives.insert("\(service) \(channel)")
            default: Issue.record("unknown action in \(reference)")
            }
        }
        var published: Set<String> = []
        var consumed: Set<String> = []
        var readers: Set<String> = []
        for agency in Agency.allCases {
            let configuration = try AgencyConfiguration.load(
                file: RuntimeTestKit.deployFolder.appendingPathComponent("agencies/\(agency.rawValue).yaml").path,
                environment: [:], options: .init(readsSecretKey: false))
            for feed in configuration.listen.feeds {
                published.insert("\(agency.rawValue) \(feed.name)")
                for reader in configuration.readers(of: feed) { readers.insert("\(reader.rawValue) \(feed.name)") }
            }
            for upstream in configuration.upstream { consumed.insert("\(agency.rawValue) \(upstream.feed)") }
        }
        #expect(published == sends)
        #expect(consumed == receives)
        #expect(readers == receives)
    }
}
