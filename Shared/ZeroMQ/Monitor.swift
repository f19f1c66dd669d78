import CZeroMQ
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Receives the events of a socket's connections (`zmq_socket_monitor`): connections, handshakes, failures.
///
/// libzmq publishes the monitored socket's events on an `inproc://` PAIR socket of the same context; a monitor owns
/// the PAIR at the other end and decodes each two-frame message into a ``SocketEvent``. Create the monitor before
/// binding or connecting the monitored socket, so that no event is missed.
///
/// - Important: Like any socket, a monitor must be used by one thread at a time; it may be handed over to another
///   thread than the monitored socket's (it is `@unchecked Sendable` for that purpose, see ``Socket``).
///   ``Socket/monitor(events:)`` and ``Socket/stopMonitor()`` act on the monitored socket and belong to its owner.
public final class Monitor: @unchecked Sendable {
    /// The PAIR socket receiving the events, for registering it in a ``Poller``.
    public let socket: Socket

    /// The `inproc://` endpoint libzmq publishes the events on.
    public let endpoint: String

    /// Connects a PAIR socket to a monitor endpoint already started.
    ///
    /// - Parameters:
    ///   - socket: The PAIR socket.
    ///   - endpoint: The `inproc://` endpoint given to `zmq_socket_monitor`.
    init(socket: Socket, endpoint: String) {
        self.socket = socket
        self.endpoint = endpoint
    }

    /// Receives the next event, blocking until one arrives.
    ///
    /// - Returns: The event.
    /// - Throws: ``ZMQError/contextTerminated`` once the context is shut down.
    public func receive() throws -> SocketEvent {
        try SocketEvent(frames: try socket.receive())
    }

    /// Receives the next event, waiting at most `timeout` for one to arrive.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: The event, or `nil` if none arrived in time.
    /// - Throws: ``ZMQError/contextTerminated`` once the context is shut down.
    public func receive(timeout: Duration) throws -> SocketEvent? {
        try socket.receive(timeout: timeout).map(SocketEvent.init(frames:))
    }

    /// Receives events until one satisfies `predicate`, waiting at most `timeout` in all.
    ///
    /// - Parameters:
    ///   - timeout: The longest wait for the whole search.
    ///   - predicate: Whether an event is the one sought.
    /// - Returns: The first matching event, or `nil` if none arrived in time (the others are consumed).
    /// - Throws: ``ZMQError/contextTerminated`` once the context is shut down, or what `predicate` throws.
    public func receive(
        timeout: Duration,
        until predicate: (SocketEvent) throws -> Bool
    ) throws -> SocketEvent? {
        let deadline = ContinuousClock.now + timeout
        while let event = try receive(timeout: max(deadline - .now, .zero)) {
            if try predicate(event) { return event }
        }
        return nil
    }

    /// Closes the monitor's PAIR socket; the monitored socket drops the events that follow.
    public func close() {
        socket.close()
    }
}

/// The counter making monitor endpoints unique within the process.
private let monitorCounter = Atomic<Int>(0)

extension Socket {
    /// Starts monitoring the socket (`zmq_socket_monitor`) and returns the monitor receiving its events.
    ///
    /// Starting a new monitor replaces the previous one. Call it from the thread owning this socket.
    ///
    /// - Parameter events: The events to report; all of them by default.
    /// - Returns: A monitor connected to the socket's event endpoint.
    /// - Throws: ``ZMQError/contextTerminated``, ``ZMQError/notASocket``.
    public func monitor(events: SocketEvent.Mask = .all) throws -> Monitor {
        let handle = try openHandle()
        let number = monitorCounter.add(1, ordering: .relaxed).newValue
        let endpoint = "inproc://zeromq-swift-monitor-\(number)"
        try retryingOnInterrupt { zmq_socket_monitor(handle, endpoint, events.rawValue) }
        let pair = try context.socket(.pair)
        try pair.setLinger(.zero)
        try pair.connect(endpoint)
        return Monitor(socket: pair, endpoint: endpoint)
    }

    /// Stops monitoring the socket (`zmq_socket_monitor` with no endpoint); the monitor receives
    /// ``SocketEvent/Kind/monitorStopped``.
    ///
    /// - Throws: ``ZMQError/notASocket`` once the socket is closed.
    public func stopMonitor() throws {
        let handle = try openHandle()
        try retryingOnInterrupt { zmq_socket_monitor(handle, nil, 0) }
    }
}

/// An event of a monitored socket, decoded from libzmq's two-frame monitor message.
///
/// The first frame holds the 16-bit event id and a 32-bit value (a file descriptor, an `errno`, a protocol error,
/// a ZAP status code or a reconnection interval, according to the event); the second the endpoint concerned.
public struct SocketEvent: Sendable, Hashable, CustomStringConvertible {
    /// What happened, with the event's value decoded.
    public enum Kind: Sendable, Hashable {
        /// `ZMQ_EVENT_CONNECTED`: a connection to a remote peer was established.
        case connected
        /// `ZMQ_EVENT_CONNECT_DELAYED`: a synchronous connect failed; it is being polled.
        case connectDelayed
        /// `ZMQ_EVENT_CONNECT_RETRIED`: a reconnection is scheduled after this interval.
        case connectRetried(after: Duration)
        /// `ZMQ_EVENT_LISTENING`: the socket is bound and listening.
        case listening
        /// `ZMQ_EVENT_BIND_FAILED`: the socket could not bind, for this reason.
        case bindFailed(ZMQError)
        /// `ZMQ_EVENT_ACCEPTED`: a connection from a remote peer was accepted.
        case accepted
        /// `ZMQ_EVENT_ACCEPT_FAILED`: a connection could not be accepted, for this reason.
        case acceptFailed(ZMQError)
        /// `ZMQ_EVENT_CLOSED`: a connection's underlying descriptor was closed.
        case closed
        /// `ZMQ_EVENT_CLOSE_FAILED`: a descriptor could not be released, for this reason.
        case closeFailed(ZMQError)
        /// `ZMQ_EVENT_DISCONNECTED`: a session was broken off unexpectedly.
        case disconnected
        /// `ZMQ_EVENT_HANDSHAKE_SUCCEEDED`: the ZMTP security handshake succeeded.
        case handshakeSucceeded
        /// `ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL`: the handshake failed for this system reason (such as the
        /// connection closing during it).
        case handshakeFailedNoDetail(ZMQError)
        /// `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL`: the handshake failed on a protocol error, such as a CURVE box
        /// that cannot be opened (``SocketEvent/ProtocolError/zmtpCryptographic``).
        case handshakeFailedProtocol(ProtocolError)
        /// `ZMQ_EVENT_HANDSHAKE_FAILED_AUTH`: the ZAP handler refused the peer with this status code (such as 400).
        case handshakeFailedAuth(statusCode: Int)
        /// `ZMQ_EVENT_MONITOR_STOPPED`: monitoring stopped; no event follows.
        case monitorStopped
        /// An event this binding does not know, kept raw.
        case unknown(id: UInt16, value: UInt32)
    }

    /// The decoded event.
    public let kind: Kind

    /// The raw event id (`ZMQ_EVENT_*`).
    public let id: UInt16

    /// The raw 32-bit value accompanying the event.
    public let value: UInt32

    /// The endpoint concerned, such as `tcp://127.0.0.1:40123`.
    public let endpoint: String

    /// Decodes an event from its raw fields.
    ///
    /// - Parameters:
    ///   - id: The event id (`ZMQ_EVENT_*`).
    ///   - value: The value accompanying the event.
    ///   - endpoint: The endpoint concerned.
    public init(id: UInt16, value: UInt32, endpoint: String) {
        self.id = id
        self.value = value
        self.endpoint = endpoint
        let error = ZMQError(code: Int32(bitPattern: value))
        switch Int32(id) {
        case ZMQ_EVENT_CONNECTED: kind = .connected
        case ZMQ_EVENT_CONNECT_DELAYED: kind = .connectDelayed
        case ZMQ_EVENT_CONNECT_RETRIED: kind = .connectRetried(after: .milliseconds(value))
        case ZMQ_EVENT_LISTENING: kind = .listening
        case ZMQ_EVENT_BIND_FAILED: kind = .bindFailed(error)
        case ZMQ_EVENT_ACCEPTED: kind = .accepted
        case ZMQ_EVENT_ACCEPT_FAILED: kind = .acceptFailed(error)
        case ZMQ_EVENT_CLOSED: kind = .closed
        case ZMQ_EVENT_CLOSE_FAILED: kind = .closeFailed(error)
        case ZMQ_EVENT_DISCONNECTED: kind = .disconnected
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: kind = .handshakeSucceeded
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: kind = .handshakeFailedNoDetail(error)
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: kind = .handshakeFailedProtocol(ProtocolError(rawValue: value))
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: kind = .handshakeFailedAuth(statusCode: Int(value))
        case ZMQ_EVENT_MONITOR_STOPPED: kind = .monitorStopped
        default: kind = .unknown(id: id, value: value)
        }
    }

    /// Decodes an event from the frames of a monitor message.
    ///
    /// - Parameter frames: Six bytes (16-bit id, 32-bit value, in host byte order), then the endpoint.
    /// - Throws: ``ZMQError/protocolNotSupported`` if the frames are not a version 1 monitor message.
    init(frames: [[UInt8]]) throws {
        guard frames.count == 2, frames[0].count == 6 else {
            throw ZMQError(code: EPROTONOSUPPORT, message: "not a libzmq monitor message: \(frames.map(\.count))")
        }
        let (id, value) = frames[0].withUnsafeBytes { bytes in
            (bytes.loadUnaligned(as: UInt16.self), bytes.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        self.init(id: id, value: value, endpoint: String(decoding: frames[1], as: UTF8.self))
    }

    /// The kind and the endpoint, such as `handshakeFailedProtocol(ZMTP cryptographic) tcp://127.0.0.1:40123`.
    public var description: String {
        "\(kind) \(endpoint)"
    }
}

extension SocketEvent {
    /// The events to monitor (`ZMQ_EVENT_*` bits).
    public struct Mask: OptionSet, Sendable, Hashable {
        /// The `ZMQ_EVENT_*` bits.
        public let rawValue: Int32

        /// Creates a mask from `ZMQ_EVENT_*` bits.
        ///
        /// - Parameter rawValue: The bits.
        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// `ZMQ_EVENT_CONNECTED`.
        public static let connected = Mask(rawValue: ZMQ_EVENT_CONNECTED)
        /// `ZMQ_EVENT_CONNECT_DELAYED`.
        public static let connectDelayed = Mask(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
        /// `ZMQ_EVENT_CONNECT_RETRIED`.
        public static let connectRetried = Mask(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
        /// `ZMQ_EVENT_LISTENING`.
        public static let listening = Mask(rawValue: ZMQ_EVENT_LISTENING)
        /// `ZMQ_EVENT_BIND_FAILED`.
        public static let bindFailed = Mask(rawValue: ZMQ_EVENT_BIND_FAILED)
        /// `ZMQ_EVENT_ACCEPTED`.
        public static let accepted = Mask(rawValue: ZMQ_EVENT_ACCEPTED)
        /// `ZMQ_EVENT_ACCEPT_FAILED`.
        public static let acceptFailed = Mask(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
        /// `ZMQ_EVENT_CLOSED`.
        public static let closed = Mask(rawValue: ZMQ_EVENT_CLOSED)
        /// `ZMQ_EVENT_CLOSE_FAILED`.
        public static let closeFailed = Mask(rawValue: ZMQ_EVENT_CLOSE_FAILED)
        /// `ZMQ_EVENT_DISCONNECTED`.
        public static let disconnected = Mask(rawValue: ZMQ_EVENT_DISCONNECTED)
        /// `ZMQ_EVENT_MONITOR_STOPPED`.
        public static let monitorStopped = Mask(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
        /// `ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL`.
        public static let handshakeFailedNoDetail = Mask(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        /// `ZMQ_EVENT_HANDSHAKE_SUCCEEDED`.
        public static let handshakeSucceeded = Mask(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        /// `ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL`.
        public static let handshakeFailedProtocol = Mask(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        /// `ZMQ_EVENT_HANDSHAKE_FAILED_AUTH`.
        public static let handshakeFailedAuth = Mask(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        /// The three handshake failures.
        public static let handshakeFailed: Mask = [
            .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth,
        ]
        /// `ZMQ_EVENT_ALL`: every event.
        public static let all = Mask(rawValue: ZMQ_EVENT_ALL)
    }

    /// The protocol error of a ``Kind/handshakeFailedProtocol(_:)`` event (`ZMQ_PROTOCOL_ERROR_*`).
    public struct ProtocolError: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The `ZMQ_PROTOCOL_ERROR_*` value.
        public let rawValue: UInt32

        /// Wraps a `ZMQ_PROTOCOL_ERROR_*` value.
        ///
        /// - Parameter rawValue: The value.
        public init(rawValue: UInt32) {
            self.rawValue = rawValue
        }

        /// Wraps one of libzmq's `ZMQ_PROTOCOL_ERROR_*` constants.
        ///
        /// - Parameter constant: The constant, as the C header types it.
        private init(_ constant: Int32) {
            self.init(rawValue: UInt32(bitPattern: constant))
        }

        /// `ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED`.
        public static let zmtpUnspecified = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_UNSPECIFIED)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND`.
        public static let zmtpUnexpectedCommand = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE`.
        public static let zmtpInvalidSequence = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE`.
        public static let zmtpKeyExchange = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED`.
        public static let zmtpMalformedCommandUnspecified = ProtocolError(
            ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED
        )
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE`.
        public static let zmtpMalformedCommandMessage = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO`.
        public static let zmtpMalformedCommandHello = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE`.
        public static let zmtpMalformedCommandInitiate = ProtocolError(
            ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE
        )
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR`.
        public static let zmtpMalformedCommandError = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY`.
        public static let zmtpMalformedCommandReady = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME`.
        public static let zmtpMalformedCommandWelcome = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA`.
        public static let zmtpInvalidMetadata = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC`: a CURVE box could not be opened, as with a wrong server key.
        public static let zmtpCryptographic = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH`: the peers use different security mechanisms.
        public static let zmtpMechanismMismatch = ProtocolError(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
        /// `ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED`.
        public static let zapUnspecified = ProtocolError(ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED)
        /// `ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY`.
        public static let zapMalformedReply = ProtocolError(ZMQ_PROTOCOL_ERROR_ZAP_MALFORMED_REPLY)
        /// `ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID`.
        public static let zapBadRequestID = ProtocolError(ZMQ_PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID)
        /// `ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION`.
        public static let zapBadVersion = ProtocolError(ZMQ_PROTOCOL_ERROR_ZAP_BAD_VERSION)
        /// `ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE`.
        public static let zapInvalidStatusCode = ProtocolError(ZMQ_PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE)
        /// `ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA`.
        public static let zapInvalidMetadata = ProtocolError(ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA)

        /// The names of the known errors.
        private static let names: [ProtocolError: String] = [
            .zmtpUnspecified: "ZMTP unspecified",
            .zmtpUnexpectedCommand: "ZMTP unexpected command",
            .zmtpInvalidSequence: "ZMTP invalid sequence",
            .zmtpKeyExchange: "ZMTP key exchange",
            .zmtpMalformedCommandUnspecified: "ZMTP malformed command",
            .zmtpMalformedCommandMessage: "ZMTP malformed MESSAGE",
            .zmtpMalformedCommandHello: "ZMTP malformed HELLO",
            .zmtpMalformedCommandInitiate: "ZMTP malformed INITIATE",
            .zmtpMalformedCommandError: "ZMTP malformed ERROR",
            .zmtpMalformedCommandReady: "ZMTP malformed READY",
            .zmtpMalformedCommandWelcome: "ZMTP malformed WELCOME",
            .zmtpInvalidMetadata: "ZMTP invalid metadata",
            .zmtpCryptographic: "ZMTP cryptographic",
            .zmtpMechanismMismatch: "ZMTP mechanism mismatch",
            .zapUnspecified: "ZAP unspecified",
            .zapMalformedReply: "ZAP malformed reply",
            .zapBadRequestID: "ZAP bad request id",
            .zapBadVersion: "ZAP bad version",
            .zapInvalidStatusCode: "ZAP invalid status code",
            .zapInvalidMetadata: "ZAP invalid metadata",
        ]

        /// The error's name, or its hexadecimal value if unknown.
        public var description: String {
            Self.names[self] ?? "protocol error 0x\(String(rawValue, radix: 16))"
        }
    }
}
