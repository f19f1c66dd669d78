import AgencyDesks
import EventFabric
import Foundation
import HouseholdDomain
import Logging
import PowerCutVFS
import ProgrammeEvents
import ReliefProgramme
import ServiceRuntime
import ServiceStack
import Synchronization
import TestSupport
import Testing

/// The power-cut VFS (`Tests/PowerCutVFS`) in the services' processes: loaded with `LD_PRELOAD`, it makes every
/// store's files lose what was not synced when the process ends without closing them (docs/SECURITY.md "What is
/// promised against power cuts and restores").
enum PowerCut {
    /// The shim as a shared library, built beside the executables (product `PowerCutVFS`).
    static var library: URL { Fixtures.productsDirectory.appendingPathComponent("libPowerCutVFS.so") }

    /// The environment of a service under the shim; with `cutAt`, the service cuts its power just before its
    /// `cutAt`-th write, truncation or sync of a store file.
    static func environment(cutAt: Int? = nil) -> [String: String] {
        var environment = ["LD_PRELOAD": library.path, "JIEKUN_POWERCUT_VFS": "1"]
        if let cutAt { environment["JIEKUN_POWERCUT_AT"] = String(cutAt) }
        return environment
    }

    /// Power back on for one store: its database, WAL and journal put back as they stood at their last sync.
    ///
    /// - Returns: The operations undone.
    static func discardUnsynced(store: String) throws -> Int64 {
        var undone: Int64 = 0
        for path in [store, store + "-wal", store + "-journal"] {
            let result = jiekun_powercut_discard_unsynced(path)
            guard result >= 0 else { throw ServiceStack.Failure(description: "cannot undo \(path): errno \(errno)") }
            undone += result
        }
        return undone
    }

    /// The operations the shim counted in an agency's processes that ended cleanly (its log's closing lines).
    static func operationsCounted(in log: String) -> [Int] {
        log.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("jiekun-powercut: "), line.hasSuffix(" operations") else { return nil }
            return Int(line.dropFirst("jiekun-powercut: ".count).prefix { $0.isNumber })
        }
    }
}

/// A busy run of the seven services as processes, cut at a seeded point: one service's power is cut (everything
/// it wrote since its files' last sync is lost), it is started again, and the run goes on. Each run must end with
/// the coordinator's report equal to a clean run's (the sequential `ProgrammeRun` of the same file, as `jiekun demo`
/// checks), the journals as long as a clean run's, and no alarm — or with an alarm naming the problem, never a silent
/// difference.
@Suite("Power cuts on the seven services", .serialized)
struct PowerCutTests {
    /// What one run found.
    struct Outcome: CustomStringConvertible {
        var seed: UInt64
        var victim: Agency
        var cutAt: Int
        /// Whether the service's power was cut (the run may end before it reaches `cutAt`).
        var cut = false
        /// The operations undone by the cut.
        var undone: Int64 = 0
        /// Whether the coordinator's report equals the clean run's.
        var reportEqual = false
        /// The feeds whose journal length differs from the clean run's.
        var journalDifferences: [String] = []
        /// The alarms raised: stopped feeds, refused events, refused heads.
        var alarms: [String] = []

        var description: String {
            "seed \(seed): \(victim.rawValue) cut at operation \(cutAt) (\(cut ? "cut, \(undone) undone" : "not reached")): "
                + (reportEqual && journalDifferences.isEmpty
                    ? "equal to a clean run" : "DIFFERENT \(journalDifferences)")
                + (alarms.isEmpty ? "" : ", alarms \(alarms)")
        }
    }

    /// The sample caseload of a run (`jiekun sample`), and its clean outcome.
    struct Caseload {
        var csv: String
        var batches: [CSVBatches.Batch]
        var report: ProvinceReport
    }

    /// Generates `households` sample households and computes their report as the sequential run does.
    static func caseload(households: Int, seed: UInt64, folder: URL) throws -> Caseload {
        let path = folder.appendingPathComponent("caseload-\(households)-\(seed).csv").path
        let sampled = try CommandRunner.run(
            "jiekun",
            ["sample", "--households", "\(households)", "--seed", "\(seed)", "--mistake-rate", "0", "--output", path])
        guard sampled.status == 0 else { throw ServiceStack.Failure(description: "jiekun sample: \(sampled.error)") }
        let csv = try String(contentsOfFile: path, encoding: .utf8)
        let policy = try Policy.load(contentsOfFile: SevenServicesTests.policyPath)
        let imported = try HouseholdImporter(today: .today(clock: Int64(Date().timeIntervalSince1970))).read(
            contentsOfFile: path)
        var run = ProgrammeRun(policy: policy)
        for household in imported.entries.compactMap(\.household).sortedInFilingOrder(by: { $0.filedOn }) {
            _ = try? run.file(household)
        }
        return Caseload(
            csv: csv, batches: try CSVBatches.split(csv, householdsPerBatch: 20, filingOrder: true),
            report: ProvinceReport(
                files: run.files, years: policy.budgetYears,
                appropriations: ProvinceReport.openingAppropriations(of: policy)))
    }

    /// Files the batches at the union on a thread of its own, with its own client (10 s per attempt, retried for
    /// up to ten minutes with the same request id: a request lost with the union's power is executed once).
    final class Intake: Sendable {
        private let state = Mutex<(done: Bool, error: String?)>((false, nil))

        init(batches: [CSVBatches.Batch], endpoint: String) {
            let thread = Thread { [self] in
                let logger = Logger(label: "jiekun.tests.powercut") { _ in SwiftLogNoOpLogHandler() }
                do {
                    let fabric = try FabricContext(limits: .init(maxMessageSize: 64 << 20), logger: logger)
                    defer { fabric.shutdown() }
                    let client = try RequestClient(
                        fabric: fabric, endpoint: endpoint, security: .plain,
                        options: .init(timeout: .seconds(10), retries: 60, maxMessageSize: 64 << 20), logger: logger)
                    defer { client.close() }
                    for batch in batches {
                        let body = try MessageCoding.encode(RegisterRequest(csv: batch.csv, rows: batch.rows))
                        let reply = try client.request(Operation.register, body: body)
                        guard reply.status == .ok else {
                            throw ServiceStack.Failure(description: "register: \(reply.status.rawValue)")
                        }
                    }
                    self.state.withLock { $0.done = true }
                } catch {
                    self.state.withLock { $0 = (true, "\(error)") }
                }
            }
            thread.name = "powercut-intake"
            thread.start()
        }

        /// Whether every batch was answered, and the error that stopped it if one did.
        var finished: (done: Bool, error: String?) { state.withLock { $0 } }
    }

    /// Every agency's feed journal lengths and the alarms of its status.
    static func alarms(_ statuses: [Agency: StatusReport]) -> [String] {
        var alarms: [String] = []
        for (agency, status) in statuses.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (feed, reason) in (status.diverged ?? [:]).sorted(by: { $0.key < $1.key }) {
                alarms.append("\(agency.rawValue): \(feed) stopped: \(reason)")
            }
            for (feed, counts) in status.feeds.sorted(by: { $0.key < $1.key }) {
                if counts.refused > 0 { alarms.append("\(agency.rawValue): \(feed): \(counts.refused) events refused") }
                if let heads = counts.headsRefused, heads > 0 {
                    alarms.append("\(agency.rawValue): \(feed): \(heads) signed heads refused")
                }
            }
        }
        return alarms
    }

    /// The length of every feed's journal.
    static func journals(_ statuses: [Agency: StatusReport]) -> [String: UInt64] {
        var journals: [String: UInt64] = [:]
        for status in statuses.values { journals.merge(status.journal ?? [:]) { max($0, $1) } }
        return journals
    }

    /// Settles the stack, restarting the victim under the shim (power back on) whenever its power was cut.
    static func settle(_ stack: ServiceStack, victim: Agency, outcome: inout Outcome) async throws {
        for _ in 0..<5 {
            try restartIfCut(stack, victim: victim, outcome: &outcome)
            do {
                if try await stack.settle() { return }
            } catch {
                if !stack.isRunning(victim) { continue }
                throw error
            }
            if !stack.isRunning(victim) { continue }
            throw ServiceStack.Failure(description: "not settled\n\(stack.tails())")
        }
        throw ServiceStack.Failure(description: "not settled after restarts\n\(stack.tails())")
    }

    /// When the victim cut its power: power back on for its store (undo logs), and start it again without a cut.
    static func restartIfCut(_ stack: ServiceStack, victim: Agency, outcome: inout Outcome) throws {
        guard !stack.isRunning(victim) else { return }
        #expect(stack.waitForEnd(victim, timeout: .seconds(10)))
        let log = try String(contentsOf: stack.log(victim), encoding: .utf8)
        try #require(
            log.contains("jiekun-powercut: power cut before operation \(outcome.cutAt) "), "\(stack.tail(victim))")
        outcome.cut = true
        outcome.undone += try PowerCut.discardUnsynced(
            store: stack.folder.appendingPathComponent("stores/\(victim.rawValue).sqlite").path)
        stack.environment[victim] = PowerCut.environment()
        try stack.start(victim)
    }

    /// One run: the stack under the shim, the victim cut at `cutAt`, the caseload filed, settled, compared.
    static func run(
        seed: UInt64, victim: Agency, cutAt: Int, caseload: Caseload, cleanJournals: [String: UInt64]?
    ) async throws -> (Outcome, journals: [String: UInt64], operations: [Agency: Int]) {
        var outcome = Outcome(seed: seed, victim: victim, cutAt: cutAt)
        let stack = try SevenServicesTests.stack(secure: false)
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        for agency in Agency.allCases {
            stack.environment[agency] = PowerCut.environment(cutAt: agency == victim && cutAt > 0 ? cutAt : nil)
        }
        try stack.start()
        defer { _ = stack.stop() }
        let intake = Intake(batches: caseload.batches, endpoint: stack.requests(.union))
        while !intake.finished.done {
            if !stack.waitForEnd(victim, timeout: .milliseconds(100)) { continue }
            try restartIfCut(stack, victim: victim, outcome: &outcome)
        }
        if let error = intake.finished.error { throw ServiceStack.Failure(description: error) }
        try await settle(stack, victim: victim, outcome: &outcome)
        let statuses = try stack.statuses()
        let report = try MessageCoding.decode(
            ProvinceReport.self, from: try stack.request(.coordinator, Operation.report))
        outcome.reportEqual = report == caseload.report
        let journals = Self.journals(statuses)
        if let cleanJournals {
            outcome.journalDifferences = Set(journals.keys).union(cleanJournals.keys).sorted().filter {
                journals[$0] != cleanJournals[$0]
            }.map { "\($0): \(journals[$0] ?? 0) against \(cleanJournals[$0] ?? 0)" }
        }
        outcome.alarms = Self.alarms(statuses)
        let exits = stack.stop()
        #expect(exits.values.allSatisfy { $0 == .some(0) }, "\(exits)")
        var operations: [Agency: Int] = [:]
        for agency in Agency.allCases {
            operations[agency] = PowerCut.operationsCounted(
                in: (try? String(contentsOf: stack.log(agency), encoding: .utf8)) ?? ""
            ).reduce(0, +)
        }
        return (outcome, journals, operations)
    }

    /// The seeds of `make test` (1 to 3) and of a soak run by hand (`make powercut-soak`: `JIEKUN_POWERCUT_SEEDS`
    /// seeds from `JIEKUN_POWERCUT_FIRST_SEED`).
    static var seeds: [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["JIEKUN_POWERCUT_SEEDS"].flatMap(UInt64.init) ?? 3
        let first = environment["JIEKUN_POWERCUT_FIRST_SEED"].flatMap(UInt64.init) ?? 1
        return Array(first..<(first + max(1, count)))
    }

    @Test("A busy run cut at seeded points: every run ends equal to a clean run's, or with an alarm naming it")
    func busyRunCut() async throws {
        let households = ProcessInfo.processInfo.environment["JIEKUN_POWERCUT_HOUSEHOLDS"].flatMap(Int.init) ?? 200
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-powercut-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let caseload = try Self.caseload(households: households, seed: 2017, folder: folder)
        // The clean run, under the shim without a cut: the journals' lengths, and each service's operations (the
        // range of the cut points).
        let (clean, cleanJournals, operations) = try await Self.run(
            seed: 0, victim: .union, cutAt: 0, caseload: caseload, cleanJournals: nil)
        print(
            "power cut: a clean run under the shim: operations \(operations.sorted { $0.key.rawValue < $1.key.rawValue })"
        )
        #expect(clean.reportEqual, "the clean run's report differs from the sequential run's")
        #expect(clean.alarms.isEmpty, "\(clean.alarms)")
        #expect(!clean.cut)
        var outcomes: [Outcome] = []
        let victims: [Agency] = [.union, .housing, .coordinator, .civilAffairs, .medicalInsurance]
        for seed in Self.seeds {
            var random = SeededGenerator(seed: seed)
            let victim = victims[Int(random.next() % UInt64(victims.count))]
            // Anywhere in the first 80 % of the victim's operations in the clean run (the rest is mostly its stop).
            let range = max(1, (operations[victim] ?? 0) * 4 / 5)
            let cutAt = 1 + Int(random.next() % UInt64(range))
            let (outcome, _, _) = try await Self.run(
                seed: seed, victim: victim, cutAt: cutAt, caseload: caseload, cleanJournals: cleanJournals)
            outcomes.append(outcome)
            print("power cut: \(outcome)")
            // Never a silent difference: equal, or an alarm.
            #expect(
                (outcome.reportEqual && outcome.journalDifferences.isEmpty) || !outcome.alarms.isEmpty,
                "\(outcome)")
            // A cut loses nothing acknowledged (every store syncs each commit): no alarm is expected either.
            #expect(outcome.alarms.isEmpty, "\(outcome)")
        }
        #expect(outcomes.contains { $0.cut }, "no run reached its cut point: \(outcomes)")
    }
}
