import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ServiceRuntime
import ServiceStack
import TestSupport
import Testing

/// Tamper-evident journals on the seven services as processes (docs/SECURITY.md, docs/OPERATIONS.md): every
/// consumer keeps its publishers' signed heads; `jiekun reconcile` says in step, behind or diverged; `jiekun
/// verify` finds an edited, a deleted and a rewritten journal row and names it; `jiekun evidence` writes a file
/// that `jiekun verify` proves.
@Suite("Evidence on the seven services", .serialized)
struct EvidenceStackTests {
    /// Every agency's status, keyed by its name as `Reconciliation` takes them.
    static func statuses(_ stack: ServiceStack) throws -> [String: StatusReport] {
        Dictionary(uniqueKeysWithValues: try stack.statuses().map { ($0.key.rawValue, $0.value) })
    }

    /// Reconciles a live stack as `jiekun reconcile` does.
    static func reconcile(_ stack: ServiceStack, statuses: [String: StatusReport]) throws -> [Reconciliation.Line] {
        var answers: [String: StatusReport] = [:]
        for (publisher, chains) in Reconciliation.questions(statuses) {
            let agency = try #require(Agency(rawValue: publisher))
            answers[publisher] = try StatusReport.decode(
                try stack.request(
                    agency, StatusReport.operation,
                    body: try MessageCoding.encode(StatusReport.ChainQuery(chains: chains))))
        }
        return Reconciliation.lines(statuses: statuses, answers: answers)
    }

    /// Whether every consumer keeps a signed head of its publisher's current head, on every feed.
    static func headsKept(_ statuses: [String: StatusReport]) -> Bool {
        var heads: [String: UInt64] = [:]
        for status in statuses.values { heads.merge(status.journal ?? [:]) { max($0, $1) } }
        return statuses.values.allSatisfy { status in
            (status.cursors ?? [:]).keys.allSatisfy { feed in
                status.heldHeads?[feed]?.first?.sequence == heads[feed]
            }
        }
    }

    @Test("Signed heads are kept; reconcile in step, behind, diverged; verify and evidence on the stores")
    func evidence() async throws {
        let stack = try SevenServicesTests.stack(secure: false)
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()
        defer { _ = stack.stop() }
        _ = try stack.statuses()
        let csv = try String(contentsOfFile: SevenServicesTests.sampleCSV, encoding: .utf8)
        _ = try stack.request(
            .union, Operation.register, body: try MessageCoding.encode(RegisterRequest(csv: csv)))
        #expect(try await stack.settle(exits: 3), "not settled\n\(stack.tails())")
        #expect(waitUntil(timeout: .seconds(30)) { (try? Self.headsKept(Self.statuses(stack))) == true })

        // In step: every consumer of every feed, and no alarm.
        let settled = try Self.statuses(stack)
        let lines = try Self.reconcile(stack, statuses: settled)
        #expect(lines.count > 10)
        #expect(lines.allSatisfy { $0.state == .inStep }, "\(lines.filter { $0.state != .inStep })")
        #expect(settled.values.allSatisfy { $0.feeds.values.allSatisfy { ($0.headsRefused ?? 0) == 0 } })
        let command = try CommandRunner.run(
            "jiekun", ["reconcile", "--folder", stack.folder.appendingPathComponent("config").path])
        #expect(command.status == 0, "\(command.error)")
        #expect(command.text.contains("households.housing") && command.text.contains("in step"))
        #expect(!command.text.contains("DIVERGED") && !command.text.contains("behind"))

        // Behind: every consumer's status as it stood, against the union after 40 more households were filed.
        let sample = stack.folder.appendingPathComponent("more.csv").path
        let sampled = try CommandRunner.run(
            "jiekun", ["sample", "--households", "40", "--seed", "17", "--mistake-rate", "0", "--output", sample])
        #expect(sampled.status == 0, "\(sampled.error)")
        _ = try stack.request(
            .union, Operation.register,
            body: try MessageCoding.encode(RegisterRequest(csv: try String(contentsOfFile: sample, encoding: .utf8))))
        let unionBefore = try #require(settled["union-registry"]?.journal)
        let unionLater = try #require(try Self.statuses(stack)["union-registry"])
        var later = settled
        later["union-registry"] = unionLater
        let unionLines = Reconciliation.lines(statuses: later).filter { $0.publisher == "union-registry" }
        #expect(!unionLines.isEmpty)
        for line in unionLines {
            let moved = (unionLater.journal?[line.feed] ?? 0) - (unionBefore[line.feed] ?? 0)
            #expect(line.state == (moved == 0 ? .inStep : .behind(moved)), "\(line)")
        }
        #expect(unionLines.contains { if case .behind = $0.state { true } else { false } })
        // The 40 households' exits and closures come later: quiet before the journal is rewritten below, so that
        // the union's next heartbeat signs the rewritten hash for the very position housing holds a head of.
        #expect(try await stack.settle(), "not settled\n\(stack.tails())")
        #expect(waitUntil(timeout: .seconds(30)) { (try? Self.headsKept(Self.statuses(stack))) == true })
        let unionSettled = try #require(try Self.statuses(stack)["union-registry"]?.journal)

        // The stores as they are: the union's journal verifies against the heads housing kept; an evidence file
        // of one household is proven with the union's signing key.
        let union = stack.folder.appendingPathComponent("stores/union-registry.sqlite").path
        let housing = stack.folder.appendingPathComponent("stores/housing.sqlite").path
        let unionKey = try #require(stack.signingKeys[.union]).description
        let verified = try CommandRunner.run("jiekun", ["verify", union, "--heads", housing, "--key", unionKey])
        #expect(verified.status == 0, "\(verified.error)")
        #expect(verified.text.contains("intact"))
        // The same with the heads housing exports as JSON lines, as an operator sends them to the union's.
        let exported = try CommandRunner.run(
            "jiekun", ["feed", "heads", "--config", stack.configuration(.housing).path])
        #expect(exported.status == 0, "\(exported.error)")
        #expect(exported.text.contains(#""publisher":"union-registry""#))
        let headsFile = stack.folder.appendingPathComponent("housing-heads.jsonl")
        try exported.text.write(to: headsFile, atomically: true, encoding: .utf8)
        let fromFile = try CommandRunner.run(
            "jiekun", ["verify", union, "--heads", headsFile.path, "--key", unionKey])
        #expect(fromFile.status == 0 && fromFile.text.contains("intact"), "\(fromFile.error)")
        let own = try CommandRunner.run(
            "jiekun", ["feed", "heads", "--config", stack.configuration(.union).path, "--own"])
        #expect(own.status == 0 && own.text.contains(#""feed":"households.housing""#), "\(own.error)")
        let evidenceFile = stack.folder.appendingPathComponent("KM-2017-0001.evidence.json").path
        let made = try CommandRunner.run(
            "jiekun",
            [
                "evidence", "--household", "KM-2017-0001", "--config", stack.configuration(.union).path, "--output",
                evidenceFile,
            ])
        #expect(made.status == 0, "\(made.error)")
        let mode = try FileManager.default.attributesOfItem(atPath: evidenceFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let proven = try CommandRunner.run("jiekun", ["verify", evidenceFile, "--key", unionKey])
        #expect(proven.status == 0, "\(proven.error)")
        #expect(proven.text.contains("proven"))

        // An edited and a deleted row, in a copy of the union's store: found and named.
        let copy = stack.folder.appendingPathComponent("union-copy.sqlite").path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let live = try DatabaseQueue(path: union, configuration: configuration)
        try live.backup(to: try DatabaseQueue(path: copy))
        let edited = try DatabaseQueue(path: copy)
        try await edited.write { db in
            try db.execute(
                sql: "UPDATE journal SET payload = CAST(REPLACE(CAST(payload AS TEXT), 'KM-2017-0001', 'KM-2017-0002') "
                    + "AS BLOB) WHERE feed = 'households.housing' AND sequence = 1")
            try db.execute(sql: "DELETE FROM journal WHERE feed = 'households.coordinator' AND sequence = 2")
        }
        try edited.close()
        let found = try CommandRunner.run("jiekun", ["verify", copy])
        #expect(found.status == 4)
        #expect(found.error.contains("households.housing #1: edited"), "\(found.error)")
        #expect(found.error.contains("households.coordinator #2: deleted"), "\(found.error)")

        // A forger rewrites the union's live journal from position 1 of households.housing, hashes and all: the
        // chain holds, but housing's kept heads do not, and reconcile says where.
        let incarnation = try #require(settled["union-registry"]?.incarnation)
        try await live.write { db in
            var previous = JournalChain.start(feed: "households.housing", incarnation: incarnation, suite: .standard)
            let rows = try Row.fetchAll(
                db, sql: "SELECT sequence, payload FROM journal WHERE feed = 'households.housing' ORDER BY sequence")
            for row in rows {
                let sequence: Int64 = row[0]
                var payload = Array(row[1] as Data)
                if sequence == 1 {
                    payload = Array(
                        String(decoding: payload, as: UTF8.self).replacingOccurrences(
                            of: "KM-2017-0001", with: "KM-2017-0002"
                        ).utf8)
                }
                previous = JournalChain.link(
                    after: previous, sequence: UInt64(sequence), incarnation: incarnation, payload: payload,
                    suite: .standard)
                try db.execute(
                    sql: "UPDATE journal SET payload = ?, chain = ? WHERE feed = 'households.housing' AND sequence = ?",
                    arguments: [Data(payload), Data(previous), sequence])
            }
        }
        try live.close()
        let chainOnly = try CommandRunner.run("jiekun", ["verify", union, "--feed", "households.housing"])
        #expect(chainOnly.status == 0, "the rewritten chain links: \(chainOnly.error)")
        let againstHeads = try CommandRunner.run(
            "jiekun", ["verify", union, "--feed", "households.housing", "--heads", housing])
        #expect(againstHeads.status == 4)
        #expect(againstHeads.error.contains("households.housing #") && againstHeads.error.contains("diverged"))
        let rewritten = try Self.reconcile(stack, statuses: try Self.statuses(stack))
        let housingLine = rewritten.first { $0.feed == "households.housing" && $0.consumer == "housing" }
        guard case .diverged(let position, _) = housingLine?.state else {
            Issue.record("housing on households.housing is not diverged: \(String(describing: housingLine))")
            return
        }
        #expect(position >= 1 && position <= (unionSettled["households.housing"] ?? 0))
        let cli = try CommandRunner.run(
            "jiekun", ["reconcile", "--folder", stack.folder.appendingPathComponent("config").path])
        #expect(cli.status == 3)
        #expect(cli.text.contains("DIVERGED at position"))
        // The publisher now signs another hash for a position housing holds a head of: an alarm at housing.
        #expect(
            waitUntil(timeout: .seconds(30)) {
                let refused = (try? stack.statuses())?[.housing]?.feeds["households.housing"]?.headsRefused
                return (refused ?? 0) > 0
            })
    }

    @Test("A consumer that knows another signing key for its publisher raises an alarm, logged and in its status")
    func unknownSigningKey() throws {
        let stack = try SevenServicesTests.stack(secure: false)
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        // Housing is told another key for the union than the one the union signs with.
        let configuration = stack.configuration(.housing)
        let union = try #require(stack.signingKeys[.union]).description
        let stranger = try SigningKey.generate().publicKey.description
        let text = try String(contentsOf: configuration, encoding: .utf8)
        #expect(text.contains(union))
        try text.replacingOccurrences(of: union, with: stranger).write(
            to: configuration, atomically: true, encoding: .utf8)
        try stack.start()
        defer { _ = stack.stop() }
        #expect(
            waitUntil(timeout: .seconds(30)) {
                let refused = (try? stack.statuses())?[.housing]?.feeds["households.housing"]?.headsRefused
                return (refused ?? 0) > 0
            })
        let log = try String(contentsOf: stack.log(.housing), encoding: .utf8)
        #expect(
            log.split(separator: "\n").contains {
                $0.contains("signed head refused") && $0.contains("head.problem=unknown-key")
                    && $0.contains("feed.publisher=union-registry") && $0.contains("households.housing")
            }, "\(stack.tail(.housing))")
        // Nothing of the union was kept at housing; the other consumers keep the union's heads.
        let statuses = try stack.statuses()
        #expect(statuses[.housing]?.heldHeads?["households.housing"] == nil)
        #expect(
            waitUntil(timeout: .seconds(30)) {
                ((try? stack.statuses())?[.coordinator]?.heldHeads?["households.coordinator"]?.isEmpty ?? true) == false
            })
        let status = try CommandRunner.run("jiekun", ["status"] + stack.endpointArguments(.housing))
        #expect(status.text.contains("SIGNED HEADS REFUSED households.housing"), "\(status.text) \(status.error)")
    }
}
