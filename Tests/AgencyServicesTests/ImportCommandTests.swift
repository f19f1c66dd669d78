import AgencyDesks
import EventFabric
import Foundation
import HouseholdDomain
import TestSupport
import Testing

/// `jiekun import` against the union registry built in process: a GBK file and an `.xlsx` workbook filed, and the
/// per-household results on the terminal and in the results file (issue 15, item 9).
@Suite("jiekun import: formats and per-household results")
struct ImportCommandTests {
    /// The sample, then a household not eligible (KM-2017-0009, rows 9–10: two people, 3,000 yuan, cause 无劳动能力;
    /// S = 496 in 五华区 in 2017) and one refused (KM-2017-0010, row 11: a wrong check character).
    static func csv() throws -> String {
        var text = try String(contentsOf: Fixtures.sampleHouseholds, encoding: .utf8)
        // (The sample ends with CRLF, one Character: `hasSuffix("\n")` would not see it.)
        if text.utf8.last != UInt8(ascii: "\n") { text += "\n" }
        let blank = ",否,否,否,否,否,某单位,,"
        text += "KM-2017-0009,530102,2017-04-01,3000,,自购房,无劳动能力,\(blank)刘某,530102198001010015,本人,健康,在岗,无,已参保,已参保,否\n"
        text += "KM-2017-0009,,,,,,,,,,,,,,,陈某,530102198202020025,配偶,健康,在岗,无,已参保,已参保,否\n"
        text += "KM-2017-0010,530102,2017-04-02,500,,租房,下岗失业,\(blank)周某,530102197003030032,本人,健康,下岗,无,已参保,已参保,否\n"
        return text
    }

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-import-\(UUID().uuidString)-\(name)")
    }

    /// The file in GB18030, as a Chinese spreadsheet's plain CSV export writes it.
    static func gbk(_ text: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    @Test("a GBK file: read as such, each household's result on the terminal and in the results file")
    func gbkFileAndResults() async throws {
        let input = Self.temporary("households.csv")
        let results = Self.temporary("results.csv")
        try Self.gbk(try Self.csv()).write(to: input)
        defer {
            try? FileManager.default.removeItem(at: input)
            try? FileManager.default.removeItem(at: results)
        }
        try await UnionOperationsTests.withUnion { client in
            let endpoint = client.endpoint
            let run = try CommandRunner.run(
                "jiekun", ["import", input.path, "--endpoint", endpoint, "--results", results.path, "--batch", "2"])
            #expect(run.status == 1, "one household refused: \(run.error)")
            let lines = run.text.components(separatedBy: "\n")
            #expect(lines.first == "\(input.path): 读取为 GBK (GB18030) 编码的 CSV (read as GBK (GB18030))")
            #expect(lines.contains("已建档 3，不符合条件 1，不予受理 1 (filed 3, not eligible 1, refused 1)"), "\(run.text)")
            #expect(run.text.contains("不予受理 (refused) 1:\n  KM-2017-0010: 第 11 行，公民身份号码 \"530102********0032\""))
            #expect(run.text.contains("不符合条件 (not eligible) 1:\n  第 9 行 KM-2017-0009：人均月收入 1500.00 元不低于低保标准"))
            #expect(!run.text.contains("530102197003030032"), "identity numbers masked")

            let bytes = try Data(contentsOf: results)
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte order mark, for Excel")
            let rows = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(rows.first == "行号 (row),档案编号 (file number),结果 (result),原因 (reason)")
            #expect(rows.count == 7 && rows.last == "", "a header, five households, a final line break")
            try #require(rows.count == 7)
            #expect(rows[1].hasPrefix("2,KM-2017-0001,已建档 (filed),第1类 (category 1)；帮扶责任人 helper-a (helper)"))
            #expect(rows[2].hasPrefix("5,QJ-2017-0007,已建档 (filed),第3类 (category 3)"))
            #expect(rows[3].hasPrefix("7,DL-2017-0042,已建档 (filed),第3类 (category 3)"))
            #expect(
                rows[4].hasPrefix(
                    "9,KM-2017-0009,不符合条件 (not eligible),人均月收入 1500.00 元不低于低保标准 496.00 元；"
                        + "家庭月收入超过第二类上限；无第二类致困原因；"), "\(rows[4])")
            #expect(rows[4].contains("(§3.1 category 1: per-capita income 1500.00 is not below S 496.00"))
            #expect(
                rows[5].hasPrefix("11,KM-2017-0010,不予受理 (refused),\"第 11 行，公民身份号码 \"\"530102********0032\"\"："),
                "quoted, its quotes doubled: \(rows[5])")
        }
    }

    @Test("an .xlsx workbook files as the CSV does; --show 0 lists nothing, the note points to the results file")
    func workbook() async throws {
        let results = Self.temporary("results.csv")
        defer { try? FileManager.default.removeItem(at: results) }
        let workbook = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/import/households.xlsx").path
        try await UnionOperationsTests.withUnion { client in
            let endpoint = client.endpoint
            let first = try CommandRunner.run(
                "jiekun", ["import", workbook, "--endpoint", endpoint, "--results", results.path])
            #expect(first.status == 0, "\(first.error)")
            #expect(first.text.hasPrefix("\(workbook): 读取为 .xlsx 工作簿，第一个工作表“困难职工档案”"), "\(first.text)")
            #expect(first.text.contains("已建档 3，不符合条件 0，不予受理 0 (filed 3, not eligible 0, refused 0)"))
            // Again: every household already on the register, none listed, the results file named.
            let again = try CommandRunner.run(
                "jiekun", ["import", workbook, "--endpoint", endpoint, "--results", results.path, "--show", "0"])
            #expect(again.status == 1)
            #expect(
                again.text.contains("不予受理 (refused) 3:\n  … 另有 3 户 (3 more)，见结果文件 \(results.path)"), "\(again.text)")
            let rows = try String(contentsOf: results, encoding: .utf8).components(separatedBy: "\r\n")
            #expect(
                rows.dropFirst().prefix(3).map { $0.prefix(16) } == [
                    "2,KM-2017-0001,不", "5,QJ-2017-0007,不", "7,DL-2017-0042,不",
                ])
        }
    }
}
