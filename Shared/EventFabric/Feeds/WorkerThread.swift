import Dispatch
import Foundation
import Synchronization

/// A dedicated Foundation thread running one component's loop, with a start handshake and a join.
///
/// The fabric's components own ZeroMQ sockets, which belong to one thread: they run on a thread of their own,
/// never on the Swift concurrency pool (whose threads a blocking `zmq_poll` would starve).
final class WorkerThread: Sendable {
    /// Left when the thread's body returns.
    private let finished = DispatchGroup()

    /// Starts a thread whose body first sets up (creating and binding its sockets), reports the result, then runs.
    ///
    /// - Parameters:
    ///   - name: The thread's name, for debuggers and `top -H`.
    ///   - body: The thread's work; it must call `ready` exactly once, with its setup's outcome, before its loop.
    /// - Returns: The thread and the value its setup reported.
    /// - Throws: The error its setup reported (the thread has then ended).
    static func start<Value: Sendable>(
        name: String,
        body: @escaping @Sendable (_ ready: @Sendable (Result<Value, any Error>) -> Void) -> Void
    ) throws -> (WorkerThread, Value) {
        let worker = WorkerThread()
        let outcome = Mutex<Result<Value, any Error>?>(nil)
        let reported = DispatchSemaphore(value: 0)
        worker.finished.enter()
        let thread = Thread { [finished = worker.finished] in
            body { result in
                outcome.withLock { $0 = result }
                reported.signal()
            }
            finished.leave()
        }
        thread.name = name
        thread.start()
        reported.wait()
        let result = outcome.withLock { $0 }!
        switch result {
        case .success(let value): return (worker, value)
        case .failure(let error):
            worker.join()
            throw error
        }
    }

    /// Waits until the thread has ended.
    func join() {
        finished.wait()
    }

    /// Waits until the thread has ended, at most `timeout`.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread ended in time.
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
