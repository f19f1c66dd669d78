import EventFabric
import Foundation
import Logging
import ServiceLifecycle
import ServiceRuntime
import Testing

@Suite("Logging: no personal data")
struct PersonalDataLoggingTests {
    @Test("Masking helpers", arguments: [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "*"), ("", "")])
    func maskedNames(name: String, masked: String) {
        #expect(Logger.MetadataValue.maskedName(name) == .string(masked))
    }

    @Test("Person metadata is masked; household and feed metadata are not personal")
    func metadata() {
        let person = Logger.Metadata.person(identityNumber: "530102197506121314", name: "张三")
        #expect(person["person.id"] == .string("530102********1314"))
        #expect(person["person.name"] == .string("张*"))
        #expect(Logger.Metadata.household(file: "KM-2017-0001") == ["household.file": "KM-2017-0001"])
    }

    @Test("A sample service start logs no identity number, no name, no key")
    func sampleStart() async throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = LogCapture()
        let logger = capture.logger(agency: "union-registry", level: .trace)
        // The local union's configuration: its helpers' names are personal data.
        let configuration = try AgencyConfiguration.load(
            file: RuntimeTestKit.deployFolder.appendingPathComponent("local/union-registry.yaml").path,
            environment: ["JIEKUN_STORE": folder.appendingPathComponent("union.sqlite").path])
        let names = configuration.helpers.values.flatMap { $0 }
        #expect(!names.isEmpty)
        logger.info("configuration loaded", metadata: ["configuration": "\(configuration)"])

        let fabric = try FabricContext(logger: logger)
        let store = try EventStore(
            path: configuration.store, migrations: { RequestServer.registerMigrations(&$0) }, logger: logger)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let service = AgencyService(fabric: fabric, logger: logger, warnings: configuration.warnings) {
            let server = try RequestServer(
                fabric: fabric, endpoint: "tcp://127.0.0.1:*", security: .plain, store: store.writer,
                options: .init(name: "intake", heartbeatInterval: nil), logger: logger,
                handler: StatusReport.handler(
                    agency: "union-registry", started: Date(), counters: Counters(), store: store, publishedFeeds: []))
            // What a service's handlers log about a household: masked metadata; a careless interpolation is
            // caught by the handler.
            var metadata = Logger.Metadata.household(file: "KM-2017-0001")
            metadata.merge(.person(identityNumber: "530102197506121314", name: "张三")) { $1 }
            logger.info("household registered", metadata: metadata)
            logger.debug("careless: 530102197702032423")
            readyContinuation.yield()
            return .init(
                components: [.init(name: "request server", component: server)],
                summary: ReadySummary(configuration: configuration, boundRequests: server.endpoint))
        }
        try await RuntimeTestKit.runUntilReady(service, ready: ready, logger: logger)

        let log = capture.text
        #expect(log.contains("jiekun union-registry ready: feeds households.hr-employment@tcp://127.0.0.1:7110"))
        #expect(log.contains(#"level=warning agency=union-registry msg="listen.requests: INSECURE: tcp://127.0.0.1"#))
        #expect(log.contains("person.id=530102********1314") && log.contains("530102********2423"))
        for secret in names + ["530102197506121314", "530102197702032423", "张三"] {
            #expect(!log.contains(secret), "the log holds \(secret)")
        }
    }
}
