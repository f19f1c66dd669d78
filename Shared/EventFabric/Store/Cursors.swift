import GRDB

/// A subscriber's position in each upstream feed: the last sequence applied (DESIGN "Nothing lost").
///
/// A cursor moves only inside the write transaction that applies the events up to it, so that after a crash at
/// any point the cursor and the applied state agree: nothing is lost, nothing applied twice. A feed never seen has
/// cursor `0`.
public struct Cursors: Sendable {
    /// Creates the accessor (stateless: the cursors live in the `cursors` table).
    public init() {}

    /// The last sequence applied from a feed, `0` if none.
    ///
    /// - Parameters:
    ///   - feed: The upstream feed's local name.
    ///   - db: A connection (read or write).
    /// - Returns: The cursor.
    /// - Throws: `DatabaseError`.
    public func sequence(of feed: String, in db: Database) throws -> UInt64 {
        let statement = try db.cachedStatement(sql: "SELECT sequence FROM cursors WHERE feed = ?")
        return UInt64(try Int64.fetchOne(statement, arguments: [feed]) ?? 0)
    }

    /// Moves a feed's cursor, inside the transaction that applied the events up to `sequence`.
    ///
    /// - Parameters:
    ///   - feed: The upstream feed's local name.
    ///   - sequence: The last sequence now applied.
    ///   - db: A connection inside a write transaction.
    /// - Throws: ``JournalError/notInTransaction`` outside a transaction, `DatabaseError`.
    public func advance(_ feed: String, to sequence: UInt64, in db: Database) throws {
        guard db.isInsideTransaction else { throw JournalError.notInTransaction }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO cursors (feed, sequence) VALUES (?, ?)
                ON CONFLICT (feed) DO UPDATE SET sequence = excluded.sequence
                """)
        try statement.execute(arguments: [feed, Int64(sequence)])
    }

    /// Every cursor of the store.
    ///
    /// - Parameter db: A connection (read or write).
    /// - Returns: Feed → last sequence applied.
    /// - Throws: `DatabaseError`.
    public func all(in db: Database) throws -> [String: UInt64] {
        var cursors: [String: UInt64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT feed, sequence FROM cursors") {
            cursors[row[0]] = UInt64(row[1] as Int64)
        }
        return cursors
    }
}
