import Foundation
import TestSupport
import Testing

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
        let result = try Self.demo([])
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

        // The work table: a row per service and a total row, after the processor time.
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        let title = try #require(lines.firstIndex { $0.hasPrefix("Work per service since it started (") })
        let processor = try #require(lines.firstIndex { $0.hasPrefix("Processor time: ") })
        #expect(title > processor)
        let filedText = try #require(lines[title].split(separator: "(").last?.split(separator: " ").first)
        let filed = try #require(Int64(filedText))
        #expect(filed > 0)
        #expect(result.text.contains("\(filed) households filed"), "\(result.text)")
        try #require(lines.count > title + 10)
        let header = lines[title + 1].split(separator: " ")
        #expect(header.first == "service")
        var rows: [String: [Int64]] = [:]
        for line in lines[(title + 2)...(title + 9)] {
            let cells = line.split(separator: " ")
            try #require(cells.count == 16, "\(line)")
            // service, applied, replayed, refused, published, journaled, journal KiB, rows, encodes, decodes (the
            // rest per household).
            rows[String(cells[0])] = try cells[1...9].map { try #require(Int64($0)) }
        }
        let services = [
            "union-registry", "hr-employment", "medical-insurance", "education-aid", "housing", "civil-affairs",
            "coordinator",
        ]
        #expect(Set(rows.keys) == Set(services + ["total"]))
        let total = try #require(rows["total"])
        for column in [0, 1, 2, 3, 4, 6, 7, 8] {
            #expect(total[column] == services.reduce(0) { $0 + (rows[$1]?[column] ?? 0) }, "column \(column)")
        }
        // No event refused; the union journals every filed household once on each of its six household feeds
        // (five departments and the coordinator), plus its support answers.
        #expect(total[2] == 0)
        let union = try #require(rows["union-registry"])
        #expect(union[4] >= filed * 6)
        // Each service writes rows, at least one per entry it journals; it encodes and decodes JSON.
        for service in services {
            let row = try #require(rows[service])
            #expect(row[6] > 0 && row[6] >= row[4], "\(service)")
            #expect(row[7] > 0 && row[8] > 0, "\(service)")
        }
        // Every service's publisher sends each entry it journals once, live.
        for service in services { #expect(rows[service]?[3] == rows[service]?[4], "\(service)") }
        // Each of the union's events has at least one consumer, and every consumer has applied everything.
        #expect(total[0] >= union[4])
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
