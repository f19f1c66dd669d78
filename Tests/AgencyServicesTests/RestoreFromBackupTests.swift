import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import ServiceRuntime
import ServiceStack
import TestSupport
import Testing

/// docs/OPERATIONS.md "Restoring an agency from a backup", rehearsed step by step on the seven services as
/// processes: an agency's store is replaced by an online backup taken before the last part of the caseload was
/// filed, while its peers keep running; the feeds that went backwards stop, are fenced and resumed with `jiekun
/// feed fence` and `jiekun feed resume`, the households filed since the backup are imported again, and the run ends
/// with the coordinator's report equal to a clean run's.
@Suite("Restoring an agency from a backup, by the procedure", .serialized)
struct RestoreFromBackupTests {
    /// The store file of an agency in a stack.
    static func store(_ stack: ServiceStack, _ agency: Agency) -> String {
        stack.folder.appendingPathComponent("stores/\(agency.rawValue).sqlite").path
    }

    /// The status of every agency but `stopped` (`jiekun status` at each).
    static func statuses(_ stack: ServiceStack, except stopped: Agency) throws -> [Agency: StatusReport] {
        var statuses: [Agency: StatusReport] = [:]
        for agency in Agency.allCases where agency != stopped {
            statuses[agency] = try StatusReport.decode(try stack.request(agency, StatusReport.operation))
        }
        return statuses
    }

    /// Files batches at the union and waits for each answer.
    static func file(_ batches: ArraySlice<CSVBatches.Batch>, at stack: ServiceStack) throws -> [RegisterReply] {
        try batches.map { batch in
            try MessageCoding.decode(
                RegisterReply.self,
                from: try stack.request(
                    .union, Operation.register,
                    body: try MessageCoding.encode(RegisterRequest(csv: batch.csv, rows: batch.rows))))
        }
    }

    /// Takes an online backup of a running service's store, as `sqlite3 STORE ".backup FILE"` does (SQLite's online
    /// backup, through GRDB).
    static func backup(_ path: String, to copy: String) throws {
        let source = try DatabaseQueue(path: path)
        let destination = try DatabaseQueue(path: copy)
        try source.backup(to: destination)
        try source.close()
        try destination.close()
    }

    /// Moves a store and its `-wal` and `-shm` files aside (step 1: keep the replaced store, the evidence of what
    /// was lost) and puts the backup in its place.
    static func replace(_ path: String, by backup: String) throws {
        let files = FileManager.default
        for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
            try files.moveItem(atPath: path + suffix, toPath: path + ".replaced" + suffix)
        }
        try files.copyItem(atPath: backup, toPath: path)
    }

    /// A configuration without its `upstream:` section: the service publishes its restored journal's heads but
    /// consumes nothing, so it journals nothing new until its consumers have stopped the feeds that went back.
    static func withoutUpstream(_ configuration: String) -> String {
        var lines: [Substring] = []
        var skipping = false
        for line in configuration.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("upstream:") {
                skipping = true
                continue
            }
            if skipping, let first = line.first, first != " ", first != "-", first != "#" { skipping = false }
            if !skipping { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }

    /// The restored agency's published feeds whose consumers stopped them, with the highest cursor of each.
    static func stoppedFeeds(_ statuses: [Agency: StatusReport], publisher: Agency) -> [String: (
        consumers: [Agency], highest: UInt64
    )] {
        var stopped: [String: (consumers: [Agency], highest: UInt64)] = [:]
        for feed in Feed.all where feed.publisher == publisher {
            for consumer in feed.consumers where statuses[consumer]?.diverged?[feed.name] != nil {
                let cursor = statuses[consumer]?.cursors?[feed.name] ?? 0
                let previous = stopped[feed.name] ?? ([], 0)
                stopped[feed.name] = (previous.consumers + [consumer], max(previous.highest, cursor))
            }
        }
        return stopped
    }

    /// The whole rehearsal for one agency; returns what the run found, for the suite's expectations.
    static func rehearse(restoring agency: Agency) async throws -> (
        report: ProvinceReport, expected: ProvinceReport, alarms: [String], stopped: [String], expectedStops: [String],
        refiled: Int
    ) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-restore-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let caseload = try PowerCutTests.caseload(households: 120, seed: 2018, folder: folder)
        let beforeBackup = caseload.batches.prefix(caseload.batches.count / 2)
        let afterBackup = caseload.batches.dropFirst(beforeBackup.count)

        let stack = try SevenServicesTests.stack(secure: false)
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()
        defer { _ = stack.stop() }
        _ = try stack.statuses()
        _ = try Self.file(beforeBackup, at: stack)
        #expect(try await stack.settle(), "\(stack.tails())")
        let backup = folder.appendingPathComponent("\(agency.rawValue)-backup.sqlite").path
        try Self.backup(Self.store(stack, agency), to: backup)
        // The peers go on: the rest of the caseload is filed, and applied everywhere.
        let filedAfter = try Self.file(afterBackup, at: stack)
        #expect(try await stack.settle(), "\(stack.tails())")
        // The feeds that must stop: those of the agency whose consumers applied beyond the backup's journal.
        let backupHeads = try StorePositions.read(path: backup).heads
        let before = try stack.statuses()
        // Every consumer whose cursor is beyond the backup's journal must stop that feed.
        let expectedConsumers = Dictionary(
            uniqueKeysWithValues: Feed.all.filter { $0.publisher == agency }.map { feed in
                (
                    feed.name,
                    feed.consumers.filter {
                        (before[$0]?.cursors?[feed.name] ?? 0) > (backupHeads[feed.name] ?? 0)
                    }.map(\.rawValue).sorted()
                )
            }
        ).filter { !$0.value.isEmpty }
        let expectedStops = expectedConsumers.keys.sorted()
        #expect(!expectedStops.isEmpty)

        // 1. Stop the agency's service; the backup in place of its store (the replaced one kept aside).
        #expect(stack.stop(agency) == 0)
        try Self.replace(Self.store(stack, agency), by: backup)
        // 2. Every consumer of its feeds is running (status answers).
        _ = try Self.statuses(stack, except: agency)
        // 3. Start the restored service without its upstream feeds (its configuration kept aside), so that it
        // journals nothing before its consumers have compared positions.
        let configuration = stack.configuration(agency)
        let original = try String(contentsOf: configuration, encoding: .utf8)
        try Self.withoutUpstream(original).write(to: configuration, atomically: true, encoding: .utf8)
        try stack.start(agency)
        // 4. Every consumer that applied more than the restored journal holds stops that feed and says so.
        var stopped: [String: (consumers: [Agency], highest: UInt64)] = [:]
        _ = waitUntil(timeout: .seconds(30)) {
            guard let statuses = try? stack.statuses() else { return false }
            stopped = Self.stoppedFeeds(statuses, publisher: agency)
            return stopped.mapValues { $0.consumers.map(\.rawValue).sorted() } == expectedConsumers
        }
        // `jiekun feed positions` at a consumer prints the same from its store (exit status 3: a feed stopped).
        if let (feed, stop) = stopped.first, let consumer = stop.consumers.first {
            let positions = try CommandRunner.run("jiekun", ["feed", "positions", Self.store(stack, consumer)])
            #expect(positions.status == 3 && positions.text.contains(feed), "\(positions.text)\(positions.error)")
        }
        // 5. Stop the restored service; fence each stopped feed through its consumers' highest cursor; start it.
        #expect(stack.stop(agency) == 0)
        var heads: [String: String] = [:]
        for (feed, stop) in stopped {
            let fenced = try CommandRunner.run(
                "jiekun", ["feed", "fence", Self.store(stack, agency), "--feed", feed, "--through", "\(stop.highest)"])
            #expect(fenced.status == 0, "\(fenced.error)")
            heads[feed] = fenced.text.split(separator: " ").last.map { String($0.dropLast()) }
            #expect(heads[feed]?.hasSuffix("/\(stop.highest)") == true, "\(fenced.text)")
        }
        try stack.start(agency)
        // 6. At each stopped consumer, its service stopped: resume the feed at the fenced head; start it.
        for consumer in Set(stopped.values.flatMap(\.consumers)).sorted(by: { $0.rawValue < $1.rawValue }) {
            #expect(stack.stop(consumer) == 0)
            for (feed, stop) in stopped where stop.consumers.contains(consumer) {
                let resumed = try CommandRunner.run(
                    "jiekun",
                    ["feed", "resume", Self.store(stack, consumer), "--feed", feed, "--head", heads[feed] ?? "-"])
                #expect(resumed.status == 0, "\(resumed.error)")
            }
            try stack.start(consumer)
        }
        // 7. Enter again at the restored agency what it lost: for the union, import again the households filed
        // since the backup (the same file numbers), before it hears the coordinator's exits again.
        var refiled = 0
        if agency == .union {
            refiled = try Self.file(afterBackup, at: stack).reduce(0) { sum, reply in
                sum + reply.households.filter { $0.status == .filed }.count
            }
        }
        // 8. Stop it, give it its configuration back, start it: it catches up on its upstream feeds from the
        // backup's cursors (a department re-derives its decisions from the union's feed, after the fences).
        #expect(stack.stop(agency) == 0)
        try original.write(to: configuration, atomically: true, encoding: .utf8)
        try stack.start(agency)
        #expect(try await stack.settle(), "\(stack.tails())")
        let statuses = try stack.statuses()
        let report = try MessageCoding.decode(
            ProvinceReport.self, from: try stack.request(.coordinator, Operation.report))
        #expect(filedAfter.flatMap(\.households).contains { $0.status == .filed })
        return (
            report, caseload.report, PowerCutTests.alarms(statuses), stopped.keys.sorted(), expectedStops, refiled
        )
    }

    @Test(
        "A department restored and started with its upstream feeds at once: a stop or a signed-head alarm, never silent"
    )
    func departmentRestoredWithoutHoldingItsUpstream() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-restore-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let caseload = try PowerCutTests.caseload(households: 120, seed: 2018, folder: folder)
        let beforeBackup = caseload.batches.prefix(caseload.batches.count / 2)
        let stack = try SevenServicesTests.stack(secure: false)
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()
        defer { _ = stack.stop() }
        _ = try stack.statuses()
        _ = try Self.file(beforeBackup, at: stack)
        #expect(try await stack.settle(), "\(stack.tails())")
        let backup = folder.appendingPathComponent("housing-backup.sqlite").path
        try Self.backup(Self.store(stack, .housing), to: backup)
        _ = try Self.file(caseload.batches.dropFirst(beforeBackup.count), at: stack)
        #expect(try await stack.settle(), "\(stack.tails())")
        #expect(PowerCutTests.alarms(try stack.statuses()).isEmpty, "an alarm before the restore")
        #expect(stack.stop(.housing) == 0)
        try Self.replace(Self.store(stack, .housing), by: backup)
        // Started with its configuration as it is: it replays the union's feed from the backup's cursors and
        // journals again under positions its consumers applied, racing their first heartbeat from it.
        try stack.start(.housing)
        var alarms: [String] = []
        let raised = waitUntil(timeout: .seconds(30)) {
            guard let statuses = try? stack.statuses() else { return false }
            alarms = PowerCutTests.alarms(statuses).filter { $0.contains(".housing") }
            return !alarms.isEmpty
        }
        // Whichever way the race goes, the coordinator says so: the feed stops (journal behind the cursor), or the
        // restored journal's heads are refused (signed later for earlier positions, or another hash at a position).
        #expect(raised, "no alarm after housing was restored\n\(stack.tails())")
        print("restore housing with its upstream at once: \(alarms)")
    }

    @Test("The union restored from an older copy: its consumers stop, fence and resume, re-import; report as clean")
    func unionRestored() async throws {
        let result = try await Self.rehearse(restoring: .union)
        // Every feed of the union that went backwards at a consumer was stopped there.
        #expect(result.stopped == result.expectedStops)
        #expect(result.refiled > 0)
        #expect(result.report == result.expected, "alarms: \(result.alarms)")
        print("restore union: stopped \(result.stopped), refiled \(result.refiled), alarms \(result.alarms)")
    }

    @Test("A department restored from an older copy: the coordinator stops, fences and resumes; report as clean")
    func departmentRestored() async throws {
        let result = try await Self.rehearse(restoring: .housing)
        #expect(result.stopped == result.expectedStops)
        #expect(result.report == result.expected, "alarms: \(result.alarms)")
        print("restore housing: stopped \(result.stopped), alarms \(result.alarms)")
    }
}
