import Foundation
import TestSupport
import Testing
import ZeroMQ

/// What a service executable says about itself before it runs (docs/OPERATIONS.md).
@Suite("Service executables")
struct ServiceExecutableTests {
    @Test("--help prints the usage, the environment overrides and the exit statuses, and exits 0")
    func help() throws {
        let result = try CommandRunner.run("housing", ["--help"])
        #expect(result.status == 0)
        #expect(result.text.hasPrefix("USAGE: housing --config FILE"))
        #expect(result.text.contains("JIEKUN_DECISIONMODE") && result.text.contains("78 the configuration was refused"))
    }

    @Test("an unknown argument is refused with the usage and status 78")
    func unknownArgument() throws {
        let result = try CommandRunner.run("coordinator", ["--confg", "x.yaml"])
        #expect(result.status == 78)
        #expect(
            result.error.contains("unexpected argument") && result.error.contains("usage: coordinator --config FILE"))
    }

    /// Housing's local configuration with its store in `folder`, its ports moved by a free offset
    /// (``LocalPorts/freeOffset()``), and its `outcomes.housing` feed on `feedEndpoint`.
    static func housingConfiguration(in folder: URL, feedEndpoint: String) throws -> URL {
        // The offset is a multiple of 1,000 and every port of deploy/local is 7xxx: its 7 becomes 7 + offset / 1,000.
        let thousands = 7 + (try LocalPorts.freeOffset()) / 1_000
        let moved = "tcp://127.0.0.1:\(thousands)"
        let local = Fixtures.packageRoot.appendingPathComponent("deploy/local/housing.yaml")
        var lines: [String] = []
        var inOutcomes = false
        for line in try String(contentsOf: local, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            if line.hasPrefix("store:") {
                lines.append("store: \(folder.appendingPathComponent("housing.sqlite").path)")
            } else if line.hasPrefix("policy:") {
                lines.append("policy: \(SevenServicesTests.policyPath)")
            } else if inOutcomes && line.contains("endpoint:") {
                lines.append("      endpoint: \(feedEndpoint)")
                inOutcomes = false
            } else {
                inOutcomes = inOutcomes || line.contains("outcomes.housing:")
                lines.append(
                    line.replacingOccurrences(of: "tcp://127.0.0.1:7", with: moved).replacingOccurrences(
                        of: "http://127.0.0.1:7", with: "http://127.0.0.1:\(thousands)"))
            }
        }
        let configuration = folder.appendingPathComponent("housing.yaml")
        try lines.joined(separator: "\n").write(to: configuration, atomically: true, encoding: .utf8)
        return configuration
    }

    /// Runs the housing executable with a configuration, expecting it to stop on its own within 30 s with status 1.
    ///
    /// - Parameters:
    ///   - configuration: Its configuration file.
    ///   - folder: Where its standard error is kept.
    /// - Returns: The lines of its standard error; `nil` when it was still running after 30 s (it is then stopped).
    static func runHousingToItsEnd(configuration: URL, in folder: URL) throws -> [String]? {
        let process = Process()
        process.executableURL = Fixtures.productsDirectory.appendingPathComponent("housing")
        process.arguments = ["--config", configuration.path]
        let errorLog = folder.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        #expect(process.terminationStatus == 1)
        return try String(contentsOf: errorLog, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("a port in use names the endpoint and its configuration key on standard error, and exits non-zero")
    func portInUse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-port-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Another process's socket holds the port of housing's outcomes feed.
        let context = try Context()
        let holder = try context.socket(.pull)
        try holder.setLinger(.zero)
        defer { holder.close() }
        let endpoint = try holder.bind("tcp://127.0.0.1:*")
        let configuration = try Self.housingConfiguration(in: folder, feedEndpoint: endpoint)

        guard let lines = try Self.runHousingToItsEnd(configuration: configuration, in: folder) else {
            Issue.record("housing kept running with its feed's port in use")
            return
        }
        // Not necessarily the last line: the fabric's threads may still log while the process ends.
        #expect(lines.contains("error: listen.feeds.outcomes.housing.endpoint: \(endpoint) is in use"), "\(lines)")
        #expect(
            lines.contains { $0.contains("jiekun failed to start") && $0.contains("listen.feeds.outcomes.housing") })
    }

    @Test("the workbench's port in use names listen.http on standard error, like a fabric endpoint, and exits 1")
    func httpPortInUse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = try Self.housingConfiguration(
            in: folder, feedEndpoint: "ipc://\(folder.path)/outcomes.housing")
        let text = try String(contentsOf: configuration, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("http: http://127.0.0.1:") })
        let address = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") })
        let port = try #require(UInt16(address.split(separator: ":").last ?? ""))
        // Another process's listening socket holds the workbench's port.
        let holder = try #require(LocalPorts.bindLoopback(port: port, reusingAddress: false))
        defer { close(holder.descriptor) }
        #expect(listen(holder.descriptor, 1) == 0)

        guard let lines = try Self.runHousingToItsEnd(configuration: configuration, in: folder) else {
            Issue.record("housing kept running with its workbench's port in use")
            return
        }
        #expect(lines.contains("error: listen.http: \(address) is in use"), "\(lines)")
        #expect(lines.contains { $0.contains("jiekun failed to start") && $0.contains("listen.http") })
    }
}
