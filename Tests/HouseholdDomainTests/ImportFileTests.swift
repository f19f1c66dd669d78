import Foundation
import TestSupport
import Testing

@testable import HouseholdDomain

/// The files union staff actually have: GBK CSV and `.xlsx` read as the UTF-8 CSV is; any other file named for what
/// it is (issue 15, item 9). Fixtures: `Tests/Fixtures/import/`, made from `deploy/samples/households.csv` by its
/// `make-fixtures.py`.
@Suite("Import files: UTF-8, GBK and .xlsx")
struct ImportFileTests {
    static let folder = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/import")
    static func fixture(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// What the tests compare: every household with its facts, and every issue, by file number.
    static func households(_ imported: HouseholdImport) -> [String: Household] {
        Dictionary(
            uniqueKeysWithValues: imported.entries.compactMap { entry in entry.household.map { (entry.fileNumber, $0) }
            })
    }

    @Test("GBK and .xlsx (openpyxl's, and one written by hand) read the same households as the UTF-8 file")
    func sameHouseholds() throws {
        let utf8 = try ImportFixture.importer.read(contentsOfFile: Fixtures.sampleHouseholds.path)
        #expect(utf8.format == .csv(.utf8))
        let expected = Self.households(utf8)
        try #require(expected.count == 3 && utf8.entries.allSatisfy { $0.errors.isEmpty && $0.warnings.isEmpty })
        let cases: [(String, ImportFile.Format)] = [
            ("households-gbk.csv", .csv(.gb18030)),
            ("households.xlsx", .xlsx(sheet: "困难职工档案")),
            ("households-handmade.xlsx", .xlsx(sheet: "名单 & 档案")),
        ]
        for (name, format) in cases {
            let imported = try ImportFixture.importer.read(contentsOfFile: Self.fixture(name))
            #expect(imported.format == format, "\(name)")
            #expect(imported.entries.allSatisfy { $0.errors.isEmpty && $0.warnings.isEmpty }, "\(name)")
            #expect(imported.fileWarnings.isEmpty, "\(name): \(imported.fileWarnings)")
            #expect(Self.households(imported) == expected, "\(name)")
            #expect(imported.entries.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        }
    }

    @Test("row numbers are the spreadsheet's: the GBK file's as the UTF-8 file's; the hand-made sheet skips row 3")
    func rowNumbers() throws {
        let gbk = try ImportFixture.importer.read(contentsOfFile: Self.fixture("households-gbk.csv"))
        #expect(gbk.entries.map(\.householdRow) == [2, 5, 7])
        let handmade = try ImportFixture.importer.read(contentsOfFile: Self.fixture("households-handmade.xlsx"))
        // Row 2 is KM's worker; row 3 is empty in the sheet; KM's other members are rows 4 and 5.
        #expect(handmade.entries.map(\.householdRow) == [2, 6, 8])
        #expect(handmade.entries.first?.memberRows == [2, 4, 5])
    }

    @Test("an identity number stored as a number: 15 digits kept, as Excel does; a warning names the cell")
    func identityNumberStoredAsNumber() throws {
        // The worker of KM-2017-0001 (row 2, 530102197506121314) stored as 5.301021975061213e+17.
        let imported = try ImportFixture.importer.read(contentsOfFile: Self.fixture("households-numeric-id.xlsx"))
        #expect(
            imported.formatWarnings == [
                "第 2 行，公民身份号码：数字超过 15 位，Excel 只保留前 15 位，请把该列设为文本格式后重新录入 (a number of more "
                    + "than 15 digits: Excel keeps only 15, so its last digits are lost; format the column as text "
                    + "and type the numbers again)"
            ])
        let kunming = try #require(imported.entries.first)
        #expect(kunming.household == nil)
        #expect(kunming.errors.map(\.row) == [2] && kunming.errors.map(\.column) == ["公民身份号码"])
        #expect(kunming.errors.first?.value == "530102********1000", "\(kunming.errors)")
        let sample = Self.households(try ImportFixture.importer.read(contentsOfFile: Fixtures.sampleHouseholds.path))
        #expect(Self.households(imported) == sample.filter { $0.key != "KM-2017-0001" })
    }

    @Test("the format is said: Chinese first, GBK named as the brief words it")
    func formatDescriptions() {
        #expect(
            ImportFile.Format.csv(.gb18030).description == "读取为 GBK (GB18030) 编码的 CSV (read as GBK (GB18030))")
        #expect(ImportFile.Format.csv(.utf8).context == nil)
        #expect(
            ImportFile.Format.csv(.gb18030).context?.contains("this CSV is GBK-encoded and was read as such") == true)
        #expect(ImportFile.Format.xlsx(sheet: "S").context?.contains("this is an .xlsx file") == true)
    }

    @Test("a GBK file or a workbook without 档案编号 says what it is, not only that the column is missing")
    func missingColumnSaysWhatTheFileIs() throws {
        // 姓名,公民身份号码 LF 张某 LF in GBK (as `iconv -t GB18030` writes it).
        let gbkBytes: [UInt8] = [
            0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xB9, 0xAB, 0xC3, 0xF1, 0xC9, 0xED, 0xB7, 0xDD, 0xBA, 0xC5, 0xC2, 0xEB, 0x0A,
            0xD5, 0xC5, 0xC4, 0xB3, 0x0A,
        ]
        let gbk = try ImportFile.decode(gbkBytes)
        #expect(gbk.format == .csv(.gb18030))
        #expect(String(decoding: gbk.csv, as: UTF8.self) == "姓名,公民身份号码\n张某\n")
        let failure = #expect(throws: ImportFailure.self) { try ImportFixture.importer.read(gbk) }
        let text = failure?.description ?? ""
        #expect(text.hasPrefix("此 CSV 为 GBK 编码，已按 GBK 读取 (this CSV is GBK-encoded and was read as such); "), "\(text)")
        #expect(text.contains("required columns missing from the header: 档案编号"), "\(text)")

        let utf8 = try ImportFile.decode(Array("姓名\n张某\n".utf8))
        let plain = #expect(throws: ImportFailure.self) { try ImportFixture.importer.read(utf8) }
        #expect(plain?.context == nil, "a UTF-8 CSV needs no explanation")
    }

    @Test("a title row above the header: the header's row is named, with what to do")
    func titleRow() throws {
        let titled = try ImportFile.decode(Array("困难职工档案表,,\n,,\n 档案编号 ,姓名\nKM-1,张某\n".utf8))
        let failure = #expect(throws: ImportFailure.self) { try ImportFixture.importer.read(titled) }
        #expect(
            failure?.description.hasSuffix(
                "; 表头在第 3 行，请删除其上方的标题行 (the header is row 3: delete the title rows above it; the header must "
                    + "be row 1)") == true, "\(failure?.description ?? "")")
        // A header in row 1 needs no hint, nor a file without 档案编号 anywhere.
        #expect(try ImportFile.decode(Array("档案编号\nKM-1\n".utf8)).headerRowHint == nil)
        #expect(try ImportFile.decode(Array("标题\n姓名\n张某\n".utf8)).headerRowHint == nil)
    }

    @Test("every other file is named for what it is", arguments: wrongFiles)
    func wrongFile(_ testCase: WrongFile) throws {
        let bytes =
            testCase.fixture.map { try? Array(Data(contentsOf: URL(fileURLWithPath: ImportFileTests.fixture($0)))) }
            ?? testCase.bytes
        let failure = #expect(throws: ImportFailure.self, "\(testCase.spec)") {
            try ImportFile.decode(try #require(bytes))
        }
        let text = failure?.description ?? ""
        #expect(text.contains(testCase.says), "\(testCase.spec): \(text)")
        #expect(!text.contains("档案编号"), "\(testCase.spec): never \"no 档案编号 column\" for a file that is no CSV")
    }

    struct WrongFile: Sendable, CustomTestStringConvertible {
        var spec: String
        var bytes: [UInt8]? = nil
        var fixture: String? = nil
        var says: String
        var testDescription: String { spec }
    }

    static let wrongFiles: [WrongFile] = [
        WrongFile(
            spec: ".xls (an OLE2 compound file)", bytes: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
            says: "this is an .xls (Excel 97-2003) file: save it as .xlsx or CSV"),
        WrongFile(spec: "PDF", bytes: Array("%PDF-1.7\n".utf8), says: "this is a PDF file"),
        WrongFile(
            spec: "PNG", bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], says: "this is an image (PNG)"),
        WrongFile(spec: "JPEG", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], says: "this is an image (JPEG)"),
        WrongFile(
            spec: "a ZIP archive holding a Word document", fixture: "not-a-workbook.zip",
            says: "this is a Word document (.docx) in a ZIP archive, not an .xlsx workbook"),
        WrongFile(
            spec: "a damaged ZIP archive", bytes: [0x50, 0x4B, 0x03, 0x04, 1, 2, 3],
            says: "this .xlsx file cannot be read: not a readable ZIP archive"),
        WrongFile(
            spec: "UTF-16 (Excel's Unicode text)", bytes: [0xFF, 0xFE, 0x63, 0x68, 0x00, 0x4E],
            says: "this is UTF-16 text"),
        WrongFile(spec: "NUL bytes", bytes: Array("a,b\n".utf8) + [0, 1, 2], says: "this is not a text file"),
        WrongFile(
            // 0xFF is a lead byte in neither encoding: UTF-8 rejects offset 4, GB18030 too.
            spec: "neither UTF-8 nor GB18030", bytes: Array("a,b\n".utf8) + [0xFF, 0x41],
            says: "neither UTF-8 nor GBK (GB18030) text: the first byte UTF-8 rejects is at offset 4, the first "
                + "GB18030 rejects at offset 4"),
    ]

    @Test("a UTF-8 CSV with a byte order mark loses the mark; one without is taken as it is")
    func utf8() throws {
        let withBOM = try ImportFile.decode([0xEF, 0xBB, 0xBF] + Array("档案编号\n".utf8))
        #expect(withBOM.format == .csv(.utf8WithBOM) && withBOM.csv == Array("档案编号\n".utf8))
        let plain = try ImportFile.decode(Array("档案编号\n".utf8))
        #expect(plain.format == .csv(.utf8) && plain.csv == Array("档案编号\n".utf8))
    }

    @Test("numbers as Excel shows them: no exponent, 15 significant digits", arguments: numbers)
    func displayedNumbers(_ pair: (String, String)) {
        #expect(XLSXNumber.displayed(pair.0) == pair.1, "\(pair.0)")
    }

    static let numbers: [(String, String)] = [
        ("530102", "530102"), ("1200", "1200"), ("1200.5", "1200.5"), ("1200.50", "1200.5"),
        ("-3", "-3"), ("0", "0"), ("0.000", "0"), ("1E-2", "0.01"), ("1.2E3", "1200"),
        ("0.30000000000000004", "0.3"), ("20170001", "20170001"),
        // An 18-digit identity number stored as a number: Excel kept 15 digits; so do we.
        ("5.3010219750612096E+17", "530102197506121000"), ("530102197506121314", "530102197506121000"),
        ("99999999999999999", "100000000000000000"), ("1234.5678", "1234.5678"),
    ]

    @Test("Excel date serials, 1900 and 1904 systems, worked by hand")
    func dateSerials() {
        // 2017-03-15: 42,809 days after 1899-12-30 (openpyxl wrote 42809 for it in households.xlsx).
        #expect(XLSXNumber.date(serial: "42809", date1904: false) == LocalDate("2017-03-15"))
        #expect(XLSXNumber.date(serial: "42809.75", date1904: false) == LocalDate("2017-03-15"), "the time is dropped")
        #expect(XLSXNumber.date(serial: "1", date1904: false) == LocalDate("1900-01-01"))
        #expect(XLSXNumber.date(serial: "59", date1904: false) == LocalDate("1900-02-28"))
        #expect(XLSXNumber.date(serial: "60", date1904: false) == nil, "Excel's 1900-02-29 never was")
        #expect(XLSXNumber.date(serial: "61", date1904: false) == LocalDate("1900-03-01"))
        // 1904: 2017-03-15 is 42,809 − 1,462 = 41,347.
        #expect(XLSXNumber.date(serial: "41347", date1904: true) == LocalDate("2017-03-15"))
        #expect(XLSXNumber.date(serial: "x", date1904: false) == nil)
    }
}
