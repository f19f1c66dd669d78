import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

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
            return .ok(try MessageCoding.encode(try report(in: db)))
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
