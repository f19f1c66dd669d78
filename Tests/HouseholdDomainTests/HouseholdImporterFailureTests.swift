import Foundation
import HouseholdDomain
import Testing

/// Files that cannot be read at all (`ImportFailure`; `jiekun assess` exits with status 2).
@Suite("Household import: whole-file failures (docs/IMPORT-FORMAT.md)")
struct HouseholdImporterFailureTests {
    /// One failing file and the failure it must give.
    struct Case: Sendable, CustomTestStringConvertible {
        let spec: String
        let bytes: [UInt8]
        let reason: ImportFailure.Reason
        var testDescription: String { spec }
    }

    static let header = ImportFixture.sample.rows[0].joined(separator: ",")

    static let cases: [Case] = [
        Case(spec: "empty file", bytes: [], reason: .empty),
        Case(spec: "a byte order mark only", bytes: [0xEF, 0xBB, 0xBF], reason: .empty),
        Case(spec: "line breaks and spaces only", bytes: Array("\n \r\n\t\n".utf8), reason: .empty),
        Case(
            spec: "not UTF-8: GBK at the start", bytes: [0xB5, 0xB5, 0xB0, 0xB8] + Array(",x\n".utf8),
            reason: .notUTF8(offset: 0)),
        Case(
            spec: "not UTF-8: after a BOM (offsets count the BOM)", bytes: [0xEF, 0xBB, 0xBF, 0x41, 0xC0, 0x80],
            reason: .notUTF8(offset: 4)),
        Case(
            spec: "not UTF-8: a truncated character in row 2",
            bytes: Array((header + "\nKM-").utf8) + [0xE5, 0x8C] + Array(",x\n".utf8),
            reason: .notUTF8(offset: Array((header + "\nKM-").utf8).count)),
        Case(
            spec: "not UTF-8: an encoded surrogate", bytes: Array("a,b\n".utf8) + [0xED, 0xA0, 0x80],
            reason: .notUTF8(offset: 4)),
        Case(
            spec: "not UTF-8: above U+10FFFF", bytes: Array("a,b\n".utf8) + [0xF4, 0x90, 0x80, 0x80],
            reason: .notUTF8(offset: 4)),
        Case(
            spec: "broken quoting: a quoted field never closed (reported at its row)",
            bytes: Array(
                ImportFixture.sample.setting("工作单位", to: "X", row: 3).csv().replacingOccurrences(
                    of: ",X,", with: ",\"X,"
                ).utf8),
            reason: .brokenQuoting(row: 3)),
        Case(
            spec: "broken quoting: a quote inside an unquoted field",
            bytes: Array(
                ImportFixture.sample.setting("工作单位", to: "X", row: 4).csv().replacingOccurrences(
                    of: ",X,", with: ",某\"厂\","
                ).utf8),
            reason: .brokenQuoting(row: 4)),
        Case(
            spec: "broken quoting: text after a closing quote",
            bytes: Array(
                ImportFixture.sample.setting("工作单位", to: "X", row: 8).csv().replacingOccurrences(
                    of: ",X,", with: ",\"某厂\"分厂,"
                ).utf8),
            reason: .brokenQuoting(row: 8)),
        Case(
            spec: "broken quoting in the header", bytes: Array("档案编号,\"行政区划代码\n".utf8), reason: .brokenQuoting(row: 1)),
        Case(
            spec: "required columns missing (named, Chinese)",
            bytes: Array(
                header.replacingOccurrences(of: "家庭月总收入,", with: "").replacingOccurrences(of: "姓名,", with: "").utf8),
            reason: .missingColumns(["家庭月总收入", "姓名"])),
        Case(
            spec: "a required column missing from English headers",
            bytes: Array(
                "file_number,division_code,filed_on,monthly_income,housing,primary_cause,name,id_number,relation,health\n"
                    .utf8),
            reason: .missingColumns(["就业状况"])),
        Case(spec: "a column given twice", bytes: Array((header + ",档案编号\n").utf8), reason: .duplicateColumn("档案编号")),
        Case(
            spec: "a column given by its Chinese and its English name",
            bytes: Array((header + ",file_number\n").utf8), reason: .duplicateColumn("档案编号 / file_number")),
    ]

    @Test("The file fails as a whole", arguments: cases)
    func failure(_ testCase: Case) {
        #expect(ImportFixture.failure(testCase.bytes) == testCase.reason)
    }

    @Test("Every failure explains itself (ImportFailure.description)")
    func descriptions() {
        for testCase in Self.cases {
            let text = ImportFailure(testCase.reason).description
            #expect(!text.isEmpty)
            if case .notUTF8(let offset) = testCase.reason { #expect(text.contains("offset \(offset)")) }
            if case .brokenQuoting(let row) = testCase.reason { #expect(text.contains("row \(row)")) }
        }
    }

    @Test("A header without rows is an empty register, not a failure (decision)")
    func headerOnly() throws {
        let result = try ImportFixture.read(Self.header + "\n")
        #expect(result.entries.isEmpty && result.fileWarnings.isEmpty)
    }

    @Test("A file that does not exist, or a folder, is unreadable with the system's reason")
    func unreadable() throws {
        let missing = "/nonexistent/jiekun/households.csv"
        #expect(throws: ImportFailure(.unreadable(path: missing, detail: "No such file or directory"))) {
            try ImportFixture.importer.read(contentsOfFile: missing)
        }
        let folder = NSTemporaryDirectory()
        #expect(throws: ImportFailure(.unreadable(path: folder, detail: "Is a directory"))) {
            try ImportFixture.importer.read(contentsOfFile: folder)
        }
    }

    @Test("A file on disk reads like its bytes")
    func readsFile() throws {
        let path = NSTemporaryDirectory() + "jiekun-import-\(UInt64.random(in: 0...UInt64.max)).csv"
        try Data(ImportFixture.sampleCSV.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ImportFixture.importer.read(contentsOfFile: path)
        #expect(result.entries.compactMap(\.household).count == 3)
    }
}
