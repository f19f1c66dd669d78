import AgencyDesks
import Foundation
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import ServiceStack
import TestSupport
import Testing

/// The exit procedure through the seven processes with the union in `review` mode (policy C.4): the coordinator's
/// proposal waits at the union, a clerk reviews it with `jiekun exit review`, an approver approves it after 公示
/// with `jiekun exit approve`, and only then does the file close and the report count the exit; the notice and a
/// visit follow.
@Suite("The exit procedure through the seven services", .serialized)
struct ExitProcedureServicesTests {
    @Test("review mode: proposal → review → 公示 → approval refused early → approved → notice → visit")
    func reviewedExit() async throws {
        let stack = try SevenServicesTests.stack(secure: true, reviewing: [.union])
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()
        defer { _ = stack.stop() }
        _ = try stack.statuses()
        let csv = try String(contentsOfFile: SevenServicesTests.sampleCSV, encoding: .utf8)
        _ = try stack.request(.union, Operation.register, body: try MessageCoding.encode(RegisterRequest(csv: csv)))
        // The three sample households are proposed (the same three that exit in auto mode).
        #expect(try await stack.settle(exits: 3), "\(stack.tails())")
        let clerk = stack.endpointArguments(.union)
        let approver = stack.endpointArguments(.union, as: .approver)
        let file = "DL-2017-0042"

        let listed = try CommandRunner.run("jiekun", ["exit", "list"] + clerk)
        #expect(listed.status == 0, "\(listed.error)")
        #expect(listed.text.contains("\(file)  待审查 proposed"), "\(listed.text)")
        #expect(listed.text.hasSuffix("3 户退出程序进行中 (exits under way)\n"), "\(listed.text)")
        // Nothing is an exit yet: the files are open, the report counts no exit and three pending at 2017's end
        // (all three were proposed in 2017).
        var report = try JSONDecoder().decode(
            ProvinceReport.self, from: Data(try stack.request(.coordinator, Operation.report)))
        #expect(report.province.cumulativeExits == 0)
        #expect(report.province.years.first { $0.year == 2017 }?.exitsPending == 3)

        let state = try MessageCoding.decode(
            HouseholdState.self,
            from: try stack.request(
                .coordinator, Operation.household, body: try MessageCoding.encode(HouseholdQuery(fileNumber: file))))
        let proposedOn = try #require(state.readiness.exitDate)
        let policy = try Policy.load(contentsOfFile: SevenServicesTests.policyPath)
        let schedule = ExitSchedule(proposedOn: proposedOn, policy: policy)

        let review = try CommandRunner.run(
            "jiekun", ["exit", "review", file, "同意", "--on", schedule.reviewedOn.description] + clerk)
        #expect(review.status == 0 && review.text.contains("公示中 publicity"), "\(review.error)")
        // A clerk may not approve; an approver not before 公示 has run; then the approver may.
        let byClerk = try CommandRunner.run(
            "jiekun", ["exit", "approve", file, "--on", schedule.approvedOn.description] + clerk)
        #expect(byClerk.status != 0, "\(byClerk.text)")
        let early = try CommandRunner.run(
            "jiekun", ["exit", "approve", file, "--on", schedule.publicityUntil.description] + approver)
        #expect(early.status == 1 && early.error.contains("publicity runs through"), "\(early.error)")
        let approved = try CommandRunner.run(
            "jiekun", ["exit", "approve", file, "--on", schedule.approvedOn.description] + approver)
        #expect(approved.status == 0 && approved.text.contains("已批准 approved"), "\(approved.error)")
        #expect(try await stack.settle(exits: 3), "\(stack.tails())")

        report = try JSONDecoder().decode(
            ProvinceReport.self, from: Data(try stack.request(.coordinator, Operation.report)))
        #expect(report.province.cumulativeExits == 1)
        let closed = try MessageCoding.decode(
            HouseholdState.self,
            from: try stack.request(
                .coordinator, Operation.household, body: try MessageCoding.encode(HouseholdQuery(fileNumber: file))))
        #expect(closed.status == "closed" && closed.closedOn == schedule.approvedOn.description)

        let notice = try CommandRunner.run("jiekun", ["exit", "notice", file] + approver)
        #expect(notice.status == 0 && notice.text.hasPrefix("解困通知书"), "\(notice.error)")
        #expect(notice.text.contains("已于\(schedule.approvedOn.chinese)批准解困退出"), "\(notice.text)")

        let firstVisit = schedule.approvedOn.adding(months: 6)
        let due = try CommandRunner.run(
            "jiekun", ["visit", "list", "--due", "--on", firstVisit.description] + clerk)
        #expect(due.status == 0 && due.text.hasPrefix("\(file)  第1次回访"), "\(due.text) \(due.error)")
        let recorded = try CommandRunner.run(
            "jiekun",
            ["visit", "record", file, "--on", firstVisit.description, "--stable", "是", "--findings", "收入稳定"] + clerk)
        #expect(recorded.status == 0, "\(recorded.error)")
        let after = try CommandRunner.run("jiekun", ["visit", "list", "--on", firstVisit.description] + clerk)
        #expect(after.text.hasPrefix("0 次回访"), "\(after.text)")
    }
}
