import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An error reported by libzmq (or by the binding's own argument checks), identified by its `errno` value.
///
/// Two errors are equal when their codes are equal; the message is informative only. The named constants
/// (``contextTerminated``, ``wouldBlock``, …) let callers match an error in a `catch` clause, whatever its
/// static type:
///
/// ```swift
/// do {
///     let message = try socket.receive()
/// } catch ZMQError.contextTerminated {
///     // the context was shut down: close the socket and leave
/// }
/// ```
///
/// `EINTR` is never thrown by the binding: every call that libzmq may interrupt is retried.
public struct ZMQError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The `errno` value, as libzmq reports it (libzmq's own codes start at `ZMQ_HAUSNUMERO`).
    public let code: Int32

    /// A human-readable explanation: libzmq's `zmq_strerror` text, or the binding's own explanation.
    public let message: String

    /// Creates an error for an `errno` value, with libzmq's message for it.
    ///
    /// - Parameter code: The `errno` value.
    public init(code: Int32) {
        self.code = code
        self.message = String(cString: zmq_strerror(code))
    }

    /// Creates an error for an `errno` value with a message of the caller's choosing.
    ///
    /// The binding uses it to explain an argument it refuses before libzmq sees it.
    ///
    /// - Parameters:
    ///   - code: The `errno` value.
    ///   - message: The explanation shown by ``description``.
    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// The error libzmq reported for the last failed call on this thread (`zmq_errno`).
    ///
    /// - Returns: An error for the current `errno`.
    static func last() -> ZMQError {
        ZMQError(code: zmq_errno())
    }

    /// `"<message> (errno <code>)"`.
    public var description: String {
        "\(message) (errno \(code))"
    }

    /// Compares the codes only, so an error with a custom message still matches its named constant.
    ///
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether the codes are equal.
    public static func == (lhs: ZMQError, rhs: ZMQError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistently with `==`.
    ///
    /// - Parameter hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// Matches any error against a named constant, so callers can write `catch ZMQError.wouldBlock`.
    ///
    /// - Parameters:
    ///   - pattern: The constant to match, such as ``contextTerminated``.
    ///   - error: The error thrown.
    /// - Returns: Whether `error` is a `ZMQError` with the pattern's code.
    public static func ~= (pattern: ZMQError, error: any Error) -> Bool {
        guard let error = error as? ZMQError else { return false }
        return error.code == pattern.code
    }

    // MARK: Named errors

    /// `ETERM`: the socket's context was shut down or terminated; close the socket.
    public static let contextTerminated = ZMQError(code: ETERM)

    /// `EAGAIN`: a non-blocking call would block, or a send/receive timeout expired.
    public static let wouldBlock = ZMQError(code: EAGAIN)

    /// `EHOSTUNREACH`: a ROUTER with `ZMQ_ROUTER_MANDATORY` has no peer with the message's routing id.
    public static let hostUnreachable = ZMQError(code: EHOSTUNREACH)

    /// `EINTR`: a call was interrupted by a signal. The binding retries such calls and never throws this.
    public static let interrupted = ZMQError(code: EINTR)

    /// `EINVAL`: an argument (endpoint, option value, key, length) is invalid.
    public static let invalidArgument = ZMQError(code: EINVAL)

    /// `ENOTSUP`: the operation is not supported by this socket type.
    public static let notSupported = ZMQError(code: ENOTSUP)

    /// `EPROTONOSUPPORT`: the endpoint's transport is not supported.
    public static let protocolNotSupported = ZMQError(code: EPROTONOSUPPORT)

    /// `EADDRINUSE`: the address to bind is already in use.
    public static let addressInUse = ZMQError(code: EADDRINUSE)

    /// `EADDRNOTAVAIL`: the address to bind is not local.
    public static let addressNotAvailable = ZMQError(code: EADDRNOTAVAIL)

    /// `ENODEV`: the endpoint names a network interface that does not exist.
    public static let noSuchDevice = ZMQError(code: ENODEV)

    /// `ENOENT`: the endpoint to unbind or disconnect is not bound or connected.
    public static let endpointNotFound = ZMQError(code: ENOENT)

    /// `ENOTSOCK`: the socket is closed.
    public static let notASocket = ZMQError(code: ENOTSOCK)

    /// `EFSM`: the operation is not allowed in the socket's current state (REQ/REP ordering).
    public static let invalidState = ZMQError(code: EFSM)

    /// `EMTHREAD`: no I/O thread is available for the operation.
    public static let noIOThread = ZMQError(code: EMTHREAD)

    /// `EMFILE`: the context's socket limit (or the process's file limit) is reached.
    public static let tooManySockets = ZMQError(code: EMFILE)

    /// `EFAULT`: libzmq was given an invalid context, socket or message.
    public static let badAddress = ZMQError(code: EFAULT)
}

/// Runs a libzmq call returning `-1` on failure, retrying it while it fails with `EINTR`.
///
/// - Parameter call: The libzmq call.
/// - Returns: The call's non-negative result.
/// - Throws: ``ZMQError`` for any failure other than `EINTR`.
@discardableResult
func retryingOnInterrupt(_ call: () -> Int32) throws -> Int32 {
    while true {
        let result = call()
        if result >= 0 { return result }
        let error = ZMQError.last()
        if error.code != EINTR { throw error }
    }
}
