import Dispatch
import EventFabric
import Foundation
import InMemoryLogging
import Logging
import Metrics
import Synchronization
import Testing
import ZeroMQ

@Suite("Endpoint security")
struct SecurityTests {
    /// How a validation should end.
    enum Expected: Sendable, CustomStringConvertible {
        case accepted
        case warning(containing: String)
        case refused(code: String)

        var description: String {
            switch self {
            case .accepted: "accepted"
            case .warning(let text): "warning(\(text))"
            case .refused(let code): "refused(\(code))"
            }
        }
    }

    /// One row of the validation table.
    struct Case: Sendable, CustomStringConvertible {
        let endpoint: String
        let security: EndpointSecurity
        let insecure: Bool
        let expected: Expected

        var description: String { "\(endpoint) \(security.kind) insecure=\(insecure) → \(expected)" }
    }

    static let keys = try! CurveKeyPair.generate()
    static let server = EndpointSecurity.curveServer(keyPair: keys, domain: "intake", admitted: [keys.publicKey: "x"])
    static let client = EndpointSecurity.curveClient(keyPair: keys, serverPublicKey: keys.publicKey)

    static let cases: [Case] = [
        // DESIGN "Security": every TCP endpoint uses CURVE; plain TCP only with `insecure: true`, and then a warning.
        Case(
            endpoint: "tcp://0.0.0.0:7101", security: .plain, insecure: false,
            expected: .refused(code: "security.endpoint.plain_network")),
        Case(
            endpoint: "tcp://127.0.0.1:7101", security: .plain, insecure: true,
            expected: .warning(containing: "INSECURE")),
        Case(
            endpoint: "ws://127.0.0.1:7101", security: .plain, insecure: false,
            expected: .refused(code: "security.endpoint.plain_network")),
        Case(endpoint: "inproc://feeds", security: .plain, insecure: false, expected: .accepted),
        Case(endpoint: "ipc:///run/jiekun/intake", security: .plain, insecure: false, expected: .accepted),
        Case(endpoint: "tcp://0.0.0.0:7101", security: server, insecure: false, expected: .accepted),
        Case(endpoint: "tcp://union.example:7101", security: client, insecure: false, expected: .accepted),
        Case(endpoint: "tcp://0.0.0.0:7101", security: server, insecure: true, expected: .accepted),
        Case(
            endpoint: "inproc://feeds", security: server, insecure: false, expected: .warning(containing: "no effect")),
        Case(
            endpoint: "tcp://0.0.0.0:7101",
            security: .curveServer(keyPair: keys, domain: "intake", admitted: [:]), insecure: false,
            expected: .warning(containing: "every client will be refused")),
        Case(
            endpoint: "tcp://0.0.0.0:7101",
            security: .curveServer(keyPair: keys, domain: "", admitted: [keys.publicKey: "x"]), insecure: false,
            expected: .refused(code: "security.zap.invalid_domain")),
        Case(
            endpoint: "0.0.0.0:7101", security: server, insecure: false,
            expected: .refused(code: "security.endpoint.invalid")),
        Case(
            endpoint: "smtp://0.0.0.0:25", security: .plain, insecure: true,
            expected: .refused(code: "security.endpoint.invalid")),
        Case(
            endpoint: "tcp://", security: .plain, insecure: true, expected: .refused(code: "security.endpoint.invalid")),
    ]

    @Test("An endpoint and its security are validated before use", arguments: cases)
    func validation(_ row: Case) throws {
        switch row.expected {
        case .accepted:
            #expect(try row.security.validate(endpoint: row.endpoint, insecure: row.insecure) == nil)
        case .warning(let text):
            let warning = try #require(try row.security.validate(endpoint: row.endpoint, insecure: row.insecure))
            #expect(warning.contains(text))
            #expect(warning.contains(row.endpoint))
        case .refused(let code):
            #expect {
                try row.security.validate(endpoint: row.endpoint, insecure: row.insecure)
            } throws: { error in
                (error as? FabricSecurityError)?.code == code
            }
        }
    }

    @Test("Describing an endpoint's security never shows a secret key")
    func noSecretInDescriptions() throws {
        let keys = try CurveKeyPair.generate()
        let descriptions = [
            "\(EndpointSecurity.curveServer(keyPair: keys, domain: "d", admitted: [:]))",
            "\(EndpointSecurity.curveClient(keyPair: keys, serverPublicKey: keys.publicKey))",
            String(reflecting: EndpointSecurity.curveClient(keyPair: keys, serverPublicKey: keys.publicKey)),
        ]
        for description in descriptions {
            #expect(!description.contains(keys.secretKey))
        }
    }

    @Test("A fingerprint is the first 8 Z85 characters and an ellipsis")
    func fingerprint() throws {
        let key = try CurveKeyPair.generate().publicKey
        let fingerprint = ZAPAuthenticator.fingerprint(ofPublicKey: key)
        #expect(fingerprint == String(key.prefix(8)) + "…")
        #expect(!fingerprint.contains(key))
    }

    @Test("The fabric's sockets get its limits; a CURVE server gets its domain, enforcement and registration")
    func fabricSocketSettings() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        let keys = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let server = try fabric.socket(
            .router,
            security: .curveServer(keyPair: keys, domain: "settings", admitted: [client.publicKey: "housing"])
        )
        defer { server.close() }
        #expect(try server.linger == fabric.limits.linger)
        #expect(try server.maxMessageSize == fabric.limits.maxMessageSize)
        #expect(try server.curveServer)
        #expect(try server.zapDomain == "settings")
        #expect(fabric.authenticator.admitted(in: "settings") == [client.publicKey: "housing"])

        let dealer = try fabric.socket(
            .dealer, security: .curveClient(keyPair: client, serverPublicKey: keys.publicKey))
        defer { dealer.close() }
        #expect(try dealer.curveServerKey == keys.publicKey)
        #expect(try dealer.curvePublicKey == client.publicKey)
        #expect(try !dealer.curveServer)
    }

    @Test("Shutting the fabric down stops its ZAP thread; a new fabric gets a new handler")
    func shutdownStopsAuthenticator() throws {
        let fabric = try FabricTesting.fabric()
        #expect(fabric.authenticator.isRunning)
        fabric.shutdown()
        #expect(fabric.authenticator.waitUntilStopped(timeout: FabricTesting.generous))
        #expect(!fabric.authenticator.isRunning)
        fabric.shutdown()  // again: nothing happens

        let next = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(next) }
        #expect(next.authenticator.isRunning)
    }

    @Test("A second ZAP handler cannot bind the same context")
    func oneHandlerPerContext() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        #expect(throws: ZMQError.addressInUse) {
            _ = try ZAPAuthenticator(context: fabric.context, logger: Logger(label: "test"))
        }
    }
}

extension EndpointSecurity {
    /// The case's name, for test descriptions.
    fileprivate var kind: String {
        switch self {
        case .curveServer: "curveServer"
        case .curveClient: "curveClient"
        case .plain: "plain"
        }
    }
}

// MARK: - Test kit shared by the security and request/reply tests

/// Helpers of the fabric's security and request/reply tests (namespaced to stay clear of other test files).
enum FabricTesting {
    /// The bound on every wait that should succeed, generous for a loaded machine.
    static let generous: Duration = .seconds(10)

    /// A fabric context logging to `logs` and counting in `metrics`.
    ///
    /// - Parameters:
    ///   - logs: Captures the log entries, if given.
    ///   - metrics: Records the metrics, if given.
    /// - Returns: The fabric; shut it down with ``shutDown(_:)``.
    static func fabric(logs: InMemoryLogHandler? = nil, metrics: RecordingMetrics? = nil) throws -> FabricContext {
        try FabricContext(logger: logger(logs), metricsFactory: metrics)
    }

    /// Shuts a fabric down and waits for its ZAP thread to end.
    ///
    /// - Parameter fabric: The fabric.
    static func shutDown(_ fabric: FabricContext) {
        fabric.shutdown()
        _ = fabric.authenticator.waitUntilStopped(timeout: generous)
    }

    /// A logger writing to `capture` (or nowhere), at debug level.
    ///
    /// - Parameter capture: The capture.
    /// - Returns: The logger.
    static func logger(_ capture: InMemoryLogHandler?) -> Logger {
        capture?.logger ?? Logger(label: "jiekun.test") { _ in SwiftLogNoOpLogHandler() }
    }
}

/// A swift-metrics factory recording counter increments by label and dimensions.
final class RecordingMetrics: MetricsFactory, Sendable {
    /// Label and sorted dimensions → total.
    private let totals = Mutex<[String: Int64]>([:])

    /// The total of a counter.
    ///
    /// - Parameters:
    ///   - label: The counter's label.
    ///   - dimensions: Its dimensions.
    /// - Returns: The sum of its increments.
    func total(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        totals.withLock { $0[Self.key(label, dimensions), default: 0] }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }).joined(separator: "|")
    }

    private final class Recorder: CounterHandler, RecorderHandler, TimerHandler, Sendable {
        let key: String
        let owner: RecordingMetrics

        init(key: String, owner: RecordingMetrics) {
            self.key = key
            self.owner = owner
        }

        func increment(by amount: Int64) { owner.totals.withLock { $0[key, default: 0] += amount } }
        func reset() { owner.totals.withLock { $0[key] = 0 } }
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Recorder(key: Self.key(label, dimensions), owner: self)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Recorder(key: Self.key(label, dimensions), owner: self)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Recorder(key: Self.key(label, dimensions), owner: self)
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

/// Work on a `Thread` of its own (never the concurrency pool), whose result can be awaited with a bound.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` on a new thread.
    ///
    /// - Parameter body: The work.
    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let result = Result { try body() }
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the work to finish.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: The work's result, or `nil` if it did not finish in time.
    func wait(timeout: Duration = FabricTesting.generous) -> Result<Value, any Error>? {
        let milliseconds = Int(
            timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        done.signal()
        return outcome.withLock { $0 }
    }
}
