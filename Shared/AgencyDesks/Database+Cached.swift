import GRDB

extension Database {
    /// Executes a statement compiled once per connection and kept in GRDB's statement cache.
    ///
    /// The desks run their statements once or more per applied event: compiling each time (parsing and
    /// authorising the SQL) costs more than running it.
    /// - Throws: `DatabaseError`.
    func execute(cached sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
