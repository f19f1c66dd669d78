import AgencyDesks
import Foundation
import HouseholdDomain
import Hummingbird

/// What the exit and visit pages (``Workbench`` `addUnionExitRoutes`) compute without the desk: the stage of an exit,
/// the query parameters, and the values the templates show.
enum UnionExitPages {
    /// Where an exit under way stands on a day, as the exit list groups them (policy C.4).
    enum Stage: String, CaseIterable, Encodable {
        /// Proposed, awaiting the county union's review (待审查).
        case review
        /// Published and publicity not over (公示中).
        case publicity
        /// An objection open: the approval waits for its resolution.
        case objection
        /// Publicity over, no objection open: awaiting an approver (待批准).
        case approval

        /// The stage of `procedure` on `day`: publicity is over after its last day (``ExitSchedule/mayApprove``).
        init(of procedure: UnionDesk.ExitProcedure, on day: LocalDate) {
            if procedure.state == .proposed {
                self = .review
            } else if procedure.openObjections > 0 {
                self = .objection
            } else if let until = procedure.publicityUntil, ExitSchedule.mayApprove(on: day, publicityUntil: until) {
                self = .approval
            } else {
                self = .publicity
            }
        }

        /// The stage's heading: `exit_stage_review`.
        var labelID: String { "exit_stage_\(rawValue)" }
    }

    /// The page's business date, `?on=YYYY-MM-DD`; `nil` without one (today).
    static func day(_ request: Request) -> LocalDate? {
        request.uri.queryParameters.get("on").flatMap { LocalDate(String($0)) }
    }

    /// The county filter, `?county=530102`; `nil` for all counties of the member's area.
    static func county(_ request: Request) -> String? {
        guard let code = request.uri.queryParameters.get("county"), !code.isEmpty else { return nil }
        return String(code)
    }

    /// The query string that keeps the day and the county: `?on=2017-06-05&county=530102`.
    static func query(on day: LocalDate, county: String?) -> String {
        "?on=\(day)" + (county.map { "&county=\($0)" } ?? "")
    }

    /// A county as staff read it: `五华区 (530102)`.
    static func countyName(_ code: String) -> String {
        CountyRegistry.yunnan.county(code: code).map { "\($0.name) (\(code))" } ?? code
    }

    /// The county filter's choices: the counties present, each once, in code order.
    static func countyOptions(_ codes: [String], selected: String?) -> [[String: Any]] {
        Set(codes).sorted().map {
            ["value": $0, "label": countyName($0), "selected": $0 == selected] as [String: Any]
        }
    }

    /// The label id of a procedure's state: `exit_state_publicity`.
    static func labelID(state: UnionDesk.ExitState) -> String { "exit_state_\(state.rawValue)" }

    /// The label id of who proposed: `exit_origin_household`.
    static func labelID(origin: UnionDesk.ExitOrigin) -> String { "exit_origin_\(origin.rawValue)" }

    /// The label id of an objection's resolution (`dismissed`, `upheld`): `exit_resolution_upheld`.
    static func labelID(resolution: String) -> String { "exit_resolution_\(resolution)" }

    /// The label id of an act of `union_exit_acts`: `exit_act_objection_dismissed`.
    static func labelID(act: String) -> String { "exit_act_" + act.replacingOccurrences(of: "-", with: "_") }

    /// The acts `union_exit_acts` records.
    static let acts = [
        "proposed", "reviewed", "returned", "objection", "objection-dismissed", "objection-upheld", "approved", "visit",
    ]

    /// The exit procedure's operations as the readers' table names them: operation → label id.
    static let operationLabels: [String: String] = [
        Operation.exitList: "exit_op_list", Operation.exitFile: "exit_op_file",
        Operation.exitPublicity: "exit_op_publicity", Operation.exitRequest: "exit_op_request",
        Operation.exitReview: "exit_op_review", Operation.exitObjection: "exit_op_objection",
        Operation.exitObjectionResolve: "exit_op_resolve", Operation.exitApprove: "exit_op_approve",
        Operation.exitNotice: "exit_op_notice", Operation.visitRecord: "exit_op_visit_record",
        Operation.visitList: "exit_op_visit_list",
    ]

    /// The exit page's notes after an act (`?m=`): act → label id.
    static let messages: [String: String] = [
        "request": "exit_msg_request", "review": "exit_msg_review", "objection": "exit_msg_objection",
        "resolve": "exit_msg_resolve", "approve": "exit_msg_approve", "visit": "exit_msg_visit",
    ]

    /// A staff id as shown, the coordinator's proposal by the coordinator's name.
    static func actor(_ staff: String?, _ language: Language) -> String {
        guard let staff else { return Labels.text("union_actor_unknown", language) }
        return staff == "coordinator" ? Labels.text("agency_coordinator", language) : staff
    }

    /// One row of the exit list.
    static func procedureValues(_ procedure: UnionDesk.ExitProcedure, language: Language) -> [String: Any] {
        [
            "fileNumber": procedure.fileNumber, "href": "/households/\(procedure.fileNumber)",
            "exitHref": "/households/\(procedure.fileNumber)/exit", "county": countyName(procedure.county),
            "origin": Labels.text(labelID(origin: procedure.origin), language),
            "proposedOn": Labels.date(procedure.proposedOn, language),
            "reviewedBy": procedure.reviewedBy ?? "",
            "from": procedure.publicityFrom.map { Labels.date($0, language) } ?? "",
            "until": procedure.publicityUntil.map { Labels.date($0, language) } ?? "",
            "objections": procedure.openObjections,
        ]
    }

    /// The file's exit page: the procedure, objections, acts, visits, and the forms the member's roles and the
    /// procedure's state allow (the service decides; the forms only spare staff a refusal they can foresee).
    static func fileValues(
        _ exit: ExitFileReply, record: FileRecord, roles: Set<StaffRole>, today: LocalDate, language: Language
    ) -> [String: Any] {
        let procedure = exit.procedure
        let isClerk = roles.contains(.clerk)
        let isApprover = roles.contains(.approver)
        let underWay = procedure.map { [.proposed, .publicity].contains($0.state) } ?? false
        var values: [String: Any] = [
            "fileNumber": record.fileNumber, "today": today.description,
            "fileStatus": Labels.text(record.status == "open" ? "union_status_open" : "union_status_closed", language),
            "hasProcedure": procedure != nil,
            "canRequest": isClerk && record.status == "open" && !underWay,
            "canReview": isClerk && procedure?.state == .proposed,
            "canObject": isClerk && procedure?.state == .publicity,
            "canApprove": isApprover && procedure?.state == .publicity,
            "isApproved": procedure?.state == .approved,
            "noticeLink": "/households/\(record.fileNumber)/notice",
        ]
        if let procedure {
            func date(_ value: LocalDate?) -> String { value.map { Labels.date($0, language) } ?? "" }
            values["procedure"] =
                [
                    "state": procedure.state.rawValue, "stateText": stateText(procedure.state, language),
                    "origin": Labels.text(labelID(origin: procedure.origin), language),
                    "proposedOn": date(procedure.proposedOn), "proposedBy": actor(procedure.proposedBy, language),
                    "reviewedOn": date(procedure.reviewedOn), "reviewedBy": procedure.reviewedBy ?? "",
                    "from": date(procedure.publicityFrom), "until": date(procedure.publicityUntil),
                    "approvedOn": date(procedure.approvedOn), "approvedBy": procedure.approvedBy ?? "",
                    "reason": procedure.reason ?? "", "openObjections": procedure.openObjections,
                ] as [String: Any]
        }
        values["objections"] = exit.objections.map { objection in
            [
                "id": String(objection.id), "recordedOn": Labels.date(objection.recordedOn, language),
                "recordedBy": objection.recordedBy ?? "", "text": objection.text,
                "resolution": objection.resolution.map { Labels.text(labelID(resolution: $0), language) } ?? "",
                "reason": objection.resolutionReason ?? "", "isOpen": objection.resolution == nil,
                "canResolve": isApprover && objection.resolution == nil && procedure?.state == .publicity,
            ] as [String: Any]
        }
        values["hasObjections"] = !exit.objections.isEmpty
        values["acts"] = actValues(exit.acts, language: language)
        values["hasActs"] = !exit.acts.isEmpty
        values["visits"] = visitValues(exit.visits, today: today, language: language)
        values["hasVisits"] = !exit.visits.isEmpty
        values["canVisit"] = isClerk && exit.visits.contains { $0.visitedOn == nil }
        return values
    }

    /// The state as staff read it.
    static func stateText(_ state: UnionDesk.ExitState, _ language: Language) -> String {
        Labels.text(labelID(state: state), language)
    }

    /// The acts' rows: business date, act, who, recorded at (China time), detail.
    static func actValues(_ acts: [UnionDesk.ExitAct], language: Language) -> [[String: Any]] {
        acts.map { act in
            [
                "date": Labels.date(act.businessDate, language),
                "act": Labels.text(labelID(act: act.act), language),
                "actor": actor(act.staffID, language), "recordedAt": UnionPages.clockText(act.recordedAt),
                "detail": act.act == "proposed"
                    ? UnionDesk.ExitOrigin(rawValue: act.reason).map { Labels.text(labelID(origin: $0), language) }
                        ?? act.reason : act.reason,
                "simulated": act.simulated,
            ] as [String: Any]
        }
    }

    /// The visits' rows.
    static func visitValues(_ visits: [UnionDesk.FollowUpVisit], today: LocalDate, language: Language)
        -> [[String: Any]]
    {
        visits.map { visit in
            [
                "number": visit.number, "due": Labels.date(visit.dueOn, language),
                "latest": Labels.date(visit.latestOn, language),
                "visitedOn": visit.visitedOn.map { Labels.date($0, language) } ?? "",
                "visitedBy": visit.visitedBy ?? "",
                "stable": visit.stable.map { Labels.text($0 ? "visit_stable" : "visit_not_stable", language) } ?? "",
                "findings": visit.findings ?? "", "overdue": visit.isOverdue(on: today),
            ] as [String: Any]
        }
    }

    /// The household page's exit section: the state, its acts and visits, the links (nothing but the link when the
    /// member may not read the exit).
    static func summaryValues(_ exit: ExitFileReply?, file: String, today: LocalDate, language: Language)
        -> [String: Any]
    {
        let procedure = exit?.procedure
        return [
            "exitState": procedure.map { stateText($0.state, language) } ?? "",
            "exitUntil": procedure.flatMap { $0.state == .publicity ? $0.publicityUntil : nil }.map {
                Labels.date($0, language)
            } ?? "",
            "exitLink": "/households/\(file)/exit", "noticeLink": "/households/\(file)/notice",
            "isApproved": procedure?.state == .approved, "exitActs": actValues(exit?.acts ?? [], language: language),
            "hasExitActs": !(exit?.acts ?? []).isEmpty,
            "visits": visitValues(exit?.visits ?? [], today: today, language: language),
            "hasVisits": !(exit?.visits ?? []).isEmpty,
        ]
    }
}
