import ZeroMQ

/// An endpoint a fabric component could not bind: which listener, which endpoint, and libzmq's reason — most often
/// a port already in use by another process (`EADDRINUSE`).
public struct EndpointBindError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the endpoint serves.
    public enum Listener: Sendable, Hashable {
        /// A published feed's PUB endpoint, by the feed's name.
        case feed(String)
        /// A publisher's replay ROUTER.
        case replay
        /// A request server's ROUTER.
        case requests
    }

    /// What the endpoint serves.
    public var listener: Listener
    /// The endpoint as configured (`tcp://0.0.0.0:7113`).
    public var endpoint: String
    /// libzmq's error.
    public var cause: ZMQError

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - listener: What the endpoint serves.
    ///   - endpoint: The endpoint as configured.
    ///   - cause: libzmq's error.
    public init(listener: Listener, endpoint: String, cause: ZMQError) {
        self.listener = listener
        self.endpoint = endpoint
        self.cause = cause
    }

    /// Whether another socket (another process, or another service on this host) holds the port.
    public var isAddressInUse: Bool { cause == .addressInUse }

    /// `tcp://0.0.0.0:7113 is in use`, or `cannot bind tcp://10.0.0.9:7113: <libzmq's reason>`.
    public var description: String {
        isAddressInUse ? "\(endpoint) is in use" : "cannot bind \(endpoint): \(cause.message)"
    }

    /// Binds `socket` to `endpoint`, naming the listener if it fails.
    ///
    /// - Parameters:
    ///   - socket: The socket.
    ///   - endpoint: The endpoint to bind.
    ///   - listener: What it serves.
    /// - Returns: The endpoint bound (with the port the system chose for `*`).
    /// - Throws: ``EndpointBindError``.
    static func bind(_ socket: Socket, to endpoint: String, as listener: Listener) throws -> String {
        do {
            return try socket.bind(endpoint)
        } catch let error as ZMQError where error != .contextTerminated {
            throw EndpointBindError(listener: listener, endpoint: endpoint, cause: error)
        }
    }
}
