import Foundation
import GRDB

extension StaffRegister {
    /// Stores a member's workbench password as its bcrypt hash (`jiekun staff passwd`), replacing any earlier one.
    /// The password itself is never stored nor logged; hashing is the caller's (the workbench's bcrypt).
    ///
    /// - Parameters:
    ///   - hash: The bcrypt hash (`$2b$12$…`).
    ///   - id: The staff id.
    ///   - actor: Who set it (the operator on the agency's host).
    ///   - date: When.
    ///   - db: A write transaction.
    /// - Returns: The member.
    /// - Throws: ``DeskRefusal`` `staff.unknown`; `DatabaseError`.
    @discardableResult
    public static func setPasswordHash(
        _ hash: String, of id: String, by actor: String, at date: Date = Date(), in db: Database
    ) throws -> StaffMember {
        guard let member = try member(id: id, in: db) else {
            throw DeskRefusal(code: "staff.unknown", description: "没有工作人员 \(id) (no staff member \(id) here)")
        }
        try db.execute(
            sql: """
                UPDATE agency_staff SET password_hash = ?, password_set_at = ?, password_set_by = ?
                WHERE staff_id = ?
                """,
            arguments: [hash, date, actor, id])
        return member
    }

    /// A member's stored bcrypt hash, or `nil` when no password was set (the member cannot log in on the web).
    ///
    /// - Parameters:
    ///   - id: The staff id.
    ///   - db: A database connection.
    /// - Returns: The hash.
    /// - Throws: `DatabaseError`.
    public static func passwordHash(of id: String, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT password_hash FROM agency_staff WHERE staff_id = ?", arguments: [id])
    }
}
