import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HTTPTypes
import HouseholdDomain
import Hummingbird
import HummingbirdTesting
import Logging
import ReliefProgramme
import ServiceRuntime
import Synchronization
import TestSupport
import Testing
import ZeroMQ

@testable import AgencyServices
@testable import Workbench

/// The union's workbench in process over a temporary store: the union's real request handler (roles, areas, the
/// union's desk with a helper for 五华区) and staff with passwords.
final class UnionWorkbenchFixture: Sendable {
    let folder: URL
    let store: EventStore
    let counters = Counters()
    let clock = Clock()
    let workbench: Workbench

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-union-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "union-workbench-test")
        logger.logLevel = .critical
        store = try AgencyAssembly.openStore(
            UnionDesk.self, path: folder.appendingPathComponent("union.sqlite").path, logger: logger)
        let desk = UnionDesk(
            policy: try Policy.load(contentsOfFile: WorkbenchFixture.policyPath), helpers: ["530102": ["帮扶人甲"]])
        let handler = AgencyAssembly.authorising(
            desk, agency: "union-registry", counters: counters, logger: logger, journal: store.journal)
        let clock = clock
        workbench = Workbench(
            agency: .union, store: store, queries: UnionDesk.queries, handler: handler,
            readiness: { Readiness(agency: "union-registry", feeds: []) }, counters: counters, logger: logger,
            now: { clock.now.withLock { $0 } })
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Adds a union member with the fixture's password; returns the staff id.
    func addMember(_ roles: Set<StaffRole>, area: String = "530000") throws -> String {
        try store.writer.write { db in
            let member = try StaffRegister.add(
                displayName: "测试人员", roles: roles, area: try StaffArea(code: area),
                publicKey: try CurveKeyPair.generate().publicKey, agency: .union, by: "test", in: db)
            try StaffRegister.setPasswordHash(
                try StaffPasswords.hash(WorkbenchFixture.password, cost: 4), of: member.id, by: "test", in: db)
            return member.id
        }
    }

    /// The audit rows of a file: (staff, operation, outcome).
    func auditRows(_ file: String) throws -> [String] {
        try store.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT staff_id, operation, outcome FROM agency_audit WHERE file_number = ? ORDER BY seq",
                arguments: [file]
            ).map { "\($0["staff_id"] as String) \($0["operation"] as String) \($0["outcome"] as String)" }
        }
    }

    func withClient<Value: Sendable>(_ body: @Sendable (Browser) async throws -> Value) async throws -> Value {
        let application = Application(router: workbench.makeRouter())
        return try await application.test(.router) { client in try await body(Browser(client: client)) }
    }

    /// The sample household KM-2017-0001 of `deploy/samples/households.csv` as the form's fields (五华区 530102,
    /// 1,200 yuan a month, three members).
    static func sampleForm(csrf: String, fileNumber: String = "KM-2017-0001", filedOn: String = "2017-03-15")
        -> [String: String]
    {
        [
            "csrf": csrf, "members": "3", "submit": "1", "file_number": fileNumber, "division_code": "530102",
            "filed_on": filedOn, "monthly_income": "1200", "monthly_special_expense": "", "housing": "租房",
            "primary_cause": "下岗失业", "secondary_causes": "子女上学", "single_parent": "否", "migrant_worker": "否",
            "rural_poverty_registered": "否", "on_dibao": "否", "employer_arrears": "否", "employer": "昆明某机械厂",
            "employer_uscc": "",
            "m0_name": "张某", "m0_id_number": "530102197506121314", "m0_relation": "本人", "m0_health": "健康",
            "m0_work_status": "下岗", "m0_school_level": "无", "m0_pension_insurance": "已参保",
            "m0_medical_insurance": "已参保", "m0_wants_business": "是",
            "m1_name": "李某", "m1_id_number": "530102197702032423", "m1_relation": "配偶", "m1_health": "患病",
            "m1_work_status": "无", "m1_school_level": "无", "m1_pension_insurance": "未参保",
            "m1_medical_insurance": "已参保", "m1_wants_business": "否",
            "m2_name": "张某某", "m2_id_number": "530102200409183155", "m2_relation": "子女", "m2_health": "健康",
            "m2_work_status": "在学", "m2_school_level": "初中", "m2_pension_insurance": "未参保",
            "m2_medical_insurance": "已参保", "m2_wants_business": "否",
        ]
    }
}

extension Browser {
    /// The CSRF token of the page at `path` (its first hidden `csrf` field).
    func csrf(at path: String) async throws -> String {
        Self.hiddenCSRF(in: String(buffer: try await send(path).body)) ?? ""
    }

    /// POSTs a `multipart/form-data` body with text fields and one file.
    func upload(
        _ path: String, fields: [String: String], file: (name: String, bytes: [UInt8])
    ) async throws -> TestResponse {
        let boundary = "----jiekun-test-boundary"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").utf8)
        body += file.bytes + Array("\r\n--\(boundary)--\r\n".utf8)
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        let cookieHeader = cookies.withLock { $0.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        return try await client.executeRequest(
            uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}

/// The union's desk pages through the union's real request handler: search, the household page, the form, the
/// upload, update and close, and their refusals (role, area, CSRF, bad upload).
@Suite("Workbench: the union's desk")
struct UnionDeskPagesTests {
    static let importFolder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/import")

    @Test("the union's home page lists what a clerk can do; an auditor gets search only, finance nothing")
    func home() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        let auditor = try fixture.addMember([.auditor])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let html = String(buffer: try await browser.send("/").body)
            #expect(html.contains("id=\"link-register\""))
            #expect(html.contains("id=\"link-import\""))
            #expect(!html.contains(Labels.text("home_other", .chinese)))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(auditor)
            let html = String(buffer: try await browser.send("/").body)
            #expect(html.contains("id=\"link-search\""))
            #expect(!html.contains("id=\"link-register\""))
        }
        let finance = try fixture.addMember([.finance])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(finance)
            let html = String(buffer: try await browser.send("/").body)
            #expect(html.contains("id=\"union-links\""))
            #expect(!html.contains("id=\"link-search\""))  // finance reads no household data
        }
    }

    @Test("a clerk files with the form, finds the file, opens its page: facts, last four, §3.1, helper, timeline")
    func fileSearchAndRead() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk], area: "530100")
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let token = try await browser.csrf(at: "/register")
            let filed = try await browser.send(
                "/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: token))
            #expect(filed.status == .seeOther)
            #expect(filed.headers[.location] == "/households/KM-2017-0001?m=filed")

            // By the last six of the spouse's identity number, 032423.
            let search = try await browser.send("/search?q=032423")
            #expect(search.status == .ok)
            let html = String(buffer: search.body)
            #expect(html.contains("data-file=\"KM-2017-0001\""))
            #expect(html.contains("**************1314"))  // the worker's number, last four only
            #expect(!html.contains("530102197506121314"))
            let api = try await browser.send("/api/search?q=" + Browser.encode("张某"))
            let reply = try JSONDecoder().decode(SearchReply.self, from: Data(api.body.readableBytesView))
            #expect(reply.households.map(\.fileNumber) == ["KM-2017-0001"])

            let page = try await browser.send("/households/KM-2017-0001")
            #expect(page.status == .ok)
            let text = String(buffer: page.body)
            // S for 昆明市 in 2017 is 496 (deploy/policy/yunnan.yaml); 1,200 / 3 members = 400 < 496: category 1, §3.1.
            #expect(text.contains("id=\"category\">1<"))
            #expect(text.contains("§3.1"))
            #expect(text.contains("id=\"helper\">帮扶人甲<"))  // the county's only helper
            #expect(text.contains("**************2423"))
            #expect(!text.contains("530102197702032423"))
            #expect(text.contains("<td>2017年3月15日</td><td>建档</td><td>\(clerk)</td>"))
            #expect(text.contains("id=\"readers-note\""))  // a clerk does not see who has read the file
            #expect(text.contains("id=\"update-link\""))
            let json = try await browser.send("/api/households/KM-2017-0001")
            let object = try JSONSerialization.jsonObject(with: Data(json.body.readableBytesView)) as? [String: Any]
            let file = object?["file"] as? [String: Any]
            #expect(file?["category"] as? Int == 1)
            #expect(object?["readers"] == nil)
        }
        // register (filed), search (one file shown), api search, the page and its exit section, the page's JSON
        // and its exit section: each audited.
        #expect(
            try fixture.auditRows("KM-2017-0001") == [
                "\(clerk) register done", "\(clerk) search done", "\(clerk) search done", "\(clerk) file done",
                "\(clerk) exit-file done", "\(clerk) file done", "\(clerk) exit-file done",
            ])
    }

    @Test("an auditor reads the page without actions and sees who has read it; the update form is refused")
    func auditorReadOnly() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        let auditor = try fixture.addMember([.auditor])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let token = try await browser.csrf(at: "/register")
            _ = try await browser.send("/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: token))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(auditor)
            let page = String(buffer: try await browser.send("/households/KM-2017-0001").body)
            #expect(!page.contains("id=\"update-link\""))
            #expect(page.contains("id=\"readers\""))
            #expect(page.contains("<td>\(clerk)</td><td>\(Labels.text("union_op_register", .chinese))</td>"))
            #expect(try await browser.send("/households/KM-2017-0001/update").status == .forbidden)
            #expect(try await browser.send("/households/KM-2017-0001/close").status == .forbidden)
            let token = try await browser.csrf(at: "/search")
            let post = try await browser.send(
                "/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: token, fileNumber: "KM-X"))
            #expect(post.status == .forbidden)  // register is for clerks (the handler's role check)
            let json = try await browser.send("/api/households/KM-2017-0001")
            let object = try JSONSerialization.jsonObject(with: Data(json.body.readableBytesView)) as? [String: Any]
            #expect((object?["readers"] as? [Any])?.isEmpty == false)
        }
        #expect(fixture.counters.value(Counters.Label.requestsUnauthorised, dimensions: [("server", "requests")]) == 1)
    }

    @Test("finance and admins read no household data: search and the household page are refused (403)")
    func wrongRole() async throws {
        let fixture = try UnionWorkbenchFixture()
        let finance = try fixture.addMember([.finance])
        let admin = try fixture.addMember([.admin])
        for member in [finance, admin] {
            try await fixture.withClient { browser in
                _ = try await browser.logIn(member)
                #expect(try await browser.send("/search?q=KM").status == .forbidden)
                #expect(try await browser.send("/api/search?q=KM").status == .forbidden)
                #expect(try await browser.send("/households/KM-2017-0001").status == .forbidden)
                #expect(try await browser.send("/api/households/KM-2017-0001").status == .forbidden)
            }
        }
        // Four refusals each, by the request handler's role check.
        #expect(fixture.counters.value(Counters.Label.requestsUnauthorised, dimensions: [("server", "requests")]) == 8)
    }

    @Test("out of area: a Qujing clerk is refused Kunming's file (page and JSON) and does not find it")
    func outOfArea() async throws {
        let fixture = try UnionWorkbenchFixture()
        let kunming = try fixture.addMember([.clerk], area: "530100")
        let qujing = try fixture.addMember([.clerk], area: "530300")
        try await fixture.withClient { browser in
            _ = try await browser.logIn(kunming)
            let token = try await browser.csrf(at: "/register")
            _ = try await browser.send("/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: token))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(qujing)
            #expect(try await browser.send("/households/KM-2017-0001").status == .forbidden)
            #expect(try await browser.send("/api/households/KM-2017-0001").status == .forbidden)
            let search = String(buffer: try await browser.send("/search?q=KM-2017").body)
            #expect(search.contains("id=\"none\""))
            // Filing a Kunming household from Qujing: refused for the area, nothing filed.
            let token = try await browser.csrf(at: "/register")
            let post = try await browser.send(
                "/register", method: .post,
                form: UnionWorkbenchFixture.sampleForm(csrf: token, fileNumber: "KM-2017-0002"))
            #expect(post.status == .unprocessableContent)
            #expect(String(buffer: post.body).contains("530300"))
        }
        #expect(try fixture.auditRows("KM-2017-0001").last == "\(qujing) file refused")
    }

    @Test("forms without the CSRF token are refused: file, close, upload")
    func csrfRefused() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            #expect(try await browser.send("/api/households/KM-2017-0001").status == .unauthorized)
            #expect(try await browser.send("/households/KM-2017-0001").headers[.location] == "/login")
            _ = try await browser.logIn(clerk)
            #expect(
                try await browser.send(
                    "/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: "wrong")
                ).status == .forbidden)
            #expect(
                try await browser.send(
                    "/households/KM-2017-0001/close", method: .post, form: ["reason": "死亡", "on": "2018-01-02"]
                ).status == .forbidden)
            let upload = try await browser.upload(
                "/import", fields: ["mode": "register"], file: ("a.csv", Array("档案编号\n".utf8)))
            #expect(upload.status == .forbidden)
        }
        #expect(try fixture.auditRows("KM-2017-0001").isEmpty)
    }

    @Test("the form shows the import's errors beside the fields: a wrong check character, a missing income")
    func formErrors() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let token = try await browser.csrf(at: "/register")
            var form = UnionWorkbenchFixture.sampleForm(csrf: token)
            form["m1_id_number"] = "530102197702032424"  // the check character of 53010219770203242 is 3
            form["monthly_income"] = ""
            let page = try await browser.send("/register", method: .post, form: form)
            #expect(page.status == .unprocessableContent)
            let html = String(buffer: page.body)
            #expect(html.contains("data-field=\"m1_id_number\""))
            #expect(html.contains("data-field=\"monthly_income\""))
            #expect(!html.contains("data-field=\"m0_id_number\""))
            #expect(html.contains("value=\"昆明某机械厂\""))  // what was typed is kept
            // The add-member button files nothing and shows a fourth block.
            let more = try await browser.send(
                "/register", method: .post,
                form: UnionWorkbenchFixture.sampleForm(csrf: token).merging(["add_member": "1"]) { $1 })
            #expect(String(buffer: more.body).contains("name=\"m3_name\""))
            // 9,000 yuan / 3 members = 3,000 > 3 × S = 3 × 496 = 1,488: above every category's bound (§3.1–§3.3).
            var rich = UnionWorkbenchFixture.sampleForm(csrf: token)
            rich["monthly_income"] = "9000"
            let notEligible = try await browser.send("/register", method: .post, form: rich)
            #expect(notEligible.status == .unprocessableContent)
            #expect(String(buffer: notEligible.body).contains("id=\"not-eligible\""))
        }
        // The refused filing, then the assessment that found it not eligible (done: assessed, not filed).
        #expect(
            try fixture.auditRows("KM-2017-0001") == ["\(clerk) register refused", "\(clerk) register done"])
    }

    @Test("upload: a GBK CSV is read right, the results CSV has a BOM and a row per household; a PDF is refused")
    func upload() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        let other = try fixture.addMember([.clerk])
        let gbk = try [UInt8](Data(contentsOf: Self.importFolder.appendingPathComponent("households-gbk.csv")))
        let link = try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let token = try await browser.csrf(at: "/import")
            let pdf = try await browser.upload(
                "/import", fields: ["csrf": token, "mode": "register"], file: ("form.pdf", Array("%PDF-1.4\n".utf8)))
            #expect(pdf.status == .unprocessableContent)
            #expect(String(buffer: pdf.body).contains("PDF"))
            let page = try await browser.upload(
                "/import", fields: ["csrf": token, "mode": "register"], file: ("households-gbk.csv", gbk))
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("GB18030"))
            let link = try #require(
                html.range(of: "href=\"/import/results/").map {
                    "/import/results/" + html[$0.upperBound...].prefix(while: { $0 != "\"" })
                })
            let csv = try await browser.send(link)
            #expect(csv.status == .ok)
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            // The header and one row per household of the file: KM-2017-0001, QJ-2017-0007, DL-2017-0042.
            #expect(lines.count == 4)
            #expect(
                lines.dropFirst().map { String($0.split(separator: ",")[1]) } == [
                    "KM-2017-0001", "QJ-2017-0007", "DL-2017-0042",
                ])
            // The GBK names and employer were read as the clerk wrote them.
            let file = String(buffer: try await browser.send("/households/KM-2017-0001").body)
            #expect(file.contains("<td>张某某</td>"))
            #expect(file.contains("昆明某机械厂"))
            return link
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(other)
            #expect(try await browser.send(link).status == .notFound)  // the results are the uploader's
        }
    }

    @Test("upload an .xlsx as an update: the open file is updated, the files not on the register are refused")
    func xlsxUpdate() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        let xlsx = try [UInt8](Data(contentsOf: Self.importFolder.appendingPathComponent("households.xlsx")))
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let token = try await browser.csrf(at: "/register")
            _ = try await browser.send("/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: token))
            let page = try await browser.upload(
                "/import", fields: ["csrf": token, "mode": "update"], file: ("households.xlsx", xlsx))
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("xlsx"))
            // KM-2017-0001 is open (filed above) and still eligible; QJ-2017-0007 and DL-2017-0042 have no open file.
            #expect(html.contains("<td>已更新 (updated)</td>"))
            #expect(html.components(separatedBy: "<td>不予受理 (refused)</td>").count == 3)
            #expect(try await browser.send("/households/KM-2099-0001").status == .notFound)
            #expect(try await browser.send("/api/households/KM-2099-0001").status == .notFound)
        }
        #expect(try fixture.auditRows("KM-2017-0001") == ["\(clerk) register done", "\(clerk) update done"])
    }

    @Test("update prefilled, close with a Chinese reason, then a new file of the same person links the earlier one")
    func updateCloseAndRefile() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let token = try await browser.csrf(at: "/register")
            _ = try await browser.send("/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: token))
            let form = String(buffer: try await browser.send("/households/KM-2017-0001/update").body)
            #expect(form.contains("value=\"530102197506121314\""))  // whole, for the clerk's update
            #expect(form.contains("value=\"1200.00\""))
            var update = UnionWorkbenchFixture.sampleForm(csrf: token)
            update["monthly_income"] = "1350"
            update["on"] = "2017-09-01"
            let updated = try await browser.send("/households/KM-2017-0001/update", method: .post, form: update)
            #expect(updated.headers[.location] == "/households/KM-2017-0001?m=updated")
            let closed = try await browser.send(
                "/households/KM-2017-0001/close", method: .post,
                form: ["csrf": token, "reason": "迁出", "on": "2018-02-01"])
            #expect(closed.headers[.location] == "/households/KM-2017-0001?m=closed")
            let page = String(buffer: try await browser.send("/households/KM-2017-0001").body)
            #expect(page.contains("<td>2017年9月1日</td><td>更新档案</td><td>\(clerk)</td>"))
            #expect(page.contains("<td>2018年2月1日</td><td>销档</td><td>\(clerk)</td>"))
            #expect(!page.contains("id=\"update-link\""))
            let refiled = try await browser.send(
                "/register", method: .post,
                form: UnionWorkbenchFixture.sampleForm(csrf: token, fileNumber: "KM-2019-0001", filedOn: "2019-04-01"))
            #expect(refiled.headers[.location] == "/households/KM-2019-0001?m=filed")
            let new = String(buffer: try await browser.send("/households/KM-2019-0001").body)
            #expect(new.contains("id=\"earlier\""))
            #expect(new.contains("href=\"/households/KM-2017-0001\""))
            let old = String(buffer: try await browser.send("/households/KM-2017-0001").body)
            #expect(old.contains("href=\"/households/KM-2019-0001\""))
            // A closed file cannot be closed again: the desk says so.
            let again = try await browser.send(
                "/households/KM-2017-0001/close", method: .post,
                form: ["csrf": token, "reason": "death", "on": "2018-03-01"])
            #expect(again.status == .conflict)
        }
    }

    @Test("every label id the union's pages make exists in both languages")
    func madeLabels() throws {
        let ids =
            FileClosure.Reason.allCases.map(UnionPages.labelID(closing:))
            + SearchRequest.Field.allCases.map(UnionPages.labelID(field:))
            + FileRecord.Event.Kind.allCases.map(UnionPages.labelID(event:))
            + HouseholdImport.Column.allCases.map(UnionPages.labelID(column:))
        for id in ids {
            let entry = try #require(Labels.table[id], "missing label \(id)")
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty, "\(id)")
        }
        #expect(Labels.text("union_col_id_number", .chinese) == "公民身份号码")  // the form's own header
        for id in UnionPages.operationLabels.values {
            let entry = try #require(Labels.table[id], "missing label \(id)")
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty, "\(id)")
        }
    }

    @Test("multipart parts are split at the boundary, the file's bytes kept whole")
    func multipart() {
        let body = Array(
            ("--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--b\r\nContent-Disposition: form-data; "
                + "name=\"file\"; filename=\"x.csv\"\r\nContent-Type: text/csv\r\n\r\n1,2\r\n3,4\r\n\r\n--b--\r\n").utf8
        )
        let parts = UnionPages.multipart(body, boundary: "b")
        #expect(parts["csrf"].map { String(decoding: $0.data, as: UTF8.self) } == "abc")
        #expect(parts["file"].map { String(decoding: $0.data, as: UTF8.self) } == "1,2\r\n3,4\r\n")
        #expect(parts["file"]?.filename == "x.csv")
        #expect(UnionPages.boundary(of: "multipart/form-data; boundary=\"b\"") == "b")
        #expect(UnionPages.boundary(of: "application/x-www-form-urlencoded") == nil)
    }
}
