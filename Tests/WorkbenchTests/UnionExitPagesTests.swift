import AgencyDesks
import Foundation
import HTTPTypes
import HouseholdDomain
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Workbench

/// The union's exit procedure and visits pages in process (HummingbirdTesting, no browser): the walk through the
/// exit with business dates computed by hand from the working-day calendar, and the refusals (no CSRF token, out of
/// area, an auditor acting, the reviewer approving). ``UnionExitBrowserTests`` walks the same pages in Chromium.
@Suite("Workbench: the union's exit and visit pages")
struct UnionExitPagesTests {
    static let file = "KM-2017-0001"

    /// Files the sample household KM-2017-0001 (五华区 530102) as `clerk`.
    static func file(by clerk: String, in fixture: UnionWorkbenchFixture) async throws {
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let token = try await browser.csrf(at: "/register")
            let filed = try await browser.send(
                "/register", method: .post, form: UnionWorkbenchFixture.sampleForm(csrf: token))
            #expect(filed.status == .seeOther)
        }
    }

    /// Posts an act from the file's exit page with the page's CSRF token.
    static func act(
        _ act: String, _ fields: [String: String], in browser: Browser, file: String = file
    ) async throws -> TestResponse {
        let token = try await browser.csrf(at: "/households/\(file)/exit")
        return try await browser.send(
            "/households/\(file)/exit/\(act)", method: .post, form: fields.merging(["csrf": token]) { own, _ in own })
    }

    @Test("the exit through the pages: request, review, objection, refusals, approval, 公示 list, notice, visit")
    func exitWalk() async throws {
        let fixture = try UnionWorkbenchFixture()
        let filer = try fixture.addMember([.clerk], area: "530100")
        let reviewer = try fixture.addMember([.clerk], area: "530102")
        let approver = try fixture.addMember([.approver], area: "530100")
        try await Self.file(by: filer, in: fixture)
        try await fixture.withClient { browser in
            _ = try await browser.logIn(filer)
            // The household's own request, Monday 22 May 2017.
            let request = try await Self.act("request", ["on": "2017-05-22"], in: browser)
            #expect(request.status == .seeOther)
            #expect(request.headers[.location] == "/households/\(Self.file)/exit?m=request")
            // The one who recorded the request may not review it (policy C.6): refused on the page, 409.
            let own = try await Self.act("review", ["decision": "accept", "on": "2017-05-26"], in: browser)
            #expect(own.status == .conflict)
            #expect(String(buffer: own.body).contains("不能审查本人录入的申请"))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(reviewer)
            let list = String(buffer: try await browser.send("/exits?on=2017-05-24").body)
            #expect(list.contains("id=\"stage-review\""))
            #expect(list.contains("<h2>待审查 (1)</h2>"))
            // Accepted on Friday 26 May 2017. Publicity starts on the next working day, Saturday 27 May (a working
            // day swapped for 端午节); five working days: 27 May, 31 May, 1 June, 2 June (28–30 May are the holiday),
            // then the weekend of 3–4 June, and 5 June: it ends on Monday 5 June 2017.
            let review = try await Self.act("review", ["decision": "同意", "on": "2017-05-26"], in: browser)
            #expect(review.status == .seeOther)
            let page = String(buffer: try await browser.send("/households/\(Self.file)/exit").body)
            #expect(page.contains("data-state=\"publicity\""))
            #expect(page.contains("id=\"publicity\">2017年5月27日 – 2017年6月5日<"))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(filer)
            let objection = try await Self.act(
                "objection", ["objector": "邻居王某", "reason": "家中新购轿车", "on": "2017-05-31"], in: browser)
            #expect(objection.status == .seeOther)
            let publicity = try await browser.send("/exits/publicity?on=2017-06-01&county=530102")
            let sheet = String(buffer: publicity.body)
            #expect(
                sheet.contains("<td>\(Self.file)</td><td>张某</td><td>昆明某机械厂</td><td>2017年5月27日</td><td>2017年6月5日</td>"))
            #expect(sheet.contains("昆明市五华区总工会"))
            #expect(!sheet.contains("1314"))  // no identity number, not even its last four
            #expect(!sheet.contains("id=\"logout\""))  // the print layout: no navigation
            let api = try await browser.send("/api/exits/publicity?on=2017-06-01")
            let reply = try JSONDecoder().decode(ExitPublicityReply.self, from: Data(api.body.readableBytesView))
            #expect(reply.entries.map(\.worker) == ["张某"])
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(approver)
            let list = String(buffer: try await browser.send("/exits?on=2017-06-01").body)
            #expect(list.contains("<h2>有异议待处理 (1)</h2>"))
            let open = try await Self.act("approve", ["on": "2017-06-06"], in: browser)
            #expect(open.status == .conflict)
            #expect(String(buffer: open.body).contains("异议"))
            let objections = try await browser.send("/api/households/\(Self.file)/exit")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601  // the JSON API's dates (``JSONEncoder/sorted``)
            let exit = try decoder.decode(ExitFileReply.self, from: Data(objections.body.readableBytesView))
            let id = try #require(exit.objections.first?.id)
            #expect(exit.objections.first?.text == "异议人：邻居王某；家中新购轿车")
            let dismissed = try await Self.act(
                "resolve", ["objection": String(id), "decision": "dismiss", "reason": "车辆登记在他人名下", "on": "2017-06-01"],
                in: browser)
            #expect(dismissed.status == .seeOther)
            // 5 June is publicity's last day: approval waits until after it.
            let early = try await Self.act("approve", ["on": "2017-06-05"], in: browser)
            #expect(early.status == .conflict)
            #expect(String(buffer: early.body).contains("公示期至 2017年6月5日 止"))
            let ready = String(buffer: try await browser.send("/exits?on=2017-06-06").body)
            #expect(ready.contains("<h2>公示期满，待批准 (1)</h2>"))
            let approved = try await Self.act("approve", ["on": "2017-06-06"], in: browser)
            #expect(approved.status == .seeOther)
            let notice = String(buffer: try await browser.send("/households/\(Self.file)/notice").body)
            #expect(notice.contains("id=\"notice-title\">解困通知书<"))
            #expect(notice.contains("于2017年5月27日至2017年6月5日公示"))
            #expect(notice.contains("已于2017年6月6日批准解困退出"))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(filer)
            // Visits every 6 months after the exit of 6 June 2017: 6 December 2017 (a Wednesday, a working day)
            // and 6 June 2018. On 7 December the first is overdue.
            let overdue = try await browser.send("/api/visits?on=2017-12-07&overdue=1")
            let visits = try JSONDecoder().decode(VisitListReply.self, from: Data(overdue.body.readableBytesView))
            #expect(visits.visits.map(\.dueOn.description) == ["2017-12-06"])
            let visit = try await Self.act(
                "visit", ["on": "2017-12-06", "stable": "yes", "findings": "已再就业"], in: browser)
            #expect(visit.status == .seeOther)
            let household = String(buffer: try await browser.send("/households/\(Self.file)").body)
            #expect(household.contains("id=\"exit-state\">已批准退出"))
            #expect(household.contains("<td>1</td><td>2017年12月6日</td><td>2017年12月6日</td><td>2017年12月6日</td>"))
            #expect(household.contains("<td>2</td><td>2018年6月6日</td>"))
        }
    }

    @Test("every label id the exit pages compute exists in both languages: states, origins, acts, stages, operations")
    func computedLabels() throws {
        let states: [UnionDesk.ExitState] = [.proposed, .publicity, .approved, .returned, .reopened]
        var ids = states.map(UnionExitPages.labelID(state:))
        ids += [UnionDesk.ExitOrigin.coordinator, .household].map(UnionExitPages.labelID(origin:))
        ids += ["dismissed", "upheld"].map(UnionExitPages.labelID(resolution:))
        ids += UnionExitPages.acts.map(UnionExitPages.labelID(act:))
        ids += UnionExitPages.Stage.allCases.map(\.labelID)
        ids += Array(UnionExitPages.operationLabels.values) + Array(UnionExitPages.messages.values)
        #expect(ids.count == 5 + 2 + 2 + 8 + 4 + 11 + 6)
        for id in ids {
            let entry = try #require(Labels.table[id], "missing label \(id)")
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty, "\(id)")
        }
    }

    @Test("refusals: no CSRF token, out of area, an auditor acting, the reviewer approving")
    func refusals() async throws {
        let fixture = try UnionWorkbenchFixture()
        let clerk = try fixture.addMember([.clerk], area: "530100")
        let both = try fixture.addMember([.clerk, .approver], area: "530100")
        let qujing = try fixture.addMember([.clerk, .approver], area: "530300")
        let auditor = try fixture.addMember([.auditor])
        try await Self.file(by: clerk, in: fixture)
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let missing = try await browser.send(
                "/households/\(Self.file)/exit/request", method: .post, form: ["on": "2017-05-22"])
            #expect(missing.status == .forbidden)
            #expect(try await Self.act("request", ["on": "2017-05-22"], in: browser).status == .seeOther)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(qujing)
            #expect(try await browser.send("/households/\(Self.file)/exit").status == .forbidden)
            #expect(try await browser.send("/api/households/\(Self.file)/exit").status == .forbidden)
            let token = try await browser.csrf(at: "/exits")
            let review = try await browser.send(
                "/households/\(Self.file)/exit/review", method: .post,
                form: ["csrf": token, "decision": "accept", "on": "2017-05-26"])
            #expect(review.status == .forbidden)
            let list = try await browser.send("/api/exits?on=2017-05-26")
            let object = try JSONSerialization.jsonObject(with: Data(list.body.readableBytesView)) as? [String: Any]
            #expect((object?["exits"] as? [Any])?.isEmpty == true)  // Kunming's exit is not in Qujing's list
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(auditor)
            let page = String(buffer: try await browser.send("/households/\(Self.file)/exit").body)
            #expect(page.contains("data-state=\"proposed\""))
            #expect(!page.contains("id=\"form-review\""))
            let token = try await browser.csrf(at: "/exits")
            let review = try await browser.send(
                "/households/\(Self.file)/exit/review", method: .post,
                form: ["csrf": token, "decision": "accept", "on": "2017-05-26"])
            #expect(review.status == .forbidden)  // exit-review is a clerk's (the handler's role check)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(both)
            #expect(
                try await Self.act("review", ["decision": "accept", "on": "2017-05-26"], in: browser).status
                    == .seeOther)
            // Publicity ends on 5 June 2017 (see exitWalk); on 6 June only the separation of duties stands in the way.
            let own = try await Self.act("approve", ["on": "2017-06-06"], in: browser)
            #expect(own.status == .conflict)
            #expect(String(buffer: own.body).contains("审查人或申请录入人不能批准"))
        }
        let rows = try fixture.auditRows(Self.file)
        #expect(rows.contains("\(qujing) exit-file refused") || rows.contains("\(qujing) file refused"))
        #expect(rows.contains("\(qujing) exit-review refused"))
        #expect(rows.last == "\(both) exit-file done")
        #expect(rows.contains("\(both) exit-approve refused"))
    }
}
