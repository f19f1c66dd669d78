import Crypto
import Foundation
import GRDB

/// The workbench's sessions and login attempts, in the agency's own store (migration ``migrationIdentifier``):
///
/// ```sql
/// CREATE TABLE agency_web_sessions (
///     token_hash   TEXT PRIMARY KEY,  -- SHA-256 (hex) of the 256-bit session id; the id itself is never stored
///     staff_id     TEXT NOT NULL,
///     csrf         TEXT NOT NULL,     -- the session's CSRF token (128 bits, hex), in every form
///     created_at   DATETIME NOT NULL,
///     last_seen_at DATETIME NOT NULL  -- idle timeout: 30 minutes after this the session is deleted
/// );
/// CREATE TABLE agency_web_logins (
///     seq      INTEGER PRIMARY KEY AUTOINCREMENT,
///     staff_id TEXT NOT NULL,         -- the staff id typed, or '(not a staff id)' (WebSessions.recordable)
///     at       DATETIME NOT NULL,
///     outcome  TEXT NOT NULL          -- done | failed | locked
/// );
/// ```
///
/// Every login attempt is recorded (no password, no address). A staff id with ``lockThreshold`` failures since its
/// last successful login, the latest less than ``lockDuration`` ago, is locked: attempts are refused, even with
/// the right password, and recorded as `locked`.
public enum WebSessions {
    /// The migration creating the two tables.
    public static let migrationIdentifier = "agency.web.v1"
    /// Failed logins since the last success that lock a staff id.
    public static let lockThreshold = 5
    /// How long a staff id stays locked after its latest failure: 15 minutes.
    public static let lockDuration: TimeInterval = 15 * 60
    /// A session not used for this long ends: 30 minutes.
    public static let idleTimeout: TimeInterval = 30 * 60

    /// Registers ``migrationIdentifier``.
    ///
    /// - Parameter migrator: The store's migrator.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(migrationIdentifier) { db in
            try db.execute(
                sql: """
                    CREATE TABLE agency_web_sessions (
                        token_hash TEXT PRIMARY KEY, staff_id TEXT NOT NULL, csrf TEXT NOT NULL,
                        created_at DATETIME NOT NULL, last_seen_at DATETIME NOT NULL
                    );
                    CREATE INDEX agency_web_sessions_by_staff ON agency_web_sessions (staff_id);
                    CREATE TABLE agency_web_logins (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, staff_id TEXT NOT NULL, at DATETIME NOT NULL,
                        outcome TEXT NOT NULL
                    );
                    CREATE INDEX agency_web_logins_by_staff ON agency_web_logins (staff_id, seq);
                    """)
        }
    }

    /// A session found by its id.
    public struct Session: Sendable, Hashable {
        /// The staff member logged in.
        public var staffID: String
        /// The session's CSRF token.
        public var csrf: String
    }

    /// What a session id leads to.
    public enum Lookup: Sendable, Hashable {
        /// A live session (its last use is now).
        case live(Session)
        /// A session idle for longer than ``idleTimeout``: deleted now.
        case expired
        /// No such session.
        case unknown
    }

    /// The outcome of a login attempt, as recorded.
    public enum Outcome: String, Sendable, Hashable {
        /// Logged in.
        case done
        /// Wrong staff id or password, or a member who may not log in (disabled, no password).
        case failed
        /// Refused because the staff id is locked.
        case locked
    }

    /// A new random token: 256 bits (`bytes` 32) as hex, from the system's secure generator.
    ///
    /// - Parameter bytes: Its length in bytes.
    /// - Returns: The hex text.
    public static func randomToken(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in hex(UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The SHA-256 of a session id, hex: what the store keeps.
    ///
    /// - Parameter token: The session id.
    /// - Returns: The hash.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map(hex).joined()
    }

    /// Opens a session for a member who just logged in.
    ///
    /// - Parameters:
    ///   - staffID: The member.
    ///   - now: The time.
    ///   - db: A write transaction.
    /// - Returns: The session id (for the cookie; only its hash is stored) and the session's CSRF token.
    /// - Throws: `DatabaseError`.
    public static func open(for staffID: String, at now: Date, in db: Database) throws -> (
        token: String, csrf: String
    ) {
        let token = randomToken()
        let csrf = randomToken(bytes: 16)
        try db.execute(
            sql: """
                INSERT INTO agency_web_sessions (token_hash, staff_id, csrf, created_at, last_seen_at)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [hash(token), staffID, csrf, now, now])
        return (token, csrf)
    }

    /// Finds a session by its id and records its use now; a session idle for longer than ``idleTimeout`` is
    /// deleted.
    ///
    /// - Parameters:
    ///   - token: The session id from the cookie.
    ///   - now: The time.
    ///   - db: A write transaction.
    /// - Returns: What the id leads to.
    /// - Throws: `DatabaseError`.
    public static func lookup(_ token: String, at now: Date, in db: Database) throws -> Lookup {
        let key = hash(token)
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT staff_id, csrf, last_seen_at FROM agency_web_sessions WHERE token_hash = ?",
                arguments: [key])
        else { return .unknown }
        let lastSeen: Date = row["last_seen_at"]
        if now.timeIntervalSince(lastSeen) > idleTimeout {
            try db.execute(sql: "DELETE FROM agency_web_sessions WHERE token_hash = ?", arguments: [key])
            return .expired
        }
        try db.execute(
            sql: "UPDATE agency_web_sessions SET last_seen_at = ? WHERE token_hash = ?", arguments: [now, key])
        return .live(Session(staffID: row["staff_id"], csrf: row["csrf"]))
    }

    /// Ends a session (logout, or a member who may no longer log in).
    ///
    /// - Parameters:
    ///   - token: The session id.
    ///   - db: A write transaction.
    /// - Throws: `DatabaseError`.
    public static func close(_ token: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM agency_web_sessions WHERE token_hash = ?", arguments: [hash(token)])
    }

    /// Whether a staff id is locked now: ``lockThreshold`` failures since its last successful login, the latest
    /// less than ``lockDuration`` ago.
    ///
    /// - Parameters:
    ///   - staffID: The staff id typed.
    ///   - now: The time.
    ///   - db: A database connection.
    /// - Returns: Whether attempts are refused.
    /// - Throws: `DatabaseError`.
    public static func isLocked(_ staffID: String, at now: Date, in db: Database) throws -> Bool {
        let lastDone =
            try Int64.fetchOne(
                db, sql: "SELECT MAX(seq) FROM agency_web_logins WHERE staff_id = ? AND outcome = 'done'",
                arguments: [staffID]) ?? 0
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS failures, MAX(at) AS latest FROM agency_web_logins
                    WHERE staff_id = ? AND outcome = 'failed' AND seq > ?
                    """,
                arguments: [staffID, lastDone]),
            let latest = row["latest"] as Date?
        else { return false }
        let failures: Int = row["failures"]
        return failures >= lockThreshold && now.timeIntervalSince(latest) < lockDuration
    }

    /// What may be logged and recorded of a staff id typed: the id when it has the shape of one
    /// (`coordinator-0002`: lowercase letters and dashes, a dash, four or more digits), else `(not a staff id)` —
    /// someone may type their name or their password in the field.
    ///
    /// - Parameter typed: What was typed.
    /// - Returns: The id, or the placeholder.
    public static func recordable(_ typed: String) -> String {
        guard let dash = typed.lastIndex(of: "-"), typed.count <= 64 else { return "(not a staff id)" }
        let agency = typed[..<dash]
        let number = typed[typed.index(after: dash)...]
        let shaped =
            !agency.isEmpty && agency.allSatisfy { ($0.isASCII && $0.isLowercase) || $0 == "-" }
            && number.count >= 4 && number.allSatisfy { $0.isASCII && $0.isNumber }
        return shaped ? typed : "(not a staff id)"
    }

    /// Records a login attempt.
    ///
    /// - Parameters:
    ///   - outcome: How it ended.
    ///   - staffID: The staff id typed (recorded as ``recordable(_:)`` gives it).
    ///   - now: The time.
    ///   - db: A write transaction.
    /// - Throws: `DatabaseError`.
    public static func record(_ outcome: Outcome, for staffID: String, at now: Date, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO agency_web_logins (staff_id, at, outcome) VALUES (?, ?, ?)",
            arguments: [recordable(staffID), now, outcome.rawValue])
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
