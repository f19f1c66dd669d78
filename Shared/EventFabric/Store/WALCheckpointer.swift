import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Copies a store's write-ahead log back into the database (a WAL checkpoint) on a thread of its own, so that the
/// writer's `COMMIT` never does it.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: the writer would copy up to
/// ``pages`` pages before its next transaction (7 % of the coordinator's time on the demo, and a p99 of 100 ms in
/// `fabric-bench`). Here the writer's WAL hook only wakes this thread, which runs a `PASSIVE` checkpoint on its own
/// connection: it copies what every reader is done with and never blocks the writer, which keeps appending. A
/// writer that never pauses outruns it, though, and the WAL starts over only once all of it is copied back: at one
/// and a half times ``pages`` the writer copies the rest itself, so the WAL stays under about 300 MiB.
///
/// Lifetime: ``install()`` once; ``stop()`` (or ``requestStop()`` and ``joined()``) before the store goes: as its
/// thread ends it removes the hook, gives the writer back SQLite's own automatic checkpoint, and closes its
/// connection. ``EventStore`` stops it when it goes; a service also runs it as one of its fabric services, stopped
/// on shutdown.
public final class WALCheckpointer: Sendable {
    /// The WAL size, in pages, from which a checkpoint is asked for: 50,000 (about 200 MiB). A page that many
    /// transactions change in between (an index's last page, a B-tree's inner pages, a cursor) is then copied once.
    /// On the 71,000-household demo, 10,000 costs the seven services 12 s more processor time, and 150,000 saves
    /// nothing more.
    static let defaultPages = 50_000

    /// The threshold in pages.
    let pages: Int

    private struct State {
        var requested = false
        var stopping = false
        var checkpoints = 0
        var wakeUps = 0
        var lastStart = ContinuousClock.now - .seconds(1)
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()
    private let connection: DatabaseQueue
    private let writer: DatabasePool
    private let logger: Logger

    /// Opens the checkpointing connection and starts its thread.
    ///
    /// - Parameters:
    ///   - writer: The store's pool, whose writer connection gets the hook in ``install()``.
    ///   - pages: The WAL size that asks for a checkpoint.
    ///   - logger: For failures (no data).
    /// - Throws: `DatabaseError` when the connection cannot be opened.
    init(writer: DatabasePool, pages: Int = defaultPages, logger: Logger) throws {
        var configuration = Configuration()
        configuration.label = "checkpointer"
        configuration.busyMode = .timeout(EventStore.busyTimeout)
        configuration.prepareDatabase { db in
            // A checkpoint reads the WAL and writes the database directly: it needs no page cache to speak of.
            try db.execute(sql: "PRAGMA cache_size = -256")
        }
        connection = try DatabaseQueue(path: writer.path, configuration: configuration)
        self.writer = writer
        self.pages = max(1, pages)
        self.logger = logger
        finished.enter()
        // The thread holds this object only while it works: once `finished` is left, the store that owns it is its
        // last owner, so the store's pool (held here too) closes its connections when the store goes, on the
        // store's thread, not later on this one (a new store on the same file would meet a stale WAL-index).
        let thread = Thread { [weak self, finished] in
            self?.run()
            self?.finishRun()
            finished.leave()
        }
        thread.name = "wal-checkpointer"
        thread.start()
    }

    /// How many checkpoints ran (for tests and status).
    var checkpoints: Int { state.withLock { $0.checkpoints } }

    /// How many times the writer's commits woke the thread: counted in the commit itself, so it is exact as soon as
    /// the commit returns (for tests).
    var wakeUps: Int { state.withLock { $0.wakeUps } }

    /// Puts the hook on the writer's connection; from then on the writer no longer checkpoints by itself.
    func install() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        writer.writeWithoutTransaction { db in
            _ = sqlite3_wal_hook(db.sqliteConnection, walHook, context)
        }
    }

    /// Asks the thread to end and returns at once; ``joined()`` waits for it. Calling it again does nothing more.
    public func requestStop() {
        state.withLock { $0.stopping = true }
        wakeUp.signal()
    }

    /// Suspends until the thread has ended (after ``requestStop()``), without blocking a thread of the
    /// concurrency pool.
    public func joined() async {
        await finished.left()
    }

    /// Ends the thread and waits for it: the writer checkpoints by itself again, every ``pages`` pages, and the
    /// checkpointing connection is closed. Blocks the calling thread; calling it again only waits.
    ///
    /// The connection is closed here rather than whenever the thread lets go of this object: a store that is gone
    /// then holds no connection, and another process opening the file next never meets this one's close.
    func stop() {
        requestStop()
        finished.wait()
    }

    /// The end of the thread: removes the hook and closes the checkpointing connection.
    private func finishRun() {
        writer.writeWithoutTransaction { [pages] db in
            _ = sqlite3_wal_autocheckpoint(db.sqliteConnection, Int32(clamping: pages))
        }
        do {
            try connection.close()
        } catch {
            logger.warning(
                "cannot close the WAL checkpointing connection", metadata: ["error.description": "\(error)"])
        }
    }

    /// Called by the hook after each commit, on the writer's thread: wakes the thread when the WAL holds `frames`
    /// pages or more. Cheap: no I/O.
    ///
    /// - Returns: Whether the writer must checkpoint itself now: a writer that never pauses outruns any concurrent
    ///   checkpoint, and the WAL only starts over once a checkpoint has copied all of it, so past one and a half
    ///   times ``pages`` the writer copies what is left (little, after the thread's work) in this commit.
    fileprivate func committed(frames: Int) -> Bool {
        if frames >= pages + pages / 2 { return true }
        guard frames >= pages else { return false }
        let wake = state.withLock { state -> Bool in
            guard !state.requested, !state.stopping else { return false }
            state.requested = true
            state.wakeUps += 1
            return true
        }
        if wake { wakeUp.signal() }
        return false
    }

    private func run() {
        while true {
            wakeUp.wait()
            let since = state.withLock { state -> Duration? in
                if state.stopping { return nil }
                state.requested = false
                return ContinuousClock.now - state.lastStart
            }
            guard let since else { return }
            // While a reader holds an old snapshot the WAL cannot start over and every commit asks again: at most
            // one checkpoint per 50 ms then.
            if since < .milliseconds(50) { Thread.sleep(forTimeInterval: (.milliseconds(50) - since).seconds) }
            state.withLock { $0.lastStart = .now }
            do {
                try connection.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
                state.withLock { $0.checkpoints += 1 }
            } catch {
                logger.warning(
                    "WAL checkpoint failed; the writer keeps appending and the next commit asks again",
                    metadata: ["error.description": "\(error)"])
            }
        }
    }
}

/// The signature of `sqlite3_wal_hook`'s callback: context, connection, database name, pages in the WAL.
private typealias WALHook =
    @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32)
    -> Int32

/// The writer's WAL hook (`sqlite3_wal_hook`): `context` is the ``WALCheckpointer``, `frames` the WAL's size.
private let walHook: WALHook = { context, connection, _, frames in
    guard let context else { return SQLITE_OK }
    if Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().committed(frames: Int(frames)) {
        // What SQLite's own automatic checkpoint does from this hook.
        _ = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
    return SQLITE_OK
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
