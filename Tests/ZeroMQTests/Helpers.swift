import Dispatch
import Foundation
import Synchronization
import TestSupport
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The bound on every wait that should succeed: generous, so that a loaded machine does not fail the tests.
let generousTimeout: Duration = .seconds(10)

extension Context {
    /// Creates a socket with linger 0, so that terminating the test's context never waits for pending messages.
    ///
    /// - Parameter type: The socket type.
    /// - Returns: The socket.
    func makeSocket(_ type: SocketType) throws -> Socket {
        let socket = try socket(type)
        try socket.setLinger(.zero)
        return socket
    }
}

extension Socket {
    /// Binds to a loopback port the system picks.
    ///
    /// - Returns: The bound endpoint, such as `tcp://127.0.0.1:40123`.
    func bindLoopback() throws -> String {
        try bind("tcp://127.0.0.1:*")
    }

    /// Receives a message within the generous timeout, as strings.
    ///
    /// - Returns: The frames decoded as UTF-8, or `nil` on timeout.
    func receiveStrings(timeout: Duration = generousTimeout) throws -> [String]? {
        try receive(timeout: timeout)?.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// A loopback TCP port held by a plain socket that is bound but not listening.
///
/// Connections to it are refused, so a ZeroMQ socket connecting there never gets a peer and keeps its messages
/// queued; and while it is held, no other test can bind the port.
final class RefusingPort {
    /// `tcp://127.0.0.1:<port>`.
    let endpoint: String

    /// The bound socket.
    private let descriptor: Int32

    /// Binds a plain TCP socket to a loopback port the system picks, without listening.
    init() throws {
        guard let bound = LocalPorts.bindLoopback(port: 0, reusingAddress: false) else {
            throw ZMQError(code: errno)
        }
        descriptor = bound.descriptor
        endpoint = "tcp://127.0.0.1:\(bound.port)"
    }

    deinit {
        close(descriptor)
    }
}

/// Publishes `probe` until `subscriber` receives something, bounded by `timeout` (the slow-joiner problem).
///
/// - Parameters:
///   - publisher: The PUB socket.
///   - subscriber: The SUB socket, subscribed to a prefix of `probe`.
///   - probe: The probe message.
///   - timeout: The bound on the whole wait.
/// - Returns: Whether the subscription took effect in time.
func awaitSubscription(publisher: Socket, subscriber: Socket, probe: [String], timeout: Duration) throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        try publisher.send(probe)
        if try subscriber.receive(timeout: .milliseconds(20)) != nil { return true }
    }
    return false
}

/// Work running on a `Thread` of its own, whose result can be awaited with a bound.
///
/// Blocking libzmq calls run there rather than on the Swift concurrency pool.
final class ThreadRun<Value: Sendable>: Sendable {
    /// The outcome, once the work is done.
    private let outcome = Mutex<Result<Value, any Error>?>(nil)

    /// Signalled when the work is done.
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
    func wait(timeout: Duration) -> Result<Value, any Error>? {
        let milliseconds = Int(timeout.components.seconds * 1000)
        guard done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        return outcome.withLock { $0 }
    }
}
