import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents

extension DepartmentDesk {
    /// None: `awaiting` only reads but runs as a command, in a write transaction, to log the files it shows in the
    /// audit log (``AuditLog``).
    public static var queries: Set<String> { [] }

    /// `propose`: clerks (经办人), in their area; `decide`: approvers (审核人), in their area, never on their own
    /// proposal (policy C.6); `deliver`: clerks, in their area (policy §5.2); `awaiting` and `worklist`: clerks,
    /// approvers and auditors, listing their area's.
    public static var operationRoles: [String: Set<StaffRole>] {
        [
            Operation.propose: [.clerk], Operation.decide: [.approver],
            Operation.awaiting: [.clerk, .approver, .auditor], Operation.worklist: [.clerk, .approver, .auditor],
            Operation.history: [.clerk, .approver, .auditor], Operation.deliver: [.clerk],
        ].merging(BudgetOperations.roles) { $1 }
    }

    /// Answers a department's own request operations (`review` mode): `propose` and `decide` (``DecideRequest`` →
    /// ``DecideReply``, in the request's write transaction, recording the asker's staff id) and `awaiting`
    /// (→ ``AwaitingReply``: the measures of the asker's area and their proposals), `worklist` (``WorklistRequest``
    /// → ``WorklistReply``, ``worklist(_:on:as:limit:in:)``; each file listed is logged as read).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func answer(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        switch request.operation {
        case Operation.budget, Operation.budgetAct:
            return try answerBudget(request, as: asker, in: db, journal: journal)
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
                    of: request, by: asker, on: body.on, in: db)
            }
            if asker.area != .province,
                let county = body.corrects == nil ? try awaitingCounty(of: body.measureID, in: db) : county,
                !asker.covers(county: county)
            {
                try audit(AuditLog.outsideAreaCode)
                return try .refused(because: asker.outsideArea(body.measureID))
            }
            do {
                if request.operation == Operation.propose, let act = body.corrects {
                    try proposeCorrection(
                        body.measureID, decision, of: act, reasonCode: body.reasonCode, reason: body.reason,
                        by: asker.staffID, on: body.on, in: db)
                } else if request.operation == Operation.propose {
                    try propose(
                        body.measureID, decision, reasonCode: body.reasonCode, reason: body.reason, by: asker.staffID,
                        on: body.on, in: db)
                } else {
                    try decide(
                        body.measureID, decision, reasonCode: body.reasonCode, reason: body.reason, by: asker.staffID,
                        on: body.on, in: db, journal: journal)
                }
            } catch let refusal as DeskRefusal {
                if [DepartmentDesk.selfApprovalCode, DepartmentDesk.sameApproverCode].contains(refusal.code) {
                    asker.selfApproval()
                }
                try audit(refusal.code)
                return try .refused(because: refusal.description)
            }
            try audit(nil)
            let awaitsSecond = try awaitsSecondApprover(body.measureID, in: db)
            let second = request.operation == Operation.decide && decision == .approve && awaitsSecond
            return .ok(
                try MessageCoding.encode(
                    DecideReply(
                        measureID: body.measureID, decision: decision.rawValue,
                        awaitsSecondApprover: second ? true : nil)))
        case Operation.deliver:
            return try answerDeliver(request, as: asker, in: db)
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
        case Operation.history:
            guard let query = try? MessageCoding.decode(HouseholdQuery.self, from: request.body) else {
                return try .refused(because: "the body is not {\"fileNumber\": \"…\"}")
            }
            let county = try self.county(ofFile: query.fileNumber, in: db)
            if asker.area != .province, let county, !asker.covers(county: county) {
                try AuditLog.record(
                    [
                        AuditLog.Touch(
                            fileNumber: query.fileNumber, county: county, refusalCode: AuditLog.outsideAreaCode)
                    ],
                    of: request, by: asker, in: db)
                return try .refused(because: asker.outsideArea(query.fileNumber))
            }
            try AuditLog.record(
                [AuditLog.Touch(fileNumber: query.fileNumber, county: county ?? "")], of: request, by: asker, in: db)
            return .ok(
                try MessageCoding.encode(
                    HistoryReply(
                        agency: department, fileNumber: query.fileNumber,
                        acts: try staffActs(of: query.fileNumber, in: db),
                        refusalReasons: policy.makerChecker.refusalReasons,
                        deliveries: try deliveries(of: query.fileNumber, in: db))))
        case Operation.worklist:
            guard let query = try? MessageCoding.decode(WorklistRequest.self, from: request.body) else {
                return try .refused(
                    because:
                        "the body is not {\"list\": \"to-propose\"|\"awaiting\"|\"due\"|\"overdue\", "
                        + "\"on\": \"YYYY-MM-DD\"}")
            }
            let date = query.on ?? LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
            let limit = min(max(query.limit ?? Self.defaultWorklistLimit, 1), WorklistRequest.maximumLimit)
            if let county = query.county, !asker.covers(county: county) {
                return try .refused(because: asker.outsideArea(county))
            }
            let reply = try worklist(
                query.list, on: date, as: asker, limit: limit, county: query.county,
                countOnly: query.countOnly == true, in: db)
            var files: [String: String] = [:]
            for item in reply.items { files[item.view.fileNumber] = item.view.divisionCode }
            try AuditLog.record(
                files.sorted { $0.key < $1.key }.map { AuditLog.Touch(fileNumber: $0.key, county: $0.value) },
                of: request, by: asker, on: query.on, in: db)
            return .ok(try MessageCoding.encode(reply))
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

extension DepartmentDesk {
    /// Answers `deliver` (``DeliverRequest`` → ``DeliverReply``): a clerk records a delivery of a measure of a
    /// household in their area (``deliver(_:by:simulated:in:)``); the act, or its refusal, lands in the audit log.
    func answerDeliver(_ request: ServiceRequest, as asker: Asker, in db: Database) throws -> ServiceReply {
        guard let body = try? MessageCoding.decode(DeliverRequest.self, from: request.body) else {
            return try .refused(
                because:
                    "the body is not {\"measureID\", \"on\": \"YYYY-MM-DD\", \"amount\": \"0.00\", "
                    + "\"reference\", …}")
        }
        let fileNumber = String(body.measureID.prefix { $0 != "/" })
        let county = try self.county(ofFile: fileNumber, in: db)
        func audit(_ refusalCode: String?) throws {
            try AuditLog.record(
                [AuditLog.Touch(fileNumber: fileNumber, county: county ?? "", refusalCode: refusalCode)],
                of: request, by: asker, on: body.on, in: db)
        }
        if asker.area != .province, let county, !asker.covers(county: county) {
            try audit(AuditLog.outsideAreaCode)
            return try .refused(because: asker.outsideArea(body.measureID))
        }
        let delivery: Delivery
        do {
            delivery = try deliver(body, by: asker.staffID, in: db)
        } catch let refusal as DeskRefusal {
            try audit(refusal.code)
            return try .refused(because: "\(refusal.code): \(refusal.description)")
        }
        try audit(nil)
        return .ok(
            try MessageCoding.encode(
                DeliverReply(measureID: delivery.measureID, number: delivery.id, corrects: delivery.corrects)))
    }
}
