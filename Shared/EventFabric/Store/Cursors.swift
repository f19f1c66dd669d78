import GRDB

/// A subscriber's position in each upstream feed: the last sequence applied, and the upstream store's incarnation
/// it was applied under (DESIGN "Nothing lost", "Evidence").
///
/// A cursor moves only inside the write transaction that applies the events up to it, so that after a crash at
/// any point the cursor and the applied state agree: nothing is lost, nothing applied twice. A feed never seen has
/// cursor `0`. A feed whose publisher's journal went backwards or was replaced keeps its cursor and a
/// ``Position/divergence``: the ``FeedSubscriber`` applies nothing more of it until an operator resyncs it.
public struct Cursors: Sendable {
    /// Where a subscriber stands in one upstream feed.
    public struct Position: Sendable, Hashable, Codable {
        /// The last sequence applied.
        public var sequence: UInt64
        /// The upstream store's incarnation the events were applied under; `nil` before the first was heard.
        public var incarnation: String?
        /// Why the feed stopped (the publisher's head against this position), if it did.
        public var divergence: String?

        /// Creates a position.
        ///
        /// - Parameters:
        ///   - sequence: The last sequence applied.
        ///   - incarnation: The upstream incarnation.
        ///   - divergence: Why the feed stopped, if it did.
        public init(sequence: UInt64, incarnation: String? = nil, divergence: String? = nil) {
            self.sequence = sequence
            self.incarnation = incarnation
            self.divergence = divergence
        }
    }

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
    ///   - incarnation: The upstream incarnation they were applied under; `nil` keeps the one recorded.
    ///   - db: A connection inside a write transaction.
    /// - Throws: ``JournalError/notInTransaction`` outside a transaction, `DatabaseError`.
    public func advance(_ feed: String, to sequence: UInt64, incarnation: String? = nil, in db: Database) throws {
        guard db.isInsideTransaction else { throw JournalError.notInTransaction }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO cursors (feed, sequence, incarnation) VALUES (?, ?, ?)
                ON CONFLICT (feed) DO UPDATE SET sequence = excluded.sequence,
                    incarnation = COALESCE(excluded.incarnation, cursors.incarnation)
                """)
        try statement.execute(arguments: [feed, Int64(sequence), incarnation])
    }

    /// Records that a feed stopped, or (`divergence` `nil`) that an operator resumed it, keeping its cursor.
    ///
    /// - Parameters:
    ///   - feed: The upstream feed's local name.
    ///   - divergence: Why it stopped (the publisher's head against the cursor), or `nil` to resume it.
    ///   - db: A connection inside a write transaction.
    /// - Throws: ``JournalError/notInTransaction`` outside a transaction, `DatabaseError`.
    public func setDivergence(_ feed: String, _ divergence: String?, in db: Database) throws {
        guard db.isInsideTransaction else { throw JournalError.notInTransaction }
        try db.execute(
            sql: """
                INSERT INTO cursors (feed, sequence, divergence) VALUES (?, 0, ?)
                ON CONFLICT (feed) DO UPDATE SET divergence = excluded.divergence
                """, arguments: [feed, divergence])
    }

    /// Every cursor of the store with its incarnation and divergence.
    ///
    /// - Parameter db: A connection (read or write).
    /// - Returns: Feed → position.
    /// - Throws: `DatabaseError`.
    public func positions(in db: Database) throws -> [String: Position] {
        var positions: [String: Position] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT feed, sequence, incarnation, divergence FROM cursors") {
            positions[row[0]] = Position(sequence: UInt64(row[1] as Int64), incarnation: row[2], divergence: row[3])
        }
        return positions
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
