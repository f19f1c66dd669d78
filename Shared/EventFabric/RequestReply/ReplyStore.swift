import Foundation
import GRDB

/// The replies a ``RequestServer`` has given, kept in the service's SQLite store so that a retried request is
/// answered from here and its operation executed once (DESIGN "Nothing lost").
///
/// The table, created by the migration ``registerMigrations(_:)`` adds:
///
/// ```sql
/// CREATE TABLE replies (
///     client_id      TEXT    NOT NULL,  -- the client's stable id
///     request_number INTEGER NOT NULL,  -- increasing per client
///     operation      TEXT    NOT NULL,  -- the operation the number was used for
///     status         TEXT    NOT NULL,  -- ok | error | refused
///     body           BLOB,              -- the reply's body (NULL for an empty body)
///     created_at     DATETIME NOT NULL, -- when the operation was executed (UTC)
///     asked_by       TEXT,              -- the asker: the connection's ZAP user id (`staff:housing-0003`,
///                                       -- a peer's name), NULL on a plain endpoint (eventfabric.replies.v2)
///     PRIMARY KEY (client_id, request_number)
/// );
/// CREATE INDEX replies_created_at ON replies(created_at);
/// ```
///
/// The server executes an operation and inserts its reply in one write transaction: a crash before the commit
/// leaves neither, a crash after it leaves both, and the retry finds the reply.
public enum ReplyStore {
    /// The identifier of the migration creating the `replies` table.
    public static let migrationIdentifier = "eventfabric.replies.v1"

    /// The identifier of the migration adding `asked_by`: who asked each command.
    public static let askerMigrationIdentifier = "eventfabric.replies.v2"

    /// Registers the migrations creating the `replies` table and adding its `asked_by` column.
    ///
    /// The service's store calls it with every other module's registrations, then migrates its database once;
    /// the migration is self-contained (it touches no other table).
    ///
    /// - Parameter migrator: The store's migrator.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(migrationIdentifier) { db in
            try db.create(table: "replies") { table in
                table.column("client_id", .text).notNull()
                table.column("request_number", .integer).notNull()
                table.column("operation", .text).notNull()
                table.column("status", .text).notNull()
                table.column("body", .blob)
                table.column("created_at", .datetime).notNull()
                table.primaryKey(["client_id", "request_number"])
            }
            try db.create(index: "replies_created_at", on: "replies", columns: ["created_at"])
        }
        migrator.registerMigration(askerMigrationIdentifier) { db in
            try db.alter(table: "replies") { table in table.add(column: "asked_by", .text) }
        }
    }

    /// Whether the `replies` table exists, that is whether the migration ran.
    ///
    /// - Parameter db: A database connection.
    /// - Returns: Whether the table exists.
    /// - Throws: A GRDB `DatabaseError`.
    public static func isInstalled(_ db: Database) throws -> Bool {
        try db.tableExists("replies")
    }

    /// The reply stored for a request, if it was executed already.
    ///
    /// - Parameters:
    ///   - db: A database connection.
    ///   - clientID: The request's client id.
    ///   - number: The request's number.
    /// - Returns: The operation the number was used for and its reply, or `nil`.
    /// - Throws: A GRDB `DatabaseError`.
    public static func storedReply(
        _ db: Database,
        clientID: String,
        number: UInt64
    ) throws -> (operation: String, reply: ServiceReply)? {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT operation, status, body FROM replies WHERE client_id = ? AND request_number = ?",
            arguments: [clientID, Int64(number)]
        )
        guard let row else { return nil }
        let statusText: String = row["status"]
        let status = ServiceReply.Status(rawValue: statusText) ?? .error
        let body: Data? = row["body"]
        return (row["operation"], ServiceReply(status: status, body: body.map { Array($0) } ?? []))
    }

    /// Stores the reply of an executed request, with who asked it (``ServiceRequest/peer``).
    ///
    /// - Parameters:
    ///   - db: The connection of the write transaction that executed the request.
    ///   - reply: The reply.
    ///   - request: The request.
    ///   - date: When it was executed.
    /// - Throws: A GRDB `DatabaseError`, such as a constraint error if the request's reply is stored already.
    public static func store(_ db: Database, reply: ServiceReply, for request: ServiceRequest, at date: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO replies (client_id, request_number, operation, status, body, created_at, asked_by)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                request.clientID, Int64(request.number), request.operation, reply.status.rawValue,
                reply.body.isEmpty ? nil : Data(reply.body), date, request.peer,
            ]
        )
    }

    /// Deletes the replies stored before a date, once no client can still retry those requests.
    ///
    /// A client retries for seconds, so keeping replies for days is ample; pruning keeps the table small.
    ///
    /// - Parameters:
    ///   - db: A connection in a write transaction.
    ///   - date: The replies created before it are deleted.
    /// - Returns: The number of replies deleted.
    /// - Throws: A GRDB `DatabaseError`.
    @discardableResult
    public static func prune(_ db: Database, before date: Date) throws -> Int {
        try db.execute(sql: "DELETE FROM replies WHERE created_at < ?", arguments: [date])
        return db.changesCount
    }
}
