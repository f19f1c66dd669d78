import AgencyDesks
import AgencyServices
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import ServiceLifecycle
import ServiceRuntime
import TestSupport
import Testing

/// The union registry built in process by ``AgencyAssembly/build(configuration:counters:logger:)``,
/// alone (no department running), on `ipc://` endpoints: its request operations, answer for answer.
@Suite("The union registry's operations, in process")
struct UnionOperationsTests {
    /// Runs `body` with a client of the union registry built in process in a fresh folder, stops it, then runs
    /// `afterStop` with the path of its store.
    static func withUnion(
        _ body: (RequestClient) async throws -> Void, afterStop: (String) async throws -> Void = { _ in }
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-union-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "union-operations-test")
        logger.logLevel = .error
        let endpoint = "ipc://\(folder.path)/requests"
        let feeds = Feed.published(by: .union).map {
            AgencyConfiguration.ListenFeed(name: $0.name, endpoint: "ipc://\(folder.path)/\($0.name)")
        }
        let configuration = AgencyConfiguration(
            agency: .union, store: folder.appendingPathComponent("union.sqlite").path,
            policy: Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path, insecure: true,
            listen: .init(
                replay: "ipc://\(folder.path)/replay", requests: endpoint,
                feeds: feeds),
            helpers: ["530102": ["helper-a", "helper-b"]])
        let service = try AgencyAssembly.build(configuration: configuration, counters: Counters(), logger: logger)
        let group = ServiceRunner.makeGroup(services: [service], logger: logger)
        let run = Task { try await group.run() }

        let fabric = try FabricContext(logger: logger)
        let client = try RequestClient(
            fabric: fabric, endpoint: endpoint, security: .plain, options: .init(timeout: .seconds(5)), logger: logger)
        do {
            try await body(client)
        } catch {
            client.close()
            fabric.shutdown()
            await group.triggerGracefulShutdown()
            try? await run.value
            throw error
        }
        client.close()
        fabric.shutdown()
        await group.triggerGracefulShutdown()
        try await run.value
        try await afterStop(configuration.store)
    }

    @Test("register files, refuses and says why; close publishes the closure once; bad bodies are refused")
    func operations() async throws {
        try await Self.withUnion { client in
            try await operations(on: client)
        } afterStop: { storePath in
            // Each closure is dated by its business date: the update's, the close request's.
            let store = try EventStore(path: storePath, logger: Logger(label: "union-operations-test"))
            let entries = try await store.writer.read { db in
                try store.journal.entries(of: "households.coordinator", after: 0, maxCount: 100, in: db)
            }
            let closures = try entries.filter { $0.type == HouseholdClosed.type }.map {
                try CloudEvent(json: $0.payload)
            }
            #expect(closures.map(\.subject) == ["DL-2017-0042", "KM-2017-0001"])
            #expect(closures.map(\.effectiveDate) == ["2017-07-01", "2017-06-30"])
            let reasons = try closures.map {
                try $0.decodeData(as: HouseholdClosed.self, using: EventCoding.makeDecoder())
            }
            #expect(reasons.map(\.reason) == [.movedAway, .notEligible])
            #expect(reasons.map(\.closedOn) == [LocalDate("2017-07-01")!, LocalDate("2017-06-30")!])
        }
    }

    private func operations(on client: RequestClient) async throws {
        func request(_ operation: String, _ body: some Encodable) async throws -> ServiceReply {
            try await client.request(operation, body: try MessageCoding.encode(body))
        }

        // The sample file, with the Qujing household twice (a second file number, the same people) and a
        // household with a mistyped identity number.
        let sample = try String(
            contentsOf: Fixtures.sampleHouseholds, encoding: .utf8)
        let qujing = sample.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("QJ-2017-0007,") }
            .map { $0.replacingOccurrences(of: "QJ-2017-0007,", with: "QJ-2017-0008,") }
        let csv = sample + qujing.joined(separator: "\n") + "\n"
        let registered = try await request(Operation.register, RegisterRequest(csv: csv))
        #expect(registered.status == .ok)
        let reply = try MessageCoding.decode(RegisterReply.self, from: registered.body)
        try #require(
            reply.households.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "QJ-2017-0008", "DL-2017-0042"])
        #expect(reply.households.map(\.status) == [.filed, .filed, .refused, .filed])
        #expect(reply.households.map(\.row) == [2, 5, 9, 7], "each household's worker's row")
        #expect(reply.households[0].helper == "helper-a" && reply.households[0].category == 1)
        let errors = reply.households[2].errors ?? []
        #expect(errors.map(\.column) == ["公民身份号码", "公民身份号码"])
        #expect(errors.allSatisfy { $0.message.contains("already in household QJ-2017-0007") }, "\(errors)")

        // The same file again: everything already on the register.
        let again = try MessageCoding.decode(
            RegisterReply.self, from: try await request(Operation.register, RegisterRequest(csv: sample)).body)
        try #require(again.households.map(\.status) == [.refused, .refused, .refused])
        #expect(
            again.households[0].errors?.first?.message
                == "此档案编号已在登记册中 (a file with this number is already on the register)")
        #expect(errors.map(\.value) == ["530302********5174", "530302********6243"], "masked")

        // People already filed, under a new file number: each is named on their own row.
        let lines = sample.split(whereSeparator: \.isNewline).map(String.init)
        try #require(!lines.isEmpty)
        let refiled =
            [lines[0]]
            + ["QJ-2017-0007,", "KM-2017-0001,"].flatMap { prefix in
                lines.filter { $0.hasPrefix(prefix) }.map { "X" + $0.dropFirst(1) }
            }
        let refiledReply = try MessageCoding.decode(
            RegisterReply.self,
            from: try await request(Operation.register, RegisterRequest(csv: refiled.joined(separator: "\n"))).body)
        let kunming = try #require(refiledReply.households.first { $0.fileNumber == "XM-2017-0001" })
        let people = kunming.errors?.filter { $0.message.contains("already on the register in file") } ?? []
        let rows = refiled.indices.filter { refiled[$0].hasPrefix("XM-2017-0001,") }.map { $0 + 1 }
        #expect(rows.count == 3 && rows.first! > 2)
        #expect(people.map(\.row) == rows)

        // Each agency's feed got three registrations.
        let before = try StatusReport.decode(try await client.request(StatusReport.operation, body: []).body)
        #expect(before.journal?["households.housing"] == 3 && before.journal?["union.support"] == 0)

        // Closing as exited is no clerk's act (policy C.4: review, 公示, approval): refused, the file still open.
        let asExited = try await request(
            Operation.close,
            CloseRequest(fileNumber: "DL-2017-0042", reason: .exited, closedOn: LocalDate("2017-07-01")!))
        #expect(asExited.status == .error)
        #expect(try MessageCoding.decode(ErrorReply.self, from: asExited.body).reason.contains("policy C.4"))
        // Close: once, then an error.
        let close = CloseRequest(fileNumber: "DL-2017-0042", reason: .movedAway, closedOn: LocalDate("2017-07-01")!)
        let closed = try await request(Operation.close, close)
        #expect(closed.status == .ok)
        #expect(try MessageCoding.decode(CloseReply.self, from: closed.body) == CloseReply(closed: true))
        #expect(try await request(Operation.close, close).status == .error)
        let after = try StatusReport.decode(try await client.request(StatusReport.operation, body: []).body)
        #expect(after.journal?["households.coordinator"] == 4)

        // An update that leaves KM-2017-0001 no longer eligible (90,000 yuan a month for three: far above 3·S)
        // closes it as re-identified on the update's business date (`jiekun import --update --on`), not today.
        let richer = ([lines[0]] + lines.filter { $0.hasPrefix("KM-2017-0001,") })
            .joined(separator: "\n").replacingOccurrences(of: ",2017-03-15,1200,", with: ",2017-03-15,90000,")
        try #require(richer.contains(",90000,"))
        let updated = try await request(
            Operation.update, RegisterRequest(csv: richer, updatedOn: LocalDate("2017-06-30")!))
        #expect(updated.status == .ok)
        let updateReply = try MessageCoding.decode(RegisterReply.self, from: updated.body)
        #expect(updateReply.households.map(\.status) == [.notEligible])

        // Bodies that are not what the operation takes, and unknown operations.
        #expect(try await client.request(Operation.register, body: Array("csv".utf8)).status == .refused)
        #expect(try await client.request(Operation.close, body: Array("{}".utf8)).status == .refused)
        #expect(try await client.request(Operation.report, body: []).status == .refused)
        let noHeader = try await request(Operation.register, RegisterRequest(csv: "a,b\n1,2\n"))
        #expect(noHeader.status == .error)
    }

    /// A file whose Dali household (rows 4 and 8) is filed last: its rows disagree on 行政区划代码. Rows 2–3 are
    /// Qujing's, 5–7 Kunming's (filing order: Kunming 03-15, Qujing 05-02, Dali 06-20).
    static let disagreeingFile = """
        档案编号,行政区划代码,建档日期,家庭月总收入,月刚性支出,住房状况,主要致困原因,次要致困原因,是否单亲,是否农民工,是否农村扶贫对象,是否享受低保,单位欠缴社保,工作单位,统一社会信用代码,姓名,公民身份号码,与职工关系,健康状况,就业状况,在读学段,养老保险,医疗保险,创业意愿
        QJ-2017-0007,530302,2017-05-02,1900,1000,危房,患重特大疾病,,否,否,否,否,是,曲靖某煤矿,,王某,530302196801015174,本人,重大疾病,病休,无,已参保,已参保,否
        QJ-2017-0007,,,,,,,,,,,,,,,赵某,530302197007226243,配偶,健康,灵活就业,无,未参保,未参保,否
        DL-2017-0042,532901,2017-06-20,2800,1900,无房,遭受意外事故,,是,是,否,否,否,大理某建筑公司,,杨某,532901198604097331,本人,残疾,失业,无,未参保,已参保,否
        KM-2017-0001,530102,2017-03-15,1200,,租房,下岗失业,子女上学,否,否,否,否,否,昆明某机械厂,,张某,530102197506121314,本人,健康,下岗,无,已参保,已参保,是
        KM-2017-0001,,,,,,,,,,,,,,,李某,530102197702032423,配偶,患病,无,无,未参保,已参保,否
        KM-2017-0001,,,,,,,,,,,,,,,张某某,530102200409183155,子女,健康,在学,初中,未参保,已参保,否
        DL-2017-0042,530102,,,,,,,,,,,,,,杨某某,532901201501018228,子女,健康,无,学前,未参保,已参保,否

        """

    @Test(
        "a refused household's errors name the file's rows, in `row` and in the message, whatever the batch",
        arguments: [1, 500])
    func fileRowsWhateverTheBatch(householdsPerBatch: Int) async throws {
        try await Self.withUnion { client in
            var dali: [ImportIssue] = []
            // As `jiekun import` sends the file: cut into batches in filing order, each with its file rows.
            for batch in try CSVBatches.split(
                Self.disagreeingFile, householdsPerBatch: householdsPerBatch, filingOrder: true)
            {
                let reply = try await client.request(
                    Operation.register,
                    body: try MessageCoding.encode(RegisterRequest(csv: batch.csv, rows: batch.rows)))
                try #require(reply.status == .ok)
                let households = try MessageCoding.decode(RegisterReply.self, from: reply.body).households
                dali += households.filter { $0.fileNumber == "DL-2017-0042" }.flatMap { $0.errors ?? [] }
            }
            #expect(dali.map(\.row) == [8])
            // The stable code travels in the reply too (row 8's 行政区划代码 disagrees with the household's row 4).
            #expect(dali.map(\.code) == ["import.division_code.disagrees"])
            #expect(
                dali.map(\.message) == [
                    "与该户第 4 行不一致（该行为 \"532901\"）；户的其他行此列须为空或相同 (differs from the household's "
                        + "row 4, which has \"532901\"; on the household's other rows this column must be empty or "
                        + "hold the same value)"
                ])
        }
    }
}
