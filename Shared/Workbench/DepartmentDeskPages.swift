import AgencyDesks
import EventFabric
import Foundation
import HTTPTypes
import HouseholdDomain
import Hummingbird
import ProgrammeEvents
import ReliefProgramme

/// A department's desk in the browser (issue "The workbench", item 4): the worklists — to propose, to approve,
/// due, overdue — with the department's view of each household, proposing (clerks), approving or returning one
/// proposal or a selection at once (approvers, never their own: policy C.6), recording a delivery from a due or
/// overdue row (clerks), a household's history of acts and deliveries with the correction form, and a JSON API beside
/// each worklist and history page.
///
/// Every page runs the department's request operations (`worklist`, `propose`, `decide`, `history`) in process as
/// the logged-in member (``Workbench/perform(_:body:as:)``): the same role checks, area checks, refusals and audit
/// rows as `jiekun worklist` and `jiekun decide`. The page only leaves out what the operation would refuse (an
/// approver's own proposals are not selectable); a crafted POST is refused by the operation itself.
extension Workbench {
    /// The worklists in the order the pages show them.
    static let deskLists: [WorklistRequest.List] = [.toPropose, .awaiting, .due, .overdue]

    /// The most measures one approval form may carry (a page lists at most ``DepartmentDesk/defaultWorklistLimit``).
    static let deskSelectionLimit = 200

    /// Whether this agency serves the desk pages: the five departments that lead measures.
    var servesDepartmentDesk: Bool { agency != .union && agency != .coordinator }

    /// Registers the desk's routes on a department's router; nothing for the union and the coordinator.
    ///
    /// - Parameter router: The workbench's router.
    func registerDepartmentDesk(on router: Router<BasicRequestContext>) {
        guard servesDepartmentDesk else { return }
        let workbench = self
        router.get("/static/desk.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: Templates.deskCSS)))
        }
        router.get("/desk/worklist/:list") { request, context in
            try await workbench.worklistPage(request, list: context.parameters.get("list") ?? "", json: false)
        }
        router.get("/api/desk/worklist/:list") { request, context in
            try await workbench.worklistPage(request, list: context.parameters.get("list") ?? "", json: true)
        }
        router.get("/desk/household/:file") { request, context in
            try await workbench.householdPage(request, fileNumber: context.parameters.get("file") ?? "", json: false)
        }
        router.get("/api/desk/household/:file") { request, context in
            try await workbench.householdPage(request, fileNumber: context.parameters.get("file") ?? "", json: true)
        }
        router.post("/desk/propose") { request, _ in try await workbench.proposeAction(request) }
        router.post("/desk/decide") { request, _ in try await workbench.decideAction(request) }
        router.post("/desk/correct") { request, _ in try await workbench.correctAction(request) }
        router.post("/desk/deliver") { request, _ in try await workbench.deliverAction(request) }
    }

    // MARK: Home

    /// A department's home page: the member's worklists with their counts (each counted by the `worklist`
    /// operation without listing a household, so no read is logged); `nil` for the union and the coordinator.
    func departmentHome(_ request: Request, member: StaffMember, session: WebSessions.Session) async throws
        -> Response?
    {
        guard servesDepartmentDesk else { return nil }
        let language = language(of: request)
        let today = todayDate()
        var lists: [[String: Any]] = []
        for list in Self.deskLists {
            let body = try MessageCoding.encode(
                WorklistRequest(list: list, on: today, limit: WorklistRequest.maximumLimit, countOnly: true))
            let reply = try await perform(Operation.worklist, body: body, as: member.id)
            guard reply.status == .ok, let counted = try? MessageCoding.decode(WorklistReply.self, from: reply.body)
            else { continue }
            let count = counted.count ?? 0
            lists.append([
                "id": list.rawValue, "href": "/desk/worklist/\(list.rawValue)",
                "name": Labels.text(Self.labelID(of: list), language),
                "count": counted.truncated ? "\(count)+" : "\(count)",
            ])
        }
        let area = (try? StaffArea(code: member.area)).map { "\($0.name) (\($0.code))" } ?? member.area
        let roles = member.roles.sorted().map { language == .chinese ? $0.chineseName : $0.rawValue }
            .joined(separator: language == .chinese ? "、" : ", ")
        let body = render(
            "desk_home", ["roles": roles, "area": area, "lists": lists, "hasLists": !lists.isEmpty],
            language: language)
        return page(
            body, title: Labels.text("home_title", language), request: request, language: language, member: member,
            csrf: session.csrf)
    }

    // MARK: Worklists

    /// A worklist as a page or as JSON (the `worklist` reply as the operation gives it), for the member's area or
    /// one county in it (`?county=`), on a business date (`?on=YYYY-MM-DD`, default today).
    func worklistPage(_ request: Request, list name: String, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            let format: Format = json ? .json : .html
            guard let list = WorklistRequest.List(rawValue: name) else {
                if json { return try jsonResponse(["reason": "no such list: \(name)"], status: .notFound) }
                return notFound(request, language: language, member: member, session: session)
            }
            let query = request.uri.queryParameters
            let county = query.get("county").flatMap { $0.isEmpty ? nil : String($0) }
            let area = try? StaffArea(code: member.area)
            if let county, area?.contains(county: county) != true {
                return refusedArea(request, format: format, language: language, member: member, session: session)
            }
            var date = todayDate()
            if let text = query.get("on").map({ String($0) }), !text.isEmpty {
                guard let parsed = LocalDate(text) else {
                    return refused(
                        request, reason: Labels.text("desk_bad_date", language) + " (\(text))", format: format,
                        language: language, member: member, session: session)
                }
                date = parsed
            }
            let body = try MessageCoding.encode(WorklistRequest(list: list, on: date, county: county))
            let reply = try await perform(Operation.worklist, body: body, as: member.id)
            guard reply.status == .ok else {
                return refused(
                    request, reason: Self.reason(of: reply), format: format, language: language, member: member,
                    session: session)
            }
            let worklist = try MessageCoding.decode(WorklistReply.self, from: reply.body)
            if json { return try jsonResponse(worklist) }
            let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            let rows = worklist.items.map {
                row(of: $0, list: list, reasons: worklist.refusalReasons ?? [], member: member, language: language)
            }
            let counties = (area.map(Self.counties(in:)) ?? []).map { entry -> [String: Any] in
                ["code": entry.code, "name": entry.name, "selected": entry.code == county]
            }
            let reasons = (worklist.refusalReasons ?? []).map { reason -> [String: Any] in
                ["code": reason.code, "text": language == .chinese ? reason.chinese : reason.english]
            }
            let tabs = Self.deskLists.map { other -> [String: Any] in
                [
                    "href": "/desk/worklist/\(other.rawValue)" + (county.map { "?county=\($0)" } ?? ""),
                    "name": Labels.text(Self.labelID(of: other), language), "current": other == list,
                ]
            }
            let message = query.get("m").flatMap { Self.deskMessages[String($0)] }.map { Labels.text($0, language) }
            let isClerk = member.roles.contains(.clerk)
            let isApprover = member.roles.contains(.approver)
            let page = render(
                "desk_worklist",
                [
                    "list": list.rawValue, "listName": Labels.text(Self.labelID(of: list), language),
                    "listNote": Labels.text(Self.labelID(of: list) + "_note", language), "tabs": tabs,
                    "rows": rows, "empty": rows.isEmpty, "truncated": worklist.truncated,
                    "date": Labels.date(worklist.on, language), "dateValue": worklist.on.description,
                    "counties": counties, "county": county ?? "", "reasons": reasons, "csrf": session.csrf,
                    "back": back, "message": message ?? "", "hasMessage": message != nil,
                    "toPropose": list == .toPropose, "awaiting": list == .awaiting,
                    "delivery": list == .due || list == .overdue, "overdue": list == .overdue,
                    "canPropose": list == .toPropose && isClerk,
                    "canDeliver": (list == .due || list == .overdue) && isClerk,
                    "canDecide": list == .awaiting && isApprover && rows.contains { $0["selectable"] as? Bool == true },
                    "jsonLink": "/api" + back,
                ], language: language)
            return self.page(
                page, title: Labels.text(Self.labelID(of: list), language), request: request, language: language,
                member: member, csrf: session.csrf)
        }
    }

    /// One worklist item as the template shows it: the measure, the department's view of the household (no more
    /// than the view holds), the proposal and the approvals so far.
    private func row(
        of item: WorklistReply.Item, list: WorklistRequest.List, reasons: [Policy.RefusalReason],
        member: StaffMember, language: Language
    ) -> [String: Any] {
        let view = item.view
        let person =
            item.memberNumber.flatMap { number in view.members?.first { $0.number == number } }
            ?? view.tenant ?? view.members?.first { $0.relation == .worker }
        let ownProposal = item.proposedBy != nil && item.proposedBy == member.id
        let firstApprovedByMe = item.firstApprovedBy != nil && item.firstApprovedBy == member.id
        let selectable =
            list == .awaiting && member.roles.contains(.approver) && !ownProposal && !firstApprovedByMe
        var notes: [String] = []
        if list == .awaiting || list == .toPropose, item.needsSecondApprover == true {
            if let first = item.firstApprovedBy {
                notes.append(Labels.text("desk_first_approved_by", language) + " " + first)
            } else {
                notes.append(Labels.text("desk_two_approvers", language))
            }
        }
        if ownProposal { notes.append(Labels.text("desk_own_proposal", language)) }
        if firstApprovedByMe { notes.append(Labels.text("desk_own_first_approval", language)) }
        let reasonText = item.proposedCode.map { code in
            Self.reasonText(code, reasons: reasons, language: language)
        }
        return [
            "measureID": item.measureID,
            "measureName": Labels.text(Labels.id(of: item.code), language),
            "fileNumber": view.fileNumber, "householdHref": "/desk/household/\(view.fileNumber)",
            "county": Self.countyName(view.divisionCode), "category": view.category.map { "\($0.rawValue)" } ?? "-",
            "filedOn": Labels.date(view.filedOn, language), "helper": view.helper ?? "",
            "person": person.map { "\($0.name) \($0.identityNumber.masked)" } ?? "",
            "householdSize": view.householdSize.map(String.init) ?? "", "hasHouseholdSize": view.householdSize != nil,
            "amount": item.amount.map(\.description) ?? "",
            "dueOn": item.dueOn.map { Labels.date($0, language) } ?? "",
            "daysOverdue": item.daysOverdue.map(String.init) ?? "",
            "deliveryOn": item.deliveryComputedOn.map { Labels.date($0, language) }
                ?? Labels.text("desk_waiting_money", language),
            "proposal": item.proposedDecision.map { Labels.text(Self.decisionLabelID($0), language) } ?? "",
            "proposalCode": reasonText ?? "", "hasProposalCode": reasonText != nil,
            "proposalReason": item.proposedReason ?? "", "hasProposalReason": item.proposedReason?.isEmpty == false,
            "proposedBy": item.proposedBy ?? "", "proposedOn": item.proposedOn.map { Labels.date($0, language) } ?? "",
            "corrects": item.corrects.map { "#\($0)" } ?? "", "hasCorrects": item.corrects != nil,
            "notes": notes.joined(separator: "；"), "selectable": selectable,
            "deliverPlacement": item.code == .employmentPlacement, "deliverUnit": item.code == .housingPublicRental,
            "deliverDibao": item.code == .reliefDibao, "scheduled": item.deliveryComputedOn != nil,
        ]
    }

    // MARK: Acts

    /// A clerk's proposal from the to-propose list: `propose` as the member, then back to the list.
    func proposeAction(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let form = try await formPairs(of: request)
            guard Self.value("csrf", in: form) == session.csrf else { return refusedCSRF(request, language: language) }
            let measureID = Self.value("measure", in: form) ?? ""
            let decision = Self.value("decision", in: form) ?? ""
            guard let on = Self.date(in: form, default: todayDate()) else {
                return refused(
                    request, reason: Labels.text("desk_bad_date", language), format: .html, language: language,
                    member: member, session: session)
            }
            let body = DecideRequest(
                measureID: measureID, decision: decision, reason: Self.value("reason", in: form) ?? "",
                reasonCode: Self.value("reasonCode", in: form).flatMap { $0.isEmpty ? nil : $0 }, on: on)
            let reply = try await perform(Operation.propose, body: try MessageCoding.encode(body), as: member.id)
            guard reply.status == .ok else {
                return refused(
                    request, reason: Self.reason(of: reply), format: .html, language: language, member: member,
                    session: session)
            }
            return redirect(
                Self.back(in: form, default: "/desk/worklist/to-propose", message: "proposed"), request: request)
        }
    }

    /// An approver approves or returns one proposal (`one=`) or a selection (`measure=`, repeated): `decide` as the
    /// member for each, in turn; the page lists each outcome (approved, first of two approvals, returned, or the
    /// operation's refusal: the approver's own proposal, outside the area…). 403 when every one was refused.
    func decideAction(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let form = try await formPairs(of: request)
            guard Self.value("csrf", in: form) == session.csrf else { return refusedCSRF(request, language: language) }
            let one = Self.value("one", in: form).flatMap { $0.isEmpty ? nil : $0 }
            let measures = one.map { [$0] } ?? form.filter { $0.name == "measure" }.map(\.value)
            let verdict = one == nil ? Self.value("verdict", in: form) ?? "" : "approve"
            guard ["approve", "return"].contains(verdict) else {
                return refused(
                    request, reason: Labels.text("desk_bad_verdict", language), format: .html, language: language,
                    member: member, session: session)
            }
            guard !measures.isEmpty, measures.count <= Self.deskSelectionLimit else {
                return refused(
                    request, reason: Labels.text("desk_nothing_selected", language), format: .html,
                    language: language, member: member, session: session)
            }
            guard let on = Self.date(in: form, default: todayDate()) else {
                return refused(
                    request, reason: Labels.text("desk_bad_date", language), format: .html, language: language,
                    member: member, session: session)
            }
            let reason = Self.value("reason", in: form) ?? ""
            let code = verdict == "return" ? Self.value("reasonCode", in: form).flatMap { $0.isEmpty ? nil : $0 } : nil
            var outcomes: [[String: Any]] = []
            var done = 0
            for measureID in measures {
                let body = DecideRequest(
                    measureID: measureID, decision: verdict == "return" ? "refuse" : "approve", reason: reason,
                    reasonCode: code, on: on)
                let reply = try await perform(Operation.decide, body: try MessageCoding.encode(body), as: member.id)
                let outcome: String
                if reply.status == .ok {
                    done += 1
                    let decided = try? MessageCoding.decode(DecideReply.self, from: reply.body)
                    outcome =
                        verdict == "return"
                        ? Labels.text("desk_outcome_returned", language)
                        : decided?.awaitsSecondApprover == true
                            ? Labels.text("desk_outcome_first_approval", language)
                            : Labels.text("desk_outcome_approved", language)
                } else {
                    outcome = Labels.text("desk_outcome_refused", language) + ": " + Self.reason(of: reply)
                }
                outcomes.append(["measureID": measureID, "outcome": outcome, "done": reply.status == .ok])
            }
            let back = Self.back(in: form, default: "/desk/worklist/awaiting", message: nil)
            let body = render(
                "desk_results",
                [
                    "outcomes": outcomes, "back": back, "done": done, "total": measures.count,
                    "date": Labels.date(on, language),
                ],
                language: language)
            return page(
                body, title: Labels.text("desk_results_title", language), request: request, language: language,
                member: member, csrf: session.csrf, status: done == 0 ? .forbidden : .ok)
        }
    }

    /// A clerk's correction of a decision, from the household page: `propose` with `corrects`, then back to the
    /// household page; it then awaits an approver like any proposal (policy C.6).
    func correctAction(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let form = try await formPairs(of: request)
            guard Self.value("csrf", in: form) == session.csrf else { return refusedCSRF(request, language: language) }
            let measureID = Self.value("measure", in: form) ?? ""
            guard let act = Self.value("act", in: form).flatMap({ Int64($0) }),
                let on = Self.date(in: form, default: todayDate())
            else {
                return refused(
                    request, reason: Labels.text("desk_bad_correction", language), format: .html, language: language,
                    member: member, session: session)
            }
            let body = DecideRequest(
                measureID: measureID, decision: Self.value("decision", in: form) ?? "",
                reason: Self.value("reason", in: form) ?? "",
                reasonCode: Self.value("reasonCode", in: form).flatMap { $0.isEmpty ? nil : $0 }, on: on,
                corrects: act)
            let reply = try await perform(Operation.propose, body: try MessageCoding.encode(body), as: member.id)
            guard reply.status == .ok else {
                return refused(
                    request, reason: Self.reason(of: reply), format: .html, language: language, member: member,
                    session: session)
            }
            let fileNumber = String(measureID.prefix { $0 != "/" })
            return redirect(
                "/desk/household/\(Self.pathComponent(fileNumber))?m=corrected", request: request)
        }
    }

    /// A clerk records a delivery from a due or overdue row (`deliver` as the member: policy §4.2, §5.2), then back
    /// to the list; the operation checks the fields and names the one it refuses.
    func deliverAction(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let form = try await formPairs(of: request)
            guard Self.value("csrf", in: form) == session.csrf else { return refusedCSRF(request, language: language) }
            func text(_ name: String) -> String? {
                Self.value(name, in: form).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap {
                    $0.isEmpty ? nil : $0
                }
            }
            let amount = text("amount").map { Yuan($0) }
            let monthly = text("monthlyAmount").map { Yuan($0) }
            let start = text("start").map { LocalDate($0) }
            guard let on = Self.date(in: form, default: todayDate()), amount != .some(nil), monthly != .some(nil),
                start != .some(nil)
            else {
                return refused(
                    request, reason: Labels.text("desk_bad_delivery", language), format: .html, language: language,
                    member: member, session: session)
            }
            let body = DeliverRequest(
                measureID: text("measure") ?? "", on: on, amount: amount ?? nil, reference: text("reference") ?? "",
                employerCode: text("employerCode"), startOn: start ?? nil, unit: text("unit"),
                firstMonth: text("firstMonth"), monthlyAmount: monthly ?? nil)
            let reply = try await perform(Operation.deliver, body: try MessageCoding.encode(body), as: member.id)
            guard reply.status == .ok else {
                return refused(
                    request, reason: Self.reason(of: reply), format: .html, language: language, member: member,
                    session: session)
            }
            return redirect(Self.back(in: form, default: "/desk/worklist/due", message: "delivered"), request: request)
        }
    }

    // MARK: Household

    /// A household's history of acts at this department (who proposed, who approved, when, the correction chain)
    /// with a correction form for each measure's decision in force, or the `history` reply as JSON.
    func householdPage(_ request: Request, fileNumber: String, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            let format: Format = json ? .json : .html
            let body = try MessageCoding.encode(HouseholdQuery(fileNumber: fileNumber))
            let reply = try await perform(Operation.history, body: body, as: member.id)
            guard reply.status == .ok else {
                return refused(
                    request, reason: Self.reason(of: reply), format: format, language: language, member: member,
                    session: session)
            }
            let history = try MessageCoding.decode(HistoryReply.self, from: reply.body)
            if json { return try jsonResponse(history) }
            let reasons = history.refusalReasons ?? []
            let acts = history.acts.map { act -> [String: Any] in
                [
                    "id": act.id, "measureID": act.measureID, "kind": Labels.text(Self.labelID(of: act.kind), language),
                    "kindCode": act.kind.rawValue,
                    "decision": Labels.text(Self.decisionLabelID(act.decision), language),
                    "reasonCode": act.reasonCode.map { Self.reasonText($0, reasons: reasons, language: language) }
                        ?? "",
                    "reason": act.reason, "staff": act.staffID ?? "-",
                    "date": Labels.date(act.businessDate, language), "corrects": act.corrects.map { "#\($0)" } ?? "",
                ]
            }
            // A measure's decision in force may be corrected when nothing awaits on it: its last act is the decision
            // or a correction that was returned.
            var corrections: [[String: Any]] = []
            let measures = history.acts.reduce(into: [String]()) { ids, act in
                if !ids.contains(act.measureID) { ids.append(act.measureID) }
            }
            for measureID in measures {
                let ofMeasure = history.acts.filter { $0.measureID == measureID }
                guard let decided = ofMeasure.last(where: { $0.kind == .decided }),
                    let last = ofMeasure.last, last.kind == .decided || last.kind == .returned
                else { continue }
                corrections.append([
                    "measureID": measureID, "act": decided.id,
                    "current": Labels.text(Self.decisionLabelID(decided.decision), language),
                    "approveSelected": decided.decision == "refuse", "refuseSelected": decided.decision == "approve",
                ])
            }
            let deliveries = (history.deliveries ?? []).map { delivery -> [String: Any] in
                let details = [
                    delivery.employerCode.map { Labels.text("desk_employer_code", language) + " " + $0 },
                    delivery.startOn.map { Labels.text("desk_start_on", language) + " " + Labels.date($0, language) },
                    delivery.unit.map { Labels.text("desk_unit", language) + " " + $0 },
                    delivery.firstMonth.map { Labels.text("desk_first_month", language) + " " + $0 },
                    delivery.monthlyAmount.map { Labels.text("desk_monthly_amount", language) + " " + $0.description },
                ].compactMap { $0 }
                return [
                    "id": delivery.id, "measureID": delivery.measureID,
                    "date": Labels.date(delivery.deliveredOn, language),
                    "amount": delivery.amount.description, "reference": delivery.reference,
                    "details": details.joined(separator: "；"), "staff": delivery.staffID ?? "-",
                    "corrects": delivery.corrects.map { "#\($0) \(delivery.reason ?? "")" } ?? "",
                ]
            }
            let message = request.uri.queryParameters.get("m").flatMap { Self.deskMessages[String($0)] }
                .map { Labels.text($0, language) }
            let page = render(
                "desk_household",
                [
                    "fileNumber": fileNumber, "acts": acts, "empty": acts.isEmpty, "corrections": corrections,
                    "deliveries": deliveries, "hasDeliveries": !deliveries.isEmpty,
                    "canCorrect": member.roles.contains(.clerk) && !corrections.isEmpty, "csrf": session.csrf,
                    "reasons": reasons.map {
                        ["code": $0.code, "text": language == .chinese ? $0.chinese : $0.english]
                    },
                    "dateValue": todayDate().description, "message": message ?? "", "hasMessage": message != nil,
                    "jsonLink": "/api/desk/household/\(Self.pathComponent(fileNumber))",
                ], language: language)
            return self.page(
                page, title: fileNumber + " · " + Labels.text("desk_household_title", language), request: request,
                language: language, member: member, csrf: session.csrf)
        }
    }

    // MARK: Helpers

    /// The messages a desk page shows for `?m=`: id in the query → label id.
    static let deskMessages: [String: String] = [
        "proposed": "desk_message_proposed", "corrected": "desk_message_corrected",
        "delivered": "desk_message_delivered",
    ]

    /// The label id of a list's name: `desk_list_to_propose`.
    static func labelID(of list: WorklistRequest.List) -> String {
        "desk_list_" + list.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    /// The label id of an act's kind: `desk_act_first_approval`.
    static func labelID(of kind: DepartmentDesk.StaffAct.Kind) -> String {
        "desk_act_" + kind.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    /// The label id of a decision word (`approve`, `refuse`): `desk_decision_approve`; any other word is shown as
    /// it is (``Labels/text(_:_:)`` gives back an unknown id).
    static func decisionLabelID(_ decision: String) -> String {
        ["approve", "refuse"].contains(decision) ? "desk_decision_" + decision : decision
    }

    /// The counties of an area, by code, from the county registry (the county filter).
    static func counties(in area: StaffArea) -> [(code: String, name: String)] {
        CountyRegistry.yunnan.counties.filter { area.contains(county: $0.code) }
            .map { (code: $0.code, name: "\($0.code) \($0.name)") }
            .reduce(into: [(code: String, name: String)]()) { list, county in
                if !list.contains(where: { $0.code == county.code }) { list.append(county) }
            }
            .sorted { $0.code < $1.code }
    }

    /// `530102 五华区`, or the bare code for a code the registry does not know.
    static func countyName(_ code: String) -> String {
        CountyRegistry.yunnan.county(code: code).map { "\(code) \($0.name)" } ?? code
    }

    /// A reason code as staff read it: its text in the policy file's list, else the code.
    static func reasonText(_ code: String, reasons: [Policy.RefusalReason], language: Language) -> String {
        guard let reason = reasons.first(where: { $0.code == code }) else { return code }
        return language == .chinese ? reason.chinese : reason.english
    }

    /// A refused reply's reason, as the operation gave it.
    static func reason(of reply: ServiceReply) -> String {
        (try? MessageCoding.decode(ErrorReply.self, from: reply.body).reason)
            ?? String(decoding: reply.body, as: UTF8.self)
    }

    /// The first value of a form field.
    static func value(_ name: String, in form: [(name: String, value: String)]) -> String? {
        form.first { $0.name == name }?.value
    }

    /// The business date of a form (`on`, YYYY-MM-DD), `fallback` when empty, `nil` when not a date.
    static func date(in form: [(name: String, value: String)], default fallback: LocalDate) -> LocalDate? {
        guard let text = value("on", in: form)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return fallback
        }
        return LocalDate(text)
    }

    /// Where a form returns: its `back` field when it is a desk page of this service (`/desk/…`), else `fallback`;
    /// with `m=message` in its query when a message is given.
    static func back(in form: [(name: String, value: String)], default fallback: String, message: String?) -> String {
        let back = value("back", in: form).flatMap { $0.hasPrefix("/desk/") && !$0.contains("//") ? $0 : nil }
        let parts = (back ?? fallback).split(separator: "?", maxSplits: 1)
        var query =
            parts.count > 1 ? parts[1].split(separator: "&").filter { !$0.hasPrefix("m=") }.map(String.init) : []
        if let message { query.append("m=\(message)") }
        return String(parts.first ?? "") + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// A file number as a path component (file numbers are letters, digits and `-`; anything else is escaped).
    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? text
    }

    /// A form body (`application/x-www-form-urlencoded`, at most 64 KiB) as its pairs in order: a selection
    /// repeats `measure`.
    func formPairs(of request: Request) async throws -> [(name: String, value: String)] {
        let buffer = try await request.body.collect(upTo: 64 << 10)
        func decode(_ part: Substring) -> String {
            part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
        }
        return String(buffer: buffer).split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
