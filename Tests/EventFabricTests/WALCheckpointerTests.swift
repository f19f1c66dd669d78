import Foundation
import GRDB
import TestSupport
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

    @Test("under its threshold the commits never wake the checkpointer; past it, they do")
    func quietUnderThreshold() throws {
        let folder = try FeedTesting.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("q.sqlite").path
        let pool = try DatabasePool(path: path, configuration: EventStore.configuration())
        let checkpointer = try WALCheckpointer(writer: pool, pages: 40, logger: FeedTesting.quietLogger)
        defer { checkpointer.stop() }
        checkpointer.install()
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)") }
        func insert(_ rows: Range<Int>, size: Int) throws {
            try pool.write { db in
                for id in rows {
                    try db.execute(
                        sql: "INSERT INTO t (id, text) VALUES (?, ?)",
                        arguments: [id, String(repeating: "x", count: size)])
                }
            }
        }
        // Five small transactions: a page or two each, far under 40 pages. The hook counts its wake-ups inside
        // each commit, so once the commits returned there is nothing to wait for.
        for id in 0..<5 { try insert(id..<id + 1, size: 10) }
        #expect(checkpointer.wakeUps == 0)
        #expect(checkpointer.checkpoints == 0, "no wake-up, so no checkpoint")

        // Transactions of about four pages each cross 40 pages within a dozen: the same hook then wakes the thread.
        var next = 5
        while checkpointer.wakeUps == 0 && next < 205 {
            try insert(next..<next + 10, size: 1_500)
            next += 10
        }
        #expect(checkpointer.wakeUps == 1)
        #expect(waitUntil { checkpointer.checkpoints == 1 })
    }
}
