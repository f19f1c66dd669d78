import Foundation
import GRDB
import Testing

@testable import EventFabric

/// The WAL is copied back on the checkpointer's thread, not in the writer's commits.
@Suite("WAL checkpointer")
struct WALCheckpointerTests {
    @Test("past its threshold the writer's commits wake the checkpointer, which copies the WAL back")
    func checkpointsOnItsThread() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("c.sqlite").path
        let pool = try DatabasePool(path: path, configuration: EventStore.configuration())
        let checkpointer = try WALCheckpointer(writer: pool, pages: 40, logger: FeedTesting.quietLogger)
        checkpointer.install()
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)") }
        // 30 transactions of about 4 pages each: past 40 pages several times over.
        for batch in 0..<30 {
            try pool.write { db in
                for row in 0..<10 {
                    try db.execute(
                        sql: "INSERT INTO t (id, text) VALUES (?, ?)",
                        arguments: [batch * 10 + row, String(repeating: "x", count: 1_500)])
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while checkpointer.checkpoints == 0, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(checkpointer.checkpoints >= 1)
        #expect(try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM t") } == 300)
        checkpointer.stop()
        // Stopped: the writer checkpoints by itself again, at the same threshold.
        #expect(try pool.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 40)
    }

    @Test("under its threshold nothing is copied back")
    func quietUnderThreshold() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("q.sqlite").path
        let pool = try DatabasePool(path: path, configuration: EventStore.configuration())
        let checkpointer = try WALCheckpointer(writer: pool, pages: 10_000, logger: FeedTesting.quietLogger)
        checkpointer.install()
        for id in 0..<20 {
            try pool.write { db in
                try db.execute(sql: "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)")
                try db.execute(sql: "INSERT INTO t (id) VALUES (?)", arguments: [id])
            }
        }
        Thread.sleep(forTimeInterval: 0.1)
        #expect(checkpointer.checkpoints == 0)
        checkpointer.stop()
    }
}
