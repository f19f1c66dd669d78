import Foundation
import TestSupport
import Testing

/// `jiekun demo` on a small caseload: the seven services as separate processes (CURVE on loopback, ports moved
/// by a free offset, ``LocalPorts/freeOffset()``), their report against the sequential run of the file.
@Suite("jiekun demo", .serialized)
struct DemoCommandTests {
    /// Runs the demo in a fresh folder, its ports moved by a free offset, and returns what it printed.
    static func demo(_ extra: [String]) throws -> CommandRunner.Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try CommandRunner.run(
            "jiekun",
            [
                "demo", "--households", "300", "--seed", "7", "--folder", folder.path, "--port-offset",
                "\(try LocalPorts.freeOffset())",
            ] + extra,
            currentDirectory: Fixtures.packageRoot)
    }

    @Test("Distributed equals sequential: the coordinator's report on 300 households equals ProgrammeRun's")
    func distributedEqualsSequential() throws {
        let result = try Self.demo([])
        #expect(result.status == 0, "\(result.text)\n\(result.error)")
        #expect(result.text.contains("Distributed vs sequential"), "\(result.text)")
        #expect(result.text.contains("): identical\n"), "\(result.text)")
        #expect(result.text.contains("3. Imported at the union registry"), "\(result.text)")
        #expect(
            result.text.contains("the import acts as union-registry-0001, the report as coordinator-0001"),
            "\(result.text)")
        #expect(result.text.contains("Refused rows: "), "\(result.text)")
        #expect(result.text.contains("every one exited with status 0"), "\(result.text)")
    }

    @Test("Housing killed with SIGKILL after the import and restarted on its store: the report is still identical")
    func housingCrashes() throws {
        let result = try Self.demo(["--crash", "housing", "--batch", "50"])
        #expect(result.status == 0, "\(result.text)\n\(result.error)")
        #expect(result.text.contains("housing killed (SIGKILL)"), "\(result.text)")
        #expect(result.text.contains("): identical\n"), "\(result.text)")
        #expect(result.text.contains("every one exited with status 0"), "\(result.text)")
    }
}
