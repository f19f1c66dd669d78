import Foundation

/// Runs a built executable of the package and collects what it printed.
public enum CommandRunner {
    /// What a finished process left.
    public struct Result: Sendable {
        /// The exit status (or the signal number when it was killed).
        public var status: Int32
        /// Standard output, bytes.
        public var output: Data
        /// Standard error, as text.
        public var error: String
        /// Standard output, as text.
        public var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// Why a command could not be run.
    public struct NotBuilt: Error, CustomStringConvertible {
        /// The missing executable.
        public var path: String
        public var description: String { "\(path) is not built: run `swift build` (make test builds every product)" }
    }

    /// Runs `product` (an executable of this package, e.g. `jiekun`) with `arguments` and waits for it.
    ///
    /// Standard error goes to a temporary file, so a process that writes much to both streams cannot block.
    /// - Throws: ``NotBuilt`` when the product is missing; errors of `Process.run()`.
    public static func run(
        _ product: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) throws -> Result {
        let executable = Fixtures.productsDirectory.appendingPathComponent(product)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw NotBuilt(path: executable.path)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: errorFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, output: outputData, error: errorText)
    }
}
