import AgencyDesks
import Foundation
import HTTPTypes
import HouseholdDomain
import Hummingbird

/// The union's exit procedure and follow-up visits in the browser (policy C.4, C.5, C.6): the exits under way by
/// stage, one file's procedure with its acts, the 公示 list and the notice (解困通知书) as printable pages, the visits
/// due and overdue, and a JSON API beside each list.
///
/// Every page runs the union's request operations in process as the logged-in member
/// (``Workbench/perform(_:body:as:)``): `exit-list`, `exit-file`, `exit-publicity`, `exit-request`, `exit-review`,
/// `exit-objection`, `exit-objection-resolve`, `exit-approve`, `exit-notice`, `visit-list` and `visit-record`, with
/// the roles, areas, refusals and audit rows of `jiekun exit` and `jiekun visit`. Each act's form carries the CSRF
/// token and the business date (`on`, today by default) as the CLI's `--on`.
extension Workbench {
    /// Registers the exit and visit routes (called from `addUnionDeskRoutes`).
    ///
    /// - Parameter router: The workbench's router.
    func addUnionExitRoutes(to router: Router<BasicRequestContext>) {
        let workbench = self
        router.get("/exits") { request, _ in try await workbench.exitsPage(request, json: false) }
        router.get("/api/exits") { request, _ in try await workbench.exitsPage(request, json: true) }
        router.get("/exits/publicity") { request, _ in try await workbench.publicityPage(request, json: false) }
        router.get("/api/exits/publicity") { request, _ in try await workbench.publicityPage(request, json: true) }
        router.get("/visits") { request, _ in try await workbench.visitsPage(request, json: false) }
        router.get("/api/visits") { request, _ in try await workbench.visitsPage(request, json: true) }
        router.get("/households/:file/exit") { request, context in
            try await workbench.exitFilePage(request, file: context.parameters.get("file") ?? "", json: false)
        }
        router.get("/api/households/:file/exit") { request, context in
            try await workbench.exitFilePage(request, file: context.parameters.get("file") ?? "", json: true)
        }
        router.post("/households/:file/exit/:act") { request, context in
            try await workbench.exitActPost(
                request, file: context.parameters.get("file") ?? "", act: context.parameters.get("act") ?? "")
        }
        router.get("/households/:file/notice") { request, context in
            try await workbench.noticePage(request, file: context.parameters.get("file") ?? "", json: false)
        }
        router.get("/api/households/:file/notice") { request, context in
            try await workbench.noticePage(request, file: context.parameters.get("file") ?? "", json: true)
        }
    }

    // MARK: Exits under way

    /// The exit list's JSON: the day, the county filter, and each procedure with its stage.
    struct ExitsData: Encodable {
        struct Row: Encodable {
            var stage: UnionExitPages.Stage
            var procedure: UnionDesk.ExitProcedure
        }
        var on: LocalDate
        var county: String?
        var exits: [Row]
        var objections: [UnionDesk.ExitObjection]
    }

    private func exitsPage(_ request: Request, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            let day = UnionExitPages.day(request) ?? todayDate()
            let county = UnionExitPages.county(request)
            let reply: ExitListReply
            switch try await ask(Operation.exitList, ExitListRequest(on: day), as: member, reply: ExitListReply.self) {
            case .value(let value): reply = value
            case .refused(let reason), .error(let reason):
                return try refusal(
                    reason, request: request, json: json, language: language, member: member, session: session)
            }
            let procedures = reply.procedures.filter { county == nil || $0.county == county }
            let rows = procedures.map {
                ExitsData.Row(stage: UnionExitPages.Stage(of: $0, on: day), procedure: $0)
            }
            if json {
                return try jsonResponse(
                    ExitsData(
                        on: day, county: county, exits: rows,
                        objections: reply.objections.filter { objection in
                            procedures.contains { $0.fileNumber == objection.fileNumber }
                        }))
            }
            let stages = UnionExitPages.Stage.allCases.map { stage in
                let inStage = rows.filter { $0.stage == stage }.map { row in
                    UnionExitPages.procedureValues(row.procedure, language: language)
                }
                return [
                    "stage": stage.rawValue, "heading": Labels.text(stage.labelID, language), "rows": inStage,
                    "count": inStage.count, "hasRows": !inStage.isEmpty,
                ] as [String: Any]
            }
            let query = UnionExitPages.query(on: day, county: county)
            let body = render(
                "union_exits",
                [
                    "stages": stages, "on": day.description, "onText": Labels.date(day, language),
                    "counties": UnionExitPages.countyOptions(reply.procedures.map(\.county), selected: county),
                    "jsonLink": "/api/exits" + query, "publicityLink": "/exits/publicity" + query,
                ], language: language)
            return page(
                body, title: Labels.text("exit_list_title", language), request: request, language: language,
                member: member, csrf: session.csrf)
        }
    }

    // MARK: The 公示 list

    private func publicityPage(_ request: Request, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            let day = UnionExitPages.day(request) ?? todayDate()
            let county = UnionExitPages.county(request)
            let reply: ExitPublicityReply
            switch try await ask(
                Operation.exitPublicity, ExitListRequest(on: day), as: member, reply: ExitPublicityReply.self)
            {
            case .value(let value): reply = value
            case .refused(let reason), .error(let reason):
                return try refusal(
                    reason, request: request, json: json, language: language, member: member, session: session)
            }
            let entries = reply.entries.filter { county == nil || $0.county == county }
            if json { return try jsonResponse(ExitPublicityReply(entries: entries, on: day)) }
            var sheets: [[String: Any]] = []
            let counties = entries.map(\.county).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            for code in counties {
                let inCounty = entries.filter { $0.county == code }
                let first = inCounty[0]
                let union = "\(first.prefectureName)\(first.countyName)" + Labels.text("exit_union_suffix", language)
                sheets.append([
                    "county": code, "union": union,
                    "rows": inCounty.map { entry in
                        [
                            "fileNumber": entry.fileNumber, "worker": entry.worker, "employer": entry.employer,
                            "from": Labels.date(entry.publicityFrom, language),
                            "until": Labels.date(entry.publicityUntil, language),
                        ]
                    },
                ])
            }
            let body = render(
                "union_publicity",
                [
                    "sheets": sheets, "none": sheets.isEmpty, "onText": Labels.date(day, language),
                    "back": "/exits" + UnionExitPages.query(on: day, county: county),
                ], language: language)
            return printPage(body, title: Labels.text("exit_publicity_title", language), language: language)
        }
    }

    // MARK: One file's procedure

    private func exitFilePage(_ request: Request, file: String, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            let message = request.uri.queryParameters.get("m").flatMap { UnionExitPages.messages[String($0)] }
            return try await exitFileView(
                file: file, json: json, message: message.map { Labels.text($0, language) } ?? "", status: .ok,
                request: request, language: language, member: member, session: session)
        }
    }

    /// The file's exit page, or its JSON, with `message` (a note after an act, or the service's refusal).
    private func exitFileView(
        file: String, json: Bool, message: String, isRefusal: Bool = false, status: HTTPResponse.Status,
        request: Request, language: Language, member: StaffMember, session: WebSessions.Session
    ) async throws -> Response {
        let record: FileRecord
        switch try await ask(Operation.file, FileQuery(fileNumber: file), as: member, reply: FileRecord.self) {
        case .value(let value): record = value
        case .refused(let reason):
            return try refusal(
                reason, request: request, json: json, language: language, member: member, session: session)
        case .error(let reason):
            return try refusal(
                reason, status: .notFound, request: request, json: json, language: language, member: member,
                session: session)
        }
        let exit: ExitFileReply
        switch try await ask(
            Operation.exitFile, ExitActRequest(fileNumber: file), as: member, reply: ExitFileReply.self)
        {
        case .value(let value): exit = value
        case .refused(let reason), .error(let reason):
            return try refusal(
                reason, request: request, json: json, language: language, member: member, session: session)
        }
        if json { return try jsonResponse(exit) }
        var values = UnionExitPages.fileValues(
            exit, record: record, roles: member.roles, today: todayDate(), language: language)
        values["csrf"] = session.csrf
        values["message"] = message
        values["isRefusal"] = isRefusal
        values["householdLink"] = "/households/\(file)"
        values["jsonLink"] = "/api/households/\(file)/exit"
        return page(
            render("union_exit_file", values, language: language),
            title: "\(file) · " + Labels.text("exit_file_title", language), request: request, language: language,
            member: member, csrf: session.csrf, status: status)
    }

    /// An act posted from the file's exit page: `request`, `review`, `objection`, `resolve`, `approve` or `visit`.
    private func exitActPost(_ request: Request, file: String, act: String) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let fields = try await form(of: request)
            guard fields["csrf"] == session.csrf else { return refusedCSRF(request, language: language) }
            let onText = (fields["on"] ?? "").trimmingCharacters(in: .whitespaces)
            let on: LocalDate? = onText.isEmpty ? todayDate() : LocalDate(onText)
            func again(_ text: String, status: HTTPResponse.Status) async throws -> Response {
                try await exitFileView(
                    file: file, json: false, message: text, isRefusal: true, status: status, request: request,
                    language: language, member: member, session: session)
            }
            guard let on else { return try await again(Labels.text("union_bad_date", language), status: .badRequest) }
            let reason = (fields["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let operation: String
            let answer: Answer<ExitActReply>
            switch act {
            case "request", "review", "approve":
                operation = [
                    "request": Operation.exitRequest, "review": Operation.exitReview, "approve": Operation.exitApprove,
                ][act]!
                answer = try await ask(
                    operation,
                    ExitActRequest(fileNumber: file, decision: fields["decision"], reason: reason, on: on),
                    as: member, reply: ExitActReply.self)
            case "objection":
                operation = Operation.exitObjection
                let objector = (fields["objector"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                let text =
                    reason.isEmpty
                    ? ""
                    : (objector.isEmpty ? reason : Labels.text("exit_objector", .chinese) + "：\(objector)；\(reason)")
                answer = try await ask(
                    operation, ExitActRequest(fileNumber: file, reason: text, on: on), as: member,
                    reply: ExitActReply.self)
            case "resolve":
                operation = Operation.exitObjectionResolve
                answer = try await ask(
                    operation,
                    ExitActRequest(
                        fileNumber: file, decision: fields["decision"], reason: reason,
                        objection: fields["objection"].flatMap { Int64($0) }, on: on),
                    as: member, reply: ExitActReply.self)
            case "visit":
                operation = Operation.visitRecord
                let visit = try await ask(
                    operation,
                    VisitRecordRequest(
                        fileNumber: file, on: on, stable: fields["stable"] ?? "", findings: fields["findings"] ?? ""),
                    as: member, reply: VisitListReply.self)
                switch visit {
                case .value: answer = .value(ExitActReply(procedure: nil))
                case .refused(let why): answer = .refused(why)
                case .error(let why): answer = .error(why)
                }
            default:
                return notFound(request, language: language, member: member, session: session)
            }
            switch answer {
            case .value:
                return redirect("/households/\(file)/exit?m=\(act)", request: request)
            case .refused(let why), .error(let why):
                let mayAct = !member.roles.isDisjoint(with: UnionDesk.operationRoles[operation] ?? [])
                if !mayAct || why.contains("outside the area") {
                    return try refusal(
                        why, request: request, json: false, language: language, member: member, session: session)
                }
                return try await again(why, status: .conflict)
            }
        }
    }

    // MARK: The notice

    private func noticePage(_ request: Request, file: String, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            switch try await ask(
                Operation.exitNotice, ExitActRequest(fileNumber: file), as: member, reply: ExitNoticeReply.self)
            {
            case .value(let notice):
                if json { return try jsonResponse(notice) }
                let lines = notice.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let body = render(
                    "union_notice",
                    [
                        "title": lines.first ?? "", "paragraphs": lines.dropFirst().filter { !$0.isEmpty },
                        "back": "/households/\(file)/exit",
                    ], language: language)
                return printPage(body, title: "\(file) · " + (lines.first ?? ""), language: language)
            case .refused(let reason):
                let mayRead = !member.roles.isDisjoint(with: UnionDesk.operationRoles[Operation.exitNotice] ?? [])
                if !mayRead || reason.contains("outside the area") {
                    return try refusal(
                        reason, request: request, json: json, language: language, member: member, session: session)
                }
                return try refusal(
                    reason, status: .conflict, request: request, json: json, language: language, member: member,
                    session: session)
            case .error(let reason):
                return try refusal(
                    reason, status: .notFound, request: request, json: json, language: language, member: member,
                    session: session)
            }
        }
    }

    /// A printable page: the print layout (no navigation, no forms), `/static/print.css`.
    private func printPage(_ body: String, title: String, language: Language) -> Response {
        let html = render(
            "print_layout", ["lang": language.htmlCode, "title": title, "body": body], language: language)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'self'; style-src 'self'; form-action 'self'; "
                    + "frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    // MARK: Visits

    private func visitsPage(_ request: Request, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            let day = UnionExitPages.day(request) ?? todayDate()
            let county = UnionExitPages.county(request)
            let overdueOnly = request.uri.queryParameters.get("overdue") == "1"
            let reply: VisitListReply
            switch try await ask(
                Operation.visitList, VisitListRequest(on: day, overdueOnly: overdueOnly), as: member,
                reply: VisitListReply.self)
            {
            case .value(let value): reply = value
            case .refused(let reason), .error(let reason):
                return try refusal(
                    reason, request: request, json: json, language: language, member: member, session: session)
            }
            let visits = reply.visits.filter { county == nil || $0.county == county }
            if json { return try jsonResponse(VisitListReply(visits: visits, on: day)) }
            let rows = visits.map { visit in
                [
                    "fileNumber": visit.fileNumber, "href": "/households/\(visit.fileNumber)/exit",
                    "county": UnionExitPages.countyName(visit.county), "number": visit.number,
                    "due": Labels.date(visit.dueOn, language), "latest": Labels.date(visit.latestOn, language),
                    "overdue": visit.isOverdue(on: day),
                ] as [String: Any]
            }
            var query = UnionExitPages.query(on: day, county: county)
            if overdueOnly { query += "&overdue=1" }
            let body = render(
                "union_visits",
                [
                    "rows": rows, "hasRows": !rows.isEmpty, "on": day.description,
                    "onText": Labels.date(day, language), "overdueOnly": overdueOnly,
                    "counties": UnionExitPages.countyOptions(reply.visits.map(\.county), selected: county),
                    "jsonLink": "/api/visits" + query,
                ], language: language)
            return page(
                body, title: Labels.text("visit_list_title", language), request: request, language: language,
                member: member, csrf: session.csrf)
        }
    }
}
