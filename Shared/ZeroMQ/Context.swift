import CZeroMQ
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A libzmq context (`zmq_ctx_new`): the container of a process's sockets and of the I/O threads serving them.
///
/// A context is thread-safe: it may be shared freely between threads and tasks. Create sockets with
/// ``socket(_:)``; each socket keeps its context alive, so the context is terminated only once every socket
/// is gone.
///
/// Ending a context takes two steps, which may be separated:
/// - ``shutdown()`` makes every blocking call on the context's sockets, current or future, fail at once with
///   ``ZMQError/contextTerminated``. The threads owning the sockets then close them.
/// - ``terminate()`` waits until every socket is closed and its pending messages are sent or dropped according to
///   its linger period (``Socket/setLinger(_:)``), then frees the context. `deinit` terminates the context too.
public final class Context: Sendable {
    /// The lifecycle of the context, guarding the handle against use after `zmq_ctx_term`.
    private enum State {
        case running
        case terminating
    }

    /// The `void *` of `zmq_ctx_new`; valid until ``terminate()`` starts.
    nonisolated(unsafe) private let handle: UnsafeMutableRawPointer

    /// Whether ``terminate()`` has started; sockets are only created while the context is running.
    private let state = Mutex(State.running)

    /// Creates a context (`zmq_ctx_new`).
    ///
    /// - Parameter ioThreads: The number of I/O threads (`ZMQ_IO_THREADS`); one is enough below a gigabyte of
    ///   traffic per second.
    /// - Throws: ``ZMQError`` if libzmq cannot create the context or refuses the thread count.
    public init(ioThreads: Int = 1) throws {
        guard let handle = zmq_ctx_new() else { throw ZMQError.last() }
        if ioThreads != 1 {
            var error: ZMQError?
            if let count = Int32(exactly: ioThreads), count >= 0 {
                if zmq_ctx_set(handle, ZMQ_IO_THREADS, count) != 0 { error = ZMQError.last() }
            } else {
                error = ZMQError(code: EINVAL, message: "\(ioThreads) is not a valid number of I/O threads")
            }
            if let error {
                zmq_ctx_term(handle)
                throw error
            }
        }
        self.handle = handle
    }

    deinit {
        terminate()
    }

    /// Creates a socket of the given type in this context (`zmq_socket`).
    ///
    /// - Parameter type: The socket's pattern role.
    /// - Returns: A new socket, owned by the calling thread until handed over (see ``Socket``).
    /// - Throws: ``ZMQError/contextTerminated`` once the context is shut down or terminated,
    ///   ``ZMQError/tooManySockets`` at the context's socket limit.
    public func socket(_ type: SocketType) throws -> Socket {
        let socketHandle = try state.withLock { state throws -> UnsafeMutableRawPointer in
            guard state == .running else { throw ZMQError.contextTerminated }
            guard let socketHandle = zmq_socket(handle, type.rawValue) else { throw ZMQError.last() }
            return socketHandle
        }
        return Socket(handle: socketHandle, type: type, context: self)
    }

    /// Shuts the context down (`zmq_ctx_shutdown`) without waiting.
    ///
    /// Every blocking call on the context's sockets returns ``ZMQError/contextTerminated``, and so does every
    /// later call except closing and setting the linger period. The sockets must still be closed (by their
    /// owning threads, or by being released) before ``terminate()`` can return. Calling it again, or after
    /// ``terminate()`` started, does nothing.
    public func shutdown() {
        state.withLock { state in
            guard state == .running else { return }
            _ = zmq_ctx_shutdown(handle)
        }
    }

    /// Terminates the context (`zmq_ctx_term`), blocking until every socket of the context is closed.
    ///
    /// Blocking calls on the context's sockets fail at once with ``ZMQError/contextTerminated``, as after
    /// ``shutdown()``. Once every socket is closed and its linger period has elapsed (or its messages are sent),
    /// the context is freed. An interrupted wait (`EINTR`) is resumed. Calling it again does nothing; `deinit`
    /// calls it.
    ///
    /// - Important: A socket whose linger period is infinite (libzmq's default) and whose messages cannot be
    ///   delivered makes this call wait forever: set a finite linger with ``Socket/setLinger(_:)``.
    public func terminate() {
        let shouldTerminate = state.withLock { state in
            guard state == .running else { return false }
            state = .terminating
            return true
        }
        guard shouldTerminate else { return }
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
