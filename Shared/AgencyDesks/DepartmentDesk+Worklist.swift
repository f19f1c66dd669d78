import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

extension DepartmentDesk {
    /// The most items a worklist returns when the request names no limit.
    public static let defaultWorklistLimit = 200

    /// A staff member's worklist (`jiekun worklist`) on a business date, within their area, each item with the
    /// department's view of its household:
    ///
    /// - `to-propose`: measures awaiting staff with no proposal yet (`review` mode): a clerk proposes their outcome.
    /// - `awaiting`: measures a clerk proposed, awaiting an approver (`review` mode); for an asker holding the
    ///   approver role, only those someone else proposed (they may not approve their own, policy C.6).
    /// - `due`: granted measures not delivered by `date` whose processing days end on or after it.
    /// - `overdue`: granted measures whose processing days ended before `date` and that were not delivered by it
    ///   (policy Part B, "Reports": overdue per department).
    ///
    /// "Delivered by `date`" means a delivery recorded (``deliver(_:by:simulated:in:)``; the latest record of the
    /// measure, a correction replacing what it corrects) dated on or before `date`. In `auto` mode the simulated
    /// clerk records each delivery on the day the rules scheduled it, so a measure waiting for money (of a later
    /// year, or a top-up) is overdue until it is paid; in `review` mode a measure is overdue until a clerk records
    /// its delivery (docs/OPERATIONS.md, "Worklists").
    ///
    /// - Parameters:
    ///   - list: Which list.
    ///   - date: The business date.
    ///   - asker: Who asks (area, roles, staff id).
    ///   - limit: The most items returned.
    ///   - county: Only households filed in this county (the caller checks it lies in the asker's area).
    ///   - countOnly: Count the items instead of returning them (``WorklistReply/count``).
    ///   - db: A database connection.
    /// - Returns: The reply (its items by due date then measure id; to propose and awaiting by measure id).
    /// - Throws: `DatabaseError`, `DecodingError`.
    public func worklist(
        _ list: WorklistRequest.List, on date: LocalDate, as asker: Asker, limit: Int, county: String? = nil,
        countOnly: Bool = false, in db: Database
    ) throws -> WorklistReply {
        var views: [String: HouseholdView?] = [:]
        func view(of fileNumber: String) throws -> HouseholdView? {
            if let known = views[fileNumber] { return known }
            let view = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT view_data FROM desk_households WHERE file_number = ?"),
                arguments: [fileNumber]
            ).map { try DeskCoding.decode(KeptView.self, from: $0).view }
            let visible = view.flatMap {
                asker.area.contains(county: $0.divisionCode) && (county == nil || county == $0.divisionCode) ? $0 : nil
            }
            views[fileNumber] = visible
            return visible
        }
        var items: [WorklistReply.Item] = []
        var truncated = false
        var counted = 0
        switch list {
        case .toPropose, .awaiting:
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT measure_id, file_number, instance, proposed_decision, proposed_reason, proposed_by, corrects,
                        proposed_code, proposed_on, first_approved_by
                    FROM desk_awaiting_staff WHERE proposed_decision IS \(list == .awaiting ? "NOT NULL" : "NULL")
                    ORDER BY measure_id
                    """)
            while let row = try rows.next() {
                let proposer: String? = row["proposed_by"]
                if list == .awaiting, asker.roles.contains(.approver), let staff = asker.staffID, proposer == staff {
                    continue
                }
                guard let view = try view(of: row["file_number"]) else { continue }
                guard counted < limit else {
                    truncated = true
                    break
                }
                counted += 1
                if countOnly { continue }
                let instance = try DeskCoding.decode(MeasureInstance.self, from: row["instance"])
                let amount = policy.terms(of: instance.code).amount
                var item = WorklistReply.Item(
                    measureID: instance.id, code: instance.code, memberNumber: instance.memberNumber, amount: amount,
                    proposedDecision: row["proposed_decision"], proposedReason: row["proposed_reason"],
                    proposedBy: proposer, corrects: row["corrects"], view: view)
                item.proposedCode = row["proposed_code"]
                item.proposedOn = (row["proposed_on"] as String?).flatMap(LocalDate.init)
                item.firstApprovedBy = row["first_approved_by"]
                item.needsSecondApprover = policy.makerChecker.needsSecondApprover(instance.code, amount: amount)
                items.append(item)
            }
        case .due, .overdue:
            let day = date.description
            let sql = """
                SELECT \(DecisionColumns.names) FROM desk_decisions d WHERE status = 'granted'
                AND NOT \(Self.deliveredByDateCondition) AND due_on \(list == .due ? ">=" : "<") ?
                ORDER BY due_on, measure_id
                """
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [day, day])
            while let row = try rows.next() {
                let decision = try DecisionColumns.decision(from: row)
                guard let view = try view(of: row["file_number"]) else { continue }
                guard counted < limit else {
                    truncated = true
                    break
                }
                counted += 1
                if countOnly { continue }
                items.append(
                    WorklistReply.Item(
                        measureID: decision.measureID, code: decision.code, memberNumber: decision.memberNumber,
                        amount: decision.amount, dueOn: decision.dueOn, deliveryComputedOn: decision.deliveredOn,
                        daysOverdue: list == .overdue ? decision.dueOn.days(until: date) : nil, view: view))
            }
        }
        return WorklistReply(
            agency: department, list: list, on: date, items: items, truncated: truncated,
            count: countOnly ? counted : nil,
            refusalReasons: [.toPropose, .awaiting].contains(list) ? policy.makerChecker.refusalReasons : nil)
    }
}
