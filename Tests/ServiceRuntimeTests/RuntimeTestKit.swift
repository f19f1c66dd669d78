import Foundation
import Logging
import ServiceLifecycle
import ServiceRuntime
import Synchronization
import TestSupport
import ZeroMQ

/// Helpers shared by the service runtime's tests.
enum RuntimeTestKit {
    /// `deploy/` of the package.
    static let deployFolder = Fixtures.packageRoot.appendingPathComponent("deploy")

    /// A fresh temporary folder, removed by the caller.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jiekun-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Writes a secret key file with the given mode, as `jiekun keys generate` does.
    static func writeSecretKey(_ pair: CurveKeyPair, to url: URL, mode: Int16 = 0o600) throws {
        guard
            FileManager.default.createFile(
                atPath: url.path, contents: Data((pair.secretKey + "\n").utf8),
                attributes: [.posixPermissions: mode])
        else { throw CocoaError(.fileWriteUnknown) }
        // createFile applies the umask: set the mode explicitly.
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    /// Runs `service` in a service group until its start yields on `ready`, then shuts the group down gracefully
    /// and waits for it to end, as SIGTERM would.
    static func runUntilReady(_ service: AgencyService, ready: AsyncStream<Void>, logger: Logger) async throws {
        let group = ServiceRunner.makeGroup(services: [service], logger: logger)
        let run = Task { try await group.run() }
        var iterator = ready.makeAsyncIterator()
        _ = await iterator.next()
        await group.triggerGracefulShutdown()
        try await run.value
    }
}

/// Collects the lines of a ``LogfmtLogHandler`` in memory.
final class LogCapture: Sendable {
    private let storage = Mutex<[String]>([])

    /// The lines written so far.
    var lines: [String] { storage.withLock { $0 } }

    /// Everything written so far.
    var text: String { lines.joined() }

    /// A logger writing here, as the service's would.
    func logger(agency: String = "housing", level: Logger.Level = .trace) -> Logger {
        Logger(label: "jiekun.\(agency)") { _ in
            LogfmtLogHandler(agency: agency, level: level) { line in self.append(line) }
        }
    }

    /// Appends a line.
    func append(_ line: String) {
        storage.withLock { $0.append(line) }
    }
}
