import AgencyDesks
import Foundation
import HouseholdDomain
import ServiceRuntime
import ServiceStack
import TestSupport
import Testing
import Workbench

/// The union's desk in a real headless Chromium over the union's own service process (it runs alone, as on its
/// host): a clerk files a household with the form, uploads a GBK import file and downloads its results, searches and
/// opens the household page; an auditor reads it read-only. `browser/union.py` drives the pages; screenshots:
/// `.build/test-artefacts/workbench/`. Skipped (failed under `CI=true`) without Chromium, as ``BrowserTests``.
@Suite("Workbench: the union's desk in headless Chromium", .serialized)
struct UnionBrowserTests {
    static let script = Fixtures.packageRoot.appendingPathComponent("Tests/WorkbenchTests/browser/union.py")
    static let gbk = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/import/households-gbk.csv")

    /// The union alone on free ports, with a clerk of 昆明市 and an auditor who may log in. A port found free may be
    /// taken before the union binds it (``LocalPorts/freeOffset()``: another run, in that moment only): a union that
    /// stops on a port in use is started again on other ports, up to three times.
    static func startUnion() throws -> (
        stack: ServiceStack, clerk: ServiceStack.WorkbenchLogin, auditor: ServiceStack.WorkbenchLogin
    ) {
        for attempt in 1...3 {
            let stack = try ServiceStack(
                folder: FileManager.default.temporaryDirectory.appendingPathComponent(
                    "jiekun-union-browser-\(UUID().uuidString)"),
                executables: Fixtures.productsDirectory,
                templates: Fixtures.packageRoot.appendingPathComponent("deploy/local"),
                secure: true, portOffset: try LocalPorts.freeOffset(), policy: BrowserTests.policyPath)
            let clerk = try stack.addWorkbenchLogin(.union, role: .clerk, area: "530100")
            let auditor = try stack.addWorkbenchLogin(.union, role: .auditor)
            try stack.start(.union)
            // Its own log says it listens (HummingbirdCore's line with the port), or that a port is in use: another
            // process answering on the port is never taken for the union.
            let port = Int(stack.workbench(.union).split(separator: ":").last ?? "") ?? 0
            func log() -> String { (try? String(contentsOf: stack.log(.union), encoding: .utf8)) ?? "" }
            _ = waitUntil(timeout: .seconds(60)) {
                log().contains("listening on 127.0.0.1:\(port)") || log().contains("is in use")
            }
            if attempt == 3 || (log().contains("listening on 127.0.0.1:\(port)") && !log().contains("is in use")) {
                return (stack, clerk, auditor)
            }
            _ = stack.stop()
            try? FileManager.default.removeItem(at: stack.folder)
        }
        preconditionFailure("unreachable: the third attempt returns")
    }

    @Test("a clerk files, uploads, downloads, searches and reads; an auditor reads without changing")
    func unionDeskInChromium() async throws {
        if let missing = BrowserTests.missingBrowser() {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("the browser test cannot run under CI: \(missing) (make test-deps installs it)")
            } else {
                print("UnionBrowserTests skipped: \(missing) (make test-deps installs it; under CI=true this fails)")
            }
            return
        }
        let (stack, clerk, auditor) = try Self.startUnion()
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        defer { _ = stack.stop() }
        let base = stack.workbench(.union)
        let port = try #require(Int(base.split(separator: ":").last ?? ""))
        #expect(waitUntil(timeout: .seconds(20)) { !LocalPorts.isFree(port) }, "nothing listens on \(base)")

        let artefacts = BrowserTests.artefacts
        try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: artefacts.appendingPathComponent("downloads"))
        let settings: [String: Any] = [
            "base": base, "clerk": [clerk.staffID, clerk.password], "auditor": [auditor.staffID, auditor.password],
            "upload": Self.gbk.path, "artefacts": artefacts.path,
        ]
        let argument = String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        let run = try BrowserTests.python([Self.script.path, argument])
        #expect(run.status == 0, "union.py failed: \(run.error)\n\(run.output)")
        let output = try #require(
            try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "not JSON: \(run.output)")
        #expect(output["error"] == nil, "\(output["error"] ?? "")\n\(stack.tails())")

        #expect(
            output["homeLinks"] as? [String] == [
                "link-search", "link-register", "link-import", "link-exits", "link-visits",
            ])
        #expect(output["keptAfterAdd"] as? String == "李某")
        #expect(output["filedURL"] as? String == "/households/KM-2017-0001?m=filed")
        // S for 昆明市 in 2017 is 496; 1,200 yuan / 3 members = 400 < 496: category 1 (policy §3.1).
        #expect(output["filedCategory"] as? String == "1")
        #expect(output["filedNotice"] as? String == Labels.text("union_msg_filed", .chinese))
        #expect(
            output["memberIdentities"] as? [String] == [
                "**************1314", "**************2423", "**************3155",
            ])
        // The GBK file holds KM-2017-0001 (filed just now with the form: refused as on the register), QJ-2017-0007
        // (曲靖, outside the clerk's 昆明市: refused) and DL-2017-0042 (大理, outside too).
        let rows = output["importRows"] as? [[String]] ?? []
        #expect(rows.map { $0.count > 1 ? $0[1] : "" } == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        #expect(rows.allSatisfy { $0.count > 2 && $0[2] == "不予受理 (refused)" })
        #expect(rows.count == 3 && rows[1][3].contains("530100"))  // names the clerk's area
        #expect(output["downloadBOM"] as? Bool == true)
        let lines = output["downloadLines"] as? [String] ?? []
        #expect(lines.count == 4)
        #expect(lines.first == "行号 (row),档案编号 (file number),结果 (result),原因 (reason)")
        #expect(output["searchFiles"] as? [String] == ["KM-2017-0001"])
        let timeline = output["householdTimeline"] as? [[String]] ?? []
        #expect(timeline.first.map { Array($0.prefix(3)) } == ["2017年3月15日", "建档", clerk.staffID])
        #expect(output["clerkSeesUpdate"] as? Bool == true)
        #expect(output["englishStatus"] as? String == Labels.text("union_status_open", .english))
        #expect(output["auditorSeesUpdate"] as? Bool == false)
        let readers = output["readers"] as? [[String]] ?? []
        #expect(readers.first == [clerk.staffID, Labels.text("union_op_register", .chinese)])
        #expect(readers.contains([clerk.staffID, Labels.text("union_op_search", .chinese)]))
        #expect(output["auditorUpdateHeading"] as? String == Labels.text("refused_title", .chinese))
        let screenshots = output["screenshots"] as? [String] ?? []
        #expect(screenshots.count == 8)
        for path in screenshots { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
    }
}
