import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HTTPTypes
import HouseholdDomain
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceRuntime
import Synchronization
import TestSupport
import Workbench
import ZeroMQ

@testable import AgencyServices

/// A coordinator's workbench in process over a temporary store: the real request handler (status, roles, areas,
/// the coordinator's desk), staff with passwords hashed at bcrypt cost 4 (fast; the cost is the hash's own), and
/// a clock the tests move.
final class WorkbenchFixture: Sendable {
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path
    /// Every member's password.
    static let password = "correct horse battery"

    let folder: URL
    let store: EventStore
    let counters = Counters()
    let clock = Clock()
    let workbench: Workbench

    init(readiness: @escaping @Sendable () -> Readiness = { Readiness(agency: "coordinator", feeds: []) }) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "workbench-test")
        logger.logLevel = .critical
        store = try AgencyAssembly.openStore(
            CoordinatorDesk.self, path: folder.appendingPathComponent("coordinator.sqlite").path, logger: logger)
        let desk = CoordinatorDesk(policy: try Policy.load(contentsOfFile: Self.policyPath))
        let handler = AgencyAssembly.authorising(
            desk, agency: "coordinator", counters: counters, logger: logger, journal: store.journal)
        let clock = clock
        workbench = Workbench(
            agency: .coordinator, store: store, queries: CoordinatorDesk.queries, handler: handler,
            readiness: readiness, counters: counters, logger: logger, now: { clock.now.withLock { $0 } })
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Adds a member with the password, returns the staff id.
    func addMember(_ roles: Set<StaffRole>, area: String = "530000", name: String = "测试人员") throws -> String {
        try store.writer.write { db in
            let member = try StaffRegister.add(
                displayName: name, roles: roles, area: try StaffArea(code: area),
                publicKey: try CurveKeyPair.generate().publicKey, agency: .coordinator, by: "test", in: db)
            try StaffRegister.setPasswordHash(
                try StaffPasswords.hash(Self.password, cost: 4), of: member.id, by: "test", in: db)
            return member.id
        }
    }

    /// Moves the clock.
    func advance(_ seconds: TimeInterval) {
        clock.now.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Runs `body` with a test client of the router.
    func withClient<Value: Sendable>(_ body: @Sendable (Browser) async throws -> Value) async throws -> Value {
        let application = Application(router: workbench.makeRouter())
        return try await application.test(.router) { client in try await body(Browser(client: client)) }
    }
}

/// The clock the tests move (the workbench reads it for every request).
final class Clock: Sendable {
    let now = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
}

/// A test client that keeps cookies, as a browser does (no redirects followed).
final class Browser: Sendable {
    let client: any TestClientProtocol
    let cookies = Mutex<[String: String]>([:])

    init(client: any TestClientProtocol) { self.client = client }

    /// Sends a request with the cookies kept, keeps the cookies the response sets.
    func send(
        _ uri: String, method: HTTPRequest.Method = .get, form: [String: String]? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        let cookieHeader = cookies.withLock { $0.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(
                string: form.map { "\($0.key)=\(Self.encode($0.value))" }.sorted().joined(separator: "&"))
        }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            let expired = field.value.contains("Max-Age=0")
            cookies.withLock { $0[name] = expired ? nil : value }
        }
        return response
    }

    /// The login form's CSRF token: GET /login and read the hidden field.
    func loginToken() async throws -> String {
        let page = try await send("/login")
        return Self.hiddenCSRF(in: String(buffer: page.body)) ?? ""
    }

    /// Logs in; returns the response to the POST.
    func logIn(_ staffID: String, password: String = WorkbenchFixture.password) async throws -> TestResponse {
        let token = try await loginToken()
        return try await send("/login", method: .post, form: ["csrf": token, "staff": staffID, "password": password])
    }

    /// The value of the first hidden `csrf` field of a page.
    static func hiddenCSRF(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix(while: { $0 != "\"" }))
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
