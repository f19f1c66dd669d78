import GRDB

/// A store's place in the fabric, read without changing the store: its incarnation, the head of each feed it
/// publishes and its position in each feed it consumes (`jiekun feed positions`).
///
/// After a restore from a backup (docs/OPERATIONS.md), the restored publisher's heads and its consumers'
/// positions say which range of which feed was lost: from the head to each stopped consumer's cursor.
public struct StorePositions: Sendable, Hashable {
    /// The store's incarnation; `nil` for a store made before migration `eventfabric.v3` and not opened since.
    public var incarnation: String?
    /// Published feed → its last journal sequence.
    public var heads: [String: UInt64]
    /// Consumed feed → the cursor, the incarnation it was applied under and why the feed stopped, if it did.
    public var cursors: [String: Cursors.Position]

    /// Creates positions.
    ///
    /// - Parameters:
    ///   - incarnation: The store's incarnation.
    ///   - heads: Published feed → last journal sequence.
    ///   - cursors: Consumed feed → position.
    public init(incarnation: String?, heads: [String: UInt64], cursors: [String: Cursors.Position]) {
        self.incarnation = incarnation
        self.heads = heads
        self.cursors = cursors
    }

    /// The consumed feeds that stopped, with why.
    public var diverged: [String: String] { cursors.compactMapValues(\.divergence) }

    /// Reads a store file read-only: the store of a running service (WAL lets it) or of a stopped one; it is
    /// neither created nor migrated.
    ///
    /// - Parameter path: The store's SQLite file.
    /// - Returns: Its positions.
    /// - Throws: `DatabaseError` when the file cannot be opened or is not a store.
    public static func read(path: String) throws -> StorePositions {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(EventStore.busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            let incarnation =
                try db.tableExists("store_identity")
                ? try String.fetchOne(db, sql: "SELECT incarnation FROM store_identity") : nil
            var heads: [String: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT feed, MAX(sequence) FROM journal GROUP BY feed") {
                heads[row[0]] = UInt64(row[1] as Int64)
            }
            let cursors: [String: Cursors.Position]
            if try db.columns(in: "cursors").contains(where: { $0.name == "divergence" }) {
                cursors = try Cursors().positions(in: db)
            } else {
                cursors = try Cursors().all(in: db).mapValues { Cursors.Position(sequence: $0) }
            }
            return StorePositions(incarnation: incarnation, heads: heads, cursors: cursors)
        }
    }
}
