import EventFabric
import Foundation
import GRDB
import ProgrammeEvents

extension DepartmentDesk {
    /// `awaiting` only reads.
    public static var queries: Set<String> { [Operation.awaiting] }

    /// `decide`: approvers, in their area; `awaiting`: clerks, approvers and auditors, listing their area's.
    public static var operationRoles: [String: Set<StaffRole>] {
        [Operation.decide: [.approver], Operation.awaiting: [.clerk, .approver, .auditor]]
    }

    /// Answers a department's own request operations (`review` mode): `decide` (``DecideRequest`` →
    /// ``DecideReply``, in the request's write transaction, recording the asker's staff id) and `awaiting`
    /// (→ ``AwaitingReply``: the measures of the asker's area).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func answer(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        switch request.operation {
        case Operation.decide:
            guard let body = try? MessageCoding.decode(DecideRequest.self, from: request.body),
                let decision = StaffDecision(rawValue: body.decision)
            else {
                return try .refused(
                    because: "the body is not {\"measureID\", \"decision\": \"approve\"|\"refuse\", \"reason\"}")
            }
            if asker.area != .province, let county = try awaitingCounty(of: body.measureID, in: db),
                !asker.covers(county: county)
            {
                return try .refused(because: asker.outsideArea(body.measureID))
            }
            do {
                try decide(body.measureID, decision, reason: body.reason, by: asker.staffID, in: db, journal: journal)
            } catch let refusal as DeskRefusal {
                return try .refused(because: refusal.description)
            }
            return .ok(try MessageCoding.encode(DecideReply(measureID: body.measureID, decision: decision.rawValue)))
        case Operation.awaiting:
            let measureIDs =
                asker.area == .province
                ? try awaitingStaff(in: db) : try awaitingStaff(in: db, within: asker.area)
            return .ok(try MessageCoding.encode(AwaitingReply(measureIDs: measureIDs)))
        default:
            return try .refused(because: "unknown operation")
        }
    }
}

extension DepartmentDesk {
    /// The division code of the household of a measure awaiting staff, or `nil` when none awaits.
    func awaitingCounty(of measureID: String, in db: Database) throws -> String? {
        try Data.fetchOne(
            db,
            sql: """
                SELECT h.view_data FROM desk_awaiting_staff a
                JOIN desk_households h ON h.file_number = a.file_number WHERE a.measure_id = ?
                """,
            arguments: [measureID]
        ).map { try DeskCoding.decode(KeptView.self, from: $0).view.divisionCode }
    }

    /// The measures awaiting staff whose households lie in `area`, by id.
    func awaitingStaff(in db: Database, within area: StaffArea) throws -> [String] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT a.measure_id, h.view_data FROM desk_awaiting_staff a
                JOIN desk_households h ON h.file_number = a.file_number ORDER BY a.measure_id
                """)
        return try rows.compactMap { row in
            area.contains(county: try DeskCoding.decode(KeptView.self, from: row["view_data"]).view.divisionCode)
                ? row["measure_id"] : nil
        }
    }
}
