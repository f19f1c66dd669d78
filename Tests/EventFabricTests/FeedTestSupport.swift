import Dispatch
import EventFabric
import Foundation
import GRDB
import InMemoryLogging
import Logging
import Metrics
import Synchronization
import TestSupport
import Testing
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helpers of the feed tests: folders, events, waits on conditions, a publisher and a subscriber on loopback.
enum FeedTesting {
    /// The last lines of a probe's log (its stderr), for a failure message.
    static func tail(of log: URL, lines: Int = 5) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: " | ")
    }

    /// A new empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("jiekun-feeds-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// A logger that drops everything (tests that check logs use an `InMemoryLogHandler`).
    static let quietLogger = Logger(label: "jiekun.tests.feeds") { _ in SwiftLogNoOpLogHandler() }

    /// An event of type `test.counted` whose data carries `n` and padding up to about `size` bytes.
    static func event(_ number: Int, type: String = "test.counted", size: Int = 0) throws -> CloudEvent {
        let padding = String(repeating: "x", count: max(0, size - 200))
        return try CloudEvent(
            id: "evt-\(number)", source: "/jiekun/tests", type: type, subject: "file-\(number % 13)",
            time: "2024-03-01T08:00:00Z", effectiveDate: "2024-03-01",
            data: Array(#"{"n":\#(number),"pad":"\#(padding)"}"#.utf8))
    }

    /// Publishes `count` events numbered from `first` on a feed, in batches.
    static func publish(_ count: Int, from first: Int = 1, on feed: String, to store: EventStore, size: Int = 0)
        throws
    {
        var number = first
        while number < first + count {
            let batch = min(1_000, first + count - number)
            try store.publish((number..<number + batch).map { try event($0, size: size) }, on: feed)
            number += batch
        }
    }

}

/// A service's side of a test: a store on disk, a fabric context, and optionally a publisher and a subscriber.
final class FeedNode: Sendable {
    let folder: URL
    let store: EventStore
    let context: FabricContext

    /// Opens a store with a `test_applied(sequence, id)` table (no unique key, so double application shows).
    init(folder: URL, name: String, limits: FabricContext.SocketLimits = .init()) throws {
        self.folder = folder
        store = try EventStore(
            path: folder.appendingPathComponent("\(name).sqlite").path,
            migrations: { migrator in
                migrator.registerMigration("tests.v1") { db in
                    try db.execute(sql: "CREATE TABLE test_applied (sequence INTEGER NOT NULL, id TEXT NOT NULL)")
                }
            }, logger: FeedTesting.quietLogger)
        context = try FabricContext(limits: limits, logger: FeedTesting.quietLogger)
    }

    /// The handler recording each event in `test_applied`.
    static let recordingHandler: FeedSubscriber.Handler = { db, event in
        try db.execute(
            sql: "INSERT INTO test_applied (sequence, id) VALUES (?, ?)",
            arguments: [Int64(event.sequence ?? 0), event.id])
    }

    /// The sequences recorded by ``recordingHandler``, in application order.
    func appliedSequences() throws -> [Int64] {
        try store.writer.read { db in try Int64.fetchAll(db, sql: "SELECT sequence FROM test_applied ORDER BY rowid") }
    }

    /// Starts a publisher of the given feeds on loopback with a short heartbeat.
    func startPublisher(
        feeds: [String],
        heartbeat: Duration = .milliseconds(100),
        sendHighWaterMark: Int = 100_000,
        replayMaxBytes: Int = 4 << 20,
        maxQueuedBytes: Int = 32 << 20,
        authorize: @escaping FeedPublisher.Authorizer = FeedPublisher.readersAuthorizer,
        metrics: (any MetricsFactory)? = nil
    ) throws -> (FeedPublisher, FeedPublisher.Endpoints) {
        let publisher = FeedPublisher(
            store: store, context: context,
            configuration: .init(
                source: "/jiekun/tests", feeds: feeds.map { .init(name: $0, endpoint: "tcp://127.0.0.1:*") },
                replayEndpoint: "tcp://127.0.0.1:*", heartbeatInterval: heartbeat,
                sendHighWaterMark: sendHighWaterMark, replayMaxBytes: replayMaxBytes, maxQueuedBytes: maxQueuedBytes),
            authorize: authorize, logger: FeedTesting.quietLogger, metricsFactory: metrics)
        return (publisher, try publisher.start())
    }

    /// Starts a subscriber of one feed.
    func startSubscriber(
        feed: String,
        live: String,
        replay: String,
        configure: (inout FeedSubscriber.Configuration) -> Void = { _ in },
        logger: Logger = FeedTesting.quietLogger,
        metrics: (any MetricsFactory)? = nil,
        acceptedTypes: Set<String>? = nil,
        handler: @escaping FeedSubscriber.Handler = FeedNode.recordingHandler
    ) throws -> FeedSubscriber {
        var configuration = FeedSubscriber.Configuration(
            upstreams: [.init(feed: feed, endpoint: live, replayEndpoint: replay, acceptedTypes: acceptedTypes)],
            heartbeatTimeout: .seconds(2), replayTimeout: .seconds(2))
        configure(&configuration)
        let subscriber = FeedSubscriber(
            store: store, context: context, configuration: configuration, logger: logger, metricsFactory: metrics,
            handler: handler)
        try subscriber.start()
        return subscriber
    }

    /// Shuts the context down and checks that the threads end promptly.
    func stop(_ publisher: FeedPublisher? = nil, _ subscriber: FeedSubscriber? = nil) {
        context.shutdown()
        #expect(publisher?.join(timeout: .seconds(5)) ?? true, "the publisher's thread ends after shutdown")
        #expect(subscriber?.join(timeout: .seconds(5)) ?? true, "the subscriber's thread ends after shutdown")
        context.context.terminate()
    }
}

/// A metrics factory keeping counter and gauge values by label and dimensions.
final class FeedMetricsRecorder: MetricsFactory, Sendable {
    private let values = Mutex<[String: Int64]>([:])

    /// The key of a metric: `label[dimension=value,…]`.
    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        "\(label)\(dimensions.map { "\($0.0)=\($0.1)" })"
    }

    /// The value of a counter or gauge.
    func value(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        values.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    /// A counter or gauge handler writing into the recorder.
    final class Handle: CounterHandler, RecorderHandler, MeterHandler, TimerHandler, FloatingPointCounterHandler,
        Sendable
    {
        let key: String
        let recorder: FeedMetricsRecorder

        init(key: String, recorder: FeedMetricsRecorder) {
            self.key = key
            self.recorder = recorder
        }

        func increment(by amount: Int64) { recorder.values.withLock { $0[key, default: 0] += amount } }
        func increment(by amount: Double) { increment(by: Int64(amount)) }
        func reset() { recorder.values.withLock { $0[key] = 0 } }
        func record(_ value: Int64) { recorder.values.withLock { $0[key] = value } }
        func record(_ value: Double) { record(Int64(value)) }
        func set(_ value: Int64) { record(value) }
        func set(_ value: Double) { record(value) }
        func decrement(by amount: Double) { increment(by: -Int64(amount)) }
        func recordNanoseconds(_ duration: Int64) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handle(key: Self.key(label, dimensions), recorder: self)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        Handle(key: Self.key(label, dimensions), recorder: self)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handle(key: Self.key(label, dimensions), recorder: self)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        Handle(key: Self.key(label, dimensions), recorder: self)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handle(key: Self.key(label, dimensions), recorder: self)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// A `fabric-probe` process, with its stdout lines collected by a reader thread.
final class ProbeProcess: Sendable {
    /// The lines read, shared with the reader thread.
    private final class Lines: Sendable {
        let storage = Mutex<[String]>([])
    }

    private let process: Process
    private let lines = Lines()

    /// Starts `fabric-probe` with the given arguments; its stderr goes to `log`.
    init(_ arguments: [String], log: URL) throws {
        let executable = Fixtures.productsDirectory.appendingPathComponent("fabric-probe")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ProbeError("\(executable.path) is not built: run swift build --build-tests")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let logHandle = try FileHandle(forWritingTo: log)
        try logHandle.seekToEnd()
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? logHandle.close()
        self.process = process
        let lines = lines
        let handle = output.fileHandleForReading
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lines.storage.withLock { $0.append(line) }
                }
            }
        }
        reader.start()
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Every line printed so far.
    var output: [String] { lines.storage.withLock { $0 } }

    /// Waits for a line starting with `prefix` and returns the rest of it.
    func waitForLine(_ prefix: String, timeout: Duration = .seconds(20), where accept: (String) -> Bool = { _ in true })
        -> String?
    {
        var found: String?
        _ = waitUntil(timeout: timeout) {
            found = lines.storage.withLock { lines in
                lines.last { $0.hasPrefix(prefix) && accept(String($0.dropFirst(prefix.count))) }
            }.map { String($0.dropFirst(prefix.count)) }
            return found != nil || !process.isRunning
        }
        return found
    }

    /// The highest `APPLIED n` (or `PUBLISHED n`) printed so far.
    func latest(_ prefix: String) -> UInt64 {
        lines.storage.withLock { lines in
            lines.compactMap { $0.hasPrefix(prefix) ? UInt64($0.dropFirst(prefix.count)) : nil }.max() ?? 0
        }
    }

    /// Sends a signal.
    func send(_ signal: Int32) {
        _ = kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end, at most `timeout`.
    ///
    /// - Returns: Its exit status (or the signal that ended it), or `nil` if it is still running.
    func waitForExit(timeout: Duration = .seconds(10)) -> (status: Int32, reason: Process.TerminationReason)? {
        guard waitUntil(timeout: timeout, { !process.isRunning }) else { return nil }
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason)
    }

    /// Kills the process if it still runs (test clean-up).
    func killIfRunning() {
        if process.isRunning {
            send(SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A test set-up problem with a clear message.
struct ProbeError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
