import Foundation
import GRDB
import Logging
import Synchronization

/// The journal of a service's outgoing events, numbered per feed without gaps (DESIGN "Nothing lost").
///
/// Appending happens *inside the caller's write transaction* (``append(_:to:in:)``), together with the service's
/// own writes and its cursor advance: the transactional outbox. The next sequence is the feed's `max + 1` inside
/// that transaction, so a rolled-back transaction leaves no gap and a committed one no hole. Once the transaction
/// commits, the journal hands its observers (``observeCommits(_:)``) the entries it committed — the
/// ``FeedPublisher`` sends them from memory, without reading them back; if no publisher runs, the entries wait in
/// the journal and subscribers fetch them by replay.
///
/// Which entries a transaction committed is known exactly, savepoints included: a GRDB transaction observer
/// watches the inserts into the `journal` table, and GRDB reports an insert made inside a savepoint only once every
/// savepoint is released (an insert rolled back with its savepoint is never reported). A transaction that SQLite
/// rolls back by itself (a full disk, an I/O error) is not reported to observers at all, so what the journal
/// remembers of a transaction is tied to it: an append uses it only within the same transaction (GRDB's
/// `transactionDate`, which ``EventStore/configuration()`` makes unique per transaction), and a commit hands its
/// entries over only if the database holds the token its first append wrote in `journal_transaction`.
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
        /// The event's JSON as sent, with its `sequence` and `incarnation` extensions.
        public var payload: [UInt8]
        /// The entry's link in its feed's hash chain (``JournalChain``): 32 bytes.
        public var chain: [UInt8]
    }

    /// The last entry of a feed as the chain needs it: its sequence and hash (`0` and the feed's start when empty).
    struct Link {
        /// The sequence.
        var sequence: UInt64
        /// The entry's chain hash.
        var chain: [UInt8]
    }

    /// The appends of one connection's open write transaction.
    private struct Transaction {
        /// The token its first append wrote in `journal_transaction`.
        var token: Int64
        /// When it began (GRDB's `transactionDate`): it identifies the transaction among the connection's.
        var began: Date
        /// The entry whose `INSERT` is executing: SQLite reports the insert while it executes, before its row id
        /// is known to the caller.
        var inserting: Entry?
        /// Entries inserted inside a savepoint, by row id, until GRDB reports them (once every savepoint is
        /// released) or their savepoint rolls back (then never).
        var unreported: [Int64: Entry] = [:]
        /// The entries that will be committed with the transaction, in the order of their inserts.
        var surviving: [Entry] = []
        /// Feed → the entry appended last in this transaction, for feeds whose last append was made outside any
        /// savepoint: no rollback short of the whole transaction's can remove it, so it is the feed's last.
        var latest: [String: Link] = [:]
    }

    /// The open transactions that appended, and the observers to tell on commit.
    private struct State {
        /// Per write connection with an open transaction that appended.
        var transactions: [ObjectIdentifier: Transaction] = [:]
        /// The commit observers, by token.
        var observers: [Int: @Sendable ([Entry]) -> Void] = [:]
        /// The next observer token.
        var nextToken = 0
        /// The last transaction token handed out (random start: a token stored by an earlier process is not
        /// taken for one of this process).
        var lastTransactionToken = Int64.random(in: 1...(Int64.max / 2))
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

    /// The store's incarnation (``EventStore/incarnation``), written into every entry's `incarnation` extension.
    public let incarnation: String

    /// The store's evidence suite (``EventStore/evidenceSuite``): the hash of the chain.
    public let suite: EvidenceSuite

    /// Creates the journal of a store.
    ///
    /// - Parameters:
    ///   - incarnation: The store's incarnation.
    ///   - suite: The store's evidence suite.
    ///   - logger: For notices.
    init(incarnation: String, suite: EvidenceSuite, logger: Logger) {
        self.incarnation = incarnation
        self.suite = suite
        self.logger = logger
    }

    // MARK: Appending

    /// Appends an event to a feed inside the caller's write transaction, and returns its sequence.
    ///
    /// The event is numbered `max + 1` for its feed, its JSON (with the `sequence` and `incarnation` extensions)
    /// is encoded once and stored with its link in the feed's hash chain (``JournalChain``); a replay later sends
    /// these bytes verbatim. After the transaction commits, the
    /// observers (the publisher) receive the entry; if it rolls back, nothing is appended and no number is used up.
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
        let connection = ObjectIdentifier(db)
        let began = try db.transactionDate
        let (isFirst, token, known): (Bool, Int64, Link?) = state.withLock { state in
            if let transaction = state.transactions[connection], transaction.began == began {
                return (false, transaction.token, transaction.latest[feed])
            }
            // The connection's first append in this transaction (what was remembered of an earlier one, if any,
            // belongs to a transaction SQLite rolled back without a word).
            state.lastTransactionToken += 1
            state.transactions[connection] = Transaction(token: state.lastTransactionToken, began: began)
            return (true, state.lastTransactionToken, nil)
        }
        if isFirst {
            try db.cachedStatement(sql: "UPDATE journal_transaction SET token = ?").execute(arguments: [token])
            db.add(transactionObserver: Watch(journal: self, connection: connection), extent: .nextTransaction)
        }
        // The feed's last entry is one index seek, skipped when this transaction's last append to the feed
        // stands (made outside any savepoint).
        let previous = try known ?? latestLink(of: feed, in: db)
        let sequence = previous.sequence + 1
        let payload = event.sequenced(sequence, incarnation: incarnation).jsonBytes()
        guard payload.count <= Self.maxEventBytes else { throw JournalError.eventTooLarge(payload.count) }
        let chain = JournalChain.link(
            after: previous.chain, sequence: sequence, incarnation: incarnation, payload: payload, suite: suite)
        let entry = Entry(
            feed: feed, sequence: sequence, id: event.id, type: event.type, payload: payload, chain: chain)
        update(connection) { $0.inserting = entry }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO journal (feed, sequence, id, type, subject, effective_date, payload, chain)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        do {
            try statement.execute(arguments: [
                feed, Int64(sequence), event.id, event.type, event.subject, event.effectiveDate, Data(payload),
                Data(chain),
            ])
        } catch {
            update(connection) { $0.inserting = nil }
            throw error
        }
        let rowID = db.lastInsertedRowID
        update(connection) { transaction in
            if let unreported = transaction.inserting {
                // Inside a savepoint: GRDB reports the insert when every savepoint is released, if it survives.
                transaction.inserting = nil
                transaction.unreported[rowID] = unreported
                transaction.latest[feed] = nil
            } else {
                transaction.latest[feed] = Link(sequence: sequence, chain: chain)
            }
        }
        return sequence
    }

    /// Changes the open transaction of a connection, if it appended.
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - change: The change, made in place under the lock.
    private func update(_ connection: ObjectIdentifier, _ change: (inout Transaction) -> Void) {
        state.withLock { state in
            guard state.transactions[connection] != nil else { return }
            change(&state.transactions[connection]!)
        }
    }

    /// GRDB reported an insert into the journal that will be committed with the transaction (made outside any
    /// savepoint, or inside savepoints all released since).
    ///
    /// - Parameters:
    ///   - rowID: The inserted row's id.
    ///   - connection: The connection.
    fileprivate func didInsert(rowID: Int64, on connection: ObjectIdentifier) {
        update(connection) { transaction in
            if let entry = transaction.inserting {
                transaction.inserting = nil
                transaction.surviving.append(entry)
            } else if let entry = transaction.unreported.removeValue(forKey: rowID) {
                transaction.surviving.append(entry)
            }
        }
    }

    /// The token in `journal_transaction`, as this connection sees it.
    ///
    /// - Throws: `DatabaseError`.
    private static func transactionToken(in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT token FROM journal_transaction"))
    }

    /// A transaction committed: the surviving entries of the one remembered go to the observers, if it is the
    /// one that committed (the database holds its token).
    ///
    /// - Parameters:
    ///   - connection: The connection.
    ///   - committedToken: The token the database holds after the commit (`nil` if it could not be read).
    fileprivate func didCommit(on connection: ObjectIdentifier, committedToken: Int64?) {
        let (entries, observers, isStale) = state.withLock { state in
            guard let transaction = state.transactions.removeValue(forKey: connection) else {
                return ([Entry](), [@Sendable ([Entry]) -> Void](), false)
            }
            guard transaction.token == committedToken else { return ([], [], true) }
            return (transaction.surviving, Array(state.observers.values), false)
        }
        if isStale {
            // Only after SQLite rolled a transaction back by itself. The committed entries are sent anyway:
            // the publisher reads what it did not hear of from the journal before each heartbeat.
            logger.warning("journal: a transaction ended unreported; its entries are left to the journal's readers")
        }
        guard !entries.isEmpty else { return }
        for observer in observers { observer(entries) }
    }

    /// The transaction rolled back: nothing was appended.
    ///
    /// - Parameter connection: The connection.
    fileprivate func didRollback(on connection: ObjectIdentifier) {
        _ = state.withLock { $0.transactions.removeValue(forKey: connection) }
    }

    /// Watches one transaction's inserts into the journal for ``Journal``.
    private final class Watch: TransactionObserver {
        /// The journal told.
        let journal: Journal
        /// The connection watched.
        let connection: ObjectIdentifier

        init(journal: Journal, connection: ObjectIdentifier) {
            self.journal = journal
            self.connection = connection
        }

        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
            if case .insert(let table) = eventKind { table == "journal" } else { false }
        }

        func databaseDidChange(with event: DatabaseEvent) {
            guard event.kind == .insert, event.tableName == "journal" else { return }
            journal.didInsert(rowID: event.rowID, on: connection)
        }

        func databaseDidCommit(_ db: Database) {
            journal.didCommit(on: connection, committedToken: try? Journal.transactionToken(in: db))
        }

        func databaseDidRollback(_ db: Database) {
            journal.didRollback(on: connection)
        }
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
    /// The observer receives the entries the transaction committed, in the order they were appended: per feed,
    /// consecutive sequences following the feed's previous last entry (entries rolled back with a savepoint are
    /// not among them). It runs on the database's writer thread, right after the commit: it must be quick and must
    /// not touch the database (wake a thread instead).
    ///
    /// - Parameter observer: Called with the committed entries.
    /// - Returns: The registration, to cancel.
    public func observeCommits(_ observer: @escaping @Sendable ([Entry]) -> Void) -> Observation {
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

    /// The last entry of a feed as the chain continues from it: its sequence and hash, or `0` and the feed's start
    /// (``JournalChain/start(feed:incarnation:suite:)``) when the feed is empty.
    ///
    /// - Parameters:
    ///   - feed: The feed's name.
    ///   - db: A connection (read or write).
    /// - Returns: The link.
    /// - Throws: `DatabaseError`; ``JournalError/chainMissing(feed:sequence:)`` when the last entry has no hash.
    func latestLink(of feed: String, in db: Database) throws -> Link {
        let statement = try db.cachedStatement(
            sql: "SELECT sequence, chain FROM journal WHERE feed = ? ORDER BY sequence DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement, arguments: [feed]) else {
            return Link(sequence: 0, chain: JournalChain.start(feed: feed, incarnation: incarnation, suite: suite))
        }
        let sequence = UInt64(row[0] as Int64)
        guard let chain = (row[1] as Data?).map(Array.init), chain.count == EvidenceSuite.hashLength else {
            throw JournalError.chainMissing(feed: feed, sequence: sequence)
        }
        return Link(sequence: sequence, chain: chain)
    }

    /// The chain hash of a feed's entry: the feed's start at `0`, `nil` when there is no such entry (or it has
    /// no hash).
    ///
    /// - Parameters:
    ///   - feed: The feed's name.
    ///   - sequence: The entry's sequence.
    ///   - db: A connection (read or write).
    /// - Returns: 32 bytes, or `nil`.
    /// - Throws: `DatabaseError`.
    public func chain(of feed: String, at sequence: UInt64, in db: Database) throws -> [UInt8]? {
        guard sequence > 0 else { return JournalChain.start(feed: feed, incarnation: incarnation, suite: suite) }
        let statement = try db.cachedStatement(sql: "SELECT chain FROM journal WHERE feed = ? AND sequence = ?")
        guard let data = try Data.fetchOne(statement, arguments: [feed, Int64(sequence)]),
            data.count == EvidenceSuite.hashLength
        else { return nil }
        return Array(data)
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
                SELECT sequence, id, type, payload, chain FROM journal
                WHERE feed = ? AND sequence > ? ORDER BY sequence LIMIT ?
                """)
        let rows = try Row.fetchCursor(statement, arguments: [feed, Int64(sequence), maxCount])
        var entries: [Entry] = []
        var bytes = 0
        while let row = try rows.next() {
            let payload = try row.withUnsafeData(atIndex: 3) { data in data.map { [UInt8]($0) } ?? [] }
            if !entries.isEmpty && bytes + payload.count > maxBytes { break }
            bytes += payload.count
            let chain = try row.withUnsafeData(atIndex: 4) { data in data.map { [UInt8]($0) } ?? [] }
            entries.append(
                Entry(
                    feed: feed, sequence: UInt64(row[0] as Int64), id: row[1], type: row[2], payload: payload,
                    chain: chain))
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
    /// The feed's last entry has no chain hash (its row was edited outside the journal): nothing is appended
    /// after it until `jiekun verify` has been run and the store looked at.
    case chainMissing(feed: String, sequence: UInt64)

    /// An explanation for the programmer.
    public var description: String {
        switch self {
        case .notInTransaction:
            "journal appends and cursor advances must run inside a write transaction (writer.write { db in … })"
        case .eventTooLarge(let size):
            "the event is \(size) bytes of JSON; the journal accepts at most \(Journal.maxEventBytes)"
        case .chainMissing(let feed, let sequence):
            "the journal entry \(feed) #\(sequence) has no chain hash (edited outside the journal?): run "
                + "jiekun verify on the store"
        }
    }
}
