import AgencyDesks
import Foundation
import HTTPTypes
import HouseholdDomain
import Hummingbird
import HummingbirdTesting
import ServiceRuntime
import Testing
import Workbench

/// The money pages through the coordinator's real request handler (an empty store: the policy file's opening
/// appropriations only): money is kept per prefecture, so a prefecture's or a county's staff see their prefecture's.
@Suite("Workbench: money pages, authorisation")
struct DashboardMoneyPagesTests {
    @Test("a province clerk: the prefectures' totals from the policy file, the chart, CSV with BOM, JSON")
    func province() async throws {
        let fixture = try WorkbenchFixture()
        let clerk = try fixture.addMember([.clerk])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(clerk)
            let page = try await browser.send("/dashboard/money?year=2017")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("<svg") && html.contains("id=\"money-prefectures\""))
            // Kunming's 2017 lines in the policy file: 600,000 + 140,000 + 1,300,000 + 25,000 + 720,000 + 210,000 +
            // 170,000 + 190,000 + 910,000 = 4,265,000; nothing paid, so all of it remains.
            let json = try await browser.send("/api/dashboard/money?year=2017")
            #expect(json.status == .ok)
            let data = try JSONDecoder().decode(Dashboard.MoneyPage.self, from: Data(json.body.readableBytesView))
            let kunming = try #require(data.areas.first { $0.code == "530100" })
            #expect(kunming.appropriated == Yuan(yuan: 4_265_000) && kunming.remaining == Yuan(yuan: 4_265_000))
            #expect(kunming.paid == .zero && kunming.waiting == 0)
            #expect(html.contains("4,265,000.00"))
            let csv = try await browser.send("/dashboard/money.csv?year=2017")
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(Array(csv.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
            #expect(String(buffer: csv.body).contains("2017,530100,昆明市,合计,4265000.00,0,0.00,0,0.00,4265000.00,0.0%"))
            // A code that is no prefecture.
            #expect(try await browser.send("/dashboard/money/539900").status == .notFound)
        }
    }

    @Test("a prefecture's staff see their prefecture's money and are refused another's; a county's see theirs")
    func areas() async throws {
        let fixture = try WorkbenchFixture()
        let kunming = try fixture.addMember([.clerk], area: "530100")
        let wuhua = try fixture.addMember([.auditor], area: "530102")
        try await fixture.withClient { browser in
            _ = try await browser.logIn(kunming)
            #expect(try await browser.send("/dashboard/money/530100?year=2017").status == .ok)
            let other = try await browser.send("/dashboard/money/530300")
            #expect(other.status == .forbidden)
            #expect(String(buffer: other.body).contains(Labels.text("refused_area", .chinese)))
            #expect(try await browser.send("/api/dashboard/money/530300").status == .forbidden)
            let province = try await browser.send("/dashboard/money")
            #expect(province.status == .seeOther && province.headers[.location] == "/dashboard/money/530100")
            #expect(try await browser.send("/api/dashboard/money").status == .forbidden)
        }
        try await fixture.withClient { browser in
            _ = try await browser.logIn(wuhua)
            #expect(try await browser.send("/dashboard/money/530100?year=2017").status == .ok)
            #expect(try await browser.send("/dashboard/money/530300").status == .forbidden)
        }
        #expect(fixture.counters.value(Counters.Label.requestsOutOfArea, dimensions: [("server", "web")]) == 4)
    }

    @Test("an admin is refused the money pages: `report` is refused them on the CLI too")
    func admin() async throws {
        let fixture = try WorkbenchFixture()
        let admin = try fixture.addMember([.admin])
        try await fixture.withClient { browser in
            _ = try await browser.logIn(admin)
            #expect(try await browser.send("/dashboard/money").status == .forbidden)
            #expect(try await browser.send("/api/dashboard/money/530100").status == .forbidden)
        }
    }
}
