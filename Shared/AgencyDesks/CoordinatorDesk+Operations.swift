import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import Synchronization

extension CoordinatorDesk {
    /// `report` only reads; `household` reads too but runs as a command, in a write transaction, to log the
    /// lookup in the audit log (``AuditLog``).
    public static var queries: Set<String> { [Operation.report] }

    /// `report` (figures, no household): every role but `admin`; `household`: clerks, approvers and auditors, in
    /// their area.
    public static var operationRoles: [String: Set<StaffRole>] {
        [
            Operation.report: [.clerk, .approver, .finance, .auditor],
            Operation.household: [.clerk, .approver, .auditor],
        ]
    }

    /// Answers the coordinator's own request operations: `report` (→ ``ProvinceReport`` JSON) and `household`
    /// (``HouseholdQuery`` → ``HouseholdState``, for a file in the asker's area).
    ///
    /// - Throws: `DatabaseError`, `DecodingError`, `EncodingError`.
    public func answer(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        switch request.operation {
        case Operation.report:
            return .ok(try reportJSON(in: db))
        case Operation.household:
            guard let query = try? MessageCoding.decode(HouseholdQuery.self, from: request.body) else {
                return try .refused(because: "the body is not {\"fileNumber\": \"…\"}")
            }
            let county = try Data.fetchOne(
                db, sql: "SELECT view_data FROM coord_views WHERE file_number = ?", arguments: [query.fileNumber]
            ).map { try DeskCoding.decode(KeptView.self, from: $0).view.divisionCode }
            func audit(_ refusalCode: String?) throws {
                try AuditLog.record(
                    [AuditLog.Touch(fileNumber: query.fileNumber, county: county ?? "", refusalCode: refusalCode)],
                    of: request, by: asker, in: db)
            }
            if asker.area != .province, let county, !asker.covers(county: county) {
                try audit(AuditLog.outsideAreaCode)
                return try .refused(because: asker.outsideArea(query.fileNumber))
            }
            guard let status = try status(of: query.fileNumber, in: db), let file = try file(query.fileNumber, in: db)
            else {
                try audit("file.unknown")
                return .error(try MessageCoding.encode(ErrorReply(reason: "no file \(query.fileNumber)")))
            }
            try audit(nil)
            let state = HouseholdState(
                fileNumber: query.fileNumber, status: status.status, closedReason: status.closedReason,
                closedOn: status.closedOn, category: file.subject.category?.rawValue,
                filedOn: file.subject.filedOn, decisions: file.decisions, readiness: file.readiness,
                timeline: try timeline(of: query.fileNumber, in: db), earlierFile: file.earlierFile,
                laterFiles: try laterFiles(of: query.fileNumber, in: db))
            return .ok(try MessageCoding.encode(state))
        default:
            return try .refused(because: "unknown operation")
        }
    }
}

extension CoordinatorDesk {
    /// The report as the `report` operation answers it (``ProvinceReport`` JSON), computed once per state of the
    /// store: every page of the dashboard asks for it, and computing it reads every file.
    ///
    /// The report is a function of what the coordinator applied, and everything it applied moved a cursor in the
    /// same transaction (its own operations change no file, decision or money act). So the cursors' positions
    /// (feed, incarnation, sequence) name the state a report was computed in: a reader that finds the same positions
    /// gets the same bytes; one that finds others computes the report again and keeps it.
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    func reportJSON(in db: Database) throws -> [UInt8] {
        let positions =
            try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT group_concat(feed || ' ' || COALESCE(incarnation, '') || ' ' || sequence, ';')
                        FROM (SELECT feed, incarnation, sequence FROM cursors ORDER BY feed)
                        """)) ?? ""
        if let body = reportCache.body(at: positions) { return body }
        let body = try MessageCoding.encode(try report(in: db))
        reportCache.keep(body, at: positions)
        return body
    }
}

/// The coordinator's last report JSON and the feed positions it was computed at (``CoordinatorDesk/reportJSON(in:)``).
final class ReportCache: Sendable {
    private let last = Mutex<(positions: String, body: [UInt8])?>(nil)

    /// The body computed at `positions`, if it is the one kept.
    func body(at positions: String) -> [UInt8]? {
        last.withLock { $0?.positions == positions ? $0?.body : nil }
    }

    /// Keeps `body`, computed at `positions`, in place of the one kept.
    func keep(_ body: [UInt8], at positions: String) {
        last.withLock { $0 = (positions, body) }
    }
}
