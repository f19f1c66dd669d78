import CZeroMQ

/// A multipart message received together with the connection metadata libzmq attached to it.
///
/// libzmq attaches properties to every message arriving over a connection: the `User-Id` that the ZAP handler
/// (RFC 27) returned when it admitted the peer, and the `Peer-Address` of a TCP peer. A server reads them to know
/// who sent a message: with CURVE and a ZAP handler, the user id names the authenticated key's owner.
public struct ReceivedMessage: Sendable, Hashable {
    /// The message's frames, at least one (a ROUTER's messages start with the sender's routing id).
    public var frames: [[UInt8]]

    /// The `User-Id` property: the user id the ZAP handler returned for the sending connection, or `nil` when no
    /// ZAP handler was consulted or it returned an empty user id.
    public var userID: String?

    /// The `Peer-Address` property: the IP address of a TCP peer (such as `127.0.0.1`), or `nil` for transports
    /// without one (`inproc://`).
    public var peerAddress: String?

    /// Creates a received message.
    ///
    /// - Parameters:
    ///   - frames: The frames.
    ///   - userID: The ZAP user id of the sending connection, if any.
    ///   - peerAddress: The peer's IP address, if any.
    public init(frames: [[UInt8]], userID: String? = nil, peerAddress: String? = nil) {
        self.frames = frames
        self.userID = userID
        self.peerAddress = peerAddress
    }
}

/// Receiving with connection metadata (`zmq_msg_gets`).
extension Socket {
    /// Receives a whole multipart message together with its `User-Id` and `Peer-Address` properties.
    ///
    /// Behaves as ``receive(flags:)``; the properties are read with `zmq_msg_gets` from the first frame carrying
    /// them (every frame of a message comes over the same connection, so they agree).
    ///
    /// - Parameter flags: ``MessageFlags/dontWait`` for a non-blocking receive.
    /// - Returns: The frames and the connection's properties.
    /// - Throws: ``ZMQError/wouldBlock`` (nothing to receive without blocking, or the receive timeout expired),
    ///   ``ZMQError/contextTerminated``, ``ZMQError/notSupported`` (a socket type that cannot receive).
    public func receiveMessage(flags: MessageFlags = []) throws -> ReceivedMessage {
        let handle = try openHandle()
        let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
        defer { message.deallocate() }
        var received = ReceivedMessage(frames: [])
        var more = true
        while more {
            zmq_msg_init(message)
            defer { zmq_msg_close(message) }
            // Only the first frame may block: libzmq queues the parts of a message together.
            let frameFlags = received.frames.isEmpty ? flags.rawValue : 0
            try retryingOnInterrupt { zmq_msg_recv(message, handle, frameFlags) }
            let size = zmq_msg_size(message)
            if size == 0 {
                received.frames.append([])
            } else {
                received.frames.append(Array(UnsafeRawBufferPointer(start: zmq_msg_data(message), count: size)))
            }
            if received.userID == nil {
                received.userID = Self.property("User-Id", of: message)
            }
            if received.peerAddress == nil {
                received.peerAddress = Self.property("Peer-Address", of: message)
            }
            more = zmq_msg_more(message) != 0
        }
        if received.userID?.isEmpty == true {
            received.userID = nil
        }
        return received
    }

    /// Receives a whole multipart message with its metadata, waiting at most `timeout` for one to arrive.
    ///
    /// Behaves as ``receive(timeout:)``: polls the socket, then receives without blocking.
    ///
    /// - Parameter timeout: The longest wait; sub-millisecond parts are rounded up to a millisecond.
    /// - Returns: The frames and the connection's properties, or `nil` if no message arrived in time.
    /// - Throws: ``ZMQError/contextTerminated``, ``ZMQError/notSupported``, ``ZMQError/invalidArgument`` for a
    ///   negative timeout.
    public func receiveMessage(timeout: Duration) throws -> ReceivedMessage? {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try receiveMessage(flags: .dontWait)
            } catch ZMQError.wouldBlock {
                let remaining = deadline - .now
                guard remaining > .zero else { return nil }
                _ = try poll(.readable, timeout: remaining)
            }
        }
    }

    /// Reads one metadata property of a received frame (`zmq_msg_gets`).
    ///
    /// - Parameters:
    ///   - name: The property, such as `"User-Id"`.
    ///   - message: The received frame.
    /// - Returns: The property's value, or `nil` if the frame carries no such property.
    private static func property(_ name: String, of message: UnsafeMutablePointer<zmq_msg_t>) -> String? {
        guard let value = zmq_msg_gets(message, name) else { return nil }
        return String(cString: value)
    }
}
