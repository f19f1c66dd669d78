import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ZeroMQ

/// An agency's staff, in its own store (table `agency_staff`, migration ``migrationIdentifier``), registered for
/// every desk by `AgencyAssembly`. `jiekun staff add|list|disable|grant|revoke` changes it on the agency's host,
/// writing beside the running service (SQLite WAL, busy timeout); the service reads it at each CURVE handshake
/// (``enabledPeer(forKey:in:)``) and at each request (``member(id:in:)``), so a change applies without a restart.
///
/// ```sql
/// CREATE TABLE agency_staff (
///     staff_id     TEXT PRIMARY KEY,     -- housing-0003 (pseudonymous)
///     display_name TEXT NOT NULL,        -- personal data: never logged
///     roles        TEXT NOT NULL,        -- clerk,approver (role order)
///     area         TEXT NOT NULL,        -- 530000 | 530100 | 530102
///     enabled      INTEGER NOT NULL,
///     public_key   TEXT NOT NULL UNIQUE, -- Z85, canonical
///     created_at   DATETIME NOT NULL, created_by TEXT NOT NULL,
///     changed_at   DATETIME NOT NULL, changed_by TEXT NOT NULL,
///     password_hash TEXT, password_set_at DATETIME, password_set_by TEXT  -- agency.staff.v2: the workbench login
/// );
/// ```
public enum StaffRegister {
    /// The migration creating `agency_staff`.
    public static let migrationIdentifier = "agency.staff.v1"
    /// The migration adding the workbench password (a bcrypt hash, never the password) to `agency_staff`.
    public static let passwordMigrationIdentifier = "agency.staff.v2"

    /// The prefix of the ZAP user id of a staff member's connection: `staff:housing-0003`. Peer agencies and
    /// operators listed in the configuration have their bare names.
    public static let peerPrefix = "staff:"

    /// Registers ``migrationIdentifier``.
    ///
    /// - Parameter migrator: The store's migrator.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(migrationIdentifier) { db in
            try db.execute(
                sql: """
                    CREATE TABLE agency_staff (
                        staff_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, roles TEXT NOT NULL,
                        area TEXT NOT NULL, enabled INTEGER NOT NULL, public_key TEXT NOT NULL UNIQUE,
                        created_at DATETIME NOT NULL, created_by TEXT NOT NULL,
                        changed_at DATETIME NOT NULL, changed_by TEXT NOT NULL
                    )
                    """)
        }
        migrator.registerMigration(passwordMigrationIdentifier) { db in
            try db.execute(
                sql: """
                    ALTER TABLE agency_staff ADD COLUMN password_hash TEXT;
                    ALTER TABLE agency_staff ADD COLUMN password_set_at DATETIME;
                    ALTER TABLE agency_staff ADD COLUMN password_set_by TEXT;
                    """)
        }
    }

    /// The staff id a request's peer names, if it is a staff member's connection (`staff:housing-0003`).
    ///
    /// - Parameter peer: The ZAP user id of the connection.
    /// - Returns: The staff id, or `nil` for a peer agency or an operator.
    public static func staffID(ofPeer peer: String) -> String? {
        peer.hasPrefix(peerPrefix) ? String(peer.dropFirst(peerPrefix.count)) : nil
    }

    /// The ZAP user id of an enabled member's key, for the request endpoint's ZAP lookup.
    ///
    /// - Parameters:
    ///   - publicKey: The client's public key, canonical Z85.
    ///   - db: A database connection.
    /// - Returns: `staff:<id>`, or `nil` when no enabled member has this key.
    /// - Throws: `DatabaseError`.
    public static func enabledPeer(forKey publicKey: String, in db: Database) throws -> String? {
        guard try db.tableExists("agency_staff") else { return nil }
        return try String.fetchOne(
            db, sql: "SELECT staff_id FROM agency_staff WHERE public_key = ? AND enabled = 1",
            arguments: [publicKey]
        ).map { peerPrefix + $0 }
    }

    /// Adds a member, enabled, with the next id of the agency (`housing-0001`, `housing-0002`, …).
    ///
    /// - Parameters:
    ///   - displayName: The name colleagues know them by (1 to 64 characters).
    ///   - roles: At least one role.
    ///   - area: The validated area.
    ///   - publicKey: Their CURVE public key (Z85).
    ///   - agency: The agency (the id's prefix).
    ///   - actor: Who adds them.
    ///   - date: When.
    ///   - db: A write transaction.
    /// - Returns: The new record.
    /// - Throws: ``DeskRefusal`` for an empty name or role list, an invalid key or a key already held by another
    ///   member; `DatabaseError`.
    public static func add(
        displayName: String, roles: Set<StaffRole>, area: StaffArea, publicKey: String, agency: Agency,
        by actor: String, at date: Date = Date(), in db: Database
    ) throws -> StaffMember {
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...64).contains(name.count) else {
            throw DeskRefusal(
                code: "staff.name.invalid", description: "姓名须为 1 至 64 个字符 (the name must be 1 to 64 characters)")
        }
        guard !roles.isEmpty else {
            throw DeskRefusal(code: "staff.roles.empty", description: "至少需要一个角色 (give at least one role)")
        }
        let key = try canonical(publicKey)
        if let holder = try String.fetchOne(
            db, sql: "SELECT staff_id FROM agency_staff WHERE public_key = ?", arguments: [key])
        {
            throw DeskRefusal(
                code: "staff.key.taken",
                description: "该公钥已属于 \(holder) (this public key already belongs to \(holder): one key per person)")
        }
        let prefix = agency.rawValue + "-"
        let ids = try String.fetchAll(db, sql: "SELECT staff_id FROM agency_staff")
        let next = (ids.compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }.max() ?? 0) + 1
        let member = StaffMember(
            id: prefix + String(format: "%04d", next), displayName: name, roles: roles, area: area.code,
            enabled: true, publicKey: key, createdAt: date, createdBy: actor, changedAt: date, changedBy: actor)
        try db.execute(
            sql: """
                INSERT INTO agency_staff (staff_id, display_name, roles, area, enabled, public_key, created_at,
                    created_by, changed_at, changed_by)
                VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
                """,
            arguments: [
                member.id, name, text(roles), area.code, key, date, actor, date, actor,
            ])
        return member
    }

    /// One member.
    ///
    /// - Parameters:
    ///   - id: The staff id.
    ///   - db: A database connection.
    /// - Returns: The record, or `nil`.
    /// - Throws: `DatabaseError`.
    public static func member(id: String, in db: Database) throws -> StaffMember? {
        try Row.fetchOne(db, sql: "SELECT * FROM agency_staff WHERE staff_id = ?", arguments: [id]).map(member)
    }

    /// Every member, by id.
    ///
    /// - Throws: `DatabaseError`.
    public static func all(in db: Database) throws -> [StaffMember] {
        try Row.fetchAll(db, sql: "SELECT * FROM agency_staff ORDER BY staff_id").map(member)
    }

    /// Disables a member: their key is refused at the next handshake and their requests from now on.
    ///
    /// - Returns: The changed record.
    /// - Throws: ``DeskRefusal`` `staff.unknown`; `DatabaseError`.
    @discardableResult
    public static func disable(_ id: String, by actor: String, at date: Date = Date(), in db: Database) throws
        -> StaffMember
    {
        try change(id, by: actor, at: date, in: db) { $0.enabled = false }
    }

    /// Grants roles to a member.
    ///
    /// - Returns: The changed record.
    /// - Throws: ``DeskRefusal`` `staff.unknown`; `DatabaseError`.
    @discardableResult
    public static func grant(
        _ roles: Set<StaffRole>, to id: String, by actor: String, at date: Date = Date(), in db: Database
    ) throws -> StaffMember {
        try change(id, by: actor, at: date, in: db) { $0.roles.formUnion(roles) }
    }

    /// Revokes roles from a member; the last role cannot be revoked (disable the member instead).
    ///
    /// - Returns: The changed record.
    /// - Throws: ``DeskRefusal`` `staff.unknown`, `staff.roles.empty`; `DatabaseError`.
    @discardableResult
    public static func revoke(
        _ roles: Set<StaffRole>, from id: String, by actor: String, at date: Date = Date(), in db: Database
    ) throws -> StaffMember {
        try change(id, by: actor, at: date, in: db) { member in
            member.roles.subtract(roles)
            if member.roles.isEmpty {
                throw DeskRefusal(
                    code: "staff.roles.empty",
                    description: "\(id) 至少保留一个角色；停用请用 jiekun staff disable (a member keeps at least one role: "
                        + "disable them instead)")
            }
        }
    }

    /// Parses a list of role words (`clerk,审核`).
    ///
    /// - Throws: ``DeskRefusal`` `staff.role.unknown` naming the word.
    public static func roles(_ words: [String]) throws(DeskRefusal) -> Set<StaffRole> {
        var roles: Set<StaffRole> = []
        for word in words.flatMap({ $0.split(whereSeparator: { ",，、".contains($0) }) }) {
            guard let role = StaffRole(word: String(word)) else {
                throw DeskRefusal(
                    code: "staff.role.unknown",
                    description: "没有角色“\(word)” (no role \"\(word)\"): "
                        + StaffRole.allCases.map { "\($0.chineseName)/\($0.rawValue)" }.joined(separator: ", "))
            }
            roles.insert(role)
        }
        return roles
    }

    private static func change(
        _ id: String, by actor: String, at date: Date, in db: Database, _ edit: (inout StaffMember) throws -> Void
    ) throws -> StaffMember {
        guard var member = try member(id: id, in: db) else {
            throw DeskRefusal(code: "staff.unknown", description: "没有工作人员 \(id) (no staff member \(id) here)")
        }
        try edit(&member)
        member.changedAt = date
        member.changedBy = actor
        try db.execute(
            sql: """
                UPDATE agency_staff SET roles = ?, enabled = ?, changed_at = ?, changed_by = ? WHERE staff_id = ?
                """,
            arguments: [text(member.roles), member.enabled, date, actor, id])
        return member
    }

    private static func canonical(_ publicKey: String) throws -> String {
        let trimmed = publicKey.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count == CurveKeyPair.z85KeyLength, let bytes = try? Z85.decode(trimmed),
            let key = try? Z85.encode(bytes)
        else {
            throw DeskRefusal(
                code: "staff.key.invalid",
                description: "公钥须为 40 个 Z85 字符 (a CURVE public key is 40 Z85 characters, as in a .pub file)")
        }
        return key
    }

    private static func text(_ roles: Set<StaffRole>) -> String {
        roles.sorted().map(\.rawValue).joined(separator: ",")
    }

    private static func member(_ row: Row) -> StaffMember {
        StaffMember(
            id: row["staff_id"], displayName: row["display_name"],
            roles: Set((row["roles"] as String).split(separator: ",").compactMap { StaffRole(rawValue: String($0)) }),
            area: row["area"], enabled: row["enabled"], publicKey: row["public_key"], createdAt: row["created_at"],
            createdBy: row["created_by"], changedAt: row["changed_at"], changedBy: row["changed_by"])
    }
}
