import Dispatch
import Foundation
import Synchronization
import ZeroMQ

/// A fabric component's own Foundation thread: started with a handshake (the component's setup, which binds its
/// sockets, reports before the loop runs), asked to end through a stop flag and an `inproc://` signal that wakes the
/// loop from its poll, and joined. ``FeedPublisher`` and ``FeedSubscriber`` each own one and forward their
/// `requestStop()`, `join()`, `join(timeout:)` and `joined()` to it.
///
/// The fabric's components own ZeroMQ sockets, which belong to one thread: they run on a thread of their own,
/// never on the Swift concurrency pool (whose threads a blocking `zmq_poll` would starve).
final class WorkerThread: Sendable {
    /// What the component's callers and its thread share.
    private struct State {
        /// Set by ``start(body:)``, cleared again when the setup fails (the component may then start anew).
        var started = false
        /// Set by ``requestStop()``; the loop reads it through ``isStopping``.
        var stopping = false
        /// The PUSH end of the signal; used only under the lock, closed by the thread at exit.
        var signal: Socket?
    }

    /// Distinguishes the `inproc://` signal endpoints of the process's threads.
    private static let instances = Atomic<Int>(0)

    /// The thread's name, for debuggers and `top -H`; its signal's endpoint is named after it.
    let name: String
    private let state = Mutex(State())
    /// Left when the thread's body returns.
    private let finished = DispatchGroup()

    /// Creates the component's thread, not yet started.
    ///
    /// - Parameter name: The thread's name, such as `jiekun.feed-publisher`.
    init(name: String) {
        self.name = name
    }

    /// Starts the thread, whose body first sets up (creating and binding its sockets), reports the result, then
    /// runs.
    ///
    /// - Parameter body: The thread's work; it must call `ready` exactly once, with its setup's outcome, before its
    ///   loop.
    /// - Returns: The value its setup reported.
    /// - Throws: ``FeedError/alreadyStarted``, or the error its setup reported (the thread has then ended).
    func start<Value: Sendable>(
        body: @escaping @Sendable (_ ready: @Sendable (Result<Value, any Error>) -> Void) -> Void
    ) throws -> Value {
        let starting = state.withLock { state in
            defer { state.started = true }
            return !state.started
        }
        guard starting else { throw FeedError.alreadyStarted }
        let outcome = Mutex<Result<Value, any Error>?>(nil)
        let reported = DispatchSemaphore(value: 0)
        finished.enter()
        let thread = Thread { [finished = self.finished] in
            body { result in
                outcome.withLock { $0 = result }
                reported.signal()
            }
            finished.leave()
        }
        thread.name = name
        thread.start()
        reported.wait()
        switch outcome.withLock({ $0 })! {
        case .success(let value): return value
        case .failure(let error):
            join()
            state.withLock { $0.started = false }
            throw error
        }
    }

    /// Makes the thread's signal: an `inproc://` PULL its loop polls, and the PUSH end ``wake()`` and
    /// ``requestStop()`` send on. Called by the thread's setup; a stop asked for before is signalled at once.
    ///
    /// - Parameter context: The fabric context the component's sockets are made in.
    /// - Returns: The PULL end, owned by the thread.
    /// - Throws: ``ZMQError``.
    func makeSignal(in context: FabricContext) throws -> Socket {
        let endpoint = "inproc://\(name).\(Self.instances.wrappingAdd(1, ordering: .relaxed).newValue)"
        let wake = try context.socket(.pull, security: .plain)
        do {
            try wake.bind(endpoint)
            let signal = try context.socket(.push, security: .plain)
            do {
                try signal.connect(endpoint)
            } catch {
                signal.close()
                throw error
            }
            state.withLock { state in
                state.signal = signal
                if state.stopping { try? signal.send([UInt8](), flags: .dontWait) }
            }
        } catch {
            wake.close()
            throw error
        }
        return wake
    }

    /// Closes the signal's PUSH end: the thread's last act.
    func closeSignal() {
        state.withLock { state in
            state.signal?.close()
            state.signal = nil
        }
    }

    /// Wakes the loop from its poll without waiting.
    ///
    /// - Returns: Whether the signal was sent: not before the setup made it, nor after the thread closed it, nor at
    ///   shutdown (`ETERM`) or with a signal already queued, when the loop will look anyway.
    func wake() -> Bool {
        state.withLock { state in
            guard let signal = state.signal else { return false }
            do {
                try signal.send([UInt8](), flags: .dontWait)
                return true
            } catch {
                return false
            }
        }
    }

    /// Whether ``requestStop()`` was called: the loop ends when it sees it.
    var isStopping: Bool {
        state.withLock { $0.stopping }
    }

    /// Asks the thread to end and returns at once: sets the stop flag and wakes the loop.
    func requestStop() {
        state.withLock { state in
            state.stopping = true
            try? state.signal?.send([UInt8](), flags: .dontWait)
        }
    }

    /// Waits until the thread has ended (at once if it never started).
    func join() {
        finished.wait()
    }

    /// Waits until the thread has ended, at most `timeout`.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread ended in time (`true` also if it never started).
    func join(timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        return finished.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success
    }

    /// Suspends until the thread has ended, without blocking a thread of the concurrency pool.
    func joined() async {
        await finished.left()
    }
}

extension DispatchGroup {
    /// Suspends until every `enter()` has been left, without blocking a thread of the concurrency pool: how the
    /// fabric's threads are awaited.
    func left() async {
        await withCheckedContinuation { continuation in
            notify(queue: .global()) { continuation.resume() }
        }
    }
}
