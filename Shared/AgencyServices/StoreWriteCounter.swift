import GRDB
import ServiceRuntime

/// Counts what a store's writer connection commits: the rows it inserts, updates and deletes (SQLite's
/// `sqlite3_total_changes`, rows changed by triggers included) under ``Counters/Label/rowsWritten``, and its
/// committed transactions under ``Counters/Label/transactionsCommitted``. Sampled once per commit, with no callback
/// per row, so that the count costs nothing per event.
///
/// The rows of a statement that later rolled back are counted too (SQLite counts a change when its statement
/// completes): the count measures the work done, not what the store keeps. A write transaction that changed
/// nothing is a commit too: it still took the writer. Reads (queries such as `status`) run on reader connections
/// and are not counted.
final class StoreWriteCounter: TransactionObserver {
    /// Where the rows are counted.
    private let counters: Counters
    /// The connection's total changes at the last commit (read and written on the writer's queue only).
    private var counted: Int

    private init(counters: Counters, counted: Int) {
        self.counters = counters
        self.counted = counted
    }

    /// Starts counting the writer's rows and commits from now on, for as long as the store is open.
    ///
    /// - Parameters:
    ///   - writer: The store's writer.
    ///   - counters: The process's counters.
    static func install(on writer: any DatabaseWriter, counters: Counters) {
        writer.writeWithoutTransaction { db in
            db.add(
                transactionObserver: StoreWriteCounter(counters: counters, counted: db.totalChangesCount),
                extent: .databaseLifetime)
        }
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }

    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidCommit(_ db: Database) {
        let total = db.totalChangesCount
        counters.increment(Counters.Label.rowsWritten, by: Int64(total - counted))
        counters.increment(Counters.Label.transactionsCommitted)
        counted = total
    }

    func databaseDidRollback(_ db: Database) {}
}
