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
    @Test(
        "An operator's key gets status, not the report; a staff member added with jiekun staff gets it until disabled; another key, or none, is refused at once with what to do"
    )
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
        // The report is a business operation: an operator's key is no staff member's.
        let notStaff = try CommandRunner.run("jiekun", ["report", "--json"] + curve + ["--key", path("ops.key")])
        #expect(notStaff.status != 0 && notStaff.text.isEmpty)
        #expect(
            notStaff.error.contains(
                "no enabled staff member has this key at coordinator: ask the agency's admin (jiekun staff add)"),
            "\(notStaff.error)")
        // An auditor added on the agency's host while the service runs (its store, through the configuration file)
        // gets it at once, with the key `jiekun staff add` made.
        let file = folder.appendingPathComponent("coordinator.yaml")
        try """
        agency: coordinator
        store: \(path("coordinator.sqlite"))
        policy: \(configuration.policy)
        insecure: true
        listen:
          replay: ipc://\(folder.path)/replay-file
          requests: ipc://\(folder.path)/requests-file
          feeds:
            coordinator.exits: ipc://\(folder.path)/exits-file
        """.write(to: file, atomically: true, encoding: .utf8)
        let added = try CommandRunner.run(
            "jiekun",
            [
                "staff", "add", "--config", file.path, "--name", "审计测试", "--role", "审计", "--area", "530000",
                "--key-output", folder.appendingPathComponent("staff").path, "--by", "test",
            ])
        #expect(added.status == 0, "\(added.error)")
        #expect(added.text.hasPrefix("已添加 coordinator-0001：审计员(auditor)"), "\(added.text)")
        let auditorKey = folder.appendingPathComponent("staff/coordinator-0001.key").path
        let report = try CommandRunner.run("jiekun", ["report", "--json"] + curve + ["--key", auditorKey])
        let decoded = try JSONDecoder().decode(ProvinceReport.self, from: report.output)
        #expect(decoded.province.filesOpened == 0)
        let disabled = try CommandRunner.run(
            "jiekun", ["staff", "disable", "--config", file.path, "coordinator-0001"])
        #expect(disabled.status == 0 && disabled.text.hasPrefix("已停用 coordinator-0001"))
        let afterwards = try CommandRunner.run(
            "jiekun", ["report", "--timeout", "20"] + curve + ["--key", auditorKey])
        #expect(afterwards.status == 2 && afterwards.error.contains("jiekun staff add"), "\(afterwards.error)")

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
