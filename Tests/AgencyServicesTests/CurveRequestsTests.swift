import AgencyDesks
import AgencyServices
import EventFabric
import Foundation
import HouseholdDomain
import Logging
import ReliefProgramme
import ServiceLifecycle
import ServiceRuntime
import TestSupport
import Testing
import ZeroMQ

/// `jiekun status` and `jiekun report` over CURVE (`--server-key`, `--key`) against a coordinator built in process
/// whose request endpoint admits one operator's key only.
@Suite("jiekun over CURVE")
struct CurveRequestsTests {
    @Test("An admitted operator's key gets the report; another key, or none, is refused at once with what to do")
    func operatorKeys() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-curve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["coordinator", "ops", "intruder"] {
            let made = try CommandRunner.run("jiekun", ["keys", "generate", "--agency", name, "--output", folder.path])
            #expect(made.status == 0, "\(made.error)")
        }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let server = try SecretKeyFile.read(path: path("coordinator.key"))
        let operatorKey = try SecretKeyFile.read(path: path("ops.key"))

        var logger = Logger(label: "curve-requests-test")
        logger.logLevel = .critical
        let endpoint = "ipc://\(folder.path)/requests"
        let configuration = AgencyConfiguration(
            agency: .coordinator, store: path("coordinator.sqlite"),
            policy: Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path,
            secretKeyFile: path("coordinator.key"), keyPair: server,
            listen: .init(
                replay: "ipc://\(folder.path)/replay", requests: endpoint,
                feeds: [.init(name: "coordinator.exits", endpoint: "ipc://\(folder.path)/exits")]),
            peers: .init(agencies: [.coordinator: server.publicKey], operators: ["ops": operatorKey.publicKey]))
        let service = try AgencyAssembly.build(configuration: configuration, counters: Counters(), logger: logger)
        let group = ServiceRunner.makeGroup(services: [service], logger: logger)
        let run = Task { try await group.run() }

        let curve = ["--endpoint", endpoint, "--server-key=\(server.publicKey)"]
        let status = try CommandRunner.run("jiekun", ["status"] + curve + ["--key", path("ops.key")])
        #expect(status.status == 0 && status.text.hasPrefix("coordinator, started"), "\(status.error)")
        let report = try CommandRunner.run("jiekun", ["report", "--json"] + curve + ["--key", path("ops.key")])
        let decoded = try JSONDecoder().decode(ProvinceReport.self, from: report.output)
        #expect(decoded.province.filesOpened == 0)

        // Refused handshakes are reported at once, not after every attempt's timeout (3 × 20 s here).
        let refused = try CommandRunner.run(
            "jiekun", ["status", "--timeout", "20"] + curve + ["--key", path("intruder.key")])
        #expect(refused.status == 2 && refused.text.isEmpty)
        #expect(
            refused.error.contains("the service at \(endpoint) refused this client's public key (ZAP status 400)")
                && refused.error.contains("peers.operators"), "\(refused.error)")
        let publicFile = try CommandRunner.run("jiekun", ["status"] + curve + ["--key", path("ops.pub")])
        #expect(publicFile.status == 64 && publicFile.error.contains("is a public key file"), "\(publicFile.error)")
        let plain = try CommandRunner.run("jiekun", ["status", "--timeout", "20", "--endpoint", endpoint])
        #expect(plain.status == 2 && plain.text.isEmpty)
        #expect(
            plain.error.contains("the service at \(endpoint) uses another security mechanism than this client")
                && plain.error.contains("give --server-key"), "\(plain.error)")

        await group.triggerGracefulShutdown()
        try await run.value
    }
}
