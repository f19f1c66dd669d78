import Foundation
import HouseholdDomain
import Mustache
import ReliefProgramme
import ServiceRuntime
import TestSupport
import Testing

@testable import Workbench

/// The translation table, the templates, the formats of dates, rates, shortfalls, CSV and addresses.
@Suite("Workbench: labels, templates, formats")
struct WorkbenchLabelsTests {
    /// `{{t.id}}` in a template, and `Labels.text("id"` in the workbench's sources.
    static func labelIDs(in text: String, after marker: String) -> Set<String> {
        var ids: Set<String> = []
        var rest = text[...]
        while let range = rest.range(of: marker) {
            rest = rest[range.upperBound...]
            let id = rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
            if !id.isEmpty { ids.insert(String(id)) }
        }
        return ids
    }

    @Test("every label id a template uses exists in both languages, neither empty")
    func templatesTranslated() throws {
        var used: Set<String> = []
        for (name, text) in Templates.all {
            let ids = Self.labelIDs(in: text, after: "{{t.")
            if name != "why" { #expect(!ids.isEmpty || name == "refused", "\(name) uses no label") }
            used.formUnion(ids)
        }
        #expect(used.count > 40)
        for id in used.sorted() {
            let entry = try #require(Labels.table[id], "missing label \(id)")
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty, "\(id)")
        }
    }

    @Test("every label id the code names exists in both languages")
    func codeTranslated() throws {
        let folder = Fixtures.packageRoot.appendingPathComponent("Shared/Workbench")
        var used: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            used.formUnion(Self.labelIDs(in: text, after: "Labels.text(\""))
        }
        used.formUnion(["login_expired", "login_ended", "login_logged_out", "login_locked", "login_failed"])
        used.formUnion(Agency.allCases.map(Labels.id(of:)))
        used.formUnion(Measure.Code.allCases.map(Labels.id(of:)))
        #expect(used.count > 40)
        for id in used.sorted() {
            let entry = try #require(Labels.table[id], "missing label \(id)")
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty, "\(id)")
        }
    }

    @Test("no template holds Chinese text of its own: every word is a label")
    func noTextInTemplates() {
        for (name, text) in Templates.all {
            let han = text.unicodeScalars.filter { (0x4E00...0x9FFF).contains($0.value) }
            #expect(han.isEmpty, "\(name) holds Chinese text outside the label table")
        }
    }

    @Test("every template parses and renders with the labels")
    func templatesRender() {
        for name in Templates.all.keys {
            #expect(Templates.library.getTemplate(named: name) != nil, "\(name)")
        }
    }

    @Test("dates read 2017年3月5日 in Chinese, 5 March 2017 in English")
    func dates() throws {
        let date = try #require(LocalDate(year: 2017, month: 3, day: 5))
        #expect(Labels.date(date, .chinese) == "2017年3月5日")
        #expect(Labels.date(date, .english) == "5 March 2017")
    }

    @Test("rates in per mille read with one decimal")
    func rates() {
        #expect(Labels.percent(284) == "28.4%")
        #expect(Labels.percent(300) == "30.0%")
        #expect(Labels.percent(5) == "0.5%")
        #expect(Labels.percent(nil) == "-")
    }

    @Test("the shortfall to 30 % rounds the needed exits up (policy §2.1)")
    func shortfall() {
        // 1,000 files: 300 exits needed; 250 made → 50 short.
        #expect(Dashboard.shortfall(exits: 250, base: 1_000) == 50)
        // 7 files: 30 % is 2.1 households, so 3 exits are needed.
        #expect(Dashboard.shortfall(exits: 2, base: 7) == 1)
        #expect(Dashboard.shortfall(exits: 3, base: 7) == 0)
        #expect(Dashboard.shortfall(exits: 400, base: 1_000) == 0)
        #expect(Dashboard.shortfall(exits: 0, base: 0) == 0)
    }

    @Test("CSV starts with a BOM, ends lines with CRLF, quotes commas and quotes")
    func csv() {
        let text = CSVExport.text([["州市", "原因"], ["昆明市", "无房源, \"等待\""]])
        #expect(Array(text.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(text == "\u{FEFF}州市,原因\r\n昆明市,\"无房源, \"\"等待\"\"\"\r\n")
    }

    @Test("listen.http: http://host:port only; https is refused with the reverse-proxy reason")
    func addresses() throws {
        let address = try HTTPAddress("http://127.0.0.1:7750")
        #expect(address.host == "127.0.0.1" && address.port == 7750)
        #expect(try HTTPAddress("http://[::1]:80").host == "::1")
        #expect(try HTTPAddress("http://[::1]:80").description == "http://[::1]:80")
        #expect(throws: HTTPAddress.Problem.self) { try HTTPAddress("https://0.0.0.0:443") }
        #expect(throws: HTTPAddress.Problem.self) { try HTTPAddress("http://127.0.0.1") }
        #expect(throws: HTTPAddress.Problem.self) { try HTTPAddress("http://127.0.0.1:70000") }
        #expect(throws: HTTPAddress.Problem.self) { try HTTPAddress("tcp://127.0.0.1:7750") }
        #expect(throws: HTTPAddress.Problem.self) { try HTTPAddress("http://127.0.0.1:7750/path") }
    }

    @Test("a port in use is refused before the service starts, naming listen.http")
    func portInUse() throws {
        let bound = try #require(LocalPorts.bindLoopback(port: 0, reusingAddress: false))
        defer { close(bound.descriptor) }
        #expect(listen(bound.descriptor, 1) == 0)
        let address = try HTTPAddress("http://127.0.0.1:\(bound.port)")
        let fixture = try WorkbenchFixture()
        let server = fixture.workbench.service(address: address)
        let error = try #require(throws: HTTPBindError.self) { try server.checkBindable() }
        #expect(error.isAddressInUse)
        #expect(error.explanation == "listen.http: http://127.0.0.1:\(bound.port) is in use")
    }
}

/// The dashboard's "why behind" from the report's shortfalls, rendered and escaped.
@Suite("Workbench: why behind")
struct WorkbenchWhyBehindTests {
    /// An empty report of 2017–2020 with one shortfall of 昆明市 in 2017, as the coordinator would give it.
    static func report() throws -> ProvinceReport {
        var report = ProvinceReport(files: [], years: [2017, 2018, 2019, 2020])
        let shortfall = """
            {"code": "530100", "name": "昆明市", "year": 2017, "exitRatePerMille": 250, "stillOpen": 30,
             "blocked": [{"department": "housing", "reason": "无房源 <script>", "households": 3}],
             "waiting": [{"measure": "housing.public-rental", "measures": 4}],
             "awaiting": [{"department": "medical-insurance", "households": 2}], "dueLater": 21}
            """
        report.shortfalls = [try JSONDecoder().decode(ProvinceReport.Shortfall.self, from: Data(shortfall.utf8))]
        return report
    }

    @Test("each shortfall of the year becomes a why-behind block with names in the page's language")
    func mapped() throws {
        let page = Dashboard.province(try Self.report(), year: 2017, language: .chinese)
        let why = try #require(page.shortfalls.first)
        #expect(page.shortfalls.count == 1)
        #expect(why.code == "530100" && why.rate == "25.0%" && why.stillOpen == 30 && why.dueLater == 21)
        #expect(why.blocked.map(\.departmentName) == ["住房和城乡建设厅"])
        #expect(why.blocked.map(\.households) == [3])
        #expect(why.waiting.map(\.measure) == ["公共租赁住房"])
        #expect(why.awaiting.map(\.department) == ["医疗保障局"])
        #expect(Dashboard.province(try Self.report(), year: 2018, language: .chinese).shortfalls.isEmpty)
        let english = Dashboard.province(try Self.report(), year: 2017, language: .english)
        #expect(english.shortfalls.first?.waiting.map(\.measure) == ["Public rental housing"])
    }

    @Test("the page shows why behind, with the reason HTML-escaped")
    func rendered() throws {
        let page = Dashboard.province(try Self.report(), year: 2017, language: .chinese)
        let html =
            Templates.library.render(
                ["t": Labels.dictionary(.chinese), "shortfalls": page.shortfalls] as [String: Any], withTemplate: "why")
            ?? ""
        #expect(html.contains("data-code=\"530100\""))
        #expect(html.contains(Labels.text("why_blocked", .chinese)))
        #expect(html.contains("无房源 &lt;script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("why-none"))
    }
}
