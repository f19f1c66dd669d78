import Foundation
import GRDB
import Logging
import Synchronization

/// One service's SQLite database (DESIGN "Storage"): its journal, its cursors, its idempotency and refusal records,
/// and whatever tables the service adds through its own migrations.
///
/// The store is a GRDB `DatabasePool` in WAL mode with `synchronous = FULL` (``Durability/synced``), so that
/// nothing is made visible before it is on disk (DESIGN "Evidence"). GRDB alone does not give it: its pool sets
/// `synchronous = NORMAL` on the writer when it turns WAL on (a commit then returns before any `fsync`; the WAL is
/// synced only at checkpoints), so the store sets `FULL` on the writer after opening it. In WAL mode with `FULL`,
/// SQLite `fsync`s the WAL file as part of every `COMMIT`, before `sqlite3_step` returns, and GRDB reports the
/// commit to transaction observers (the ``Journal``, hence the ``FeedPublisher``) and returns from `writer.write`
/// only after that.
/// Therefore:
/// - a publisher sends an event only after the transaction that journaled it is on disk;
/// - a ``RequestServer`` answers a command only after the transaction that executed it and stored its reply is on
///   disk;
/// - a ``FeedSubscriber`` moves its cursor in the transaction that applied the events, so what it acknowledges by
///   its cursor (`status`) is on disk.
///
/// SQLite alone gives one `fsync` per transaction, not group commit across transactions. Group commit comes from
/// putting many events in one transaction: a subscriber applies up to ``FeedSubscriber/Configuration/batchSize``
/// events per transaction, ``publish(_:on:)`` journals a whole batch in one, and a command (a `register` of
/// thousands of households) is one transaction. Requests from separate clients are separate transactions, each
/// with its own `fsync`. The cost is measured by `fabric-bench` ("durable feed, fsync before send").
///
/// What is promised against a power cut or an operating-system crash: every transaction whose effects anyone
/// outside the process has seen (an event received, a reply received, a cursor in a status report) survives it.
/// Transactions not yet seen may be lost, never half-kept. A journal that goes backwards anyway — a store restored
/// from a backup, a disk that lies about `fsync` — is detected by subscribers through the store's
/// ``incarnation`` and the feed's heads, and the feed stops instead of skipping events (``FeedSubscriber``).
///
/// A service applies an input event, writes its own records and appends its output events in *one* write
/// transaction (`store.writer.write { db in … }`, with ``Journal/append(_:to:in:)`` and
/// ``Cursors/advance(_:to:in:)``): the transactional outbox. After the commit the journal tells its observers
/// (the ``FeedPublisher``), which send the new entries.
///
/// Tables (migrations `eventfabric.v1` to `v4`):
/// - `journal(feed, sequence, id, type, subject, effective_date, payload BLOB, chain BLOB)`, primary key
///   `(feed, sequence)`; `chain` (from `v4`) is the entry's link in its feed's hash chain (``JournalChain``);
/// - `cursors(feed PRIMARY KEY, sequence, incarnation, divergence)` (the last two from `v3`: the upstream's
///   incarnation the cursor was applied under, and why the feed stopped, if it did);
/// - `applied_events(event_id PRIMARY KEY)`;
/// - `refused_events(feed, sequence, id, type, reason, refused_at)`, primary key `(feed, sequence)`;
/// - `journal_transaction(token)` (migration `eventfabric.v2`), one row: the token of the last transaction that
///   appended to the journal, by which the journal knows which transaction committed (``Journal``);
/// - `store_identity(incarnation, evidence_suite)` (migration `eventfabric.v3`; the suite from `v4`), one row: the
///   store's ``incarnation`` and ``evidenceSuite``;
/// - `signed_heads(feed, publisher, incarnation, sequence, chain, time, suite, key, signature, received_at)`
///   (migration `eventfabric.v4`): the signed heads of upstream feeds this store's subscriber received and found
///   valid (``SignedHead``), kept as evidence of what each publisher vouched for.
///
/// Migration `eventfabric.v4` chains a store's existing journal when it first runs (at the first open by a
/// version with hash chains): every existing entry is hashed as it stands then, in sequence order, under the
/// store's incarnation. The chain therefore vouches for the journal from that open on; an entry edited before it
/// is not detectable by the chain (only by a peer's copy of the events).
public final class EventStore: Sendable {
    /// The database: a `DatabasePool` for a file, a `DatabaseQueue` in memory.
    public let writer: any DatabaseWriter

    /// The store's journal of outgoing events.
    public let journal: Journal

    /// The store's cursors over upstream feeds.
    public let cursors = Cursors()

    /// The hash and signature suite named in the store (`store_identity.evidence_suite`), fixed when its chain was
    /// first made: the hash of its journal's chain.
    public let evidenceSuite: EvidenceSuite

    /// The store's incarnation: a random lower-case UUID made when the store was created (or, for a store made
    /// before migration `eventfabric.v3`, when it was migrated), kept in the store. Every feed position this store
    /// publishes is (incarnation, sequence): a store recreated from nothing has another incarnation, so that its
    /// subscribers do not take its new events for the old ones under the same sequences.
    public let incarnation: String

    /// For a file store, what copies the WAL back on its own thread (``WALCheckpointer``); `nil` in memory.
    public let checkpointer: WALCheckpointer?

    deinit { checkpointer?.stop() }

    /// Opens (creating if needed) the store at `path` and migrates it.
    ///
    /// The fabric's own migrations are registered first; `migrations` then registers the service's, which run in
    /// registration order after them (give them identifiers of your own, such as `housing.v1`).
    ///
    /// - Parameters:
    ///   - path: The SQLite file; its folder must exist.
    ///   - durability: When a commit returns: after its `fsync` (``Durability/synced``, the default).
    ///   - evidenceSuite: The suite of the store's hash chain when it is first chained (a new store, or one made
    ///     before migration `eventfabric.v4`); an existing chain keeps the suite named in the store.
    ///   - migrations: Registers the service's migrations on the migrator.
    ///   - logger: For the store's notices; no payload or personal data is ever logged.
    /// - Throws: `DatabaseError` when the file cannot be opened or a migration fails.
    public convenience init(
        path: String,
        durability: Durability = .synced,
        evidenceSuite: EvidenceSuite = .standard,
        migrations: (inout DatabaseMigrator) throws -> Void = { _ in },
        logger: Logger
    ) throws {
        try Self.protect(path, logger: logger)
        let pool = try DatabasePool(path: path, configuration: Self.configuration(durability: durability))
        // GRDB's pool sets `synchronous = NORMAL` on its writer after `prepareDatabase` (with `journal_mode = WAL`):
        // set the store's own on the writer, the only connection that commits, once it is open.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(durability.pragma)") }
        let checkpointer = try WALCheckpointer(writer: pool, logger: logger)
        checkpointer.install()
        do {
            try self.init(
                writer: pool, evidenceSuite: evidenceSuite, migrations: migrations, logger: logger,
                checkpointer: checkpointer)
        } catch {
            checkpointer.stop()
            throw error
        }
    }

    /// Makes a new store readable by its owner only (it holds personal data); SQLite gives the `-wal` and `-shm`
    /// files the same mode. An existing store that others can read is left as it is, with a warning.
    ///
    /// - Throws: ``StoreFileError`` when a new store file cannot be created.
    static func protect(_ path: String, logger: Logger) throws {
        let files = FileManager.default
        guard files.fileExists(atPath: path) else {
            guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreFileError(path: path)
            }
            return
        }
        if let mode = (try? files.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
            logger.warning(
                "the store can be read by other users of this host; it holds personal data: chmod 600 it",
                metadata: ["store.path": "\(path)", "store.mode": "\(String(mode, radix: 8))"])
        }
    }

    /// Opens a store over an existing GRDB writer, such as an in-memory `DatabaseQueue()` for unit tests.
    ///
    /// Give the writer ``configuration()`` (`DatabaseQueue(configuration: EventStore.configuration())`): its
    /// transaction dates never repeat, which the journal relies on to tell a transaction SQLite rolled back by
    /// itself from the next one. With GRDB's default clock, two transactions begun in the same microsecond could
    /// be taken for one.
    ///
    /// - Parameters:
    ///   - writer: The database; for a file, prefer ``init(path:durability:evidenceSuite:migrations:logger:)``.
    ///   - evidenceSuite: The suite of the store's hash chain when it is first chained.
    ///   - migrations: Registers the service's migrations on the migrator.
    ///   - logger: For the store's notices.
    /// - Throws: `DatabaseError` when a migration fails.
    public convenience init(
        writer: any DatabaseWriter,
        evidenceSuite: EvidenceSuite = .standard,
        migrations: (inout DatabaseMigrator) throws -> Void = { _ in },
        logger: Logger
    ) throws {
        try self.init(
            writer: writer, evidenceSuite: evidenceSuite, migrations: migrations, logger: logger, checkpointer: nil)
    }

    private init(
        writer: any DatabaseWriter,
        evidenceSuite: EvidenceSuite,
        migrations: (inout DatabaseMigrator) throws -> Void,
        logger: Logger,
        checkpointer: WALCheckpointer?
    ) throws {
        self.checkpointer = checkpointer
        var migrator = DatabaseMigrator()
        Self.registerMigrations(&migrator, evidenceSuite: evidenceSuite)
        try migrations(&migrator)
        try migrator.migrate(writer)
        self.writer = writer
        let identity = try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT incarnation, evidence_suite FROM store_identity")
        }
        self.incarnation = identity?[0] ?? ""
        let suiteName: String = identity?[1] ?? EvidenceSuite.standard.rawValue
        guard let suite = EvidenceSuite(rawValue: suiteName) else { throw EvidenceStoreError.unknownSuite(suiteName) }
        self.evidenceSuite = suite
        if suite != evidenceSuite {
            logger.notice(
                "the store's journal is chained with another suite than configured; the store's is kept",
                metadata: ["store.suite": "\(suite)", "configured.suite": "\(evidenceSuite)"])
        }
        self.journal = Journal(incarnation: self.incarnation, suite: suite, logger: logger)
        logger.debug("event store opened", metadata: ["store.path": "\(writer.path)"])
    }

    /// The page cache of the writing connection, in KiB: SQLite's default is 2 MiB, which a service's indexes (the
    /// applied event ids, its files by number) outgrow within a few thousand households, each miss then a `pread`.
    /// A fixed size, so a service's memory stays flat however large its store grows.
    public static let pageCacheKiB = 16_384

    /// The page cache of each reading connection, in KiB (status, replay and reports read a little at a time).
    public static let readerPageCacheKiB = 2_048

    /// The most reading connections at once (status, replay, reports).
    public static let maximumReaders = 3

    /// How long a connection waits for a lock another connection holds before failing with `SQLITE_BUSY`: 10 s.
    ///
    /// Other connections lock the file for moments: an operator's online backup (`sqlite3 … ".backup …"`,
    /// OPERATIONS), the store's own ``WALCheckpointer``, the recovery of the WAL after a crash, and the last
    /// connection of a process that closes the store (it copies the WAL back and removes it). Without a wait, a
    /// write or an open that meets such a moment fails at once.
    public static let busyTimeout: TimeInterval = 10

    /// When a store's commit returns, against a power cut or an operating-system crash (a process crash loses
    /// nothing committed either way: the WAL file is the operating system's).
    public enum Durability: Sendable, Hashable {
        /// `synchronous = FULL`: a commit returns after the WAL is `fsync`ed (see ``EventStore``). The only
        /// setting for a service's store.
        case synced
        /// `synchronous = NORMAL`: a commit returns before its `fsync` (the WAL is synced at checkpoints only),
        /// so its effects can be seen and then lost to a power cut. Only for measuring what ``synced`` costs
        /// (`fabric-bench`) and for scratch stores.
        case deferred

        /// The value of `PRAGMA synchronous`.
        var pragma: String {
            switch self {
            case .synced: "FULL"
            case .deferred: "NORMAL"
            }
        }
    }

    /// The GRDB configuration of a store: `synchronous` per `durability` (``Durability/synced``: see
    /// ``EventStore``; a `DatabasePool` overrides it on its writer, which ``init(path:durability:migrations:logger:)``
    /// sets again), a page cache of ``pageCacheKiB`` for the writer and ``readerPageCacheKiB`` for each of at
    /// most ``maximumReaders`` readers, a wait of ``busyTimeout`` for locks, and transaction dates that never
    /// repeat in the process (the ``Journal`` tells transactions apart by them).
    ///
    /// - Parameter durability: When a commit returns; after its `fsync` by default.
    /// - Returns: The configuration.
    public static func configuration(durability: Durability = .synced) -> Configuration {
        var configuration = Configuration()
        configuration.maximumReaderCount = maximumReaders
        configuration.busyMode = .timeout(busyTimeout)
        configuration.transactionClock = .custom { _ in TransactionDates.next() }
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability.pragma)")
            let cache = db.configuration.readonly ? readerPageCacheKiB : pageCacheKiB
            try db.execute(sql: "PRAGMA cache_size = -\(cache)")
            // The writer of a file store leaves checkpoints to its ``WALCheckpointer`` thread; should it ever
            // checkpoint by itself, then at the same size (SQLite's default, 1,000 pages, costs far more).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.defaultPages)")
        }
        return configuration
    }

    /// Registers the fabric's own tables.
    ///
    /// - Parameters:
    ///   - migrator: The migrator to register on.
    ///   - evidenceSuite: The suite a store's chain is made with when migration `eventfabric.v4` runs.
    static func registerMigrations(_ migrator: inout DatabaseMigrator, evidenceSuite: EvidenceSuite = .standard) {
        migrator.registerMigration("eventfabric.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE journal (
                        feed TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        subject TEXT,
                        effective_date TEXT,
                        payload BLOB NOT NULL,
                        PRIMARY KEY (feed, sequence)
                    );
                    CREATE TABLE cursors (
                        feed TEXT NOT NULL PRIMARY KEY,
                        sequence INTEGER NOT NULL
                    );
                    CREATE TABLE applied_events (
                        event_id TEXT NOT NULL PRIMARY KEY
                    ) WITHOUT ROWID;
                    CREATE TABLE refused_events (
                        feed TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        id TEXT,
                        type TEXT,
                        reason TEXT NOT NULL,
                        refused_at TEXT NOT NULL,
                        PRIMARY KEY (feed, sequence)
                    );
                    """)
        }
        migrator.registerMigration("eventfabric.v2") { db in
            // One row: the token of the last transaction that appended to the journal (``Journal``).
            try db.execute(
                sql: """
                    CREATE TABLE journal_transaction (token INTEGER NOT NULL);
                    INSERT INTO journal_transaction (token) VALUES (0);
                    """)
        }
        migrator.registerMigration("eventfabric.v3") { db in
            // The store's incarnation (a store made before this migration gets one now), and per cursor the
            // upstream incarnation it was applied under and why its feed stopped, if it did (``FeedSubscriber``).
            try db.execute(
                sql: """
                    CREATE TABLE store_identity (incarnation TEXT NOT NULL);
                    INSERT INTO store_identity (incarnation) VALUES (?);
                    ALTER TABLE cursors ADD COLUMN incarnation TEXT;
                    ALTER TABLE cursors ADD COLUMN divergence TEXT;
                    """, arguments: [UUID().uuidString.lowercased()])
        }
        migrator.registerMigration("eventfabric.v4") { db in
            // The hash chain of every feed (``JournalChain``), the store's suite, and the signed heads received.
            try db.execute(
                sql: """
                    ALTER TABLE journal ADD COLUMN chain BLOB;
                    ALTER TABLE store_identity ADD COLUMN evidence_suite TEXT NOT NULL DEFAULT 'ed25519-sha256';
                    UPDATE store_identity SET evidence_suite = ?;
                    CREATE TABLE signed_heads (
                        feed TEXT NOT NULL,
                        publisher TEXT NOT NULL,
                        incarnation TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        chain BLOB NOT NULL,
                        time TEXT NOT NULL,
                        suite TEXT NOT NULL,
                        key TEXT NOT NULL,
                        signature BLOB NOT NULL,
                        received_at TEXT NOT NULL,
                        PRIMARY KEY (feed, incarnation, sequence, time)
                    );
                    """, arguments: [evidenceSuite.rawValue])
            try chainExistingJournal(in: db, suite: evidenceSuite)
        }
    }

    /// Computes the chain of every entry of a journal made before migration `eventfabric.v4`, feed by feed in
    /// sequence order, under the store's incarnation.
    ///
    /// - Parameters:
    ///   - db: The migration's connection.
    ///   - suite: The store's suite.
    /// - Throws: `DatabaseError`.
    private static func chainExistingJournal(in db: Database, suite: EvidenceSuite) throws {
        let incarnation = try String.fetchOne(db, sql: "SELECT incarnation FROM store_identity") ?? ""
        let update = try db.makeStatement(sql: "UPDATE journal SET chain = ? WHERE feed = ? AND sequence = ?")
        for feed in try String.fetchAll(db, sql: "SELECT DISTINCT feed FROM journal ORDER BY feed") {
            var previous = JournalChain.start(feed: feed, incarnation: incarnation, suite: suite)
            var links: [(UInt64, [UInt8])] = []
            let rows = try Row.fetchCursor(
                db, sql: "SELECT sequence, payload FROM journal WHERE feed = ? ORDER BY sequence", arguments: [feed])
            while let row = try rows.next() {
                let sequence = UInt64(row[0] as Int64)
                let payload = try row.withUnsafeData(atIndex: 1) { data in data.map { [UInt8]($0) } ?? [] }
                previous = JournalChain.link(
                    after: previous, sequence: sequence, incarnation: incarnation, payload: payload, suite: suite)
                links.append((sequence, previous))
            }
            for (sequence, chain) in links {
                try update.execute(arguments: [Data(chain), feed, Int64(sequence)])
            }
        }
    }

    // MARK: Publishing without a transaction of one's own

    /// Appends events to a feed's journal in one group-committed transaction, and returns their sequences.
    ///
    /// One transaction for the whole batch: the journal is then limited by one commit per batch, not per event.
    /// After the commit the feed's publisher is told and sends them. To emit events together with other writes,
    /// call ``Journal/append(_:to:in:)`` inside your own transaction instead.
    ///
    /// - Parameters:
    ///   - events: The events, in order; their `sequence` is ignored and assigned.
    ///   - feed: The feed's name.
    /// - Returns: The sequences assigned, consecutive and in order.
    /// - Throws: `DatabaseError` if the transaction fails (then nothing is appended).
    @discardableResult
    public func publish(_ events: [CloudEvent], on feed: String) throws -> [UInt64] {
        try writer.write { db in
            try events.map { try journal.append($0, to: feed, in: db) }
        }
    }

    // MARK: Resync after a restore

    /// Fills the positions of a feed that its consumers applied but this journal lost (it was restored from an
    /// older copy) with fence entries, up to `sequence`, in one transaction: the feed then continues after the
    /// highest cursor of its consumers, which can be resumed (``resume(_:head:)``) without applying a different
    /// event under a sequence they already applied. A consumer that had not reached a fenced position skips it
    /// (``ReplayProtocol/fenceType``); what the lost events carried is to be entered again (re-import).
    ///
    /// - Parameters:
    ///   - feed: The feed's name.
    ///   - sequence: The highest cursor of the feed's consumers.
    /// - Returns: The positions fenced; empty when the journal already reaches `sequence`.
    /// - Throws: `DatabaseError`.
    @discardableResult
    public func fence(_ feed: String, through sequence: UInt64) throws -> [UInt64] {
        try writer.write { db in
            let latest = try journal.latestSequence(of: feed, in: db)
            guard latest < sequence else { return [] }
            var data: [UInt8] = Array(#"{"feed":"#.utf8)
            CloudEvent.appendString(feed, to: &data)
            data.append(UInt8(ascii: "}"))
            return try (latest + 1...sequence).map { _ in
                try journal.append(
                    CloudEvent(
                        validating: CloudEvent.newID(), source: "/jiekun/fence", type: ReplayProtocol.fenceType,
                        subject: nil, time: CloudEvent.timestamp(), effectiveDate: nil, sequence: nil, data: data),
                    to: feed, in: db)
            }
        }
    }

    /// Resumes a consumed feed that stopped, once its publisher's journal reaches the cursor again under the
    /// cursor's incarnation (after ``fence(_:through:)`` at the publisher): the next start applies it from the
    /// cursor on.
    ///
    /// - Parameters:
    ///   - feed: The consumed feed's local name.
    ///   - head: The publisher's head now: its incarnation and its journal's last sequence (`jiekun feed
    ///     positions` of its store).
    /// - Throws: ``ResyncError`` when the feed is not stopped, or the head is of another incarnation or behind the
    ///   cursor (resuming would skip or re-apply events); `DatabaseError`.
    public func resume(_ feed: String, head: (incarnation: String, sequence: UInt64)) throws {
        try writer.write { db in
            guard let position = try cursors.positions(in: db)[feed], position.divergence != nil else {
                throw ResyncError.notStopped(feed)
            }
            if let incarnation = position.incarnation, incarnation != head.incarnation {
                throw ResyncError.otherIncarnation(feed, cursor: incarnation, head: head.incarnation)
            }
            guard head.sequence >= position.sequence else {
                throw ResyncError.behind(feed, cursor: position.sequence, head: head.sequence)
            }
            try cursors.setDivergence(feed, nil, in: db)
        }
    }

    // MARK: Evidence

    /// What a store holds of the feeds' evidence, for a status report and `jiekun reconcile`.
    public struct Evidence: Sendable, Hashable {
        /// Published feed → the chain hash of its head.
        public var journalChains: [String: [UInt8]] = [:]
        /// Consumed feed → the newest signed heads kept, newest first.
        public var heldHeads: [String: [SignedHead]] = [:]
        /// Published feed → sequence → chain hash, for the positions asked (those in the journal).
        public var asked: [String: [UInt64: [UInt8]]] = [:]
    }

    /// Reads the chain hashes of the published feeds' heads, the signed heads kept for consumed feeds, and the
    /// chain hashes at positions asked (at most 256 per feed).
    ///
    /// - Parameters:
    ///   - publishedHeads: Published feed → its last sequence.
    ///   - consumedFeeds: The consumed feeds.
    ///   - heldLimit: The most signed heads per consumed feed.
    ///   - asked: Published feed → positions whose hash is wanted.
    ///   - db: A connection.
    /// - Returns: The evidence.
    /// - Throws: `DatabaseError`.
    public func evidence(
        publishedHeads: [String: UInt64], consumedFeeds: [String], heldLimit: Int, asked: [String: [UInt64]],
        in db: Database
    ) throws -> Evidence {
        var evidence = Evidence()
        for (feed, sequence) in publishedHeads {
            if let chain = try journal.chain(of: feed, at: sequence, in: db) { evidence.journalChains[feed] = chain }
        }
        for feed in consumedFeeds {
            evidence.heldHeads[feed] = try JournalVerifier.storedHeads(in: db, feed: feed, newest: heldLimit)
        }
        for (feed, sequences) in asked where publishedHeads[feed] != nil {
            for sequence in sequences.prefix(256) {
                if let chain = try journal.chain(of: feed, at: sequence, in: db) {
                    evidence.asked[feed, default: [:]][sequence] = chain
                }
            }
        }
        return evidence
    }

    // MARK: Idempotency and refusals

    /// A refused event as recorded in `refused_events`.
    public struct Refusal: Sendable, Hashable {
        /// The feed (subscriber's upstream name) it came on.
        public var feed: String
        /// Its sequence in that feed.
        public var sequence: UInt64
        /// Its id, if it could be read.
        public var id: String?
        /// Its type, if it could be read.
        public var type: String?
        /// Why it was refused: an ``EnvelopeError/reason`` code, `type.unknown`, `duplicate`, or `handler: …`.
        public var reason: String
    }

    /// The refusals recorded for a feed, in sequence order.
    ///
    /// - Parameter feed: The subscriber's upstream name.
    /// - Returns: The refusals.
    /// - Throws: `DatabaseError`.
    public func refusals(of feed: String) throws -> [Refusal] {
        try writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT sequence, id, type, reason FROM refused_events WHERE feed = ? ORDER BY sequence",
                arguments: [feed]
            ).map { row in
                Refusal(
                    feed: feed, sequence: UInt64(row[0] as Int64), id: row[1], type: row[2], reason: row[3])
            }
        }
    }

    /// Records an event id as applied, unless it already was.
    ///
    /// - Parameters:
    ///   - id: The event id.
    ///   - db: The open write transaction.
    /// - Returns: Whether the id is new (`false`: the event was already applied).
    /// - Throws: `DatabaseError`.
    static func markApplied(_ id: String, in db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO applied_events (event_id) VALUES (?)")
        try statement.execute(arguments: [id])
        return db.changesCount == 1
    }

    /// Records a refusal in `refused_events`.
    ///
    /// - Parameters:
    ///   - refusal: The refusal.
    ///   - db: The open write transaction.
    /// - Throws: `DatabaseError`.
    static func record(_ refusal: Refusal, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO refused_events (feed, sequence, id, type, reason, refused_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            refusal.feed, Int64(refusal.sequence), refusal.id, refusal.type, String(refusal.reason.prefix(500)),
            CloudEvent.timestamp(),
        ])
    }
}

/// The start dates of transactions (GRDB's `transactionDate`): the wall clock, but each at least a microsecond
/// after the previous one in the process, so that no two transactions share one.
enum TransactionDates {
    /// The last date handed out, in microseconds since 1970.
    private static let last = Atomic<Int64>(0)

    /// A date later than every earlier one.
    static func next() -> Date {
        let now = Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
        var previous = last.load(ordering: .relaxed)
        while true {
            let next = max(now, previous + 1)
            let (exchanged, original) = last.compareExchange(
                expected: previous, desired: next, ordering: .relaxed)
            if exchanged { return Date(timeIntervalSince1970: Double(next) / 1_000_000) }
            previous = original
        }
    }
}

/// Why a stopped feed cannot be resumed (``EventStore/resume(_:head:)``).
public enum ResyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The feed is not stopped.
    case notStopped(String)
    /// The publisher's head is of another incarnation than the cursor.
    case otherIncarnation(String, cursor: String, head: String)
    /// The publisher's journal still ends before the cursor.
    case behind(String, cursor: UInt64, head: UInt64)

    /// An explanation for the operator.
    public var description: String {
        switch self {
        case .notStopped(let feed):
            "the feed \(feed) is not stopped: nothing to resume"
        case .otherIncarnation(let feed, let cursor, let head):
            "the feed \(feed) was applied under incarnation \(cursor), the publisher is now \(head) (its store was "
                + "made anew): resuming would take its new events for the old ones"
        case .behind(let feed, let cursor, let head):
            "the publisher's journal of \(feed) ends at \(head), before this cursor (\(cursor)): fence it through "
                + "\(cursor) first (jiekun feed fence)"
        }
    }
}

/// A store whose evidence cannot be read.
public enum EvidenceStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The store names a suite this version does not know.
    case unknownSuite(String)
    /// The store was made before hash chains and not opened by a service since (carries its path).
    case notChained(String)

    public var description: String {
        switch self {
        case .notChained(let path):
            "the store \(path) has no hash chain yet: it is made when a service of this version first opens it"
        case .unknownSuite(let name):
            "the store's journal is chained with \(name), which this version does not know (known: "
                + EvidenceSuite.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        }
    }
}

/// A store file that cannot be created.
public struct StoreFileError: Error, CustomStringConvertible {
    /// The store's path.
    public var path: String
    public var description: String {
        "cannot create the store \(path) (does its folder exist and can this user write it?)"
    }
}
