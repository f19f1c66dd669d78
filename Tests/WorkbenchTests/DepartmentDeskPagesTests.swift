import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HTTPTypes
import HouseholdDomain
import Hummingbird
import HummingbirdTesting
import ServiceRuntime
import Synchronization
import Testing
import Workbench

/// A department's desk pages (medical insurance in `review` mode, the three sample households) through the
/// department's real request handler: the worklists and their JSON, proposing, approving one or a selection, the
/// two-approver threshold, the history and the correction, and the refusals — out of area, wrong role, no CSRF,
/// self-approval forced by a crafted POST.
///
/// Medical insurance's measures of the samples (policy §4.2.2, `MeasurePlan`): KM-2017-0001 (category 1, 李某 患病)
/// gets medical assistance and the mutual-aid fee; QJ-2017-0007 (王某 重大疾病) gets catastrophic insurance, medical assistance and the mutual-aid
/// fee, and 赵某's basic enrolment (医疗保险 未参保): four.
@Suite("Workbench: a department's desk pages")
struct DepartmentDeskPagesTests {
    static let kunmingMutualAid = "KM-2017-0001/medical.mutual-aid"
    static let kunmingAssistance = "KM-2017-0001/medical.assistance"
    static let qujingAssistance = "QJ-2017-0007/medical.assistance"

    /// The JSON API's decoder (dates in ISO 8601).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The measure ids of a worklist page's rows (`data-measure` of the table's rows).
    static func rows(_ html: String) -> [String] {
        html.components(separatedBy: "<tr data-measure=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    /// Posts a form with the page's session CSRF token (read from the home page's logout form).
    static func post(_ browser: Browser, _ path: String, _ form: [String: String], csrf: Bool = true) async throws
        -> TestResponse
    {
        var form = form
        if csrf {
            let home = try await browser.send("/")
            form["csrf"] = Browser.hiddenCSRF(in: String(buffer: home.body)) ?? ""
        }
        return try await browser.send(path, method: .post, form: form)
    }

    /// Posts a selection (`measure` repeated) to `/desk/decide`.
    static func decide(_ browser: Browser, _ measures: [String], verdict: String, extra: [String: String] = [:])
        async throws -> TestResponse
    {
        let home = try await browser.send("/")
        let csrf = Browser.hiddenCSRF(in: String(buffer: home.body)) ?? ""
        var pairs = [("csrf", csrf), ("verdict", verdict)] + measures.map { ("measure", $0) }
        pairs += extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let body = pairs.map { "\($0.0)=\(Browser.encode($0.1))" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers[.cookie] = browser.cookies.withLock {
            $0.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        }
        return try await browser.client.executeRequest(
            uri: "/desk/decide", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("to propose: a Kunming clerk sees only Kunming's measures; the JSON beside it is the same list")
    func toProposeInArea() async throws {
        let fixture = try DepartmentDeskFixture()
        let kunming = try fixture.addMember([.clerk], area: "530100")
        let province = try fixture.addMember([.clerk])
        let all = try fixture.awaitingMeasures().sorted()
        #expect(all.contains(Self.kunmingMutualAid) && all.contains(Self.qujingAssistance))
        try await fixture.withClient { browser in
            _ = try await browser.logIn(kunming)
            let page = try await browser.send("/desk/worklist/to-propose")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            // Kunming (5301xx) holds KM-2017-0001 only.
            #expect(Self.rows(html) == all.filter { $0.hasPrefix("KM-") })
            #expect(html.contains("530102 五华区"))
            #expect(html.contains("不符合条件"))  // the policy file's first reason code, in Chinese
            #expect(html.contains("class=\"propose\""))
            let json = try await browser.send("/api/desk/worklist/to-propose")
            #expect(json.status == .ok)
            let reply = try JSONDecoder().decode(WorklistReply.self, from: Data(json.body.readableBytesView))
            #expect(reply.items.map(\.measureID) == all.filter { $0.hasPrefix("KM-") })
            // The policy file's amounts: medical assistance 3,000 yuan, the mutual-aid fee 60.
            #expect(reply.items.map(\.amount) == [Yuan(yuan: 3000), Yuan(yuan: 60)])
            #expect(reply.items.map(\.needsSecondApprover) == [false, false], "neither is above 5,000 yuan")
            #expect(reply.refusalReasons?.count == 7)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(province)
            let html = String(buffer: try await browser.send("/desk/worklist/to-propose").body)
            #expect(Self.rows(html) == all)
            let qujing = String(buffer: try await browser.send("/desk/worklist/to-propose?county=530302").body)
            #expect(Self.rows(qujing) == all.filter { $0.hasPrefix("QJ-") })
            let english = String(buffer: try await browser.send("/desk/worklist/to-propose?lang=en").body)
            #expect(english.contains(Labels.text("desk_list_to_propose", .english)))
            #expect(english.contains("does not meet"))  // the reason's English text
        }
    }

    @Test("refused: a county outside the area (counted), an unknown list, a bad date, no session")
    func worklistRefusals() async throws {
        let fixture = try DepartmentDeskFixture()
        let kunming = try fixture.addMember([.clerk], area: "530100")
        try await fixture.withClient { browser in
            #expect(try await browser.send("/api/desk/worklist/awaiting").status == .unauthorized)
            #expect(try await browser.send("/desk/worklist/awaiting").status == .seeOther)
            _ = try await browser.logIn(kunming)
            let outside = try await browser.send("/desk/worklist/to-propose?county=530302")
            #expect(outside.status == .forbidden)
            #expect(String(buffer: outside.body).contains(Labels.text("refused_area", .chinese)))
            #expect(try await browser.send("/api/desk/worklist/due?county=530302").status == .forbidden)
            #expect(try await browser.send("/desk/worklist/everything").status == .notFound)
            #expect(try await browser.send("/desk/worklist/due?on=2017-13-45").status == .forbidden)
        }
        #expect(fixture.counters.value(Counters.Label.requestsOutOfArea, dimensions: [("server", "web")]) == 2)
    }

    @Test("a clerk proposes on the page; without the CSRF token nothing is proposed; an approver may not propose")
    func propose() async throws {
        let fixture = try DepartmentDeskFixture()
        let clerk = try fixture.addMember([.clerk])
        let approver = try fixture.addMember([.approver])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(approver)
            let wrongRole = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingMutualAid, "decision": "approve"])
            #expect(wrongRole.status == .forbidden)
            #expect(String(buffer: wrongRole.body).contains("propose"))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let forged = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingMutualAid, "decision": "approve"], csrf: false)
            #expect(forged.status == .forbidden)
            let refusal = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingMutualAid, "decision": "refuse", "reason": "x"])
            #expect(refusal.status == .forbidden, "a refusal needs a reason code of the policy file")
            let proposed = try await Self.post(
                browser, "/desk/propose",
                [
                    "measure": Self.kunmingMutualAid, "decision": "approve", "reason": "病历已核",
                    "on": "2017-04-01", "back": "/desk/worklist/to-propose?county=530102",
                ])
            #expect(proposed.status == .seeOther)
            #expect(proposed.headers[.location] == "/desk/worklist/to-propose?county=530102&m=proposed")
            let list = String(buffer: try await browser.send("/desk/worklist/to-propose").body)
            #expect(!Self.rows(list).contains(Self.kunmingMutualAid))
            let awaiting = String(buffer: try await browser.send("/desk/worklist/awaiting").body)
            #expect(Self.rows(awaiting) == [Self.kunmingMutualAid])
            #expect(awaiting.contains("2017年4月1日"))
            #expect(!awaiting.contains(Labels.text("desk_corrects", .chinese)), "no correction shown for a proposal")
            #expect(!awaiting.contains("type=\"checkbox\""), "a clerk decides nothing")
        }
        let proposals = try fixture.store.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT measure_id, proposed_by FROM desk_awaiting_staff WHERE proposed_by IS NOT NULL")
        }
        #expect(
            proposals.map { "\($0["measure_id"] as String) \($0["proposed_by"] as String)" } == [
                "\(Self.kunmingMutualAid) \(clerk)"
            ])
    }

    @Test("an approver's own proposal is not selectable and a crafted POST is refused; another approves a selection")
    func approveSelection() async throws {
        let fixture = try DepartmentDeskFixture()
        let maker = try fixture.addMember([.clerk, .approver], name: "经办审核甲")
        let checker = try fixture.addMember([.approver], name: "审核乙")
        let proposed = try fixture.awaitingMeasures().filter { $0.hasPrefix("KM-") }.sorted()
        #expect(proposed.contains(Self.kunmingMutualAid))
        try await fixture.withClient { browser in
            _ = try await browser.logIn(maker)
            for measure in proposed {
                let response = try await Self.post(
                    browser, "/desk/propose", ["measure": measure, "decision": "approve", "on": "2017-04-01"])
                #expect(response.status == .seeOther)
            }
            let awaiting = String(buffer: try await browser.send("/desk/worklist/awaiting").body)
            #expect(Self.rows(awaiting).isEmpty, "an approver's list leaves out their own proposals")
            let forced = try await Self.decide(browser, proposed, verdict: "approve")
            #expect(forced.status == .forbidden)
            #expect(String(buffer: forced.body).contains("不能审核本人的提议"))
        }
        #expect(
            fixture.counters.value(Counters.Label.requestsSelfApproval, dimensions: [("server", "requests")])
                == proposed.count)
        try await fixture.withClient { browser in
            _ = try await browser.logIn(checker)
            let awaiting = String(buffer: try await browser.send("/desk/worklist/awaiting").body)
            #expect(Self.rows(awaiting) == proposed)
            #expect(awaiting.contains("type=\"checkbox\" name=\"measure\" value=\"\(Self.kunmingMutualAid)\""))
            let approved = try await Self.decide(browser, proposed, verdict: "approve", extra: ["on": "2017-04-03"])
            #expect(approved.status == .ok)
            let html = String(buffer: approved.body)
            #expect(html.contains(Labels.text("desk_outcome_approved", .chinese)))
            #expect(html.contains("\(proposed.count) / \(proposed.count)"))
            #expect(Self.rows(String(buffer: try await browser.send("/desk/worklist/awaiting").body)).isEmpty)
            // Medical assistance granted on 2017-04-03 with 30 processing days: due on 2017-05-03, so due on 2017-04-10.
            let due = try await browser.send("/api/desk/worklist/due?on=2017-04-10")
            let reply = try JSONDecoder().decode(WorklistReply.self, from: Data(due.body.readableBytesView))
            let assistance = reply.items.first { $0.measureID == Self.kunmingAssistance }
            #expect(assistance?.dueOn == LocalDate("2017-05-03"))
            #expect(assistance?.amount == Yuan(yuan: 3000))
            let history = String(buffer: try await browser.send("/desk/household/KM-2017-0001").body)
            #expect(history.contains("data-kind=\"proposed\""))
            #expect(history.contains("data-kind=\"decided\""))
            #expect(history.contains("<td class=\"staff\">\(maker)</td>"))
            #expect(history.contains("<td class=\"staff\">\(checker)</td>"))
        }
    }

    @Test("above the threshold the page says a second approver is needed and who approved first")
    func twoApprovers() async throws {
        // 1,000 yuan: medical assistance (3,000 yuan) needs two approvers, the mutual-aid fee (60) one.
        let fixture = try DepartmentDeskFixture(secondApproverAbove: Yuan(yuan: 1000))
        let clerk = try fixture.addMember([.clerk])
        let first = try fixture.addMember([.approver])
        let second = try fixture.addMember([.approver])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let page = String(buffer: try await browser.send("/desk/worklist/to-propose?county=530302").body)
            #expect(page.contains(Labels.text("desk_two_approvers", .chinese)))
            #expect(
                try await Self.post(
                    browser, "/desk/propose", ["measure": Self.qujingAssistance, "decision": "approve"]
                )
                .status == .seeOther)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(first)
            let response = try await Self.decide(browser, [Self.qujingAssistance], verdict: "approve")
            #expect(String(buffer: response.body).contains(Labels.text("desk_outcome_first_approval", .chinese)))
            let again = String(buffer: try await browser.send("/desk/worklist/awaiting").body)
            #expect(again.contains(Labels.text("desk_own_first_approval", .chinese)))
            #expect(!again.contains("value=\"\(Self.qujingAssistance)\" class=\"select\""))
            #expect(try await Self.decide(browser, [Self.qujingAssistance], verdict: "approve").status == .forbidden)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(second)
            let page = String(buffer: try await browser.send("/desk/worklist/awaiting").body)
            #expect(page.contains(Labels.text("desk_first_approved_by", .chinese) + " " + first))
            let done = try await Self.decide(browser, [Self.qujingAssistance], verdict: "approve")
            #expect(String(buffer: done.body).contains(Labels.text("desk_outcome_approved", .chinese)))
        }
        #expect(!(try fixture.awaitingMeasures()).contains(Self.qujingAssistance))
    }

    @Test("out of area: a Qujing approver's crafted POST on a Kunming measure and the Kunming household page")
    func outOfArea() async throws {
        let fixture = try DepartmentDeskFixture()
        let clerk = try fixture.addMember([.clerk])
        let qujing = try fixture.addMember([.approver, .clerk], area: "530302")
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            _ = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingMutualAid, "decision": "approve"])
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(qujing)
            #expect(Self.rows(String(buffer: try await browser.send("/desk/worklist/awaiting").body)).isEmpty)
            let forced = try await Self.decide(browser, [Self.kunmingMutualAid], verdict: "approve")
            #expect(forced.status == .forbidden)
            #expect(String(buffer: forced.body).contains("530302"))
            #expect(try await browser.send("/desk/household/KM-2017-0001").status == .forbidden)
            #expect(try await browser.send("/api/desk/household/KM-2017-0001").status == .forbidden)
        }
        #expect((try fixture.awaitingMeasures()).contains(Self.kunmingMutualAid))
        #expect(fixture.counters.value(Counters.Label.requestsOutOfArea, dimensions: [("server", "requests")]) == 3)
    }

    @Test("return a selection with a reason code; correct a decision: a new proposal citing it, with a reason")
    func returnAndCorrect() async throws {
        let fixture = try DepartmentDeskFixture()
        let clerk = try fixture.addMember([.clerk])
        let approver = try fixture.addMember([.approver])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            _ = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingAssistance, "decision": "approve"])
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(approver)
            let noCode = try await Self.decide(
                browser, [Self.kunmingAssistance], verdict: "return", extra: ["reason": "病历不清"])
            #expect(noCode.status == .forbidden, "a return names a reason code")
            let returned = try await Self.decide(
                browser, [Self.kunmingAssistance], verdict: "return",
                extra: ["reason": "病历不清", "reasonCode": "documents-missing"])
            #expect(String(buffer: returned.body).contains(Labels.text("desk_outcome_returned", .chinese)))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let list = String(buffer: try await browser.send("/desk/worklist/to-propose?county=530102").body)
            #expect(Self.rows(list).contains(Self.kunmingAssistance), "a returned proposal awaits a new one")
            _ = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingAssistance, "decision": "approve"])
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(approver)
            #expect(try await Self.decide(browser, [Self.kunmingAssistance], verdict: "approve").status == .ok)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let page = String(buffer: try await browser.send("/desk/household/KM-2017-0001").body)
            #expect(page.contains(Labels.text("desk_act_returned", .chinese)))
            #expect(page.contains("材料不全"))  // documents-missing, in Chinese
            let json = try await browser.send("/api/desk/household/KM-2017-0001")
            let history = try Self.decoder.decode(HistoryReply.self, from: Data(json.body.readableBytesView))
            // proposed, returned, proposed, decided.
            #expect(history.acts.map(\.kind) == [.proposed, .returned, .proposed, .decided])
            let decided = try #require(history.acts.last)
            #expect(page.contains("name=\"act\" value=\"\(decided.id)\""))
            let corrected = try await Self.post(
                browser, "/desk/correct",
                [
                    "measure": Self.kunmingAssistance, "act": "\(decided.id)", "decision": "refuse",
                    "reasonCode": "already-covered", "reason": "已享受医疗救助",
                ])
            #expect(corrected.status == .seeOther)
            #expect(corrected.headers[.location] == "/desk/household/KM-2017-0001?m=corrected")
            let after = try await browser.send("/api/desk/household/KM-2017-0001")
            let acts = try Self.decoder.decode(HistoryReply.self, from: Data(after.body.readableBytesView)).acts
            #expect(acts.last?.kind == .proposed)
            #expect(acts.last?.corrects == decided.id)
            let awaiting = String(buffer: try await browser.send("/desk/worklist/awaiting").body)
            #expect(awaiting.contains("#\(decided.id)"))
        }
    }

    @Test("every form needs the session's CSRF token; a clerk may not decide, an auditor reads but may not propose")
    func formsAndRoles() async throws {
        let fixture = try DepartmentDeskFixture()
        let clerk = try fixture.addMember([.clerk])
        let approver = try fixture.addMember([.approver])
        let auditor = try fixture.addMember([.auditor])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            _ = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingMutualAid, "decision": "approve"])
            let decide = try await Self.post(
                browser, "/desk/decide", ["measure": Self.kunmingMutualAid, "verdict": "approve"])
            #expect(decide.status == .forbidden)
            #expect(String(buffer: decide.body).contains("decide"), "the role check names the operation")
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(approver)
            let forged = try await Self.post(
                browser, "/desk/decide", ["measure": Self.kunmingMutualAid, "verdict": "approve"], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(String(buffer: forged.body).contains(Labels.text("refused_csrf", .chinese)))
            let correct = try await Self.post(
                browser, "/desk/correct",
                ["measure": Self.kunmingMutualAid, "act": "1", "decision": "refuse", "reason": "x"], csrf: false)
            #expect(correct.status == .forbidden)
            #expect(String(buffer: correct.body).contains(Labels.text("refused_csrf", .chinese)))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(auditor)
            let list = String(buffer: try await browser.send("/desk/worklist/awaiting").body)
            #expect(Self.rows(list) == [Self.kunmingMutualAid])
            #expect(!list.contains("type=\"checkbox\""), "an auditor changes nothing")
            #expect(
                !String(buffer: try await browser.send("/desk/worklist/to-propose").body).contains("class=\"propose\""))
            let propose = try await Self.post(
                browser, "/desk/propose", ["measure": Self.kunmingAssistance, "decision": "approve"])
            #expect(propose.status == .forbidden)
        }
        // Still proposed and awaiting an approver: nothing above was done.
        let proposed = try await fixture.store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT measure_id FROM desk_awaiting_staff WHERE proposed_by IS NOT NULL")
        }
        #expect(proposed == [Self.kunmingMutualAid])
    }

    @Test("the home page lists the member's worklists with their counts; an admin has none")
    func homeCounts() async throws {
        let fixture = try DepartmentDeskFixture()
        let clerk = try fixture.addMember([.clerk], area: "530300")  // 曲靖市: QJ-2017-0007 only
        let admin = try fixture.addMember([.admin])
        let qujing = try fixture.awaitingMeasures().filter { $0.hasPrefix("QJ-") }.count
        #expect(qujing == 4)  // basic enrolment, catastrophic, assistance, mutual aid
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let home = String(buffer: try await browser.send("/").body)
            #expect(home.contains("<tr data-list=\"to-propose\">"))
            #expect(home.contains("<td class=\"n count\">\(qujing)</td>"))
            #expect(!home.contains(Labels.text("home_other", .chinese)))
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(admin)
            let home = String(buffer: try await browser.send("/").body)
            #expect(home.contains("id=\"no-worklists\""))
        }
        // Counting lists no household: nothing is logged as read.
        let reads = try await fixture.store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agency_audit WHERE operation = 'worklist'") ?? -1
        }
        #expect(reads == 0)
    }
}
