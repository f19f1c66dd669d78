import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The readiness conditions of a socket (`ZMQ_POLLIN`, `ZMQ_POLLOUT`, `ZMQ_POLLERR`).
public struct PollEvents: OptionSet, Sendable, Hashable {
    /// The libzmq event bits.
    public let rawValue: Int16

    /// Creates events from libzmq event bits.
    ///
    /// - Parameter rawValue: The `ZMQ_POLL*` bits.
    public init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    /// `ZMQ_POLLIN`: at least one whole message can be received without blocking.
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))

    /// `ZMQ_POLLOUT`: at least one message can be sent without blocking.
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))

    /// `ZMQ_POLLERR`: an error condition (reported for plain file descriptors only).
    public static let error = PollEvents(rawValue: Int16(ZMQ_POLLERR))
}

/// A socket reported ready by a ``Poller``.
public struct PollResult: Sendable {
    /// The ready socket.
    public let socket: Socket

    /// The position of the socket's registration in the poller.
    public let index: Int

    /// The events that are ready, among those registered.
    public let events: PollEvents
}

/// Waits for readiness on several sockets at once, with a timeout (`zmq_poll`).
///
/// Register sockets with the events of interest, then call ``poll(timeout:)``. All the sockets must be owned by
/// the thread that polls (see ``Socket``). libzmq's draft `zmq_poller_*` API is not used: Debian's libzmq is built
/// without it.
///
/// ```swift
/// var poller = Poller()
/// poller.register(frontend)
/// poller.register(backend)
/// for ready in try poller.poll(timeout: .seconds(1)) where ready.events.contains(.readable) {
///     let message = try ready.socket.receive(flags: .dontWait)
/// }
/// ```
public struct Poller: Sendable {
    /// The registered sockets with their events of interest, in registration order.
    public private(set) var registrations: [(socket: Socket, events: PollEvents)] = []

    /// Creates a poller with no socket.
    public init() {}

    /// Registers a socket, or changes the events of interest of a registered one.
    ///
    /// - Parameters:
    ///   - socket: The socket to poll.
    ///   - events: The events to wait for; ``PollEvents/readable`` by default.
    public mutating func register(_ socket: Socket, for events: PollEvents = .readable) {
        if let index = registrations.firstIndex(where: { $0.socket === socket }) {
            registrations[index].events = events
        } else {
            registrations.append((socket, events))
        }
    }

    /// Removes a socket from the poller; does nothing if it is not registered.
    ///
    /// - Parameter socket: The socket to stop polling.
    public mutating func unregister(_ socket: Socket) {
        registrations.removeAll { $0.socket === socket }
    }

    /// Waits until at least one registered socket is ready, or the timeout expires (`zmq_poll`).
    ///
    /// An interrupted wait (`EINTR`) resumes for the remaining time.
    ///
    /// - Parameter timeout: The longest wait, `.zero` to check without waiting, or `nil` to wait without limit;
    ///   sub-millisecond parts are rounded up to a millisecond.
    /// - Returns: The ready sockets, in registration order, each with its ready events; empty on timeout.
    /// - Throws: ``ZMQError/contextTerminated`` once a socket's context is shut down, ``ZMQError/notASocket`` for a
    ///   closed socket, ``ZMQError/invalidArgument`` for a negative timeout.
    public func poll(timeout: Duration?) throws -> [PollResult] {
        var items = try registrations.map { registration in
            zmq_pollitem_t(
                socket: try registration.socket.openHandle(),
                fd: 0,
                events: registration.events.rawValue,
                revents: 0
            )
        }
        let deadline = try timeout.map { timeout in
            _ = try timeout.zmqMilliseconds()  // validates the value before waiting
            return ContinuousClock.now + timeout
        }
        while true {
            var milliseconds = -1
            if let deadline {
                milliseconds = Int(try max(deadline - .now, .zero).zmqMilliseconds())
            }
            let count = zmq_poll(&items, Int32(items.count), milliseconds)
            if count >= 0 { break }
            let error = ZMQError.last()
            guard error.code == EINTR else { throw error }
        }
        return items.indices.compactMap { index in
            let events = PollEvents(rawValue: items[index].revents)
            guard !events.isEmpty else { return nil }
            return PollResult(socket: registrations[index].socket, index: index, events: events)
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded up, as libzmq's `int` options and timeouts expect.
    ///
    /// - Returns: The milliseconds.
    /// - Throws: ``ZMQError/invalidArgument`` for a negative duration or one beyond `Int32.max` milliseconds.
    func zmqMilliseconds() throws -> Int32 {
        let (seconds, attoseconds) = components
        let invalid = ZMQError(code: EINVAL, message: "\(self) is not a valid libzmq duration in milliseconds")
        guard self >= .zero else { throw invalid }
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        let fraction = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        guard !overflow, let milliseconds = Int32(exactly: whole + fraction) else { throw invalid }
        return milliseconds
    }
}
