import EventFabric
import Foundation
import GRDB
import HouseholdDomain

/// An agency's append-only audit log of every read and change of a household done through its request operations
/// (table `agency_audit`, migration ``migrationIdentifier``; policy Part C, issue "every act attributed"): one row
/// per household touched — `register`, `update`, `close`, `search` (one row per file shown) and `file` at the union,
/// `household` at the coordinator, `propose`, `decide`, `awaiting` and `worklist` (one row per file listed) at a
/// department.
///
/// A row is written in the request's own write transaction, with the reply the request server stores: a retried
/// request answered from the stored reply is not logged again, and a request that fails (rolls back) leaves no
/// row. A refusal the desk gives for a household (outside the asker's area, a measure not awaiting, a file not
/// open) is stored as a reply like a success, so it is logged too, with its code. A request refused before the
/// desk (a key without an enabled staff record, a role that may not call the operation) touches no household: it
/// is counted and logged by the service, not here. Requests on an endpoint without CURVE (nobody authenticated)
/// are not logged.
///
/// Rows carry no personal data: the staff id is pseudonymous, households appear by file number and county code.
/// SQLite triggers refuse `UPDATE` and `DELETE` on the table.
///
/// ```sql
/// CREATE TABLE agency_audit (
///     seq           INTEGER PRIMARY KEY AUTOINCREMENT,
///     staff_id      TEXT NOT NULL,     -- housing-0003 (pseudonymous)
///     operation     TEXT NOT NULL,     -- register | update | close | search | household | propose | decide | …
///     file_number   TEXT NOT NULL,     -- KM-2017-0001
///     county        TEXT NOT NULL,     -- the household's division code, '' when the file is unknown
///     outcome       TEXT NOT NULL,     -- done | refused
///     refusal_code  TEXT,              -- staff.area.outside, … (refused only)
///     recorded_at   DATETIME NOT NULL, -- clock time (UTC)
///     business_date TEXT NOT NULL,     -- --on of the operation, else the day in China time
///     request_id    TEXT NOT NULL      -- client id/number of the request
/// );
/// ```
public enum AuditLog {
    /// The migration creating `agency_audit` and its triggers.
    public static let migrationIdentifier = "agency.audit.v1"

    /// The request operation answering ``AuditQuery`` with ``AuditReply``.
    public static let operation = "audit"

    /// Who may read the log: auditors only (admins manage staff and keys, never household data).
    public static let roles: Set<StaffRole> = [.auditor]

    /// The refusal code of a household outside the asker's area.
    public static let outsideAreaCode = "staff.area.outside"

    /// Registers ``migrationIdentifier``.
    ///
    /// - Parameter migrator: The store's migrator.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(migrationIdentifier) { db in
            try db.execute(
                sql: """
                    CREATE TABLE agency_audit (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, staff_id TEXT NOT NULL, operation TEXT NOT NULL,
                        file_number TEXT NOT NULL, county TEXT NOT NULL, outcome TEXT NOT NULL, refusal_code TEXT,
                        recorded_at DATETIME NOT NULL, business_date TEXT NOT NULL, request_id TEXT NOT NULL
                    );
                    CREATE INDEX agency_audit_by_file ON agency_audit (file_number, seq);
                    CREATE INDEX agency_audit_by_staff ON agency_audit (staff_id, seq);
                    CREATE TRIGGER agency_audit_no_update BEFORE UPDATE ON agency_audit
                    BEGIN SELECT RAISE(ABORT, 'agency_audit is append-only'); END;
                    CREATE TRIGGER agency_audit_no_delete BEFORE DELETE ON agency_audit
                    BEGIN SELECT RAISE(ABORT, 'agency_audit is append-only'); END;
                    """)
        }
    }

    /// One household touched by a request: its file number, county and, when the desk refused it, the code.
    public struct Touch: Sendable, Hashable {
        /// The file number.
        public var fileNumber: String
        /// The household's division code, `""` when the file is unknown to the agency.
        public var county: String
        /// The refusal code, or `nil` when the operation was done.
        public var refusalCode: String?
        /// The household's own business date for this operation, when it has one: a filing's 建档日期 (a
        /// `register` of a year's files is dated by each file's filing date, not by the day of the import).
        public var businessDate: LocalDate?

        /// Creates a touch.
        public init(fileNumber: String, county: String, refusalCode: String? = nil, businessDate: LocalDate? = nil) {
            self.fileNumber = fileNumber
            self.county = county
            self.refusalCode = refusalCode
            self.businessDate = businessDate
        }
    }

    /// Appends one row per household touched by `request`, when the asker is an authenticated staff member.
    ///
    /// - Parameters:
    ///   - touches: The households, in the order the operation met them; empty file numbers are skipped.
    ///   - request: The request (its operation and id).
    ///   - asker: Who asked.
    ///   - businessDate: The operation's `--on`, or `nil` for today in China time; a touch's own business date
    ///     comes first.
    ///   - clock: The clock time.
    ///   - db: The request's write transaction.
    /// - Throws: `DatabaseError`.
    public static func record(
        _ touches: [Touch], of request: ServiceRequest, by asker: Asker, on businessDate: LocalDate? = nil,
        at clock: Date = Date(), in db: Database
    ) throws {
        guard let staffID = asker.staffID else { return }
        let date = businessDate ?? LocalDate.today(clock: Int64(clock.timeIntervalSince1970))
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO agency_audit (staff_id, operation, file_number, county, outcome, refusal_code,
                    recorded_at, business_date, request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for touch in touches where !touch.fileNumber.isEmpty {
            try statement.execute(arguments: [
                staffID, request.operation, touch.fileNumber, touch.county,
                touch.refusalCode == nil ? AuditEntry.Outcome.done.rawValue : AuditEntry.Outcome.refused.rawValue,
                touch.refusalCode, clock, (touch.businessDate ?? date).description,
                "\(request.clientID)/\(request.number)",
            ])
        }
    }

    /// Answers `audit` (``AuditQuery`` → ``AuditReply``) for an auditor: a household's rows (refused when the
    /// household lies outside the asker's area) or a staff member's rows within the asker's area. Rows of a file
    /// the agency did not know (county `""`) are shown to province-wide auditors only.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - asker: The authorised auditor.
    ///   - db: A database connection.
    /// - Returns: The reply.
    /// - Throws: `DatabaseError`, `EncodingError`.
    public static func answer(_ request: ServiceRequest, as asker: Asker, in db: Database) throws -> ServiceReply {
        guard let query = try? MessageCoding.decode(AuditQuery.self, from: request.body),
            (query.household == nil) != (query.staff == nil)
        else {
            return try .refused(because: "the body is not {\"household\": \"…\"} or {\"staff\": \"…\"}")
        }
        let rows =
            if let household = query.household {
                try Row.fetchAll(
                    db, sql: "SELECT * FROM agency_audit WHERE file_number = ? ORDER BY seq", arguments: [household])
            } else {
                try Row.fetchAll(
                    db, sql: "SELECT * FROM agency_audit WHERE staff_id = ? ORDER BY seq", arguments: [query.staff])
            }
        let visible = rows.filter { row in asker.area == .province || asker.area.contains(county: row["county"]) }
        if let household = query.household, visible.isEmpty, !rows.isEmpty {
            _ = asker.covers(county: rows[0]["county"])
            return try .refused(because: asker.outsideArea(household))
        }
        let entries = visible.map { row in
            AuditEntry(
                staffID: row["staff_id"], operation: row["operation"], fileNumber: row["file_number"],
                outcome: AuditEntry.Outcome(rawValue: row["outcome"]) ?? .refused, refusalCode: row["refusal_code"],
                recordedAt: row["recorded_at"],
                businessDate: LocalDate(row["business_date"] as String)
                    ?? LocalDate(
                        daysSinceEpoch: 0),
                requestID: row["request_id"])
        }
        return .ok(try MessageCoding.encode(AuditReply(entries: entries)))
    }
}

/// The body of an `audit` request: exactly one of a household's file number or a staff id.
public struct AuditQuery: Codable, Sendable, Hashable {
    /// A file number, `KM-2017-0001`.
    public var household: String?
    /// A staff id, `housing-0003`.
    public var staff: String?

    /// Creates a query.
    public init(household: String? = nil, staff: String? = nil) {
        self.household = household
        self.staff = staff
    }
}

/// The reply to `audit`: the rows, oldest first.
public struct AuditReply: Codable, Sendable, Hashable {
    /// The rows.
    public var entries: [AuditEntry]

    /// Creates a reply.
    public init(entries: [AuditEntry]) { self.entries = entries }
}

/// One row of the audit log: who did what to which household, with what outcome, when, in which request.
public struct AuditEntry: Codable, Sendable, Hashable {
    /// Done or refused.
    public enum Outcome: String, Codable, Sendable, Hashable {
        /// The operation was done for the household.
        case done
        /// The desk refused it (``AuditEntry/refusalCode`` says why).
        case refused
    }

    /// The pseudonymous staff id.
    public var staffID: String
    /// The request operation.
    public var operation: String
    /// The household's file number.
    public var fileNumber: String
    /// Done or refused.
    public var outcome: Outcome
    /// The refusal code, for a refusal.
    public var refusalCode: String?
    /// The clock time (UTC).
    public var recordedAt: Date
    /// The business date.
    public var businessDate: LocalDate
    /// The request id (`client id/number`).
    public var requestID: String

    /// Creates a row.
    public init(
        staffID: String, operation: String, fileNumber: String, outcome: Outcome, refusalCode: String?,
        recordedAt: Date, businessDate: LocalDate, requestID: String
    ) {
        self.staffID = staffID
        self.operation = operation
        self.fileNumber = fileNumber
        self.outcome = outcome
        self.refusalCode = refusalCode
        self.recordedAt = recordedAt
        self.businessDate = businessDate
        self.requestID = requestID
    }
}
