import EventFabric
import Foundation
import GRDB
import Synchronization
import TestSupport
import Testing

@Suite("Event store: journal, cursors, migrations")
struct EventStoreTests {
    /// An in-memory store (unit tests), with an extra table registered by a service migration.
    static func memoryStore() throws -> EventStore {
        try EventStore(
            writer: DatabaseQueue(),
            migrations: { migrator in
                migrator.registerMigration("service.v1") { db in
                    try db.execute(sql: "CREATE TABLE households (id TEXT PRIMARY KEY)")
                }
            }, logger: FeedTesting.quietLogger)
    }

    @Test("a file store is a WAL database with synchronous = FULL: a commit returns after its fsync (DESIGN Evidence)")
    func fileStoreSettings() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try EventStore(
            path: folder.appendingPathComponent("s.sqlite").path, logger: FeedTesting.quietLogger)
        // Both the writer and the readers: the setting is per connection.
        let readerSynchronous = try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let (mode, synchronous) = try store.writer.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(mode == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(readerSynchronous == 2)
        let deferred = try EventStore(
            path: folder.appendingPathComponent("d.sqlite").path, durability: .deferred,
            logger: FeedTesting.quietLogger)
        #expect(try deferred.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)  // NORMAL
    }

    @Test("a store has an incarnation made at its creation and kept across reopening; another store has another")
    func incarnation() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        let first = try EventStore(path: path, logger: FeedTesting.quietLogger).incarnation
        let reopened = try EventStore(path: path, logger: FeedTesting.quietLogger)
        let other = try EventStore(
            path: folder.appendingPathComponent("t.sqlite").path, logger: FeedTesting.quietLogger)
        #expect(first.count == 36)
        #expect(reopened.incarnation == first)
        #expect(other.incarnation != first)
        // Journaled events carry it in their `incarnation` extension.
        try reopened.publish([FeedTesting.event(1)], on: "housing")
        let entry = try #require(
            try reopened.writer.read { db in
                try reopened.journal.entries(of: "housing", after: 0, maxCount: 1, in: db)
            }.first)
        let event = try CloudEvent(json: entry.payload)
        #expect(event.incarnation == first)
        #expect(event.sequence == 1)
    }

    @Test("StorePositions reads a store's incarnation, heads and cursors without changing it")
    func positions() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        let store = try EventStore(path: path, logger: FeedTesting.quietLogger)
        try FeedTesting.publish(3, on: "housing", to: store)
        try FeedTesting.publish(2, from: 4, on: "coordinator", to: store)
        try store.writer.write { db in
            try store.cursors.advance("union", to: 9, incarnation: "u-1", in: db)
            try store.cursors.setDivergence("union", "journal behind the cursor", in: db)
        }
        let positions = try StorePositions.read(path: path)
        #expect(
            positions
                == StorePositions(
                    incarnation: store.incarnation, heads: ["housing": 3, "coordinator": 2],
                    cursors: [
                        "union": Cursors.Position(
                            sequence: 9, incarnation: "u-1", divergence: "journal behind the cursor")
                    ]))
        #expect(positions.diverged == ["union": "journal behind the cursor"])
        #expect(throws: (any Error).self) {
            try StorePositions.read(path: folder.appendingPathComponent("missing.sqlite").path)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("missing.sqlite").path))
    }

    @Test("fence fills a feed up to a position; resume clears a stop only for a head of the cursor's incarnation")
    func fenceAndResume() throws {
        let store = try Self.memoryStore()
        try FeedTesting.publish(3, on: "housing", to: store)
        #expect(try store.fence("housing", through: 6) == [4, 5, 6])
        #expect(try store.fence("housing", through: 5) == [])
        let entries = try store.writer.read { db in
            try store.journal.entries(of: "housing", after: 3, maxCount: 10, in: db)
        }
        #expect(entries.map(\.type) == Array(repeating: ReplayProtocol.fenceType, count: 3))
        #expect(
            try entries.map { try CloudEvent(json: $0.payload).incarnation }
                == Array(repeating: store.incarnation, count: 3))

        #expect(throws: ResyncError.notStopped("union")) { try store.resume("union", head: ("u-1", 9)) }
        try store.writer.write { db in
            try store.cursors.advance("union", to: 9, incarnation: "u-1", in: db)
            try store.cursors.setDivergence("union", "journal behind the cursor", in: db)
        }
        #expect(throws: ResyncError.otherIncarnation("union", cursor: "u-1", head: "u-2")) {
            try store.resume("union", head: ("u-2", 12))
        }
        #expect(throws: ResyncError.behind("union", cursor: 9, head: 8)) { try store.resume("union", head: ("u-1", 8)) }
        try store.resume("union", head: ("u-1", 9))
        let position = try store.writer.read { db in try store.cursors.positions(in: db)["union"] }
        #expect(position == Cursors.Position(sequence: 9, incarnation: "u-1"))
    }

    @Test("a store made before eventfabric.v3 gets an incarnation, and its cursors keep their sequences")
    func migrationGivesAnIncarnation() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        let old = try EventStore(path: path, logger: FeedTesting.quietLogger).incarnation
        do {
            // Undo eventfabric.v4 and v3: the store as the release before v3 left it, with one cursor.
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(
                    sql: """
                        DROP TABLE signed_heads;
                        ALTER TABLE journal DROP COLUMN chain;
                        DELETE FROM grdb_migrations WHERE identifier = 'eventfabric.v4';
                        DROP TABLE store_identity;
                        ALTER TABLE cursors DROP COLUMN incarnation;
                        ALTER TABLE cursors DROP COLUMN divergence;
                        DELETE FROM grdb_migrations WHERE identifier = 'eventfabric.v3';
                        INSERT INTO cursors (feed, sequence) VALUES ('union', 42);
                        """)
            }
        }
        let store = try EventStore(path: path, logger: FeedTesting.quietLogger)
        #expect(store.incarnation.count == 36)
        #expect(store.incarnation != old)
        let positions = try store.writer.read { db in try store.cursors.positions(in: db) }
        #expect(positions == ["union": Cursors.Position(sequence: 42)])
    }

    @Test("a write waits while another connection holds the lock (an online backup, another close), then succeeds")
    func writeWaitsForALock() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        let store = try EventStore(path: path, logger: FeedTesting.quietLogger)
        // The store's writer says when its write transaction begins (GRDB's statement trace).
        let beginning = Mutex(false)
        store.writer.writeWithoutTransaction { db in
            db.trace { event in
                if "\(event)".hasPrefix("BEGIN IMMEDIATE") { beginning.withLock { $0 = true } }
            }
        }
        let other = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                locked.signal()
                release.wait()
                try db.execute(sql: "COMMIT")
            }
            released.signal()
        }
        locked.wait()
        let outcome = Mutex<Result<[UInt64], any Error>?>(nil)
        Thread.detachNewThread {
            let result = Result {
                try store.publish(
                    [try CloudEvent(source: "/test", type: "test.happened", data: Array("{}".utf8))], on: "f")
            }
            outcome.withLock { $0 = result }
        }
        // The write begins while the other connection holds the lock: it cannot end before the lock is let go.
        #expect(waitUntil { beginning.withLock { $0 } })
        #expect(outcome.withLock { $0 } == nil, "the write ended while another connection held the lock")
        release.signal()
        released.wait()
        // Then it goes through (SQLite's busy timeout), instead of failing with SQLITE_BUSY.
        #expect(waitUntil { outcome.withLock { $0 } != nil })
        let sequences = try #require(outcome.withLock { $0 }).get()
        #expect(sequences == [1])
    }

    @Test("a new store and its WAL are readable by their owner only (personal data, docs/OPERATIONS.md)")
    func newStoreIsPrivate() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.sqlite").path
        let store = try EventStore(path: path, logger: FeedTesting.quietLogger)
        try store.publish([try CloudEvent(source: "/test", type: "test.happened", data: Array("{}".utf8))], on: "f")
        for file in [path, path + "-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        #expect(throws: StoreFileError.self) {
            try EventStore(
                path: folder.appendingPathComponent("missing/s.sqlite").path, logger: FeedTesting.quietLogger)
        }
    }

    @Test("services add their own tables through migrations, after the fabric's")
    func migrations() throws {
        let store = try Self.memoryStore()
        let tables = try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in ["journal", "cursors", "applied_events", "refused_events", "households"] {
            #expect(tables.contains(table))
        }
    }

    @Test("sequences are gap-free per feed, and a rolled-back transaction leaves no gap (DESIGN Nothing lost)")
    func gapFree() throws {
        let store = try Self.memoryStore()
        #expect(try store.publish([FeedTesting.event(1), FeedTesting.event(2)], on: "housing") == [1, 2])
        #expect(try store.publish([FeedTesting.event(3)], on: "coordinator") == [1])
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try store.writer.write { db in
                #expect(try store.journal.append(FeedTesting.event(4), to: "housing", in: db) == 3)
                throw Abort()
            }
        }
        #expect(try store.publish([FeedTesting.event(5)], on: "housing") == [3])
        // A savepoint rolled back inside a committed transaction: the numbers it used are used again.
        let numbers = try store.writer.write { db -> [UInt64] in
            var numbers = [try store.journal.append(FeedTesting.event(6), to: "housing", in: db)]
            try? db.inSavepoint { () throws -> Database.TransactionCompletion in
                numbers.append(try store.journal.append(FeedTesting.event(7), to: "housing", in: db))
                numbers.append(try store.journal.append(FeedTesting.event(8), to: "housing", in: db))
                throw Abort()
            }
            numbers.append(try store.journal.append(FeedTesting.event(9), to: "housing", in: db))
            numbers.append(try store.journal.append(FeedTesting.event(10), to: "housing", in: db))
            return numbers
        }
        #expect(numbers == [4, 5, 6, 5, 6])
        let entries = try store.writer.read { db in
            try store.journal.entries(of: "housing", after: 0, maxCount: 10, in: db)
        }
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5, 6])
        #expect(entries.map(\.id) == ["evt-1", "evt-2", "evt-5", "evt-6", "evt-9", "evt-10"])
        for entry in entries {
            let stored = try CloudEvent(json: entry.payload)
            #expect(stored.sequence == entry.sequence)
            #expect(stored.id == entry.id)
        }
    }

    @Test("an event larger than the journal's limit is refused when written, not when it would block a feed")
    func tooLarge() throws {
        let store = try Self.memoryStore()
        let event = try FeedTesting.event(1, size: Journal.maxEventBytes + 200)
        let size = event.sequenced(1, incarnation: store.incarnation).jsonBytes().count
        #expect(throws: JournalError.eventTooLarge(size)) { try store.publish([event], on: "housing") }
        #expect(try store.publish([FeedTesting.event(2, size: 900 << 10)], on: "housing") == [1])
    }

    @Test("appending outside a transaction is refused")
    func outsideTransaction() throws {
        let store = try Self.memoryStore()
        #expect(throws: JournalError.notInTransaction) {
            try store.writer.writeWithoutTransaction { db in
                try store.journal.append(FeedTesting.event(1), to: "housing", in: db)
            }
        }
    }

    @Test("the outbox: state, journal and cursor commit together; observers hear once per commit, never on rollback")
    func outbox() throws {
        let store = try Self.memoryStore()
        let heard = Mutex<[[String]]>([])
        let observation = store.journal.observeCommits { entries in
            heard.withLock { $0.append(entries.map { "\($0.feed) \($0.sequence) \($0.id)" }) }
        }
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO households (id) VALUES ('h1')")
            try store.journal.append(FeedTesting.event(1), to: "housing", in: db)
            try store.journal.append(FeedTesting.event(2), to: "housing", in: db)
            try store.journal.append(FeedTesting.event(3), to: "coordinator", in: db)
            try store.cursors.advance("union.intake", to: 17, in: db)
        }
        struct Abort: Error {}
        _ = try? store.writer.write { db in
            try db.execute(sql: "INSERT INTO households (id) VALUES ('h2')")
            try store.journal.append(FeedTesting.event(4), to: "housing", in: db)
            throw Abort()
        }
        #expect(heard.withLock { $0 } == [["housing 1 evt-1", "housing 2 evt-2", "coordinator 1 evt-3"]])
        observation.cancel()
        try store.publish([FeedTesting.event(5)], on: "housing")
        #expect(heard.withLock { $0.count } == 1)
        let (households, cursor, unseen, latest) = try store.writer.read { db in
            (
                try String.fetchAll(db, sql: "SELECT id FROM households"),
                try store.cursors.sequence(of: "union.intake", in: db),
                try store.cursors.sequence(of: "never.seen", in: db),
                try store.journal.latestSequence(of: "housing", in: db)
            )
        }
        #expect(households == ["h1"])
        #expect(cursor == 17)
        #expect(unseen == 0)
        #expect(latest == 3)
    }

    @Test("savepoints: observers get exactly the entries that survive, numbered without gaps, as stored")
    func savepoints() throws {
        let store = try Self.memoryStore()
        let heard = Mutex<[Journal.Entry]>([])
        let observation = store.journal.observeCommits { entries in heard.withLock { $0 += entries } }
        defer { observation.cancel() }
        struct Abort: Error {}
        var numbers: [String: UInt64] = [:]
        try store.writer.write { db in
            func append(_ number: Int, to feed: String) throws {
                numbers["evt-\(number)"] = try store.journal.append(FeedTesting.event(number), to: feed, in: db)
            }
            try append(1, to: "housing")  // housing 1
            try? db.inSavepoint {  // rolled back: housing 2 and coordinator 1 vanish
                try append(2, to: "housing")
                try append(3, to: "coordinator")
                throw Abort()
            }
            try append(4, to: "housing")  // housing 2 again
            try db.inSavepoint {  // released: housing 3 stands
                try append(5, to: "housing")
                return .commit
            }
            try db.inSavepoint {  // released, but its inner savepoint rolls back
                try append(6, to: "coordinator")  // coordinator 1
                try? db.inSavepoint {
                    try append(7, to: "coordinator")
                    try append(8, to: "housing")
                    return .rollback
                }
                try append(9, to: "housing")  // housing 4
                return .commit
            }
            try? db.inSavepoint {  // the transaction's last appends, rolled back
                try append(10, to: "housing")
                try append(11, to: "coordinator")
                throw Abort()
            }
            try append(12, to: "coordinator")  // coordinator 2
        }
        #expect(numbers["evt-2"] == 2 && numbers["evt-4"] == 2, "a rolled-back number is used again")
        #expect(numbers["evt-7"] == 2 && numbers["evt-12"] == 2)
        #expect(numbers["evt-10"] == 5 && numbers["evt-8"] == 4 && numbers["evt-9"] == 4)
        let stored = try store.writer.read { db in
            try ["housing", "coordinator"].flatMap { feed in
                try store.journal.entries(of: feed, after: 0, maxCount: 100, in: db)
            }
        }
        #expect(
            stored.map { "\($0.feed) \($0.sequence) \($0.id)" } == [
                "housing 1 evt-1", "housing 2 evt-4", "housing 3 evt-5", "housing 4 evt-9",
                "coordinator 1 evt-6", "coordinator 2 evt-12",
            ])
        let committed = heard.withLock { $0 }
        #expect(committed.map(\.id) == ["evt-1", "evt-4", "evt-5", "evt-6", "evt-9", "evt-12"])
        #expect(Set(committed) == Set(stored), "the observers get the stored bytes")

        // A transaction that rolls back entirely is not heard, and the next one numbers from the committed end.
        _ = try? store.writer.write { db in
            try store.journal.append(FeedTesting.event(13), to: "housing", in: db)
            throw Abort()
        }
        let next = try store.writer.write { db in
            try store.journal.append(FeedTesting.event(14), to: "housing", in: db)
        }
        #expect(next == 5)
        #expect(heard.withLock { $0.map(\.id) }.suffix(2) == ["evt-12", "evt-14"])
    }

    @Test("a transaction SQLite rolls back by itself is never handed over, and numbering restarts where it stood")
    func silentRollback() throws {
        // GRDB does not tell transaction observers of a rollback SQLite makes inside a failing statement (here an
        // `ON CONFLICT ROLLBACK` constraint; a full disk or an I/O error does the same).
        let store = try EventStore(
            writer: DatabaseQueue(configuration: EventStore.configuration()),
            migrations: { migrator in
                migrator.registerMigration("service.v1") { db in
                    try db.execute(sql: "CREATE TABLE marks (mark INTEGER UNIQUE ON CONFLICT ROLLBACK)")
                }
            }, logger: FeedTesting.quietLogger)
        let heard = Mutex<[String]>([])
        let observation = store.journal.observeCommits { entries in
            heard.withLock { $0 += entries.map { "\($0.feed) \($0.sequence) \($0.id)" } }
        }
        defer { observation.cancel() }
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in
                try store.journal.append(FeedTesting.event(1), to: "housing", in: db)
                try db.execute(sql: "INSERT INTO marks (mark) VALUES (1), (1)")
            }
        }
        // A later transaction without appends commits: nothing of the rolled-back one is handed over.
        try store.writer.write { db in try db.execute(sql: "INSERT INTO marks (mark) VALUES (2)") }
        #expect(heard.withLock { $0 }.isEmpty)
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in
                try store.journal.append(FeedTesting.event(2), to: "housing", in: db)
                try store.journal.append(FeedTesting.event(3), to: "housing", in: db)
                try db.execute(sql: "INSERT INTO marks (mark) VALUES (3), (3)")
            }
        }
        // The next appends number from the committed end, and only they are handed over.
        let sequences = try store.writer.write { db in
            try [4, 5].map { try store.journal.append(FeedTesting.event($0), to: "housing", in: db) }
        }
        #expect(sequences == [1, 2])
        #expect(heard.withLock { $0 } == ["housing 1 evt-4", "housing 2 evt-5"])
        let stored = try store.writer.read { db in
            try store.journal.entries(of: "housing", after: 0, maxCount: 10, in: db).map(\.id)
        }
        #expect(stored == ["evt-4", "evt-5"])
    }

    @Test("journal reads are bounded in count and bytes, with at least one entry")
    func boundedReads() throws {
        let store = try Self.memoryStore()
        try FeedTesting.publish(10, on: "housing", to: store, size: 1_000)
        let (window, capped, tiny, past) = try store.writer.read { db in
            (
                try store.journal.entries(of: "housing", after: 2, maxCount: 3, in: db),
                try store.journal.entries(of: "housing", after: 0, maxCount: 10, maxBytes: 2_500, in: db),
                try store.journal.entries(of: "housing", after: 0, maxCount: 10, maxBytes: 1, in: db),
                try store.journal.entries(of: "housing", after: 10, maxCount: 10, in: db)
            )
        }
        #expect(window.map(\.sequence) == [3, 4, 5])
        #expect(capped.count == 2)
        #expect(tiny.count == 1)
        #expect(past.isEmpty)
    }

    @Test("publish groups many events in one transaction")
    func groupCommit() throws {
        let store = try Self.memoryStore()
        let commits = Mutex(0)
        let observation = store.journal.observeCommits { _ in commits.withLock { $0 += 1 } }
        defer { observation.cancel() }
        let sequences = try store.publish((1...1_000).map { try FeedTesting.event($0) }, on: "housing")
        #expect(sequences == Array(1...1_000))
        #expect(commits.withLock { $0 } == 1)
    }
}
