import EventFabric
import Foundation
import GRDB
import ProgrammeEvents

extension DepartmentDesk {
    /// None: `awaiting` only reads but runs as a command, in a write transaction, to log the files it shows in the
    /// audit log (``AuditLog``).
    public static var queries: Set<String> { [] }

    /// `propose`: clerks (经办人), in their area; `decide`: approvers (审核人), in their area, never on their own
    /// proposal (policy C.6); `awaiting`: clerks, approvers and auditors, listing their area's.
    public static var operationRoles: [String: Set<StaffRole>] {
        [
            Operation.propose: [.clerk], Operation.decide: [.approver],
            Operation.awaiting: [.clerk, .approver, .auditor],
        ]
    }

    /// Answers a department's own request operations (`review` mode): `propose` and `decide` (``DecideRequest`` →
    /// ``DecideReply``, in the request's write transaction, recording the asker's staff id) and `awaiting`
    /// (→ ``AwaitingReply``: the measures of the asker's area and their proposals).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func answer(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        switch request.operation {
        case Operation.propose, Operation.decide:
            guard let body = try? MessageCoding.decode(DecideRequest.self, from: request.body),
                let decision = StaffDecision(rawValue: body.decision)
            else {
                return try .refused(
                    because: "the body is not {\"measureID\", \"decision\": \"approve\"|\"refuse\", \"reason\"}")
            }
            let fileNumber = String(body.measureID.prefix { $0 != "/" })
            let county = try self.county(ofFile: fileNumber, in: db)
            func audit(_ refusalCode: String?) throws {
                try AuditLog.record(
                    [AuditLog.Touch(fileNumber: fileNumber, county: county ?? "", refusalCode: refusalCode)],
                    of: request, by: asker, in: db)
            }
            if asker.area != .province, let county = try awaitingCounty(of: body.measureID, in: db),
                !asker.covers(county: county)
            {
                try audit(AuditLog.outsideAreaCode)
                return try .refused(because: asker.outsideArea(body.measureID))
            }
            do {
                if request.operation == Operation.propose {
                    try propose(body.measureID, decision, reason: body.reason, by: asker.staffID, in: db)
                } else {
                    try decide(
                        body.measureID, decision, reason: body.reason, by: asker.staffID, in: db, journal: journal)
                }
            } catch let refusal as DeskRefusal {
                if refusal.code == DepartmentDesk.selfApprovalCode { asker.selfApproval() }
                try audit(refusal.code)
                return try .refused(because: refusal.description)
            }
            try audit(nil)
            return .ok(try MessageCoding.encode(DecideReply(measureID: body.measureID, decision: decision.rawValue)))
        case Operation.awaiting:
            let measureIDs =
                asker.area == .province
                ? try awaitingStaff(in: db) : try awaitingStaff(in: db, within: asker.area)
            var files: [String] = []
            for measureID in measureIDs {
                let fileNumber = String(measureID.prefix { $0 != "/" })
                if files.last != fileNumber { files.append(fileNumber) }
            }
            try AuditLog.record(
                try files.map { AuditLog.Touch(fileNumber: $0, county: try county(ofFile: $0, in: db) ?? "") },
                of: request, by: asker, in: db)
            let proposals = try self.proposals(in: db)
            return .ok(
                try MessageCoding.encode(
                    AwaitingReply(
                        measureIDs: measureIDs,
                        proposals: measureIDs.compactMap { id in
                            proposals[id].map {
                                AwaitingReply.Proposal(
                                    measureID: id, decision: $0.decision.rawValue, proposedBy: $0.proposedBy)
                            }
                        })))
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

    /// The division code of a household the department keeps, or `nil` when it keeps none with this file number.
    func county(ofFile fileNumber: String, in db: Database) throws -> String? {
        try Data.fetchOne(
            db, sql: "SELECT view_data FROM desk_households WHERE file_number = ?", arguments: [fileNumber]
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
