import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ReliefProgramme
import SampleCaseload
import ServiceRuntime
import ServiceStack
import TestSupport
import Testing
import Workbench

@testable import AgencyServices

/// Medical insurance's desk pages in a real headless Chromium over the seven services as processes, medical
/// insurance in `review` mode with a small caseload: a clerk proposes on the page; the same person (also an
/// approver) finds nothing of their own to approve and a crafted POST is refused; an approver approves the
/// selection; the list empties; the household's history names both; the clerk records a delivery from the due list
/// and the household page lists it. `browser/desk.py` drives the pages;
/// screenshots: `.build/test-artefacts/workbench/desk-*.png`. Skipped without Chromium as ``BrowserTests`` says.
@Suite("Workbench: a department's desk in headless Chromium", .serialized)
struct DepartmentDeskBrowserTests {
    static let script = Fixtures.packageRoot.appendingPathComponent("Tests/WorkbenchTests/browser/desk.py")

    @Test("propose on the page, no self-approval, approve a selection, the worklist empties, record a delivery")
    func deskInChromium() async throws {
        if let missing = BrowserTests.missingBrowser() {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("the browser test cannot run under CI: \(missing) (make test-deps installs it)")
            } else {
                print("DepartmentDeskBrowserTests skipped: \(missing)")
            }
            return
        }
        let stack = try ServiceStack(
            folder: FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-desk-\(UUID().uuidString)"),
            executables: Fixtures.productsDirectory,
            templates: Fixtures.packageRoot.appendingPathComponent("deploy/local"),
            secure: true, portOffset: try LocalPorts.freeOffset(), policy: BrowserTests.policyPath,
            reviewing: [.medicalInsurance])
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()
        defer { _ = stack.stop() }
        _ = try stack.statuses()

        #expect(
            try BrowserTests.fileCaseload(households: 60, at: stack), "the services did not catch up\n\(stack.tails())")

        // What waits for staff, asked through the request endpoint's `awaiting` (not the page's `worklist`).
        let awaiting = try MessageCoding.decode(
            AwaitingReply.self, from: try stack.request(.medicalInsurance, Operation.awaiting))
        let toPropose = awaiting.measureIDs.count - awaiting.proposals.count
        #expect(toPropose >= 2, "the caseload leaves at least two medical-insurance measures to propose")
        #expect(
            awaiting.measureIDs.filter {
                $0.hasSuffix("/medical.basic-enrolment") || $0.hasSuffix("/medical.catastrophic")
            }.count >= 3, "an enrolment to deliver besides the first two proposals")

        let clerk = try stack.addWorkbenchLogin(.medicalInsurance, role: .clerk, cost: 4)
        let approver = try stack.addWorkbenchLogin(.medicalInsurance, role: .approver, cost: 4)
        // The clerk also holds the approver role: even so, they may not approve their own proposals.
        let configuration = try AgencyConfiguration.load(
            file: stack.configuration(.medicalInsurance).path, options: .init(readsSecretKey: false))
        let store = try AgencyAssembly.openStore(for: configuration, logger: Logger(label: "desk-browser-test"))
        try await store.writer.write { db in
            _ = try StaffRegister.grant([.approver], to: clerk.staffID, by: "test", in: db)
        }
        let base = stack.workbench(.medicalInsurance)
        let port = try #require(Int(base.split(separator: ":").last ?? ""))
        #expect(waitUntil(timeout: .seconds(20)) { !LocalPorts.isFree(port) }, "nothing listens on \(base)")

        let artefacts = BrowserTests.artefacts
        try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
        let settings: [String: Any] = [
            "base": base, "clerk": [clerk.staffID, clerk.password], "approver": [approver.staffID, approver.password],
            "proposals": 2, "reference": "医保发〔2026〕1号", "artefacts": artefacts.path,
        ]
        let argument = String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        let run = try BrowserTests.python([Self.script.path, argument])
        #expect(run.status == 0, "desk.py failed: \(run.error)\n\(run.output)")
        let output = try #require(
            try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "not JSON: \(run.output)")

        let counts = output["homeCounts"] as? [String: String] ?? [:]
        #expect(counts["to-propose"] == String(toPropose))
        #expect(counts["awaiting"] == "0")
        #expect(output["toProposeHeading"] as? String == Labels.text("desk_list_to_propose", .chinese))
        let before = output["toProposeBefore"] as? [String] ?? []
        #expect(before.count == min(toPropose, DepartmentDesk.defaultWorklistLimit))
        let proposed = output["proposed"] as? [String] ?? []
        #expect(proposed == Array(awaiting.measureIDs.prefix(2)), "the first two rows, in measure id order")
        #expect(output["proposedMessage"] as? String == Labels.text("desk_message_proposed", .chinese))
        #expect((output["toProposeAfter"] as? [String] ?? []).allSatisfy { !proposed.contains($0) })
        #expect(output["clerkAwaitingRows"] as? Int == 0)
        #expect(output["clerkCheckboxes"] as? Int == 0)
        #expect(output["craftedStatus"] as? Int == 403)
        #expect(output["craftedRefusedOwn"] as? Bool == true)
        #expect(output["approverAwaiting"] as? [String] == proposed)
        #expect((output["resultsSummary"] as? String)?.contains("2 / 2") == true)
        let outcomes = output["outcomes"] as? [String] ?? []
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { $0.contains(Labels.text("desk_outcome_approved", .chinese)) })
        #expect(output["awaitingAfter"] as? Int == 0)
        #expect(output["awaitingEmpty"] as? Bool == true)
        let staff = output["historyStaff"] as? [String] ?? []
        #expect(staff.contains(clerk.staffID) && staff.contains(approver.staffID))
        let kinds = output["historyKinds"] as? [String] ?? []
        #expect(kinds.contains("proposed") && kinds.contains("decided"))
        #expect(output["englishHeading"] as? String == Labels.text("desk_list_due", .english))
        // The clerk recorded a delivery from the due list: gone from it, listed on the household page with the
        // reference typed and the clerk's staff id.
        let delivered = try #require(output["delivered"] as? String)
        #expect(delivered.hasSuffix("/medical.basic-enrolment") || delivered.hasSuffix("/medical.catastrophic"))
        #expect((output["dueBeforeDelivery"] as? [String] ?? []).contains(delivered))
        #expect(output["deliveredMessage"] as? String == Labels.text("desk_message_delivered", .chinese))
        #expect((output["dueAfterDelivery"] as? [String] ?? []).allSatisfy { $0 != delivered })
        #expect(output["deliveryRows"] as? [[String]] == [[delivered, "医保发〔2026〕1号", clerk.staffID]])
        let screenshots = output["screenshots"] as? [String] ?? []
        #expect(screenshots.count == 11)
        for path in screenshots { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        // Still awaiting after the page's work: what was not proposed.
        let after = try MessageCoding.decode(
            AwaitingReply.self, from: try stack.request(.medicalInsurance, Operation.awaiting))
        // Not the two proposals nor the delivered measure. (A household whose last guarantee an approval completes
        // may exit meanwhile, and its other waiting measures are withdrawn with its file: fewer, never new ones.)
        #expect(Set(after.measureIDs).isSubset(of: Set(awaiting.measureIDs)))
        #expect(Set(after.measureIDs).isDisjoint(with: proposed + [delivered]))
    }
}
