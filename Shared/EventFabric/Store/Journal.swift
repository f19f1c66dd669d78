import Foundation
import GRDB
import Logging
import Synchronization

/// The journal of a service's outgoing events, numbered per feed without gaps (DESIGN "Nothing lost").
///
/// Appending happens *inside the caller's write transaction* (``append(_:to:in:)``), together with the service's
/// own writes and its cursor advance: the transactional outbox. The next sequence is computed inside that
/// transaction (`max + 1`), so a rolled-back transaction leaves no gap and a committed one no hole. Once the
/// transaction commits, the journal tells its observers (``observeCommits(_:)``) which feeds grew — the
/// ``FeedPublisher`` wakes and sends the new entries; if no publisher runs, the entries wait in the journal and
/// subscribers fetch them by replay.
///
/// Thread-safe; owned by an ``EventStore``.
public final class Journal: Sendable {
    /// An entry of the journal: one event of one feed.
    public struct Entry: Sendable, Hashable {
        /// The feed's name.
        public var feed: String
        /// The entry's position in the feed, from 1.
        public var sequence: UInt64
        /// The event's id.
        public var id: String
        /// The event's type (the topic on the wire).
        public var type: String
        /// The event's JSON as sent, with its `sequence` extension.
        public var payload: [UInt8]
    }

    /// The appends of a transaction not yet committed, and the observers to tell on commit.
    private struct State {
        /// Per open write connection: feed → sequence appended last in its current transaction.
        var pending: [ObjectIdentifier: [String: UInt64]] = [:]
        /// The commit observers, by token.
        var observers: [Int: @Sendable ([String: UInt64]) -> Void] = [:]
        /// The next observer token.
        var nextToken = 0
    }

    /// The largest event the journal accepts, in bytes of JSON: 1 MiB.
    ///
    /// Every subscriber accepts events up to this size by default (``FeedSubscriber/Configuration/maxEventBytes``),
    /// and replay chunks stay far below the fabric's transport limit (`maxMessageSize`, 16 MiB): an event that no
    /// subscriber could receive would block its feed, so it is refused when it is written.
    public static let maxEventBytes = 1 << 20

    /// The shared state.
    private let state = Mutex(State())

    /// For notices; never payloads.
    private let logger: Logger

    /// Creates the journal of a store.
    ///
    /// - Parameter logger: For notices.
    init(logger: Logger) {
        self.logger = logger
    }

    // MARK: Appending

    /// Appends an event to a feed inside the caller's write transaction, and returns its sequence.
    ///
    /// The event is numbered `max + 1` for its feed, its JSON (with the `sequence` extension) is encoded once and
    /// stored; a replay later sends these bytes verbatim. After the transaction commits, the observers (the
    /// publisher) learn that the feed grew; if it rolls back, nothing is appended and no number is used up.
    ///
    /// ```swift
    /// try store.writer.write { db in
    ///     try db.execute(sql: "UPDATE cases SET …")
    ///     try store.journal.append(outcome, to: "coordinator", in: db)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - event: The event; its `sequence` is ignored and assigned.
    ///   - feed: The feed's name, such as `housing`.
    ///   - db: A connection inside a write transaction (`writer.write { db in … }`).
    /// - Returns: The event's sequence in the feed.
    /// - Throws: ``JournalError/notInTransaction`` outside a transaction, ``JournalError/eventTooLarge(_:)`` beyond
    ///   ``maxEventBytes``, `DatabaseError` from SQLite.
    @discardableResult
    public func append(_ event: CloudEvent, to feed: String, in db: Database) throws -> UInt64 {
        guard db.isInsideTransaction else { throw JournalError.notInTransaction }
        // The feed's last sequence is one index seek. (Remembering it per transaction and inserting with
        // `INSERT … SELECT … WHERE MAX = remembered` cost more: SQLite copies such a SELECT from the table it
        // inserts into through a temporary table.)
        let sequence = try latestSequence(of: feed, in: db) + 1
        try insert(event, to: feed, sequence: sequence, in: db)
        notePending(feed: feed, sequence: sequence, in: db)
        return sequence
    }

    /// Inserts an event at a sequence.
    ///
    /// - Parameters:
    ///   - event: The event.
    ///   - feed: The feed.
    ///   - sequence: Its sequence.
    ///   - db: The open transaction.
    /// - Throws: ``JournalError/eventTooLarge(_:)``, `DatabaseError`.
    private func insert(_ event: CloudEvent, to feed: String, sequence: UInt64, in db: Database) throws {
        let payload = event.sequenced(sequence).jsonBytes()
        guard payload.count <= Self.maxEventBytes else { throw JournalError.eventTooLarge(payload.count) }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO journal (feed, sequence, id, type, subject, effective_date, payload)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            feed, Int64(sequence), event.id, event.type, event.subject, event.effectiveDate, Data(payload),
        ])
    }

    /// Remembers an append until its transaction ends, registering the commit hook once per transaction.
    ///
    /// - Parameters:
    ///   - feed: The feed appended to.
    ///   - sequence: The sequence appended.
    ///   - db: The connection.
    private func notePending(feed: String, sequence: UInt64, in db: Database) {
        let connection = ObjectIdentifier(db)
        let isFirst = state.withLock { state in
            if state.pending[connection] == nil {
                state.pending[connection] = [feed: sequence]
                return true
            }
            // The last append is the feed's last entry (append checks it), even after a savepoint rollback.
            state.pending[connection]![feed] = sequence
            return false
        }
        guard isFirst else { return }
        db.afterNextTransaction(
            onCommit: { [self] _ in
                let (feeds, observers) = state.withLock { state in
                    (state.pending.removeValue(forKey: connection) ?? [:], Array(state.observers.values))
                }
                for observer in observers { observer(feeds) }
            },
            onRollback: { [self] _ in
                _ = state.withLock { $0.pending.removeValue(forKey: connection) }
            })
    }

    // MARK: Observing commits

    /// A registration made by ``Journal/observeCommits(_:)``; ``cancel()`` ends it.
    public struct Observation: Sendable {
        /// The journal observed.
        let journal: Journal
        /// The registration's token.
        let token: Int

        /// Stops the observation; later commits are not reported to it.
        public func cancel() {
            journal.state.withLock { _ = $0.observers.removeValue(forKey: token) }
        }
    }

    /// Calls `observer` after every committed transaction that appended to the journal.
    ///
    /// The observer receives, for each feed appended to, the last sequence appended (a hint: a savepoint rolled
    /// back inside the transaction may have removed some entries). It runs on the database's writer thread, right
    /// after the commit: it must be quick and must not touch the database (wake a thread instead).
    ///
    /// - Parameter observer: Called with feed → last sequence appended.
    /// - Returns: The registration, to cancel.
    public func observeCommits(_ observer: @escaping @Sendable ([String: UInt64]) -> Void) -> Observation {
        let token = state.withLock { state in
            state.nextToken += 1
            state.observers[state.nextToken] = observer
            return state.nextToken
        }
        return Observation(journal: self, token: token)
    }

    // MARK: Reading

    /// The last sequence of a feed, `0` when it is empty.
    ///
    /// - Parameters:
    ///   - feed: The feed's name.
    ///   - db: A connection (read or write).
    /// - Returns: The highest sequence.
    /// - Throws: `DatabaseError`.
    public func latestSequence(of feed: String, in db: Database) throws -> UInt64 {
        let statement = try db.cachedStatement(sql: "SELECT MAX(sequence) FROM journal WHERE feed = ?")
        return UInt64(try Int64.fetchOne(statement, arguments: [feed]) ?? 0)
    }

    /// Reads the entries of a feed after a sequence, in order, bounded in count and in bytes.
    ///
    /// At least one entry is returned when one exists, even if it alone exceeds `maxBytes`.
    ///
    /// - Parameters:
    ///   - feed: The feed's name.
    ///   - sequence: The last sequence the reader has; entries after it are returned.
    ///   - maxCount: The most entries to return.
    ///   - maxBytes: The most payload bytes to return (the first entry excepted).
    ///   - db: A connection (read or write).
    /// - Returns: The entries, consecutive from `sequence + 1`.
    /// - Throws: `DatabaseError`.
    public func entries(
        of feed: String,
        after sequence: UInt64,
        maxCount: Int,
        maxBytes: Int = .max,
        in db: Database
    ) throws -> [Entry] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT sequence, id, type, payload FROM journal
                WHERE feed = ? AND sequence > ? ORDER BY sequence LIMIT ?
                """)
        let rows = try Row.fetchCursor(statement, arguments: [feed, Int64(sequence), maxCount])
        var entries: [Entry] = []
        var bytes = 0
        while let row = try rows.next() {
            let payload = try row.withUnsafeData(atIndex: 3) { data in data.map { [UInt8]($0) } ?? [] }
            if !entries.isEmpty && bytes + payload.count > maxBytes { break }
            bytes += payload.count
            entries.append(
                Entry(feed: feed, sequence: UInt64(row[0] as Int64), id: row[1], type: row[2], payload: payload))
        }
        return entries
    }
}

/// A misuse of the ``Journal``.
public enum JournalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// ``Journal/append(_:to:in:)`` or ``Cursors/advance(_:to:in:)`` was called outside a write transaction.
    case notInTransaction
    /// The event's JSON is larger than ``Journal/maxEventBytes``; carries its size in bytes.
    case eventTooLarge(Int)

    /// An explanation for the programmer.
    public var description: String {
        switch self {
        case .notInTransaction:
            "journal appends and cursor advances must run inside a write transaction (writer.write { db in … })"
        case .eventTooLarge(let size):
            "the event is \(size) bytes of JSON; the journal accepts at most \(Journal.maxEventBytes)"
        }
    }
}
