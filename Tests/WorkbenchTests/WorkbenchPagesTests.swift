import AgencyDesks
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ServiceRuntime
import Synchronization
import Testing
import Workbench

/// The dashboard's pages and API through the coordinator's real request handler: the same role and area rules as
/// the request endpoint; the operator routes.
@Suite("Workbench: pages, authorisation, operators")
struct WorkbenchPagesTests {
    @Test("a province clerk sees the dashboard: every prefecture, the chart, CSV with BOM, the JSON beside it")
    func provinceDashboard() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let page = try await browser.send("/dashboard?year=2017")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("<svg"))
            #expect(html.contains("data-code=\"530100\""))  // 昆明市
            #expect(html.contains("id=\"year\">2017<"))
            let csv = try await browser.send("/dashboard.csv?year=2017")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.first?.hasSuffix(Labels.text("col_forecast", .chinese)) == true)
            #expect(lines.last?.hasPrefix("530000,全省,0,0,0,-,") == true)
            let json = try await browser.send("/api/dashboard?year=2017")
            #expect(json.status == .ok)
            let data = try JSONDecoder().decode(Dashboard.ProvincePage.self, from: Data(json.body.readableBytesView))
            #expect(data.year == 2017)
            #expect(data.rows.count == 16)  // Yunnan's 16 prefectures
            #expect(data.rows.first?.code == "530100")
        }
    }

    @Test("the dashboard runs `report` through the request handler: an admin is refused it, as on the CLI")
    func adminRefused() async throws {
        let fixture = try WorkbenchFixture()
        let admin = try fixture.addMember([.admin])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(admin)
            let page = try await browser.send("/dashboard")
            #expect(page.status == .forbidden)
            #expect(String(buffer: page.body).contains("report"))
            let json = try await browser.send("/api/dashboard")
            #expect(json.status == .forbidden)
        }
        #expect(fixture.counters.value(Counters.Label.requestsUnauthorised, dimensions: [("server", "requests")]) == 2)
    }

    @Test("a prefecture's staff member sees their prefecture and is refused another one (counted)")
    func prefectureArea() async throws {
        let fixture = try WorkbenchFixture()
        let kunming = try fixture.addMember([.clerk], area: "530100")
        try await fixture.withClient { browser in
            _ = try await browser.logIn(kunming)
            let own = try await browser.send("/dashboard/prefecture/530100?year=2018")
            #expect(own.status == .ok)
            #expect(String(buffer: own.body).contains("id=\"prefecture-name\">昆明市<"))
            let other = try await browser.send("/dashboard/prefecture/530300")
            #expect(other.status == .forbidden)
            #expect(String(buffer: other.body).contains(Labels.text("refused_area", .chinese)))
            #expect(try await browser.send("/api/dashboard/prefecture/530300").status == .forbidden)
            let province = try await browser.send("/dashboard")
            #expect(province.status == .seeOther)
            #expect(province.headers[.location] == "/dashboard/prefecture/530100")
        }
        #expect(fixture.counters.value(Counters.Label.requestsOutOfArea, dimensions: [("server", "web")]) == 2)
    }

    @Test("a county's staff member is sent to their county's page, is refused a neighbour's; a prefecture's sees both")
    func countyArea() async throws {
        let fixture = try WorkbenchFixture()
        let wuhua = try fixture.addMember([.clerk], area: "530102")
        let kunming = try fixture.addMember([.clerk], area: "530100")
        try await fixture.withClient { browser in
            _ = try await browser.logIn(wuhua)
            let province = try await browser.send("/dashboard")
            #expect(province.status == .seeOther)
            #expect(province.headers[.location] == "/dashboard/county/530102")
            let prefecture = try await browser.send("/dashboard/prefecture/530100")
            #expect(prefecture.status == .seeOther)
            #expect(prefecture.headers[.location] == "/dashboard/county/530102")
            // A county without files yet: its page, with zeros and the way up to its prefecture.
            let own = try await browser.send("/dashboard/county/530102?year=2017")
            #expect(own.status == .ok)
            let html = String(buffer: own.body)
            #expect(html.contains("id=\"county-name\">五华区<"))
            #expect(html.contains("href=\"/dashboard/prefecture/530100?year=2017\""))
            let json = try await browser.send("/api/dashboard/county/530102?year=2017")
            let data = try JSONDecoder().decode(Dashboard.CountyPage.self, from: Data(json.body.readableBytesView))
            #expect(data.prefectureCode == "530100" && data.prefectureName == "昆明市")
            #expect(data.yearTable.map(\.year) == [2017, 2018, 2019, 2020])
            #expect(data.row.base == 0 && data.row.rate == "-")
            #expect(try await browser.send("/dashboard/county/530103").status == .forbidden)
            #expect(try await browser.send("/api/dashboard/county/530103").status == .forbidden)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(kunming)
            #expect(try await browser.send("/dashboard/county/530103").status == .ok)
            #expect(try await browser.send("/dashboard/county/530302").status == .forbidden)  // 曲靖市麒麟区
            let page = try await browser.send("/dashboard/prefecture/530100")
            #expect(String(buffer: page.body).contains("id=\"counties-none\""))
            // A code that is no county of the reference list.
            #expect(try await browser.send("/dashboard/county/530199").status == .notFound)
        }
        #expect(fixture.counters.value(Counters.Label.requestsOutOfArea, dimensions: [("server", "web")]) == 3)
    }

    @Test("a JSON client without a session gets 401, a browser the login page")
    func notLoggedIn() async throws {
        let fixture = try WorkbenchFixture()
        try await fixture.withClient { browser in
            #expect(try await browser.send("/api/dashboard").status == .unauthorized)
            let page = try await browser.send("/dashboard")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/login")
        }
    }

    @Test("/health answers; /ready is 200 when every feed caught up, else 503 naming the feed behind")
    func healthAndReady() async throws {
        let state = Mutex(Readiness.Feed.State.behind)
        let fixture = try WorkbenchFixture(readiness: {
            Readiness(
                agency: "coordinator",
                feeds: [
                    .init(
                        name: "households.coordinator", publisher: "union-registry", cursor: 7,
                        publisherLatest: 9, state: state.withLock { $0 })
                ])
        })
        try await fixture.withClient { browser in
            let health = try await browser.send("/health")
            #expect(health.status == .ok)
            #expect(String(buffer: health.body) == "ok\n")
            let behind = try await browser.send("/ready")
            #expect(behind.status == .serviceUnavailable)
            let text = String(buffer: behind.body)
            #expect(text.contains("\"name\":\"households.coordinator\""))
            #expect(text.contains("\"state\":\"behind\""))
            #expect(text.contains("\"ready\":false"))
            state.withLock { $0 = .caughtUp }
            #expect(try await browser.send("/ready").status == .ok)
        }
    }

    @Test("/metrics is the counters in Prometheus text, with the feeds' readiness")
    func metrics() async throws {
        let fixture = try WorkbenchFixture(readiness: {
            Readiness(
                agency: "coordinator",
                feeds: [
                    .init(
                        name: "households.coordinator", publisher: "union-registry", cursor: 7, publisherLatest: 7,
                        state: .caughtUp)
                ])
        })
        fixture.counters.increment(
            Counters.Label.eventsApplied, dimensions: [("feed", "households.coordinator")], by: 42)
        fixture.counters.increment(Counters.Label.journalAppended, by: 3)
        fixture.counters.increment(
            Counters.Label.eventsRefused, dimensions: [("feed", "households.coordinator"), ("reason", "duplicate")])
        fixture.counters.increment(Counters.Label.eventsRefused, dimensions: [("feed", "union.support")])
        try await fixture.withClient { browser in
            let response = try await browser.send("/metrics")
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            #expect(text.contains("jiekun_events_applied_total{feed=\"households.coordinator\"} 42"))
            #expect(text.contains("jiekun_journal_appended_total 3"))
            #expect(text.contains("jiekun_events_refused_total{feed=\"union.support\",reason=\"\"} 1"))
            #expect(text.contains("jiekun_feed_cursor{feed=\"households.coordinator\"} 7"))
            #expect(text.contains("jiekun_ready 1"))
        }
    }
}
