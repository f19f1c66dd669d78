import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HTTPTypes
import HouseholdDomain
import Hummingbird
import Logging
import Mustache
import ReliefProgramme
import ServiceRuntime
import Synchronization

/// The web workbench an agency service serves on `listen.http` (issue "The workbench"): login and logout, a home
/// page saying what the agency's workbench offers, the coordinator's dashboard with its CSV exports and JSON API,
/// and `/health`, `/ready`, `/metrics` for operators.
///
/// Every page that shows programme data runs the agency's request operation in process, through the same handler
/// as the request endpoint (``handler``: `status`, then the per-operation role check, the area check and the
/// desk), with the logged-in member as the asker (`staff:<id>`, as a CURVE connection of that member would be):
/// the roles, the area and the audit log apply to the web exactly as to `jiekun`. Sessions, login attempts and
/// lock-outs live in the agency's store (``WebSessions``).
public struct Workbench: Sendable {
    /// The cookie holding the session id.
    public static let sessionCookie = "jiekun_session"
    /// The cookie holding the login form's CSRF token (before a session exists).
    public static let loginCookie = "jiekun_login"
    /// The cookie holding the language chosen.
    public static let languageCookie = "jiekun_lang"

    let agency: Agency
    let store: EventStore
    let queries: Set<String>
    let handler: RequestServer.Handler
    let readiness: @Sendable () -> Readiness
    let counters: Counters
    let logger: Logger
    let now: @Sendable () -> Date
    let requestNumbers: RequestNumbers
    /// The coordinator's last report decoded, with the bytes it was decoded from (``report(as:)``).
    let decodedReport = DecodedReport()

    /// Creates the workbench of an agency.
    ///
    /// - Parameters:
    ///   - agency: The agency whose service serves it.
    ///   - store: The agency's store (sessions, staff, the operations' tables).
    ///   - queries: The operations that only read (answered in a read transaction).
    ///   - handler: The request endpoint's handler: `status`, authorisation, the desk's operations.
    ///   - readiness: The feeds' readiness now (`/ready`, `/metrics`).
    ///   - counters: The process's counters (`/metrics`; web refusals are counted with `server=web`).
    ///   - logger: The service's logger (no personal data is logged).
    ///   - now: The clock (tests move it).
    public init(
        agency: Agency, store: EventStore, queries: Set<String>, handler: @escaping RequestServer.Handler,
        readiness: @escaping @Sendable () -> Readiness, counters: Counters, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.agency = agency
        self.store = store
        self.queries = queries
        self.handler = handler
        self.readiness = readiness
        self.counters = counters
        self.logger = logger
        self.now = now
        requestNumbers = RequestNumbers()
    }

    /// Registers the workbench's tables (``WebSessions``).
    ///
    /// - Parameter migrator: The store's migrator.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        WebSessions.registerMigrations(&migrator)
    }

    /// The web server on `address`, to run in the agency's service group. A failure to bind is thrown as
    /// ``ServiceRuntime/HTTPBindError`` naming `listen.http`.
    ///
    /// - Parameter address: `listen.http`.
    /// - Returns: The service.
    public func service(address: HTTPAddress) -> WebServer {
        let listening = WebServer.Listening()
        return WebServer(
            application: Application(
                router: makeRouter(),
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
                onServerRunning: { _ in listening.value.store(true, ordering: .releasing) },
                logger: logger),
            address: address, listening: listening)
    }

    /// The routes.
    ///
    /// - Returns: The router (tests drive it with HummingbirdTesting).
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let workbench = self
        router.get("/health") { _, _ in workbench.text("ok\n") }
        router.get("/ready") { _, _ in try workbench.ready() }
        router.get("/metrics") { _, _ in
            workbench.text(
                MetricsText.render(counters: workbench.counters, readiness: workbench.readiness()),
                contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/static/workbench.css") { _, _ in
            workbench.text(Templates.css, contentType: "text/css; charset=utf-8")
        }
        router.get("/login") { request, _ in try await workbench.loginPage(request) }
        router.post("/login") { request, _ in try await workbench.login(request) }
        router.post("/logout") { request, _ in try await workbench.logout(request) }
        router.get("/") { request, _ in try await workbench.home(request) }
        if agency == .union { addUnionDeskRoutes(to: router) }
        if agency == .coordinator {
            router.get("/dashboard") { request, _ in try await workbench.provincePage(request, as: .html) }
            router.get("/dashboard.csv") { request, _ in try await workbench.provincePage(request, as: .csv) }
            router.get("/dashboard-years.csv") { request, _ in
                try await workbench.provincePage(request, as: .yearsCSV)
            }
            router.get("/api/dashboard") { request, _ in try await workbench.provincePage(request, as: .json) }
            router.get("/dashboard/prefecture/:code") { request, context in
                try await workbench.prefecturePage(request, code: context.parameters.get("code") ?? "", as: .html)
            }
            router.get("/dashboard/prefecture/:code/csv") { request, context in
                try await workbench.prefecturePage(request, code: context.parameters.get("code") ?? "", as: .csv)
            }
            router.get("/api/dashboard/prefecture/:code") { request, context in
                try await workbench.prefecturePage(request, code: context.parameters.get("code") ?? "", as: .json)
            }
            router.get("/dashboard/prefecture/:code/counties.csv") { request, context in
                try await workbench.prefecturePage(
                    request, code: context.parameters.get("code") ?? "", as: .countiesCSV)
            }
            router.get("/dashboard/county/:code") { request, context in
                try await workbench.countyPage(request, code: context.parameters.get("code") ?? "", as: .html)
            }
            router.get("/dashboard/county/:code/csv") { request, context in
                try await workbench.countyPage(request, code: context.parameters.get("code") ?? "", as: .csv)
            }
            router.get("/api/dashboard/county/:code") { request, context in
                try await workbench.countyPage(request, code: context.parameters.get("code") ?? "", as: .json)
            }
            addMoneyRoutes(to: router)
        }
        registerDepartmentDesk(on: router)
        return router
    }

    // MARK: Operators

    private func ready() throws -> Response {
        let readiness = readiness()
        let body = try JSONEncoder.sorted.encode(readiness)
        return Response(
            status: readiness.ready ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    // MARK: Login and logout

    /// The login form, with a fresh CSRF token in a cookie and a hidden field.
    private func loginPage(_ request: Request, message: String? = nil, staffID: String = "") async throws
        -> Response
    {
        let language = language(of: request)
        if message == nil, case .member = try await authenticate(request) {
            return redirect("/", request: request)
        }
        let token = WebSessions.randomToken(bytes: 16)
        let messageID = message ?? request.uri.queryParameters.get("m").flatMap { Self.loginMessages[String($0)] }
        let body = render(
            "login",
            [
                "csrf": token, "staffIDValue": staffID,
                "message": messageID.map { Labels.text($0, language) } ?? "",
            ], language: language)
        return page(
            body, title: Labels.text("login_title", language), request: request, language: language, member: nil,
            csrf: "", status: message == nil ? .ok : .unauthorized,
            cookies: [cookie(Self.loginCookie, token, request: request)])
    }

    /// The messages the login page shows for `?m=`: id in the query → label id.
    private static let loginMessages: [String: String] = [
        "expired": "login_expired", "ended": "login_ended", "logged-out": "login_logged_out",
    ]

    /// A login: the form's CSRF token against its cookie, the lock-out, the password (bcrypt), then a session.
    private func login(_ request: Request) async throws -> Response {
        let form = try await self.form(of: request)
        let language = language(of: request)
        guard let expected = request.cookies[Self.loginCookie]?.value, !expected.isEmpty,
            form["csrf"] == expected
        else { return refusedCSRF(request, language: language) }
        let staffID = String((form["staff"] ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        let password = form["password"] ?? ""
        let time = now()
        let (locked, hash, member) = try await store.writer.read { db in
            let member = try StaffRegister.member(id: staffID, in: db)
            return (
                try WebSessions.isLocked(staffID, at: time, in: db),
                member?.enabled == true ? try StaffRegister.passwordHash(of: staffID, in: db) : nil, member
            )
        }
        if locked {
            try await store.writer.write { db in try WebSessions.record(.locked, for: staffID, at: time, in: db) }
            counters.increment(Counters.Label.webLoginsRefused, dimensions: [("outcome", "locked")])
            logger.notice("Web login refused: locked", metadata: ["staff.id": "\(WebSessions.recordable(staffID))"])
            return try await loginPage(request, message: "login_locked", staffID: staffID)
        }
        guard await StaffPasswords.verifyOffPool(password, against: hash), let member else {
            let lockedNow = try await store.writer.write { db in
                try WebSessions.record(.failed, for: staffID, at: time, in: db)
                return try WebSessions.isLocked(staffID, at: time, in: db)
            }
            counters.increment(Counters.Label.webLoginsRefused, dimensions: [("outcome", "failed")])
            logger.notice(
                "Web login failed",
                metadata: ["staff.id": "\(WebSessions.recordable(staffID))", "locked": "\(lockedNow)"])
            return try await loginPage(
                request, message: lockedNow ? "login_locked" : "login_failed", staffID: staffID)
        }
        let session = try await store.writer.write { db in
            try WebSessions.record(.done, for: member.id, at: time, in: db)
            return try WebSessions.open(for: member.id, at: time, in: db)
        }
        counters.increment(Counters.Label.webLogins)
        logger.info("Web login", metadata: ["staff.id": "\(member.id)"])
        return redirect(
            "/", request: request,
            cookies: [
                cookie(Self.sessionCookie, session.token, request: request),
                cookie(Self.loginCookie, "", request: request, maxAge: 0),
            ])
    }

    private func logout(_ request: Request) async throws -> Response {
        let language = language(of: request)
        let form = try await self.form(of: request)
        guard case .member(_, let session, let token) = try await authenticate(request) else {
            return refusedCSRF(request, language: language)
        }
        guard form["csrf"] == session.csrf else { return refusedCSRF(request, language: language) }
        try await store.writer.write { db in try WebSessions.close(token, in: db) }
        return redirect(
            "/login?m=logged-out", request: request,
            cookies: [cookie(Self.sessionCookie, "", request: request, maxAge: 0)])
    }

    // MARK: Sessions

    /// Who is logged in, from the session cookie.
    enum Authentication: Sendable {
        /// A live session of an enabled member.
        case member(StaffMember, WebSessions.Session, token: String)
        /// No session, or one that ended: the login page, with why (`?m=`).
        case loggedOut(reason: String?)
    }

    /// Finds the request's session; a session idle too long, or of a member disabled or removed since, ends.
    func authenticate(_ request: Request) async throws -> Authentication {
        guard let token = request.cookies[Self.sessionCookie]?.value, !token.isEmpty else {
            return .loggedOut(reason: nil)
        }
        let time = now()
        return try await store.writer.write { db -> Authentication in
            switch try WebSessions.lookup(token, at: time, in: db) {
            case .unknown: return .loggedOut(reason: nil)
            case .expired: return .loggedOut(reason: "expired")
            case .live(let session):
                guard let member = try StaffRegister.member(id: session.staffID, in: db), member.enabled else {
                    try WebSessions.close(token, in: db)
                    return .loggedOut(reason: "ended")
                }
                return .member(member, session, token: token)
            }
        }
    }

    /// Runs `body` for a logged-in member, or sends the browser to the login page (a JSON client gets 401).
    func withMember(
        _ request: Request, json: Bool = false,
        _ body: (StaffMember, WebSessions.Session) async throws -> Response
    ) async throws -> Response {
        switch try await authenticate(request) {
        case .member(let member, let session, _):
            return try await body(member, session)
        case .loggedOut(let reason):
            if json {
                return try jsonResponse(["reason": "log in first: POST /login"], status: .unauthorized)
            }
            let query = reason.map { "?m=\($0)" } ?? ""
            return redirect(
                "/login" + query, request: request,
                cookies: [cookie(Self.sessionCookie, "", request: request, maxAge: 0)])
        }
    }

    // MARK: Pages

    private func home(_ request: Request) async throws -> Response {
        try await withMember(request) { member, session in
            if let desk = try await departmentHome(request, member: member, session: session) { return desk }
            let language = language(of: request)
            let area = (try? StaffArea(code: member.area)).map { "\($0.name) (\($0.code))" } ?? member.area
            let roles = member.roles.sorted().map {
                language == .chinese ? $0.chineseName : $0.rawValue
            }.joined(separator: language == .chinese ? "、" : ", ")
            let body = render(
                "home",
                [
                    "roles": roles, "area": area, "coordinator": agency == .coordinator, "union": agency == .union,
                    "isClerk": member.roles.contains(.clerk),
                    "canSearch": !member.roles.isDisjoint(with: [.clerk, .approver, .auditor]),
                ], language: language)
            return page(
                body, title: Labels.text("home_title", language), request: request, language: language,
                member: member, csrf: session.csrf)
        }
    }

    /// What a dashboard route answers.
    enum Format {
        case html, csv, yearsCSV, countiesCSV, json
    }

    /// The provincial report, asked through the request handler as the member: refused for a role that may not
    /// read it, exactly as `jiekun report` would be.
    private func report(as member: StaffMember) async throws -> Result<ProvinceReport, Refusal> {
        let reply = try await perform(Operation.report, as: member.id)
        guard reply.status == .ok else {
            let reason =
                (try? MessageCoding.decode(ErrorReply.self, from: reply.body).reason)
                ?? String(decoding: reply.body, as: UTF8.self)
            return .failure(Refusal(reason: reason))
        }
        return .success(try decodedReport.report(from: reply.body))
    }

    /// A refusal's reason, as the handler gave it.
    struct Refusal: Error {
        var reason: String
    }

    private func provincePage(_ request: Request, as format: Format) async throws -> Response {
        try await withMember(request, json: format == .json) { member, session in
            let language = language(of: request)
            if let area = try? StaffArea(code: member.area), area.level != .province {
                // A prefecture's or county's member sees the dashboard from their own area's page.
                let level = area.level == .prefecture ? "prefecture" : "county"
                let suffix = format == .json ? "" : (format == .html ? "" : "/csv")
                let base = format == .json ? "/api/dashboard/\(level)/" : "/dashboard/\(level)/"
                return redirect(base + area.code + suffix, request: request)
            }
            let report: ProvinceReport
            switch try await dashboardReport(request, member: member, session: session, format: format) {
            case .report(let value): report = value
            case .refused(let response): return response
            }
            let year = selectedYear(request, report: report)
            let data = Dashboard.province(report, year: year, language: language)
            switch format {
            case .json: return try jsonResponse(data)
            case .csv, .countiesCSV:
                return csv(Dashboard.csvRows(data, language: language), name: "jiekun-dashboard-\(year).csv")
            case .yearsCSV:
                return csv(Dashboard.yearsCSVRows(data, language: language), name: "jiekun-dashboard-years.csv")
            case .html:
                let chart = Charts.horizontal(
                    data.rows.map { Charts.Bar(label: $0.name, ratePerMille: $0.ratePerMille, meets: $0.meets) }
                        + [
                            Charts.Bar(
                                label: data.province.name, ratePerMille: data.province.ratePerMille,
                                meets: data.province.meets)
                        ],
                    title: Labels.text("dash_chart_title", language) + " \(year)",
                    targetLabel: Labels.text("dash_target_line", language))
                let body = render(
                    "dashboard",
                    [
                        "year": year, "years": data.years, "province": data.province, "rows": data.rows,
                        "yearRows": data.yearRows, "shortfalls": data.shortfalls, "chart": chart,
                        "today": today(language),
                        "yearLinks": data.years.map {
                            Dashboard.YearLink(year: $0, href: "/dashboard?year=\($0)", current: $0 == year)
                        },
                        "csvLink": "/dashboard.csv?year=\(year)", "yearsCsvLink": "/dashboard-years.csv",
                        "jsonLink": "/api/dashboard?year=\(year)", "moneyLink": "/dashboard/money?year=\(year)",
                    ], language: language)
                return page(
                    body, title: Labels.text("dash_title", language), request: request, language: language,
                    member: member, csrf: session.csrf)
            }
        }
    }

    private func prefecturePage(_ request: Request, code: String, as format: Format) async throws -> Response {
        try await withMember(request, json: format == .json) { member, session in
            let language = language(of: request)
            guard let area = try? StaffArea(code: member.area), area.level == .province || area.code == code else {
                // A county's member is sent to the county's page when it lies in this prefecture.
                if let area = try? StaffArea(code: member.area), area.level == .county,
                    area.code.hasPrefix(
                        String(code.prefix(4))), format == .html
                {
                    return redirect("/dashboard/county/\(area.code)", request: request)
                }
                return refusedArea(request, format: format, language: language, member: member, session: session)
            }
            let report: ProvinceReport
            switch try await dashboardReport(request, member: member, session: session, format: format) {
            case .report(let value): report = value
            case .refused(let response): return response
            }
            let year = selectedYear(request, report: report)
            guard let data = Dashboard.prefecture(code, of: report, year: year, language: language) else {
                return notFound(request, language: language, member: member, session: session)
            }
            switch format {
            case .json: return try jsonResponse(data)
            case .csv, .yearsCSV:
                return csv(Dashboard.csvRows(data, language: language), name: "jiekun-\(code)-years.csv")
            case .countiesCSV:
                return csv(
                    Dashboard.countiesCSVRows(data, language: language), name: "jiekun-\(code)-counties-\(year).csv")
            case .html:
                var values = areaPageValues(
                    code: code, name: data.name, path: "/dashboard/prefecture/\(code)", year: year, years: data.years,
                    row: data.row, yearTable: data.yearTable, shortfalls: data.shortfalls, language: language)
                values["counties"] = data.counties
                values["hasCounties"] = !data.counties.isEmpty
                values["countiesCsvLink"] = "/dashboard/prefecture/\(code)/counties.csv?year=\(year)"
                values["moneyLink"] = "/dashboard/money/\(code)?year=\(year)"
                let body = render("prefecture", values, language: language)
                return page(
                    body, title: "\(data.name) · " + Labels.text("dash_title", language), request: request,
                    language: language, member: member, csrf: session.csrf)
            }
        }
    }

    /// A county's page (`/dashboard/county/CODE`), its CSV and JSON: for members of the province, of the county's
    /// prefecture and of the county itself.
    private func countyPage(_ request: Request, code: String, as format: Format) async throws -> Response {
        try await withMember(request, json: format == .json) { member, session in
            let language = language(of: request)
            guard let area = try? StaffArea(code: member.area), area.contains(county: code) else {
                return refusedArea(request, format: format, language: language, member: member, session: session)
            }
            let report: ProvinceReport
            switch try await dashboardReport(request, member: member, session: session, format: format) {
            case .report(let value): report = value
            case .refused(let response): return response
            }
            let year = selectedYear(request, report: report)
            guard let data = Dashboard.county(code, of: report, year: year, language: language) else {
                return notFound(request, language: language, member: member, session: session)
            }
            switch format {
            case .json: return try jsonResponse(data)
            case .csv, .yearsCSV, .countiesCSV:
                return csv(Dashboard.csvRows(data, language: language), name: "jiekun-\(code)-years.csv")
            case .html:
                var values = areaPageValues(
                    code: code, name: data.name, path: "/dashboard/county/\(code)", year: year, years: data.years,
                    row: data.row, yearTable: data.yearTable, shortfalls: data.shortfalls, language: language)
                values["prefectureLink"] = "/dashboard/prefecture/\(data.prefectureCode)?year=\(year)"
                values["prefectureName"] = data.prefectureName
                let body = render("county", values, language: language)
                return page(
                    body, title: "\(data.name) · " + Labels.text("dash_title", language), request: request,
                    language: language, member: member, csrf: session.csrf)
            }
        }
    }

    /// The provincial report for a dashboard page, or the page to answer instead: the request handler's refusal.
    enum DashboardReport {
        case report(ProvinceReport)
        case refused(Response)
    }

    /// The provincial report asked as the member (``report(as:)``), or its refusal as the page's answer.
    func dashboardReport(
        _ request: Request, member: StaffMember, session: WebSessions.Session, format: Format
    ) async throws -> DashboardReport {
        switch try await report(as: member) {
        case .success(let report): return .report(report)
        case .failure(let refusal):
            return .refused(
                refused(
                    request, reason: refusal.reason, format: format, language: language(of: request), member: member,
                    session: session))
        }
    }

    /// What a prefecture's and a county's page both show: the area's years as a table and a chart, why it is
    /// behind, the links to its other years, its CSV and JSON.
    private func areaPageValues(
        code: String, name: String, path: String, year: Int, years: [Int], row: Dashboard.Row,
        yearTable: [Dashboard.YearTableRow], shortfalls: [Dashboard.WhyBehind], language: Language
    ) -> [String: Any] {
        let chart = Charts.vertical(
            yearTable.map { Charts.Bar(label: String($0.year), ratePerMille: $0.ratePerMille, meets: $0.meets) },
            title: Labels.text("dash_years_chart_title", language) + " \(name)",
            targetLabel: Labels.text("dash_target_line", language))
        return [
            "code": code, "name": name, "year": year, "row": row, "yearTable": yearTable, "shortfalls": shortfalls,
            "chart": chart, "today": today(language), "provinceLink": "/dashboard?year=\(year)",
            "yearLinks": years.map { Dashboard.YearLink(year: $0, href: "\(path)?year=\($0)", current: $0 == year) },
            "csvLink": "\(path)/csv?year=\(year)", "jsonLink": "/api\(path)?year=\(year)",
        ]
    }

    /// The year of `?year=`, when the report has it; else ``Dashboard/defaultYear(of:today:)``.
    func selectedYear(_ request: Request, report: ProvinceReport) -> Int {
        if let year = request.uri.queryParameters.get("year").flatMap({ Int($0) }),
            report.province.years.contains(where: { $0.year == year })
        {
            return year
        }
        return Dashboard.defaultYear(of: report, today: todayDate())
    }

    // MARK: The operations, in process

    /// Runs one of the agency's request operations through the request endpoint's handler, as the member: the
    /// same role and area checks, the same audit rows (request id `workbench/<n>`).
    ///
    /// - Parameters:
    ///   - operation: The operation.
    ///   - body: Its body.
    ///   - staffID: The member.
    /// - Returns: The reply.
    /// - Throws: `DatabaseError`.
    public func perform(_ operation: String, body: [UInt8] = [], as staffID: String) async throws -> ServiceReply {
        let request = ServiceRequest(
            clientID: "workbench", number: requestNumbers.next(), operation: operation, body: body,
            peer: StaffRegister.peerPrefix + staffID)
        let handler = handler
        if queries.contains(operation) {
            return try await store.writer.read { db in try handler(request, db) }
        }
        return try await store.writer.write { db in try handler(request, db) }
    }

    // MARK: Refusals

    func refusedCSRF(_ request: Request, language: Language) -> Response {
        counters.increment(Counters.Label.requestsUnauthorised, dimensions: [("server", "web")])
        logger.warning("Web form refused: CSRF token missing or wrong", metadata: ["http.path": "\(request.uri.path)"])
        let body = render(
            "refused",
            ["heading": Labels.text("refused_title", language), "reason": Labels.text("refused_csrf", language)],
            language: language)
        return page(
            body, title: Labels.text("refused_title", language), request: request, language: language, member: nil,
            csrf: "", status: .forbidden)
    }

    func refusedArea(
        _ request: Request, format: Format, language: Language, member: StaffMember, session: WebSessions.Session
    ) -> Response {
        counters.increment(Counters.Label.requestsOutOfArea, dimensions: [("server", "web")])
        logger.warning(
            "Web page refused: outside the staff member's area",
            metadata: ["staff.id": "\(member.id)", "http.path": "\(request.uri.path)"])
        return refused(
            request, reason: Labels.text("refused_area", language) + " (\(member.area))", format: format,
            language: language, member: member, session: session)
    }

    func refused(
        _ request: Request, reason: String, format: Format, language: Language, member: StaffMember,
        session: WebSessions.Session
    ) -> Response {
        if format == .json {
            return (try? jsonResponse(["reason": reason], status: .forbidden)) ?? Response(status: .forbidden)
        }
        let body = render(
            "refused", ["heading": Labels.text("refused_title", language), "reason": reason], language: language)
        return page(
            body, title: Labels.text("refused_title", language), request: request, language: language,
            member: member, csrf: session.csrf, status: .forbidden)
    }

    func notFound(
        _ request: Request, language: Language, member: StaffMember, session: WebSessions.Session
    ) -> Response {
        let body = render(
            "refused", ["heading": Labels.text("not_found", language), "reason": request.uri.path],
            language: language)
        return page(
            body, title: Labels.text("not_found", language), request: request, language: language, member: member,
            csrf: session.csrf, status: .notFound)
    }

    // MARK: Rendering

    /// The language: `?lang=` first (remembered in a cookie by ``page``), then the cookie, else Chinese.
    func language(of request: Request) -> Language {
        if let code = request.uri.queryParameters.get("lang"), let language = Language(rawValue: String(code)) {
            return language
        }
        if let code = request.cookies[Self.languageCookie]?.value, let language = Language(rawValue: code) {
            return language
        }
        return .chinese
    }

    func todayDate() -> LocalDate {
        LocalDate.today(clock: Int64(now().timeIntervalSince1970))
    }

    func today(_ language: Language) -> String {
        Labels.date(todayDate(), language)
    }

    /// Renders a page's template with the labels of the language as `t`.
    func render(_ template: String, _ values: [String: Any], language: Language) -> String {
        var object = values
        object["t"] = Labels.dictionary(language)
        return Templates.library.render(object, withTemplate: template) ?? ""
    }

    /// The page in the layout: agency, staff member, logout, language link.
    func page(
        _ body: String, title: String, request: Request, language: Language, member: StaffMember?, csrf: String,
        status: HTTPResponse.Status = .ok, cookies: [String] = []
    ) -> Response {
        let html = render(
            "layout",
            [
                "lang": language.htmlCode, "title": title, "body": body,
                "agencyName": Labels.text(Labels.id(of: agency), language), "loggedIn": member != nil,
                "staffName": member?.displayName ?? "", "staffID": member?.id ?? "", "csrf": csrf,
                "showDashboard": agency == .coordinator, "showUnionDesk": agency == .union,
                "langLink": languageLink(request, to: language.other),
                "today": today(language),
            ], language: language)
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                + "frame-ancestors 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ]
        var allCookies = cookies
        if request.uri.queryParameters.get("lang").flatMap({ Language(rawValue: String($0)) }) != nil {
            allCookies.append(
                cookie(Self.languageCookie, language.rawValue, request: request, maxAge: 365 * 86_400))
        }
        for cookie in allCookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The same page in the other language: the path and query, `lang` replaced.
    private func languageLink(_ request: Request, to language: Language) -> String {
        let query = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("lang=") }
        return request.uri.path + "?" + (query + ["lang=\(language.rawValue)"]).joined(separator: "&")
    }

    /// A `Set-Cookie` value: `Path=/`, `SameSite=Strict`, `HttpOnly`, and `Secure` when the request came over TLS
    /// through a reverse proxy (`X-Forwarded-Proto: https`).
    func cookie(_ name: String, _ value: String, request: Request, maxAge: Int? = nil) -> String {
        var text = "\(name)=\(value); Path=/; HttpOnly; SameSite=Strict"
        if request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https" { text += "; Secure" }
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        return text
    }

    func redirect(_ location: String, request: Request, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    private func text(_ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.sorted.encode(value))))
    }

    func csv(_ rows: [[String]], name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: CSVExport.text(rows))))
    }

    /// A form body (`application/x-www-form-urlencoded`, at most 64 KiB) as name → value.
    func form(of request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 << 10)
        let text = String(buffer: buffer)
        var values: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            values[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return values
    }
}

/// The numbers of the workbench's in-process requests (`workbench/<n>` in the audit log), from the start time so
/// that a restart does not reuse them.
/// The last ``ProvinceReport`` decoded and its JSON: the coordinator answers the same bytes until a cursor moves
/// (``CoordinatorDesk``), and decoding them for every page cost most of a dashboard page's time (470 KB of JSON for
/// the 71,000-household demo).
final class DecodedReport: Sendable {
    private let last = Mutex<(body: [UInt8], report: ProvinceReport)?>(nil)

    /// The report of `body`: the one kept when `body` is the same bytes, else decoded and kept.
    ///
    /// - Throws: `DecodingError`.
    func report(from body: [UInt8]) throws -> ProvinceReport {
        if let kept = last.withLock({ $0 }), kept.body == body { return kept.report }
        let report = try MessageCoding.decode(ProvinceReport.self, from: body)
        last.withLock { $0 = (body, report) }
        return report
    }
}

final class RequestNumbers: Sendable {
    private let last = Mutex<UInt64>(UInt64(Date().timeIntervalSince1970 * 1_000))

    func next() -> UInt64 {
        last.withLock {
            $0 += 1
            return $0
        }
    }
}

extension JSONEncoder {
    /// Sorted keys, slashes unescaped, ISO 8601 dates: the JSON API's encoder.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
