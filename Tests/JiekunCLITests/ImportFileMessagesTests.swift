import Foundation
import TestSupport
import Testing

/// `jiekun import` and `jiekun assess` name a file that is no import file for what it is, before anything is sent
/// (issue 15, item 9). The endpoint has no service: a command that sent anything would fail otherwise.
@Suite("jiekun import: files that are not import files")
struct ImportFileMessagesTests {
    static func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jiekun-import-\(UUID().uuidString)-\(name)")
        try Data(bytes).write(to: url)
        return url.path
    }

    static let nowhere = ["--endpoint", "tcp://127.0.0.1:1", "--timeout", "1"]

    @Test("an .xls file named .csv: error: what it is and what to do; exit 2; no results file")
    func xls() throws {
        let path = try Self.write(
            [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504), "form.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CommandRunner.run("jiekun", ["import", path] + Self.nowhere)
        #expect(run.status == 2)
        #expect(run.error.hasPrefix("error: \(path): 这是 Excel 97-2003 (.xls) 文件"), "\(run.error)")
        #expect(run.error.contains("(this is an .xls (Excel 97-2003) file: save it as .xlsx or CSV"))
        #expect(!run.error.contains("档案编号"))
        #expect(!FileManager.default.fileExists(atPath: path.replacingOccurrences(of: ".csv", with: ".results.csv")))
        let assessed = try CommandRunner.run("jiekun", ["assess", path])
        #expect(assessed.status == 2 && assessed.error.contains("this is an .xls (Excel 97-2003) file"))
    }

    @Test("a PDF: error: this is a PDF file; exit 2")
    func pdf() throws {
        let path = try Self.write(Array("%PDF-1.4\n%âãÏÓ\n".utf8), "form.pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CommandRunner.run("jiekun", ["import", path] + Self.nowhere)
        #expect(run.status == 2)
        #expect(
            run.error.contains("(this is a PDF file: import the spreadsheet itself, as .xlsx or CSV)"), "\(run.error)")
    }

    @Test("a GBK file without 档案编号: error: it was read as GBK, then the missing column; exit 2")
    func gbkWithoutFileNumber() throws {
        // 姓名,公民身份号码 LF 张某 LF in GBK.
        let path = try Self.write(
            [
                0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xB9, 0xAB, 0xC3, 0xF1, 0xC9, 0xED, 0xB7, 0xDD, 0xBA, 0xC5, 0xC2, 0xEB,
                0x0A, 0xD5, 0xC5, 0xC4, 0xB3, 0x0A,
            ], "form.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CommandRunner.run("jiekun", ["import", path] + Self.nowhere)
        #expect(run.status == 2)
        #expect(
            run.error == "error: \(path): 此 CSV 为 GBK 编码，已按 GBK 读取 (this CSV is GBK-encoded and was read as such); "
                + "no 档案编号 (file_number) column in the header\n", "\(run.error)")
    }

    @Test("--results naming the import file itself is refused before anything is sent")
    func resultsOverInput() throws {
        let sample = try Array(Data(contentsOf: Fixtures.sampleHouseholds))
        let path = try Self.write(sample, "households.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try CommandRunner.run("jiekun", ["import", path, "--results", path] + Self.nowhere)
        #expect(run.status == 2)
        #expect(run.error.contains("is the import file itself"), "\(run.error)")
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == sample, "the input is untouched")
    }
}

/// `jiekun assess` reads the GBK and `.xlsx` copies of the sample as it reads the sample, and says on stderr what it
/// read them as.
@Suite("jiekun assess: GBK and .xlsx")
struct AssessFormatsTests {
    @Test(
        "the same table as for the UTF-8 sample; a note names the format",
        arguments: [
            ("households-gbk.csv", "读取为 GBK (GB18030) 编码的 CSV (read as GBK (GB18030))"),
            ("households.xlsx", "读取为 .xlsx 工作簿，第一个工作表“困难职工档案” (read as .xlsx, first sheet \"困难职工档案\")"),
        ])
    func sameTable(_ name: String, _ note: String) throws {
        let policy = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path
        let sample = try CommandRunner.run("jiekun", ["assess", Fixtures.sampleHouseholds.path, "--policy", policy])
        #expect(sample.status == 0 && sample.error.isEmpty, "\(sample.error)")
        let path = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/import/\(name)").path
        let other = try CommandRunner.run("jiekun", ["assess", path, "--policy", policy])
        #expect(other.status == 0)
        #expect(other.text == sample.text)
        #expect(other.error == "note: \(path): \(note)\n")
    }
}
