import AgencyDesks
import AgencyServices
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import ServiceRuntime
import TestSupport
import Testing
import ZeroMQ

/// The audit log (``AuditLog``): the union, housing (in `review` mode) and the coordinator built in process with
/// CURVE, their staff asking through real request servers with real keys.
@Suite("Staff: the audit log of every read and change of a household", .serialized)
struct AuditLogTests {
    typealias Province = StaffAuthorisationTests.Province

    /// One row as the tests list them: staff, operation, file, outcome (`done` or the refusal code), business date.
    static func rows(_ entries: [AuditEntry]) -> [String] {
        entries.map {
            "\($0.staffID) \($0.operation) \($0.fileNumber) \($0.refusalCode ?? $0.outcome.rawValue) \($0.businessDate)"
        }
    }

    /// Asks `agency` as `pair` with a client of a fixed id, whose first request is number 1: asked twice, the
    /// second is a retry of the first.
    static func ask(
        _ province: Province, _ agency: Agency, _ operation: String, body: [UInt8], as pair: CurveKeyPair,
        clientID: String
    ) async throws -> ServiceReply {
        let client = try RequestClient(
            fabric: province.fabric, endpoint: province.endpoint(agency),
            security: .curveClient(keyPair: pair, serverPublicKey: province.servers[agency]!.publicKey),
            clientID: clientID, options: .init(timeout: .seconds(10), retries: 1), logger: province.logger)
        defer { client.close() }
        return try await client.request(operation, body: body)
    }

    static func audit(
        _ province: Province, _ agency: Agency, _ query: AuditQuery, as pair: CurveKeyPair
    ) async throws -> (status: ServiceReply.Status, entries: [AuditEntry], text: String) {
        let reply = try #require(
            try await province.ask(agency, AuditLog.operation, body: try MessageCoding.encode(query), as: pair).reply)
        let text = String(decoding: reply.body, as: UTF8.self)
        guard reply.status == .ok else { return (reply.status, [], text) }
        return (reply.status, try MessageCoding.decode(AuditReply.self, from: reply.body).entries, text)
    }

    @Test(
        "Register, update, close, household, decide and awaiting are logged, once per request, refusals with their code"
    )
    func readsAndWrites() async throws {
        let province = try Province()
        let clerk = try province.add([.clerk], area: "530102", at: .union)
        let qujingClerk = try province.add([.clerk], area: "530300", at: .union)
        let kunmingAuditor = try province.add([.auditor], area: "530100", at: .union)
        let qujingAuditor = try province.add([.auditor], area: "530300", at: .union)
        let coordinatorClerk = try province.add([.clerk], area: "530000", at: .coordinator)
        let coordinatorAuditor = try province.add([.auditor], area: "530000", at: .coordinator)
        let approver = try province.add([.approver], area: "530000", at: .housing)
        let housingClerk = try province.add([.clerk], area: "530000", at: .housing)
        let housingAuditor = try province.add([.auditor], area: "530000", at: .housing)
        try StaffAuthorisationTests.registerSamples(in: province)
        let awaiting = try await province.store(.housing).writer.read { db in
            try String.fetchAll(db, sql: "SELECT measure_id FROM desk_awaiting_staff ORDER BY measure_id")
        }
        try province.start()
        let today = LocalDate.today(clock: Int64(Date().timeIntervalSince1970))

        // Register, then the same request again (same client id and number): answered from the stored reply.
        let register = try MessageCoding.encode(RegisterRequest(csv: try StaffAuthorisationTests.sampleCSV()))
        for _ in 1...2 {
            let reply = try await Self.ask(
                province, .union, Operation.register, body: register, as: clerk.pair, clientID: "audit-register")
            #expect(reply.status == .ok)
        }
        let update = try MessageCoding.encode(
            RegisterRequest(csv: try StaffAuthorisationTests.sampleCSV(), updatedOn: LocalDate("2017-08-01")!))
        #expect(try await province.ask(.union, Operation.update, body: update, as: clerk.pair).reply?.status == .ok)
        let closeKM = try MessageCoding.encode(
            CloseRequest(fileNumber: "KM-2017-0001", reason: .movedAway, closedOn: LocalDate("2017-09-01")!))
        #expect(
            try await province.ask(.union, Operation.close, body: closeKM, as: qujingClerk.pair).reply?.status
                == .refused)
        #expect(try await province.ask(.union, Operation.close, body: closeKM, as: clerk.pair).reply?.status == .ok)

        // A Kunming auditor reads KM-2017-0001's rows, in order, the retried register once.
        let km = try await Self.audit(province, .union, AuditQuery(household: "KM-2017-0001"), as: kunmingAuditor.pair)
        #expect(
            Self.rows(km.entries) == [
                "\(clerk.id) register KM-2017-0001 done 2017-03-15",
                "\(clerk.id) update KM-2017-0001 done 2017-08-01",
                "\(qujingClerk.id) close KM-2017-0001 staff.area.outside 2017-09-01",
                "\(clerk.id) close KM-2017-0001 done 2017-09-01",
            ], "\(km.text)")
        #expect(km.entries.first?.requestID == "audit-register/1")
        // The clerk's rows seen from Qujing: only the Qujing household's.
        let byClerk = try await Self.audit(province, .union, AuditQuery(staff: clerk.id), as: qujingAuditor.pair)
        #expect(
            Self.rows(byClerk.entries) == [
                "\(clerk.id) register QJ-2017-0007 staff.area.outside 2017-05-02",
                "\(clerk.id) update QJ-2017-0007 staff.area.outside 2017-08-01",
            ], "\(byClerk.text)")
        // A household outside the auditor's area is refused; a clerk may not read the log at all.
        let outside = try await Self.audit(
            province, .union, AuditQuery(household: "KM-2017-0001"), as: qujingAuditor.pair)
        #expect(outside.status == .refused && outside.text.contains("outside the area of \(qujingAuditor.id)"))
        let byClerkAsked = try await province.ask(
            .union, AuditLog.operation, body: try MessageCoding.encode(AuditQuery(staff: clerk.id)), as: clerk.pair)
        #expect(byClerkAsked.outcome == .unauthorised)

        // The coordinator's household lookup, found and not found.
        for file in ["KM-2017-0001", "KM-2099-0009"] {
            _ = try await province.ask(
                .coordinator, Operation.household, body: try MessageCoding.encode(HouseholdQuery(fileNumber: file)),
                as: coordinatorClerk.pair)
        }
        let looked = try await Self.audit(
            province, .coordinator, AuditQuery(staff: coordinatorClerk.id), as: coordinatorAuditor.pair)
        #expect(
            Self.rows(looked.entries) == [
                "\(coordinatorClerk.id) household KM-2017-0001 done \(today)",
                "\(coordinatorClerk.id) household KM-2099-0009 file.unknown \(today)",
            ], "\(looked.text)")

        // Housing: awaiting lists each file shown once; propose and decide log their household, a decide before
        // the proposal with its refusal code, the proposer and the approver each on their own row.
        let listed = try #require(
            try await province.ask(.housing, Operation.awaiting, body: [], as: approver.pair).reply)
        #expect(try MessageCoding.decode(AwaitingReply.self, from: listed.body).measureIDs == awaiting)
        let dali = try #require(awaiting.first { $0.hasPrefix("DL-2017-0042/") })
        let decide = try MessageCoding.encode(DecideRequest(measureID: dali, decision: "approve", reason: ""))
        #expect(
            try await province.ask(.housing, Operation.decide, body: decide, as: approver.pair).reply?.status
                == .refused)
        #expect(
            try await province.ask(.housing, Operation.propose, body: decide, as: housingClerk.pair).reply?.status
                == .ok)
        #expect(
            try await province.ask(.housing, Operation.decide, body: decide, as: approver.pair).reply?.status == .ok)
        let files = Set(awaiting.map { String($0.prefix { $0 != "/" }) }).sorted()
        #expect(files.contains("DL-2017-0042") && files.contains("QJ-2017-0007"), "\(files)")
        let decided = try await Self.audit(
            province, .housing, AuditQuery(household: "DL-2017-0042"), as: housingAuditor.pair)
        #expect(
            Self.rows(decided.entries) == [
                "\(approver.id) awaiting DL-2017-0042 done \(today)",
                "\(approver.id) decide DL-2017-0042 desk.decide.unproposed \(today)",
                "\(housingClerk.id) propose DL-2017-0042 done \(today)",
                "\(approver.id) decide DL-2017-0042 done \(today)",
            ], "\(decided.text)")

        // The CLI prints the log, Chinese first, business dates as 2017年9月1日.
        let folder = province.folder
        let keyFile = folder.appendingPathComponent("auditor.key").path
        #expect(
            FileManager.default.createFile(
                atPath: keyFile, contents: Data((kunmingAuditor.pair.secretKey + "\n").utf8),
                attributes: [.posixPermissions: 0o600]))
        let serverKey = province.servers[.union]!.publicKey
        let arguments = [
            "audit", "--household", "KM-2017-0001", "--endpoint", province.endpoint(.union),
            "--server-key=\(serverKey)",
            "--key", keyFile,
        ]
        let printed = try await Self.runCLI(arguments)
        #expect(printed.status == 0, "\(printed.error)")
        let lines = printed.text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("时间 time (UTC)") == true, "\(printed.text)")
        #expect(lines.count == 6, "\(printed.text)")
        #expect(lines[safe: 3]?.contains("2017年9月1日") == true && lines[safe: 3]?.contains("staff.area.outside") == true)
        #expect(lines.last == "共 4 条 (4 rows)")
        let asJSON = try await Self.runCLI(arguments + ["--json"])
        #expect(try MessageCoding.decode(AuditReply.self, from: Array(asJSON.text.utf8)).entries == km.entries)
        try await province.stop()
    }

    @Test("The log is append-only: UPDATE and DELETE on agency_audit fail")
    func appendOnly() throws {
        let province = try Province()
        defer { try? FileManager.default.removeItem(at: province.folder) }
        let store = try province.store(.union)
        try store.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO agency_audit (staff_id, operation, file_number, county, outcome, recorded_at,
                        business_date, request_id)
                    VALUES ('union-registry-0001', 'close', 'KM-2017-0001', '530102', 'done', ?, '2017-09-01', 'c/1')
                    """, arguments: [Date()])
        }
        for sql in ["UPDATE agency_audit SET staff_id = 'x'", "DELETE FROM agency_audit"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try store.writer.write { db in try db.execute(sql: sql) } }
        }
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM agency_audit") } == 1)
        province.fabric.shutdown()
    }

    /// Runs `jiekun` on its own thread, so that the concurrency pool keeps serving the in-process services.
    static func runCLI(_ arguments: [String]) async throws -> CommandRunner.Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try CommandRunner.run("jiekun", arguments) }) }.start()
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
