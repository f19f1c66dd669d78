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
        for agency: Agency, key: String, named name: String, in province: Province
    ) throws -> String {
        var text = "agency: \(agency.rawValue)\nkey: \(key)\nagencies:\n"
        for (other, pair) in province.servers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            text += "  \(other.rawValue):\n    endpoint: \(province.endpoint(other))\n"
            text += "    serverKey: \"\(pair.publicKey)\"\n"
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
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
