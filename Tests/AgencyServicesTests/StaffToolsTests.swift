import AgencyDesks
import AgencyServices
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ServiceRuntime
import TestSupport
import Testing
import ZeroMQ

/// The staff tools through real request servers, with CURVE and staff keys: `jiekun search` and `jiekun worklist`
/// run as processes with a profile (`JIEKUN_PROFILE`) instead of connection options, their reads in the audit log.
@Suite("Staff tools: search and worklist from the command line, with a profile", .serialized)
struct StaffToolsTests {
    typealias Province = StaffAuthorisationTests.Province

    /// Writes a member's secret key file (mode 0600) and returns its path.
    static func keyFile(_ pair: CurveKeyPair, named name: String, in province: Province) throws -> String {
        let path = province.folder.appendingPathComponent("\(name).key").path
        #expect(
            FileManager.default.createFile(
                atPath: path, contents: Data((pair.secretKey + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        return path
    }

    /// Writes a profile for a member of `agency` with every agency of the province, and returns its path.
    static func profile(
        for agency: Agency, key: String, named name: String, in province: Province, keys: [Agency: String] = [:]
    ) throws -> String {
        var text = "agency: \(agency.rawValue)\nkey: \(key)\nagencies:\n"
        for (other, pair) in province.servers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            text += "  \(other.rawValue):\n    endpoint: \(province.endpoint(other))\n"
            text += "    serverKey: \"\(pair.publicKey)\"\n"
            if let own = keys[other] { text += "    key: \(own)\n" }
        }
        let path = province.folder.appendingPathComponent("\(name).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `jiekun` with `JIEKUN_PROFILE` on its own thread, so that the concurrency pool keeps serving the
    /// in-process services.
    static func run(_ arguments: [String], profile: String) async throws -> CommandRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["JIEKUN_PROFILE"] = profile
        let fixed = environment
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try CommandRunner.run("jiekun", arguments, environment: fixed) })
            }
            .start()
        }
    }

    @Test("search: a union clerk's profile, no connection options; only the area's files; each shown file audited")
    func search() async throws {
        let province = try Province()
        let filer = try province.add([.clerk], area: "530000", at: .union)
        let clerk = try province.add([.clerk], area: "530100", at: .union)
        let auditor = try province.add([.auditor], area: "530000", at: .union)
        try province.start()
        let csv = try StaffAuthorisationTests.sampleCSV()
        let filed = try await province.ask(
            .union, Operation.register, body: try MessageCoding.encode(RegisterRequest(csv: csv)), as: filer.pair)
        #expect(filed.reply?.status == .ok)

        let profile = try Self.profile(
            for: .union, key: try Self.keyFile(clerk.pair, named: "clerk", in: province), named: "clerk",
            in: province)
        let found = try await Self.run(["search", "某"], profile: profile)
        #expect(found.status == 0, "\(found.error)")
        let lines = found.text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("档案编号 file") == true, "\(found.text)")
        #expect(lines.count == 3 && lines[1].hasPrefix("KM-2017-0001") && lines[1].contains("530102********1314"))
        #expect(lines.last == "共 1 户 (1 files)", "\(found.text)")
        let json = try await Self.run(["search", "015174", "--json"], profile: profile)
        #expect(try MessageCoding.decode(SearchReply.self, from: Array(json.text.utf8)).households.isEmpty)
        let none = try await Self.run(["search", "王五"], profile: profile)
        #expect(none.status == 0 && none.text == "未找到档案 (no file found in your area)\n")

        // A finance officer may not search (personal data).
        let finance = try province.add([.finance], area: "530000", at: .union)
        let financeProfile = try Self.profile(
            for: .union, key: try Self.keyFile(finance.pair, named: "finance", in: province), named: "finance",
            in: province)
        let refused = try await Self.run(["search", "某"], profile: financeProfile)
        #expect(refused.status == 1 && refused.error.contains("\(finance.id) may not search"), "\(refused.error)")

        let audited = try await AuditLogTests.audit(province, .union, AuditQuery(staff: clerk.id), as: auditor.pair)
        let today = LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
        #expect(AuditLogTests.rows(audited.entries) == ["\(clerk.id) search KM-2017-0001 done \(today)"])
        try await province.stop()
    }

    @Test("worklist --awaiting: an approver sees proposals of others, with housing's facts; JSON with the view")
    func worklist() async throws {
        let province = try Province()
        try StaffAuthorisationTests.registerSamples(in: province)
        let clerk = try province.add([.clerk], area: "530000", at: .housing)
        let approver = try province.add([.clerk, .approver], area: "530000", at: .housing)
        try province.start()
        let awaiting = try await province.store(.housing).writer.read { db in
            try String.fetchAll(db, sql: "SELECT measure_id FROM desk_awaiting_staff ORDER BY measure_id")
        }
        let dali = try #require(awaiting.first { $0.hasPrefix("DL-2017-0042/") })
        let qujing = try #require(awaiting.first { $0.hasPrefix("QJ-2017-0007/") })
        for (measure, pair) in [(dali, clerk.pair), (qujing, approver.pair)] {
            let body = try MessageCoding.encode(DecideRequest(measureID: measure, decision: "approve", reason: "核实"))
            #expect(try await province.ask(.housing, Operation.propose, body: body, as: pair).reply?.status == .ok)
        }
        let profile = try Self.profile(
            for: .housing, key: try Self.keyFile(approver.pair, named: "approver", in: province), named: "approver",
            in: province)
        let listed = try await Self.run(["worklist", "--awaiting", "--on", "2017-07-01"], profile: profile)
        #expect(listed.status == 0, "\(listed.error)")
        let lines = listed.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "housing 待审核 (awaiting approval)，2017年7月1日 (on 2017-07-01)", "\(listed.text)")
        #expect(lines[safe: 1] == "  \(dali)  提议批准 proposed approve by \(clerk.id)：核实", "\(listed.text)")
        #expect(
            lines[safe: 2]?.hasPrefix("      532901，3类，建档 2017年6月20日，杨某(本人, 532901********7331") == true
                && lines[safe: 2]?.contains("住房 无房") == true, "\(listed.text)")
        #expect(lines.last == "共 1 项 (1 measures)")
        let json = try await Self.run(["worklist", "--agency", "housing", "--awaiting", "--json"], profile: profile)
        let reply = try MessageCoding.decode(WorklistReply.self, from: Array(json.text.utf8))
        #expect(reply.items.map(\.measureID) == [dali] && reply.items.first?.view.householdSize == 2)
        try await province.stop()
    }

    @Test("decide, --on, --code, --corrects and household --history from the command line, each as its own member")
    func makerChecker() async throws {
        let province = try Province()
        try StaffAuthorisationTests.registerSamples(in: province)
        let clerk = try province.add([.clerk], area: "530000", at: .housing)
        let approver = try province.add([.approver], area: "530000", at: .housing)
        let auditor = try province.add([.auditor], area: "530000", at: .housing)
        let coordinatorAuditor = try province.add([.auditor], area: "530000", at: .coordinator)
        try province.start()
        let coordinatorKey = try Self.keyFile(coordinatorAuditor.pair, named: "coord-auditor", in: province)
        func profile(_ member: (id: String, pair: CurveKeyPair), _ name: String) throws -> String {
            try Self.profile(
                for: .housing, key: try Self.keyFile(member.pair, named: name, in: province), named: name,
                in: province, keys: [.coordinator: coordinatorKey])
        }
        let clerkProfile = try profile(clerk, "clerk")
        let approverProfile = try profile(approver, "approver")
        let auditorProfile = try profile(auditor, "auditor")
        let measure = "DL-2017-0042/housing.public-rental"

        let proposed = try await Self.run(
            ["decide", "--propose", measure, "批准", "--reason", "已核实无房", "--on", "2017-07-01"], profile: clerkProfile)
        #expect(
            proposed.status == 0
                && proposed.text == "housing: \(measure) 提议批准，待审核 (proposed for approval, awaiting a checker)\n",
            "\(proposed.text) \(proposed.error)")
        let own = try await Self.run(["decide", measure, "批准"], profile: clerkProfile)
        #expect(own.status == 1 && own.error.contains("\(clerk.id) may not decide"), "\(own.error)")
        let approved = try await Self.run(["decide", measure, "批准", "--on", "2017-07-02"], profile: approverProfile)
        #expect(approved.text == "housing: \(measure) 审核通过 (proposal approved)\n", "\(approved.error)")
        let noCode = try await Self.run(
            ["decide", "--corrects", "2", measure, "不予批准", "--reason", "户主已有住房", "--on", "2017-08-01"],
            profile: clerkProfile)
        #expect(noCode.status == 1 && noCode.error.contains("a refusal needs a reason code"), "\(noCode.error)")
        let correction = try await Self.run(
            [
                "decide", "--corrects", "2", measure, "不予批准", "--code", "not-eligible", "--reason", "户主已有住房", "--on",
                "2017-08-01",
            ], profile: clerkProfile)
        #expect(
            correction.text == "housing: \(measure) 更正 #2 已提议，待审核 (correction of #2 proposed, awaiting a checker)\n",
            "\(correction.error)")
        let listed = try await Self.run(["worklist", "--awaiting", "--on", "2017-08-01"], profile: approverProfile)
        #expect(
            listed.text.contains("  \(measure)  提议不予批准 proposed refuse by \(clerk.id)  更正 corrects #2：户主已有住房"),
            "\(listed.text)")
        _ = try await Self.run(["decide", measure, "批准", "--on", "2017-08-02"], profile: approverProfile)

        let shown = try await Self.run(["household", "DL-2017-0042", "--history", "housing"], profile: auditorProfile)
        #expect(shown.status == 0, "\(shown.error)")
        let history = shown.text.split(separator: "\n").drop { !$0.contains("决定记录") }.map(String.init)
        #expect(
            history == [
                "  决定记录 decision history (housing):",
                "    2017年7月1日  #1  \(measure)  提议 proposed  批准 approve  \(clerk.id)  已核实无房",
                "    2017年7月2日  #2  \(measure)  审核通过 proposal approved  批准 approve  \(approver.id)",
                "    2017年8月1日  #3  \(measure)  提议 proposed  不予批准 refuse  \(clerk.id)  更正 corrects #2  [not-eligible] 户主已有住房",
                "    2017年8月2日  #4  \(measure)  审核通过 proposal approved  不予批准 refuse  \(approver.id)  更正 corrects #2",
            ], "\(shown.text)")
        // The auditor's read of the history is in housing's audit log.
        let audited = try await AuditLogTests.audit(province, .housing, AuditQuery(staff: auditor.id), as: auditor.pair)
        #expect(
            AuditLogTests.rows(audited.entries).contains { $0.hasPrefix("\(auditor.id) history DL-2017-0042 done") })
        try await province.stop()
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
