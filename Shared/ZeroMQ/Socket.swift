import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The pattern role of a socket (`ZMQ_PUB`, `ZMQ_ROUTER`, …); the raw value is libzmq's constant.
public enum SocketType: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// `ZMQ_PAIR`: an exclusive connection to one peer, typically over `inproc://`.
    case pair = 0
    /// `ZMQ_PUB`: sends every message to the subscribers whose subscription prefixes it; never blocks.
    case pub = 1
    /// `ZMQ_SUB`: receives the messages of its publishers matching a subscription (`Socket/subscribe(_:)`).
    case sub = 2
    /// `ZMQ_REQ`: strict request/reply client (one request, then one reply).
    case req = 3
    /// `ZMQ_REP`: strict request/reply server.
    case rep = 4
    /// `ZMQ_DEALER`: sends round-robin to its peers, receives fair-queued from them, without envelopes.
    case dealer = 5
    /// `ZMQ_ROUTER`: prefixes each received message with its sender's routing id and routes sends by that frame.
    case router = 6
    /// `ZMQ_PULL`: receives fair-queued from its PUSH peers.
    case pull = 7
    /// `ZMQ_PUSH`: sends round-robin to its PULL peers.
    case push = 8
    /// `ZMQ_XPUB`: a PUB that also receives the subscription messages of its subscribers.
    case xpub = 9
    /// `ZMQ_XSUB`: a SUB that subscribes by sending subscription messages.
    case xsub = 10

    /// libzmq's name of the type, such as `"ROUTER"`.
    public var description: String {
        switch self {
        case .pair: "PAIR"
        case .pub: "PUB"
        case .sub: "SUB"
        case .req: "REQ"
        case .rep: "REP"
        case .dealer: "DEALER"
        case .router: "ROUTER"
        case .pull: "PULL"
        case .push: "PUSH"
        case .xpub: "XPUB"
        case .xsub: "XSUB"
        }
    }
}

/// Flags of a send or receive call.
public struct MessageFlags: OptionSet, Sendable, Hashable {
    /// The libzmq flag bits (`ZMQ_DONTWAIT`).
    public let rawValue: Int32

    /// Creates flags from libzmq flag bits.
    ///
    /// - Parameter rawValue: The `ZMQ_*` flag bits.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// `ZMQ_DONTWAIT`: fail with ``ZMQError/wouldBlock`` instead of blocking.
    public static let dontWait = MessageFlags(rawValue: ZMQ_DONTWAIT)
}

/// A libzmq socket: sends and receives multipart messages, each as one unit.
///
/// - Important: **A socket must be used by one thread at a time.** libzmq sockets are not thread-safe: two
///   threads calling a socket concurrently corrupt it. Create a socket, use it and close it on the thread that
///   owns it, typically a dedicated thread running a loop; share the ``Context`` instead, which is thread-safe.
///
/// `Socket` is nevertheless `@unchecked Sendable`, so that it can be *handed over*: created on one thread and
/// passed to the thread that will own it (libzmq allows migrating a socket between threads provided a full memory
/// barrier separates the two uses, which the hand-over's synchronisation — a thread start, a lock, a queue —
/// provides). A non-`Sendable` socket could not be moved into a `Thread` or a `DispatchQueue` at all, while the
/// compiler cannot express "one thread at a time" anyway. The one exception to ownership is the
/// ``Context``: its ``Context/shutdown()`` may be called from any thread to unblock the owner.
///
/// Messages are `[[UInt8]]`: one byte array per frame. Sending uses `ZMQ_SNDMORE` on every frame but the last,
/// receiving reads every frame flagged `ZMQ_RCVMORE`; libzmq delivers a multipart message whole or not at all.
///
/// A socket keeps its context alive. It is closed by ``close()`` or when released; its linger period
/// (``setLinger(_:)``) then decides how long its pending messages may delay ``Context/terminate()``.
public final class Socket: @unchecked Sendable {
    /// The socket's pattern role.
    public let type: SocketType

    /// The context the socket belongs to.
    public let context: Context

    /// The `void *` of `zmq_socket`, or `nil` once closed.
    private var handle: UnsafeMutableRawPointer?

    /// Wraps a socket created by ``Context/socket(_:)``.
    ///
    /// - Parameters:
    ///   - handle: The libzmq socket.
    ///   - type: Its type.
    ///   - context: Its context, kept alive by the socket.
    init(handle: UnsafeMutableRawPointer, type: SocketType, context: Context) {
        self.handle = handle
        self.type = type
        self.context = context
    }

    deinit {
        close()
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool {
        handle == nil
    }

    /// The libzmq socket, for calls that need it.
    ///
    /// - Returns: The open socket's handle.
    /// - Throws: ``ZMQError/notASocket`` once the socket is closed.
    func openHandle() throws -> UnsafeMutableRawPointer {
        guard let handle else {
            throw ZMQError(code: ENOTSOCK, message: "the \(type) socket is closed")
        }
        return handle
    }

    // MARK: Endpoints

    /// Binds the socket to an endpoint (`zmq_bind`) and returns the endpoint actually bound.
    ///
    /// With a wildcard port, such as `tcp://127.0.0.1:*`, the system picks a free port and the returned endpoint
    /// names it (read from `ZMQ_LAST_ENDPOINT`), ready for a peer's ``connect(_:)``.
    ///
    /// - Parameter endpoint: `transport://address`, such as `tcp://127.0.0.1:5555`, `tcp://*:*` or `inproc://name`.
    /// - Returns: The bound endpoint, with the port the system chose.
    /// - Throws: ``ZMQError/addressInUse``, ``ZMQError/protocolNotSupported``, ``ZMQError/invalidArgument``, …
    @discardableResult
    public func bind(_ endpoint: String) throws -> String {
        let handle = try openHandle()
        try retryingOnInterrupt { zmq_bind(handle, endpoint) }
        return try lastEndpoint ?? endpoint
    }

    /// Connects the socket to an endpoint (`zmq_connect`).
    ///
    /// The connection is made in the background and re-made after failures (``setReconnectInterval(_:)``); the
    /// call does not wait for the peer to exist.
    ///
    /// - Parameter endpoint: `transport://address`, such as `tcp://127.0.0.1:5555`.
    /// - Throws: ``ZMQError/invalidArgument`` for a malformed endpoint, ``ZMQError/protocolNotSupported``, …
    public func connect(_ endpoint: String) throws {
        let handle = try openHandle()
        try retryingOnInterrupt { zmq_connect(handle, endpoint) }
    }

    /// Unbinds the socket from an endpoint it bound (`zmq_unbind`).
    ///
    /// - Parameter endpoint: The endpoint returned by ``bind(_:)`` (not the wildcard one given to it).
    /// - Throws: ``ZMQError/endpointNotFound`` if the socket is not bound there.
    public func unbind(_ endpoint: String) throws {
        let handle = try openHandle()
        try retryingOnInterrupt { zmq_unbind(handle, endpoint) }
    }

    /// Disconnects the socket from an endpoint it connected to (`zmq_disconnect`).
    ///
    /// - Parameter endpoint: The endpoint given to ``connect(_:)``.
    /// - Throws: ``ZMQError/endpointNotFound`` if the socket is not connected there.
    public func disconnect(_ endpoint: String) throws {
        let handle = try openHandle()
        try retryingOnInterrupt { zmq_disconnect(handle, endpoint) }
    }

    /// Closes the socket (`zmq_close`); later calls on it throw ``ZMQError/notASocket``.
    ///
    /// The call returns at once. Messages still queued are sent in the background for up to the socket's linger
    /// period (``setLinger(_:)``), during which ``Context/terminate()`` waits. Closing twice does nothing.
    public func close() {
        guard let handle else { return }
        self.handle = nil
        _ = zmq_close(handle)
    }

    // MARK: Sending

    /// Sends a multipart message as one unit: every frame but the last with `ZMQ_SNDMORE`.
    ///
    /// libzmq queues the frames until the last one and delivers them together, or not at all. With
    /// ``MessageFlags/dontWait``, the first frame decides: if it would block, nothing is sent and the call throws
    /// ``ZMQError/wouldBlock``; once it is accepted, the remaining frames are always accepted.
    ///
    /// - Parameters:
    ///   - frames: The frames, each a byte collection (`[UInt8]`, `Data`, `ArraySlice<UInt8>`, …); at least one.
    ///   - flags: ``MessageFlags/dontWait`` for a non-blocking send.
    /// - Throws: ``ZMQError/wouldBlock`` (non-blocking, or `ZMQ_SNDTIMEO` expired), ``ZMQError/hostUnreachable``
    ///   (ROUTER with ``setRouterMandatory(_:)`` and an unknown routing id), ``ZMQError/contextTerminated``,
    ///   ``ZMQError/notSupported`` (a socket type that cannot send), ``ZMQError/invalidArgument`` for no frames.
    public func send<Frame: Collection<UInt8>>(_ frames: [Frame], flags: MessageFlags = []) throws {
        let handle = try openHandle()
        guard !frames.isEmpty else {
            throw ZMQError(code: EINVAL, message: "a message needs at least one frame")
        }
        for (index, frame) in frames.enumerated() {
            var frameFlags = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            if index == 0 { frameFlags |= flags.rawValue }
            try Self.send(frame, flags: frameFlags, handle: handle)
        }
    }

    /// Sends a single-frame message.
    ///
    /// - Parameters:
    ///   - frame: The frame's bytes (`[UInt8]`, `Data`, `ArraySlice<UInt8>`, …).
    ///   - flags: ``MessageFlags/dontWait`` for a non-blocking send.
    /// - Throws: As the multipart `send(_:flags:)`.
    public func send<Frame: Collection<UInt8>>(_ frame: Frame, flags: MessageFlags = []) throws {
        try send([frame], flags: flags)
    }

    /// Sends a multipart message whose frames are UTF-8 strings.
    ///
    /// - Parameters:
    ///   - frames: The frames, encoded as UTF-8; at least one.
    ///   - flags: ``MessageFlags/dontWait`` for a non-blocking send.
    /// - Throws: As the multipart `send(_:flags:)`.
    public func send(_ frames: [String], flags: MessageFlags = []) throws {
        try send(frames.map { Array($0.utf8) }, flags: flags)
    }

    /// Sends a single-frame message holding a UTF-8 string.
    ///
    /// - Parameters:
    ///   - frame: The frame, encoded as UTF-8.
    ///   - flags: ``MessageFlags/dontWait`` for a non-blocking send.
    /// - Throws: As the multipart `send(_:flags:)`.
    public func send(_ frame: String, flags: MessageFlags = []) throws {
        try send([Array(frame.utf8)], flags: flags)
    }

    /// Sends one frame (`zmq_send`), retrying on `EINTR`.
    ///
    /// - Parameters:
    ///   - frame: The frame's bytes.
    ///   - flags: The libzmq flags, including `ZMQ_SNDMORE`.
    ///   - handle: The socket.
    /// - Throws: ``ZMQError``.
    private static func send<Frame: Collection<UInt8>>(
        _ frame: Frame,
        flags: Int32,
        handle: UnsafeMutableRawPointer
    ) throws {
        func send(_ buffer: UnsafeBufferPointer<UInt8>) throws {
            try retryingOnInterrupt { zmq_send(handle, buffer.baseAddress, buffer.count, flags) }
        }
        let sent: Void? = try frame.withContiguousStorageIfAvailable(send)
        if sent == nil {
            try Array(frame).withUnsafeBufferPointer(send)
        }
    }

    // MARK: Receiving

    /// Receives a whole multipart message: every frame up to the last one (`ZMQ_RCVMORE`).
    ///
    /// Blocks until a message arrives, unless ``MessageFlags/dontWait`` is given or a receive timeout is set
    /// (``setReceiveTimeout(_:)``). A ROUTER's messages start with the sender's routing id.
    ///
    /// - Parameter flags: ``MessageFlags/dontWait`` for a non-blocking receive.
    /// - Returns: The message's frames, at least one.
    /// - Throws: ``ZMQError/wouldBlock`` (nothing to receive without blocking, or the receive timeout expired),
    ///   ``ZMQError/contextTerminated``, ``ZMQError/notSupported`` (a socket type that cannot receive).
    public func receive(flags: MessageFlags = []) throws -> [[UInt8]] {
        let handle = try openHandle()
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        var frames: [[UInt8]] = []
        var more = true
        while more {
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            // Only the first frame may block: libzmq queues the parts of a message together.
            let frameFlags = frames.isEmpty ? flags.rawValue : 0
            try retryingOnInterrupt { zmq_msg_recv(message, handle, frameFlags) }
            let size = zmq_msg_size(message)
            if size == 0 {
                frames.append([])
            } else {
                frames.append(Array(UnsafeRawBufferPointer(start: zmq_msg_data(message), count: size)))
            }
            more = zmq_msg_more(message) != 0
        }
        return frames
    }

    /// Receives a whole multipart message, waiting at most `timeout` for one to arrive.
    ///
    /// Polls the socket (`zmq_poll`), then receives without blocking; `EINTR` resumes the wait for the remaining
    /// time. A zero timeout only takes a message already queued.
    ///
    /// - Parameter timeout: The longest wait; sub-millisecond parts are rounded up to a millisecond.
    /// - Returns: The message's frames, or `nil` if none arrived in time.
    /// - Throws: ``ZMQError/contextTerminated``, ``ZMQError/notSupported``, ``ZMQError/invalidArgument`` for a
    ///   negative timeout.
    public func receive(timeout: Duration) throws -> [[UInt8]]? {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try receive(flags: .dontWait)
            } catch ZMQError.wouldBlock {
                let remaining = deadline - .now
                guard remaining > .zero else { return nil }
                _ = try poll(.readable, timeout: remaining)
            }
        }
    }

    /// Waits until the socket is ready for some events (`zmq_poll` on this socket alone).
    ///
    /// - Parameters:
    ///   - events: The events to wait for, such as ``PollEvents/readable``.
    ///   - timeout: The longest wait, or `nil` to wait without limit.
    /// - Returns: The events that are ready, empty if the timeout expired.
    /// - Throws: ``ZMQError/contextTerminated``, ``ZMQError/notASocket`` once closed.
    public func poll(_ events: PollEvents, timeout: Duration?) throws -> PollEvents {
        var poller = Poller()
        poller.register(self, for: events)
        return try poller.poll(timeout: timeout).first?.events ?? []
    }
}
