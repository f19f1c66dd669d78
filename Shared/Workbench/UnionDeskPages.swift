import AgencyDesks
import EventFabric
import Foundation
import HTTPTypes
import HouseholdDomain
import Hummingbird
import ReliefProgramme
import ServiceRuntime
import Synchronization

/// The union's desk in the browser (issue "The workbench", item 3; policy §4.1 一户一档, Part C.5): search, the
/// household page, filing a household with a form, uploading an import file, updating and closing a file, and a
/// JSON API beside the search and household pages.
///
/// Every page runs the union's request operations in process as the logged-in member (``Workbench/perform(_:body:as:)``):
/// `search`, `file`, `register`, `update`, `close` and `audit` with exactly the roles, areas and audit rows of
/// `jiekun`. Identity numbers are shown by their last four characters (enough to confirm a person at the counter);
/// only the update form, which clerks alone may open, holds them whole, because the update matches members by them.
/// Who has read a file is shown to auditors (`audit` is theirs: policy Part C, separation of duties); other roles are
/// told so.
extension Workbench {
    /// Registers the union's desk routes.
    ///
    /// - Parameter router: The workbench's router.
    func addUnionDeskRoutes(to router: Router<BasicRequestContext>) {
        let workbench = self
        router.get("/search") { request, _ in try await workbench.searchPage(request, json: false) }
        router.get("/api/search") { request, _ in try await workbench.searchPage(request, json: true) }
        router.get("/households/:file") { request, context in
            try await workbench.householdPage(request, file: context.parameters.get("file") ?? "", json: false)
        }
        router.get("/api/households/:file") { request, context in
            try await workbench.householdPage(request, file: context.parameters.get("file") ?? "", json: true)
        }
        router.get("/register") { request, _ in try await workbench.registerForm(request) }
        router.post("/register") { request, _ in try await workbench.registerPost(request) }
        router.get("/import") { request, _ in try await workbench.importForm(request) }
        router.post("/import") { request, _ in try await workbench.importPost(request) }
        router.get("/import/results/:token") { request, context in
            try await workbench.importResultsCSV(request, token: context.parameters.get("token") ?? "")
        }
        router.get("/households/:file/update") { request, context in
            try await workbench.updateForm(request, file: context.parameters.get("file") ?? "")
        }
        router.post("/households/:file/update") { request, context in
            try await workbench.updatePost(request, file: context.parameters.get("file") ?? "")
        }
        router.get("/households/:file/close") { request, context in
            try await workbench.closeForm(request, file: context.parameters.get("file") ?? "")
        }
        router.post("/households/:file/close") { request, context in
            try await workbench.closePost(request, file: context.parameters.get("file") ?? "")
        }
        router.get("/static/print.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: Templates.printCSS)))
        }
        addUnionExitRoutes(to: router)
    }

    // MARK: Asking the desk

    /// What an operation answered: its reply decoded, or the refusal (role, area) or error (no such file, bad input).
    enum Answer<Value> {
        case value(Value)
        case refused(String)
        case error(String)
    }

    /// Runs `operation` with `body` as the member and decodes its reply.
    func ask<Value: Decodable>(
        _ operation: String, _ body: some Encodable, as member: StaffMember, reply: Value.Type
    ) async throws -> Answer<Value> {
        let answer = try await perform(operation, body: try MessageCoding.encode(body), as: member.id)
        func reason() -> String {
            (try? MessageCoding.decode(ErrorReply.self, from: answer.body).reason)
                ?? String(decoding: answer.body, as: UTF8.self)
        }
        switch answer.status {
        case .ok: return .value(try MessageCoding.decode(Value.self, from: answer.body))
        case .refused: return .refused(reason())
        case .error: return .error(reason())
        }
    }

    /// The refusal page (403) for a refusal, or the page with the error's reason (`status`).
    func refusal(
        _ reason: String, status: HTTPResponse.Status = .forbidden, request: Request, json: Bool, language: Language,
        member: StaffMember, session: WebSessions.Session
    ) throws -> Response {
        if status == .forbidden, reason.contains("staff.area") || reason.contains("outside the area") {
            counters.increment(Counters.Label.requestsOutOfArea, dimensions: [("server", "web")])
        }
        if json { return try jsonResponse(["reason": reason], status: status) }
        let heading = Labels.text(status == .forbidden ? "refused_title" : "union_error_title", language)
        let body = render("refused", ["heading": heading, "reason": reason], language: language)
        return page(
            body, title: heading, request: request, language: language, member: member, csrf: session.csrf,
            status: status)
    }

    // MARK: Search

    private func searchPage(_ request: Request, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
            let text = String(request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
            let field = request.uri.queryParameters.get("field").flatMap { SearchRequest.Field(rawValue: String($0)) }
            var found: SearchReply?
            var message = ""
            if !text.isEmpty {
                switch try await ask(
                    Operation.search, SearchRequest(text: text, field: field), as: member, reply: SearchReply.self)
                {
                case .value(let reply): found = reply
                case .refused(let reason), .error(let reason):
                    let mayRead = !member.roles.isDisjoint(with: UnionDesk.operationRoles[Operation.search] ?? [])
                    if !mayRead {
                        return try refusal(
                            reason, request: request, json: json, language: language, member: member,
                            session: session)
                    }
                    if json { return try jsonResponse(["reason": reason], status: .badRequest) }
                    message = reason
                }
            }
            if json {
                return try jsonResponse(found ?? SearchReply(households: [], truncated: false))
            }
            let rows = (found?.households ?? []).map { household in
                [
                    "fileNumber": household.fileNumber, "href": "/households/\(household.fileNumber)",
                    "status": Labels.text(
                        household.status == "open" ? "union_status_open" : "union_status_closed", language),
                    "county": "\(household.countyName) (\(household.county))", "worker": household.workerName,
                    "identity": UnionPages.lastFour(household.workerIdentity), "members": household.members,
                    "helper": household.helper ?? "", "filedOn": Labels.date(household.filedOn, language),
                    "category": String(household.category),
                ] as [String: Any]
            }
            let body = render(
                "union_search",
                [
                    "q": text, "searched": found != nil, "rows": rows, "hasRows": !rows.isEmpty,
                    "none": found != nil && rows.isEmpty,
                    "truncated": found?.truncated == true, "message": message,
                    "jsonLink": "/api/search?q=" + UnionPages.queryEscaped(text),
                    "fields": UnionPages.searchFields(selected: field, language),
                ], language: language)
            return page(
                body, title: Labels.text("union_search_title", language), request: request, language: language,
                member: member, csrf: session.csrf, status: message.isEmpty ? .ok : .badRequest)
        }
    }

    // MARK: The household page

    /// The household page's JSON: the union's record and, for auditors, who has read the file.
    struct HouseholdData: Encodable {
        var file: FileRecord
        var readers: [AuditEntry]?
        var exit: ExitFileReply?
    }

    private func householdPage(_ request: Request, file: String, json: Bool) async throws -> Response {
        try await withMember(request, json: json) { member, session in
            let language = language(of: request)
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
            var readers: [AuditEntry]?
            if member.roles.contains(.auditor),
                case .value(let reply) = try await ask(
                    AuditLog.operation, AuditQuery(household: file), as: member, reply: AuditReply.self)
            {
                readers = reply.entries
            }
            var exit: ExitFileReply?
            if case .value(let reply) = try await ask(
                Operation.exitFile, ExitActRequest(fileNumber: file), as: member, reply: ExitFileReply.self)
            {
                exit = reply
            }
            if json { return try jsonResponse(HouseholdData(file: record, readers: readers, exit: exit)) }
            let isClerk = member.roles.contains(.clerk)
            let message = request.uri.queryParameters.get("m").flatMap { UnionPages.messages[String($0)] }
            var values = UnionPages.householdValues(
                record, readers: readers, isAuditor: member.roles.contains(.auditor),
                canChange: isClerk && record.status == "open", message: message.map { Labels.text($0, language) },
                language: language)
            values.merge(UnionExitPages.summaryValues(exit, file: file, today: todayDate(), language: language)) {
                _, new in new
            }
            let body = render("union_household", values, language: language)
            return page(
                body, title: "\(record.fileNumber) · " + Labels.text("union_household_title", language),
                request: request, language: language, member: member, csrf: session.csrf)
        }
    }

    // MARK: Filing with the form

    private func registerForm(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            var form = UnionPages.HouseholdForm(members: 2)
            form.values[HouseholdImport.Column.filedOn.rawValue] = todayDate().description
            form.values["m0_" + HouseholdImport.Column.relation.rawValue] = Household.Member.Relation.worker.rawValue
            return formPage(
                form, mode: .register, request: request, language: language, member: member, session: session)
        }
    }

    /// What the household form does.
    enum FormMode {
        case register
        case update(String)
    }

    private func formPage(
        _ form: UnionPages.HouseholdForm, mode: FormMode, message: String = "", status: HTTPResponse.Status = .ok,
        request: Request, language: Language, member: StaffMember, session: WebSessions.Session
    ) -> Response {
        var values = form.values(language: language)
        values["csrf"] = session.csrf
        values["message"] = message
        switch mode {
        case .register:
            values["action"] = "/register"
            values["heading"] = Labels.text("union_register_title", language)
            values["isUpdate"] = false
        case .update(let file):
            var locked = form
            locked.lockFileNumber = true
            values.merge(locked.values(language: language)) { _, new in new }
            values["action"] = "/households/\(file)/update"
            values["heading"] = Labels.text("union_update_title", language) + " · \(file)"
            values["isUpdate"] = true
            values["fileNumber"] = file
            values["on"] = form.on.isEmpty ? todayDate().description : form.on
        }
        return page(
            render("union_form", values, language: language), title: values["heading"] as? String ?? "",
            request: request, language: language, member: member, csrf: session.csrf, status: status)
    }

    private func registerPost(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let fields = try await form(of: request)
            guard fields["csrf"] == session.csrf else { return refusedCSRF(request, language: language) }
            var form = UnionPages.HouseholdForm(fields: fields)
            if fields["add_member"] != nil {
                form.members += 1
                return formPage(
                    form, mode: .register, request: request, language: language, member: member, session: session)
            }
            let csv = form.csv()
            guard let csv else {
                return formPage(
                    form, mode: .register, message: Labels.text("union_form_no_member", language), status: .badRequest,
                    request: request, language: language, member: member, session: session)
            }
            switch try await ask(
                Operation.register, RegisterRequest(csv: csv.text), as: member, reply: RegisterReply.self)
            {
            case .refused(let reason):
                return try refusal(
                    reason, request: request, json: false, language: language, member: member, session: session)
            case .error(let reason):
                return formPage(
                    form, mode: .register, message: reason, status: .unprocessableContent, request: request,
                    language: language, member: member, session: session)
            case .value(let reply):
                guard let answer = reply.households.first else {
                    return formPage(
                        form, mode: .register, message: Labels.text("union_form_no_member", language),
                        status: .badRequest, request: request, language: language, member: member, session: session)
                }
                switch answer.status {
                case .filed:
                    return redirect("/households/\(answer.fileNumber)?m=filed", request: request)
                case .notEligible:
                    form.notEligible = Eligibility.notEligibleInWords(answer.reasons ?? [])
                    return formPage(
                        form, mode: .register, message: Labels.text("union_not_eligible", language),
                        status: .unprocessableContent, request: request, language: language, member: member,
                        session: session)
                case .refused:
                    form.apply(answer.errors ?? [], rows: csv.rows)
                    return formPage(
                        form, mode: .register, message: Labels.text("union_form_refused", language),
                        status: .unprocessableContent, request: request, language: language, member: member,
                        session: session)
                }
            }
        }
    }

    // MARK: Updating and closing

    private func updateForm(_ request: Request, file: String) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            switch try await ask(
                Operation.file, FileQuery(fileNumber: file, forUpdate: true), as: member, reply: FileRecord.self)
            {
            case .value(let record):
                guard record.status == "open", let household = record.household else {
                    return try refusal(
                        Labels.text("union_not_open", language), status: .conflict, request: request, json: false,
                        language: language, member: member, session: session)
                }
                let form = UnionPages.HouseholdForm(household: household)
                return formPage(
                    form, mode: .update(file), request: request, language: language, member: member, session: session)
            case .refused(let reason):
                return try refusal(
                    reason, request: request, json: false, language: language, member: member, session: session)
            case .error(let reason):
                return try refusal(
                    reason, status: .notFound, request: request, json: false, language: language, member: member,
                    session: session)
            }
        }
    }

    private func updatePost(_ request: Request, file: String) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let fields = try await form(of: request)
            guard fields["csrf"] == session.csrf else { return refusedCSRF(request, language: language) }
            var form = UnionPages.HouseholdForm(fields: fields)
            form.values[HouseholdImport.Column.fileNumber.rawValue] = file
            if fields["add_member"] != nil {
                form.members += 1
                return formPage(
                    form, mode: .update(file), request: request, language: language, member: member, session: session)
            }
            guard let on = LocalDate(form.on) else {
                return formPage(
                    form, mode: .update(file), message: Labels.text("union_bad_date", language), status: .badRequest,
                    request: request, language: language, member: member, session: session)
            }
            guard let csv = form.csv() else {
                return formPage(
                    form, mode: .update(file), message: Labels.text("union_form_no_member", language),
                    status: .badRequest, request: request, language: language, member: member, session: session)
            }
            switch try await ask(
                Operation.update, RegisterRequest(csv: csv.text, updatedOn: on), as: member, reply: RegisterReply.self)
            {
            case .refused(let reason):
                return try refusal(
                    reason, request: request, json: false, language: language, member: member, session: session)
            case .error(let reason):
                return formPage(
                    form, mode: .update(file), message: reason, status: .unprocessableContent, request: request,
                    language: language, member: member, session: session)
            case .value(let reply):
                switch reply.households.first?.status {
                case .filed: return redirect("/households/\(file)?m=updated", request: request)
                case .notEligible: return redirect("/households/\(file)?m=closed-not-eligible", request: request)
                case .refused, nil:
                    let errors = reply.households.first?.errors ?? []
                    if errors.contains(where: { $0.code == AuditLog.outsideAreaCode }) {
                        return try refusal(
                            errors.map(\.message).joined(separator: "；"), request: request, json: false,
                            language: language, member: member, session: session)
                    }
                    form.apply(errors, rows: csv.rows)
                    return formPage(
                        form, mode: .update(file), message: Labels.text("union_form_refused", language),
                        status: .unprocessableContent, request: request, language: language, member: member,
                        session: session)
                }
            }
        }
    }

    private func closeForm(_ request: Request, file: String) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            guard member.roles.contains(.clerk) else {
                return try refusal(
                    Labels.text("union_clerks_only", language), request: request, json: false, language: language,
                    member: member, session: session)
            }
            return closePage(
                file: file, on: todayDate().description, reason: nil, message: "", status: .ok, request: request,
                language: language, member: member, session: session)
        }
    }

    private func closePage(
        file: String, on: String, reason: FileClosure.Reason?, message: String, status: HTTPResponse.Status,
        request: Request, language: Language, member: StaffMember, session: WebSessions.Session
    ) -> Response {
        let body = render(
            "union_close",
            [
                "fileNumber": file, "action": "/households/\(file)/close", "csrf": session.csrf, "on": on,
                "message": message, "back": "/households/\(file)",
                "reasons": UnionPages.closingReasons.map { code in
                    [
                        "value": code.rawValue, "label": Labels.text(UnionPages.labelID(closing: code), language),
                        "selected": code == reason,
                    ] as [String: Any]
                },
            ], language: language)
        return page(
            body, title: Labels.text("union_close_title", language) + " · \(file)", request: request,
            language: language, member: member, csrf: session.csrf, status: status)
    }

    private func closePost(_ request: Request, file: String) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            let fields = try await form(of: request)
            guard fields["csrf"] == session.csrf else { return refusedCSRF(request, language: language) }
            let onText = fields["on"] ?? ""
            let reason = UnionPages.closingReason(fields["reason"] ?? "")
            guard let reason, let on = LocalDate(onText) else {
                return closePage(
                    file: file, on: onText, reason: reason,
                    message: Labels.text(reason == nil ? "union_close_no_reason" : "union_bad_date", language),
                    status: .badRequest, request: request, language: language, member: member, session: session)
            }
            switch try await ask(
                Operation.close, CloseRequest(fileNumber: file, reason: reason, closedOn: on), as: member,
                reply: CloseReply.self)
            {
            case .value: return redirect("/households/\(file)?m=closed", request: request)
            case .refused(let why):
                return try refusal(
                    why, request: request, json: false, language: language, member: member, session: session)
            case .error(let why):
                return closePage(
                    file: file, on: onText, reason: reason, message: why, status: .conflict, request: request,
                    language: language, member: member, session: session)
            }
        }
    }

    // MARK: Uploading an import file

    private func importForm(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            return importPage(
                ["csrf": session.csrf], status: .ok, request: request, language: language, member: member,
                session: session)
        }
    }

    private func importPage(
        _ values: [String: Any], status: HTTPResponse.Status, request: Request, language: Language,
        member: StaffMember, session: WebSessions.Session
    ) -> Response {
        var values = values
        values["csrf"] = session.csrf
        return page(
            render("union_import", values, language: language), title: Labels.text("union_import_title", language),
            request: request, language: language, member: member, csrf: session.csrf, status: status)
    }

    /// The largest upload taken: 32 MiB (a 71,000-household CSV is about 12 MiB).
    static let uploadLimit = 32 << 20

    private func importPost(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            let language = language(of: request)
            guard let boundary = UnionPages.boundary(of: request.headers[.contentType] ?? "") else {
                return importPage(
                    ["message": Labels.text("union_import_not_multipart", language)], status: .badRequest,
                    request: request, language: language, member: member, session: session)
            }
            let buffer = try await request.body.collect(upTo: Self.uploadLimit)
            let parts = UnionPages.multipart(Array(buffer.readableBytesView), boundary: boundary)
            guard parts["csrf"].map({ String(decoding: $0.data, as: UTF8.self) }) == session.csrf else {
                return refusedCSRF(request, language: language)
            }
            let isUpdate = parts["mode"].map { String(decoding: $0.data, as: UTF8.self) } == "update"
            guard let upload = parts["file"], !upload.data.isEmpty else {
                return importPage(
                    ["message": Labels.text("union_import_no_file", language)], status: .badRequest,
                    request: request, language: language, member: member, session: session)
            }
            let name = upload.filename ?? ""
            let loaded: ImportFile
            let batches: [CSVBatches.Batch]
            do {
                loaded = try ImportFile.decode(upload.data)
            } catch {
                return importPage(
                    ["message": "\(name): \(error)"], status: .unprocessableContent, request: request,
                    language: language, member: member, session: session)
            }
            do {
                batches = try CSVBatches.split(
                    String(decoding: loaded.csv, as: UTF8.self), householdsPerBatch: 500, filingOrder: true)
            } catch {
                let why = [loaded.format.context, "\(error)", loaded.headerRowHint].compactMap { $0 }
                return importPage(
                    ["message": "\(name): " + why.joined(separator: "; ")], status: .unprocessableContent,
                    request: request, language: language, member: member, session: session)
            }
            var answers: [RegisterReply.Household] = []
            for batch in batches {
                switch try await ask(
                    isUpdate ? Operation.update : Operation.register,
                    RegisterRequest(csv: batch.csv, updatedOn: isUpdate ? todayDate() : nil, rows: batch.rows),
                    as: member, reply: RegisterReply.self)
                {
                case .value(let reply): answers += reply.households
                case .refused(let reason):
                    return try refusal(
                        reason, request: request, json: false, language: language, member: member, session: session)
                case .error(let reason):
                    return importPage(
                        ["message": "\(name): \(reason)"], status: .unprocessableContent, request: request,
                        language: language, member: member, session: session)
                }
            }
            let results = ImportResults(answers, isUpdate: isUpdate)
            let token = UnionPages.results.keep(results.csv, for: member.id, at: now())
            let lines = results.lines.map { line in
                [
                    "row": line.row.map(String.init) ?? "", "fileNumber": line.fileNumber,
                    "href": line.status == .filed ? "/households/\(line.fileNumber)" : "",
                    "result": line.result, "reason": line.reason, "refused": line.status == .refused,
                ] as [String: Any]
            }
            return importPage(
                [
                    "done": true, "fileName": name, "format": "\(loaded.format)", "summary": results.summary,
                    "lines": lines, "warnings": loaded.warnings, "resultsLink": "/import/results/\(token)",
                ], status: .ok, request: request, language: language, member: member, session: session)
        }
    }

    private func importResultsCSV(_ request: Request, token: String) async throws -> Response {
        try await withMember(request) { member, session in
            guard let data = UnionPages.results.take(token, for: member.id, at: now()) else {
                return notFound(request, language: language(of: request), member: member, session: session)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"jiekun-import-results.csv\"",
                    .cacheControl: "no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
