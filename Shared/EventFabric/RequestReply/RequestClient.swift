import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The client side of request/reply: sends a command or query to a ``RequestServer`` over a DEALER and waits for
/// its reply, retrying on timeout (the zguide's "Lazy Pirate").
///
/// Each request gets the next number of this client (from `firstRequestNumber`, increasing); see
/// ``RequestServer`` for the wire frames. When no reply arrives within ``Options/timeout``, the client closes its
/// DEALER (dropping the unsent request and any late reply with it), opens a new one and sends the *same* request
/// again — same client id, same number — up to ``Options/retries`` times, then throws ``RequestTimeoutError``.
/// The server recognises the retry and answers it from its store, so the operation runs once however many
/// attempts it took. A reply whose client id or number does not match the request in flight is discarded.
///
/// A security handshake the server refuses is not retried: a different mechanism (a plain client against a CURVE
/// server, or the reverse) or a key the server does not admit throws ``RequestHandshakeError`` as soon as libzmq
/// reports it (a monitor on the DEALER), instead of after every attempt's timeout.
///
/// ## Threads
/// ``request(_:body:)-(String,[UInt8])`` blocks the calling thread: call it from a thread you own (a command-line
/// tool's main thread, a service's worker thread). From async code, call the `async` overload, which runs the
/// blocking call on a dedicated `Thread` and never blocks the Swift concurrency pool; in an async context the
/// compiler picks that overload. Calls on one client are serialised (one request in flight at a time, as Lazy
/// Pirate requires); use several clients for parallel requests.
///
/// ## Client ids
/// The default client id (``makeClientID(prefix:)``) is random, so numbers may start at 1 each time the process
/// starts. A client that keeps a stable id across restarts must also continue its numbering
/// (`firstRequestNumber`), or the server answers its new requests with old stored replies (it refuses a number
/// reused for a different operation, but cannot tell two requests of the same operation apart).
public final class RequestClient: Sendable {
    /// The client's settings.
    public struct Options: Sendable, Hashable {
        /// How long to wait for a reply before retrying.
        public var timeout: Duration
        /// How many times to resend a request after the first attempt timed out.
        public var retries: Int
        /// `ZMQ_MAXMSGSIZE`, bytes: the largest reply accepted (query results may be large).
        public var maxMessageSize: Int64
        /// `ZMQ_SNDHWM` and `ZMQ_RCVHWM` of the DEALER: one request is in flight, so a few suffice.
        public var highWaterMark: Int
        /// Whether to resend after an attempt during which nothing accepted a connection. A program that waits for
        /// a service to come up says yes; an operator's command says no: after a whole timeout without a
        /// connection, the endpoint is wrong or the service is down, and more attempts only delay saying so.
        public var retriesUnconnected: Bool

        /// Creates options.
        ///
        /// - Parameters:
        ///   - timeout: The wait for each attempt's reply (2.5 s).
        ///   - retries: The resends after a timeout (3, so 4 attempts in all).
        ///   - maxMessageSize: The largest reply accepted, bytes (16 MiB).
        ///   - highWaterMark: The DEALER's queue limits (10).
        ///   - retriesUnconnected: Whether to resend after an attempt without any connection (yes).
        public init(
            timeout: Duration = .milliseconds(2500),
            retries: Int = 3,
            maxMessageSize: Int64 = 16 << 20,
            highWaterMark: Int = 10,
            retriesUnconnected: Bool = true
        ) {
            self.timeout = timeout
            self.retries = retries
            self.maxMessageSize = maxMessageSize
            self.highWaterMark = highWaterMark
            self.retriesUnconnected = retriesUnconnected
        }
    }

    /// The client's stable id, sent with every request.
    public let clientID: String

    /// The server's endpoint.
    public let endpoint: String

    /// The settings.
    public let options: Options

    /// The fabric context the DEALER is made in.
    private let fabric: FabricContext

    /// The DEALER's security, usually ``EndpointSecurity/curveClient(keyPair:serverPublicKey:)``.
    private let security: EndpointSecurity

    /// For retries and discarded replies.
    private let logger: Logger

    /// The DEALER (opened on first use, reopened after a timeout) and the next request number; the lock
    /// serialises requests and hands the socket from one calling thread to the next.
    private let state: Mutex<State>

    /// The client's mutable state.
    private struct State {
        /// The DEALER and the monitor of its connections and handshakes, or `nil` until the next request opens
        /// them.
        var socket: (dealer: Socket, monitor: Monitor)?
        /// The number of the next request.
        var nextNumber: UInt64
        /// Handshakes that failed without detail (such as a connection closed during it) since the request began.
        var failedHandshakes = 0
        /// Such failures since the last handshake that succeeded.
        var failedInARow = 0
        /// Whether a connection to the server was made since the request began.
        var connected = false

        /// Closes the DEALER and its monitor, if open.
        mutating func closeSocket() {
            socket?.dealer.close()
            socket?.monitor.close()
            socket = nil
        }
    }

    /// Creates a client; the DEALER connects on the first request.
    ///
    /// - Parameters:
    ///   - fabric: The process's fabric context.
    ///   - endpoint: The server's endpoint, such as `tcp://union.example:7101`.
    ///   - security: Usually ``EndpointSecurity/curveClient(keyPair:serverPublicKey:)``.
    ///   - clientID: The client's id, 1 to 128 bytes; random by default.
    ///   - firstRequestNumber: The number of the first request, from 1 (see "Client ids").
    ///   - options: Timeout, retries, limits.
    ///   - logger: For retries and discarded replies.
    /// - Throws: ``RequestClientError/invalidClientID`` for an empty or too long id or a number out of range.
    public init(
        fabric: FabricContext,
        endpoint: String,
        security: EndpointSecurity,
        clientID: String = RequestClient.makeClientID(),
        firstRequestNumber: UInt64 = 1,
        options: Options = Options(),
        logger: Logger
    ) throws {
        guard (1...RequestWire.maxClientIDLength).contains(clientID.utf8.count),
            (1...UInt64(Int64.max)).contains(firstRequestNumber)
        else {
            throw RequestClientError.invalidClientID
        }
        self.fabric = fabric
        self.endpoint = endpoint
        self.security = security
        self.clientID = clientID
        self.options = options
        self.logger = logger
        self.state = Mutex(State(nextNumber: firstRequestNumber))
    }

    /// A new random client id: `<prefix>-` and 12 hexadecimal digits, such as `jiekun-cli-3f2a9c0d41b7`.
    ///
    /// - Parameter prefix: Names the kind of client in the server's logs.
    /// - Returns: The id.
    public static func makeClientID(prefix: String = "jiekun-cli") -> String {
        let random = UInt64.random(in: 0..<(1 << 48))
        let hex = String(random, radix: 16)
        return "\(prefix)-\(String(repeating: "0", count: 12 - hex.count))\(hex)"
    }

    /// The number the next request will carry.
    public var nextRequestNumber: UInt64 {
        state.withLock { $0.nextNumber }
    }

    /// Sends a request and waits for its reply, retrying on timeout; blocks the calling thread.
    ///
    /// - Parameters:
    ///   - operation: The operation's name, 1 to 64 bytes, such as `household.register`.
    ///   - body: The operation's argument, JSON in practice.
    /// - Returns: The server's reply; check its ``ServiceReply/status``.
    /// - Throws: ``RequestTimeoutError`` when no attempt got a reply, ``RequestHandshakeError`` when the server
    ///   refuses the security handshake, ``RequestClientError/invalidOperation``, ``ZeroMQ/ZMQError`` (such as
    ///   ``ZeroMQ/ZMQError/contextTerminated`` once the fabric is shut down).
    public func request(_ operation: String, body: [UInt8]) throws -> ServiceReply {
        try perform(operation, body: body, isCancelled: { false })
    }

    /// Sends a request and waits for its reply, retrying on timeout, on a dedicated thread.
    ///
    /// The blocking work runs on a new `Thread`, not on the Swift concurrency pool. Cancelling the task abandons
    /// the request within about 50 ms (the server may still execute it).
    ///
    /// - Parameters:
    ///   - operation: The operation's name.
    ///   - body: The operation's argument.
    /// - Returns: The server's reply.
    /// - Throws: As the blocking overload, and `CancellationError` when the task is cancelled.
    public func request(_ operation: String, body: [UInt8]) async throws -> ServiceReply {
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ServiceReply, any Error>) in
                let thread = Thread { [self, cancelled] in
                    continuation.resume(
                        with: Result {
                            try perform(operation, body: body, isCancelled: { cancelled.isSet })
                        }
                    )
                }
                thread.name = "jiekun-request-client"
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// Closes the DEALER; the next request opens a new one.
    public func close() {
        state.withLock { $0.closeSocket() }
    }

    // MARK: Lazy Pirate

    /// The Lazy Pirate loop, holding the lock for the whole request.
    ///
    /// - Parameters:
    ///   - operation: The operation's name.
    ///   - body: The argument.
    ///   - isCancelled: Polled while waiting for a reply.
    /// - Returns: The reply.
    /// - Throws: As ``request(_:body:)-(String,[UInt8])``, or `CancellationError`.
    private func perform(
        _ operation: String,
        body: [UInt8],
        isCancelled: () -> Bool
    ) throws -> ServiceReply {
        guard (1...RequestWire.maxOperationLength).contains(operation.utf8.count) else {
            throw RequestClientError.invalidOperation
        }
        return try state.withLock { state in
            let number = state.nextNumber
            state.nextNumber += 1
            let request = ServiceRequest(clientID: clientID, number: number, operation: operation, body: body)
            let frames = RequestWire.frames(of: request)
            let attempts = max(0, options.retries) + 1
            state.failedHandshakes = 0
            state.failedInARow = 0
            state.connected = false
            var made = 0
            for attempt in 1...attempts {
                made = attempt
                let reply: ServiceReply?
                do {
                    reply = try attemptRequest(frames, number: number, state: &state, isCancelled: isCancelled)
                } catch {
                    // Cancelled, refused or the context shut down: never leave a socket behind holding a request.
                    state.closeSocket()
                    throw error
                }
                if let reply { return reply }
                // No reply in time: drop the socket (and whatever it still holds), as the zguide does.
                state.closeSocket()
                let retrying = attempt < attempts && (state.connected || options.retriesUnconnected)
                logger.info(
                    retrying ? "No reply in time; retrying" : "No reply in time; giving up",
                    metadata: [
                        "request.client": "\(clientID)", "request.number": "\(number)",
                        "request.operation": "\(operation)", "request.attempt": "\(attempt)",
                    ]
                )
                if !retrying { break }
            }
            throw RequestTimeoutError(
                endpoint: endpoint, operation: operation, requestNumber: number, attempts: made,
                timeout: options.timeout, failedHandshakes: state.failedHandshakes, connected: state.connected
            )
        }
    }

    /// One attempt: sends the request on the (possibly new) DEALER and waits up to the timeout for its reply.
    ///
    /// - Parameters:
    ///   - frames: The request's frames.
    ///   - number: The request's number, to match the reply.
    ///   - state: The client's state: its DEALER and monitor are opened here if there are none.
    ///   - isCancelled: Polled while waiting.
    /// - Returns: The reply, or `nil` on timeout.
    /// - Throws: ``ZeroMQ/ZMQError``, ``RequestHandshakeError``, `CancellationError`.
    private func attemptRequest(
        _ frames: [[UInt8]],
        number: UInt64,
        state: inout State,
        isCancelled: () -> Bool
    ) throws -> ServiceReply? {
        let (dealer, monitor) = try state.socket ?? openSocket()
        state.socket = (dealer, monitor)
        let deadline = ContinuousClock.now + options.timeout
        do {
            try dealer.send(frames)  // bounded by ZMQ_SNDTIMEO = the timeout
        } catch ZMQError.wouldBlock {
            return nil
        }
        while true {
            if isCancelled() { throw CancellationError() }
            let remaining = deadline - .now
            guard remaining > .zero else { return nil }
            guard let received = try dealer.receive(timeout: min(remaining, .milliseconds(50))) else {
                try checkHandshakes(monitor, state: &state)
                continue
            }
            guard let decoded = try? RequestWire.reply(from: received), decoded.clientID == clientID,
                decoded.number == number
            else {
                logger.debug(
                    "Discarded a reply that does not match the request in flight",
                    metadata: ["request.client": "\(clientID)", "request.number": "\(number)"]
                )
                continue
            }
            return decoded.reply
        }
    }

    /// Reads the handshake events the monitor has queued.
    ///
    /// - Parameters:
    ///   - monitor: The DEALER's monitor.
    ///   - state: Counts the handshakes that failed without detail (they may be passing: the server restarting).
    /// - Throws: ``RequestHandshakeError`` when the server refused the handshake for good: another mechanism, a
    ///   key it does not admit, another protocol error, or ``RequestHandshakeError/closedInARow`` handshakes
    ///   closed without detail and none succeeding (what a wrong server key looks like from the client).
    private func checkHandshakes(_ monitor: Monitor, state: inout State) throws {
        while let event = try monitor.receive(timeout: .zero) {
            switch event.kind {
            case .connected:
                state.connected = true
            case .handshakeSucceeded:
                state.failedInARow = 0
            case .handshakeFailedProtocol(let error):
                throw RequestHandshakeError(
                    endpoint: endpoint,
                    reason: error == .zmtpMechanismMismatch ? .mechanismMismatch : .protocolError("\(error)"))
            case .handshakeFailedAuth(let statusCode):
                throw RequestHandshakeError(endpoint: endpoint, reason: .refused(statusCode: statusCode))
            case .handshakeFailedNoDetail:
                state.failedHandshakes += 1
                state.failedInARow += 1
                // One such failure happens when a server restarts; several in a row, never one succeeding, do not.
                if state.failedInARow >= RequestHandshakeError.closedInARow {
                    // A plain client's handshakes are closed so when the server wants CURVE and sees the
                    // mismatch first.
                    guard case .plain = security else {
                        throw RequestHandshakeError(
                            endpoint: endpoint, reason: .closed(handshakes: state.failedInARow))
                    }
                    throw RequestHandshakeError(endpoint: endpoint, reason: .mechanismMismatch)
                }
            default:
                continue
            }
        }
    }

    /// Opens a new DEALER with a monitor of its handshakes, and connects it.
    ///
    /// - Returns: The socket and its monitor.
    /// - Throws: ``ZeroMQ/ZMQError``, ``FabricSecurityError``.
    private func openSocket() throws -> (dealer: Socket, monitor: Monitor) {
        let socket = try fabric.socket(.dealer, security: security)
        var monitor: Monitor?
        do {
            try socket.setLinger(.zero)
            try socket.setMaxMessageSize(options.maxMessageSize)
            try socket.setSendHighWaterMark(options.highWaterMark)
            try socket.setReceiveHighWaterMark(options.highWaterMark)
            try socket.setSendTimeout(options.timeout)
            // Before connecting, so that no handshake goes unreported.
            let opened = try socket.monitor(events: [.handshakeFailed, .handshakeSucceeded, .connected])
            monitor = opened
            try socket.connect(endpoint)
            return (socket, opened)
        } catch {
            monitor?.close()
            socket.close()
            throw error
        }
    }
}

/// The server refused a request's security handshake: retrying cannot help until a configuration changes.
public struct RequestHandshakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the handshake failed.
    public enum Reason: Hashable, Sendable {
        /// The server uses another security mechanism: plain against CURVE, or CURVE against plain.
        case mechanismMismatch
        /// The server's ZAP handler refused this client's public key with this status code (such as 400).
        case refused(statusCode: Int)
        /// Another ZMTP protocol error, described.
        case protocolError(String)
        /// The server closed this many handshakes in a row without saying why, none succeeding: the server's
        /// public key given is not this endpoint's (the server cannot open the client's greeting), or the
        /// endpoint is not one this client may use.
        case closed(handshakes: Int)
    }

    /// How many handshakes closed in a row, none succeeding, end a request: 5 (a restarting server closes one).
    public static let closedInARow = 5

    /// The server's endpoint.
    public let endpoint: String
    /// Why the handshake failed.
    public let reason: Reason

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - endpoint: The server's endpoint.
    ///   - reason: Why the handshake failed.
    public init(endpoint: String, reason: Reason) {
        self.endpoint = endpoint
        self.reason = reason
    }

    /// Such as `the service at tcp://127.0.0.1:7101 refused this client's public key (ZAP status 400): …`.
    public var description: String {
        switch reason {
        case .mechanismMismatch:
            "the service at \(endpoint) uses another security mechanism than this client: a CURVE service needs "
                + "the service's public key and a client key pair, a plain one neither"
        case .refused(let statusCode):
            "the service at \(endpoint) refused this client's public key (ZAP status \(statusCode)): the key is not "
                + "among those its configuration admits"
        case .protocolError(let description):
            "the security handshake with the service at \(endpoint) failed: \(description)"
        case .closed(let handshakes):
            "the service at \(endpoint) closed \(handshakes) security handshakes in a row: the server public key "
                + "given is most likely not this service's, or this is not its request endpoint"
        }
    }
}

/// A flag a task's cancellation handler sets and a blocking thread polls.
private final class CancellationFlag: Sendable {
    /// Whether the task was cancelled.
    private let flag = Atomic<Bool>(false)

    /// Whether the task was cancelled.
    var isSet: Bool { flag.load(ordering: .relaxed) }

    /// Marks the task cancelled.
    func set() { flag.store(true, ordering: .relaxed) }
}

/// No reply arrived for a request after every attempt.
public struct RequestTimeoutError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The server's endpoint.
    public let endpoint: String
    /// The operation requested.
    public let operation: String
    /// The request's number (a later retry by hand may reuse it to get the stored reply).
    public let requestNumber: UInt64
    /// The attempts made.
    public let attempts: Int
    /// The wait for each attempt.
    public let timeout: Duration
    /// How many security handshakes failed without detail meanwhile (the connection closed during them).
    public let failedHandshakes: Int
    /// Whether a connection to the server was made at all.
    public let connected: Bool

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - endpoint: The server's endpoint.
    ///   - operation: The operation requested.
    ///   - requestNumber: The request's number.
    ///   - attempts: The attempts made.
    ///   - timeout: The wait for each attempt.
    ///   - failedHandshakes: The handshakes that failed without detail meanwhile.
    ///   - connected: Whether a connection to the server was made at all.
    public init(
        endpoint: String, operation: String, requestNumber: UInt64, attempts: Int, timeout: Duration,
        failedHandshakes: Int = 0, connected: Bool = true
    ) {
        self.endpoint = endpoint
        self.operation = operation
        self.requestNumber = requestNumber
        self.attempts = attempts
        self.timeout = timeout
        self.failedHandshakes = failedHandshakes
        self.connected = connected
    }

    /// Such as `no reply from tcp://127.0.0.1:7101 to household.register #3 after 4 attempts of 2.5 seconds`.
    public var description: String {
        let handshakes =
            if failedHandshakes > 0 {
                "; \(failedHandshakes) security handshakes failed meanwhile: is the service's public key the right one?"
            } else if !connected {
                "; nothing accepted a connection there: is the service running, and is this its endpoint?"
            } else {
                "; the service accepted the connection but did not answer: is it overloaded, or is this another "
                    + "kind of endpoint?"
            }
        return
            "no reply from \(endpoint) to \(operation) #\(requestNumber) after \(attempts) attempts of \(timeout) each"
            + handshakes
    }
}

/// An invalid argument of a ``RequestClient``.
public enum RequestClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The client id is not 1 to 128 bytes, or the first request number is not from 1 to `Int64.max`.
    case invalidClientID
    /// The operation name is not 1 to 64 bytes.
    case invalidOperation

    /// What is wrong.
    public var description: String {
        switch self {
        case .invalidClientID:
            "a client id has 1 to 128 bytes, and request numbers run from 1 to Int64.max"
        case .invalidOperation:
            "an operation name has 1 to 64 bytes"
        }
    }
}
