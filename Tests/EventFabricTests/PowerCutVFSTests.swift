import EventFabric
import Foundation
import GRDB
import PowerCutVFS
import Testing

/// The power-cut VFS (`Tests/PowerCutVFS`, tests only) is faithful: a power cut under it loses exactly what was not
/// synced, in this process with GRDB over the system's SQLite, where it is registered. The process tests
/// (`PowerCutTests`) load the same code into the services with `LD_PRELOAD`.
@Suite("The power-cut VFS loses what was not synced, nothing else", .serialized)
struct PowerCutVFSTests {
    /// A fresh folder whose files the shim tracks (it is registered as the default VFS with the folder as its
    /// prefix: every other database of this process passes straight through it).
    static func poweredFolder() throws -> URL {
        let folder = try FeedTesting.temporaryFolder().resolvingSymlinksInPath()
        #expect(jiekun_powercut_register(folder.path, 1) == 0)  // SQLITE_OK
        return folder
    }

    /// Counts the rows of `t`.
    static func count(_ writer: some DatabaseWriter) throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") ?? -1 }
    }

    /// Whether SQLite finds the database whole.
    static func integrity(_ writer: some DatabaseWriter) throws -> String? {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
    }

    @Test("GRDB's connections go through the shim registered in this process (GRDB uses the system SQLite)")
    func grdbUsesTheShim() throws {
        let folder = try Self.poweredFolder()
        defer {
            jiekun_powercut_unregister()
            try? FileManager.default.removeItem(at: folder)
        }
        let before = jiekun_powercut_operations()
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("a.sqlite").path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (n INTEGER)") }
        try queue.close()
        // At least the table's page and the journal's writes and syncs were the shim's.
        #expect(jiekun_powercut_operations() - before >= 3)
        // Closed cleanly: no undo log is left behind.
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("a.sqlite-powercut").path))
    }

    @Test(
        "WAL, synchronous = FULL: every committed transaction survives a cut; with OFF, the commits after the last sync are gone"
    )
    func commitsAfterTheLastSyncAreLost() throws {
        let folder = try Self.poweredFolder()
        defer {
            jiekun_powercut_unregister()
            try? FileManager.default.removeItem(at: folder)
        }
        let path = folder.appendingPathComponent("w.sqlite").path
        let undoneBefore = jiekun_powercut_undone()
        do {
            let pool = try DatabasePool(path: path)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "CREATE TABLE t (n INTEGER)")
                // 100 transactions of one row each, every commit synced.
                for n in 1...100 { try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [n]) }
                try db.execute(sql: "PRAGMA synchronous = OFF")
                // 50 more, committed (readers see them) but never synced.
                for n in 101...150 { try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [n]) }
            }
            #expect(try Self.count(pool) == 150)
            jiekun_powercut_cut()
            try? pool.close()
        }
        // Power back: the 100 synced rows, none of the 50 others (their WAL frames were undone), a whole database.
        let reopened = try DatabasePool(path: path)
        #expect(try Self.count(reopened) == 100)
        #expect(try Self.integrity(reopened) == "ok")
        // 50 commits of a WAL frame and its header each, at least: the cut did undo writes.
        #expect(jiekun_powercut_undone() - undoneBefore >= 50)
        try reopened.close()
    }

    @Test("WAL: a checkpoint cut before its sync leaves the database whole, rebuilt from the synced WAL")
    func checkpointCutBeforeItsSync() throws {
        let folder = try Self.poweredFolder()
        defer {
            jiekun_powercut_unregister()
            try? FileManager.default.removeItem(at: folder)
        }
        let path = folder.appendingPathComponent("c.sqlite").path
        let undoneBefore = jiekun_powercut_undone()
        do {
            let pool = try DatabasePool(path: path)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "CREATE TABLE t (n INTEGER, padding BLOB)")
                // 200 rows of 1,000 bytes: about 50 pages in the WAL, each commit synced.
                for n in 1...200 {
                    try db.execute(sql: "INSERT INTO t VALUES (?, zeroblob(1000))", arguments: [n])
                }
                // A checkpoint that neither syncs the database nor the WAL's truncation.
                try db.execute(sql: "PRAGMA synchronous = OFF")
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
            // The checkpoint happened: the WAL is empty, the database file holds the 200 rows.
            let wal = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
            #expect(wal == 0)
            jiekun_powercut_cut()
            try? pool.close()
        }
        let walAfterCut = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        #expect(walAfterCut > 50 * 4096, "the WAL's truncation was not synced: the cut puts its frames back")
        let reopened = try DatabasePool(path: path)
        #expect(try Self.count(reopened) == 200)
        #expect(try Self.integrity(reopened) == "ok")
        #expect(jiekun_powercut_undone() - undoneBefore >= 2)
        try reopened.close()
    }

    @Test("An event store: what was published under synced durability survives; under deferred it is lost")
    func eventStoreDurability() throws {
        let folder = try Self.poweredFolder()
        defer {
            jiekun_powercut_unregister()
            try? FileManager.default.removeItem(at: folder)
        }
        for (durability, survivors) in [(EventStore.Durability.synced, 30), (.deferred, 10)] {
            let path = folder.appendingPathComponent("\(durability).sqlite").path
            do {
                // Ten events and a checkpoint that syncs them (both durabilities sync at checkpoints), then 20
                // more, one transaction each.
                let store = try EventStore(path: path, durability: durability, logger: FeedTesting.quietLogger)
                try store.publish(try (1...10).map { try FeedTesting.event($0) }, on: "housing")
                try store.writer.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA wal_checkpoint(FULL)")
                }
                for n in 11...30 { try store.publish([try FeedTesting.event(n)], on: "housing") }
                #expect(try store.writer.read { db in try store.journal.latestSequence(of: "housing", in: db) } == 30)
                jiekun_powercut_cut()
                // The store ends here: its connections close under the cut power, writing nothing.
            }
            let reopened = try EventStore(path: path, logger: FeedTesting.quietLogger)
            let latest = try reopened.writer.read { db in try reopened.journal.latestSequence(of: "housing", in: db) }
            #expect(latest == UInt64(survivors), "\(durability)")
            #expect(try Self.integrity(reopened.writer) == "ok")
        }
    }
}
