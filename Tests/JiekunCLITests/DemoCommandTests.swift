import Foundation
import TestSupport
import Testing

@testable import JiekunCLI

/// `jiekun demo` on a small caseload: the seven services as separate processes (CURVE on loopback, ports moved
/// by a free offset, ``LocalPorts/freeOffset()``), their report against the sequential run of the file.
@Suite("jiekun demo", .serialized)
struct DemoCommandTests {
    /// Runs the demo in a fresh folder, its ports moved by a free offset, and returns what it printed.
    static func demo(_ extra: [String]) throws -> CommandRunner.Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try CommandRunner.run(
            "jiekun",
            [
                "demo", "--households", "300", "--seed", "7", "--folder", folder.path, "--port-offset",
                "\(try LocalPorts.freeOffset())",
            ] + extra,
            currentDirectory: Fixtures.packageRoot)
    }

    @Test("Distributed equals sequential: the coordinator's report on 300 households equals ProgrammeRun's")
    func distributedEqualsSequential() throws {
        let statsFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jiekun-work-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: statsFile) }
        let result = try Self.demo(["--stats-json", statsFile.path])
        #expect(result.status == 0, "\(result.text)\n\(result.error)")
        #expect(result.text.contains("Distributed vs sequential"), "\(result.text)")
        #expect(result.text.contains("): identical\n"), "\(result.text)")
        #expect(
            result.text.contains(
                "Maker-checker (经办 → 审核): staff decisions by pair: none (every department decides by rule, auto "
                    + "mode); self-approvals refused: 0\n"), "\(result.text)")
        #expect(result.text.contains("3. Imported at the union registry"), "\(result.text)")
        #expect(result.text.contains("4. Relapses (返困): of the households chosen"), "\(result.text)")
        #expect(
            result.text.contains("the import acts as union-registry-0001, the report as coordinator-0001"),
            "\(result.text)")
        #expect(result.text.contains("Refused rows: "), "\(result.text)")
        #expect(result.text.contains("every one exited with status 0"), "\(result.text)")

        // The work tables: a row per service and a total row, after the processor time; counts, then per household.
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        let title = try #require(lines.firstIndex { $0.hasPrefix("Work per service since it started (") })
        let processor = try #require(lines.firstIndex { $0.hasPrefix("Processor time: ") })
        #expect(title > processor)
        let filedText = try #require(lines[title].split(separator: "(").last?.split(separator: " ").first)
        let filed = try #require(Int64(filedText))
        #expect(filed > 0)
        #expect(result.text.contains("\(filed) households filed"), "\(result.text)")
        try #require(lines.count > title + 20)
        let header = lines[title + 1].split(separator: " ").map(String.init)
        #expect(header == ["service"] + DemoCommand.countColumns)
        #expect(lines[title + 10] == "Work per household filed (each count ÷ \(filed)):")
        var rows: [String: [Int64]] = [:]
        for line in lines[(title + 2)...(title + 9)] {
            let cells = line.split(separator: " ")
            try #require(cells.count == 17, "\(line)")
            rows[String(cells[0])] = try cells.dropFirst().map { try #require(Int64($0)) }
        }
        let services = [
            "union-registry", "hr-employment", "medical-insurance", "education-aid", "housing", "civil-affairs",
            "coordinator",
        ]
        #expect(Set(rows.keys) == Set(services + ["total"]))
        let total = try #require(rows["total"])
        for column in DemoCommand.countColumns.indices {
            #expect(total[column] == services.reduce(0) { $0 + (rows[$1]?[column] ?? 0) }, "column \(column)")
        }
        // Columns: received 0, replayed 1, applied 2, duplicates 3, refused 4, published 5, journaled 6, journal
        // bytes 7, rows 8, commits 9, JSON encodes 10 and decodes 11, envelopes written 12 and read 13, requests 14,
        // store bytes 15.
        // No event refused; every event received was applied.
        #expect(total[4] == 0 && total[3] == 0)
        #expect(total[0] == total[2])
        // The union journals every filed household once on each of its six household feeds (five departments and
        // the coordinator), plus its support answers.
        let union = try #require(rows["union-registry"])
        #expect(union[6] >= filed * 6)
        for service in services {
            let row = try #require(rows[service])
            // Each service writes rows, at least one per entry it journals, in transactions; it encodes and decodes
            // JSON; it answered the demo's `status` requests; its store is on disk.
            #expect(row[8] > 0 && row[8] >= row[6] && row[9] > 0, "\(service)")
            #expect(row[10] > 0 && row[11] > 0 && row[14] > 0 && row[15] > 0, "\(service)")
            // Its publisher sends each entry it journals once, live; it writes an envelope for each.
            #expect(row[5] == row[6] && row[12] >= row[6], "\(service)")
            // It reads an envelope for each event it receives.
            #expect(row[13] >= row[0], "\(service)")
        }
        // Each of the union's events has at least one consumer, and every consumer has applied everything.
        #expect(total[2] >= union[6])
        // `--stats-json`: the same counts, for benchmarks.
        let statistics = try JSONDecoder().decode(
            DemoCommand.WorkStatistics.self, from: try Data(contentsOf: statsFile))
        #expect(statistics.households == Int(filed))
        #expect(statistics.total.counts == total)
        #expect(statistics.services["union-registry"]?.counts == union)
    }

    @Test("Housing killed with SIGKILL after the import and restarted on its store: the report is still identical")
    func housingCrashes() throws {
        let result = try Self.demo(["--crash", "housing", "--batch", "50"])
        #expect(result.status == 0, "\(result.text)\n\(result.error)")
        #expect(result.text.contains("housing killed (SIGKILL)"), "\(result.text)")
        #expect(result.text.contains("): identical\n"), "\(result.text)")
        #expect(result.text.contains("every one exited with status 0"), "\(result.text)")
    }
}
