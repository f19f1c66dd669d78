import HouseholdDomain
import Testing

/// `jiekun import` and the demo cut an import file into requests of whole households (docs/IMPORT-FORMAT.md:
/// RFC 4180 quoting; a household's rows need not be adjacent).
@Suite("Import file cut into batches of whole households")
struct CSVBatchesTests {
    @Test("quoted commas and line breaks stay in their field; CRLF, CR and LF end rows; blank rows are skipped")
    func records() throws {
        let text =
            "档案编号,姓名\r\nA-1,\"张,三\"\r\nB-2,\"李\n四\"\n\nA-1,王五\r,,\n\u{3000},\nC-3,\"赵\"\"六\"\"\""
        let batches = try CSVBatches.split(text, householdsPerBatch: 2)
        #expect(batches.count == 2)
        #expect(batches[0].csv == "档案编号,姓名\nA-1,\"张,三\"\nA-1,王五\nB-2,\"李\n四\"\n")
        #expect(batches[0].rows == [2, 5, 3], "file rows, the header being row 1")
        #expect(batches[0].fileRow(3) == 5)
        #expect(batches[1].csv == "档案编号,姓名\nC-3,\"赵\"\"六\"\"\"\n")
        #expect(batches[1].rows == [8])
    }

    @Test("in filing order: households sorted by 建档日期, then by their order in the file")
    func filingOrder() throws {
        let text = """
            file_number,filed_on,name
            B-2,2017-05-01,乙
            A-1,2017-03-15,甲
            C-3,2017-05-01,丙
            A-1,,甲妻
            """
        let batches = try CSVBatches.split(text, householdsPerBatch: 1, filingOrder: true)
        #expect(batches.map(\.rows) == [[3, 5], [2], [4]])
        #expect(batches[0].csv == "file_number,filed_on,name\nA-1,2017-03-15,甲\nA-1,,甲妻\n")
    }

    @Test("a file without 档案编号, or empty, cannot be cut")
    func failures() {
        #expect(throws: CSVBatches.Failure.self) { try CSVBatches.split("姓名\n张三\n", householdsPerBatch: 10) }
        #expect(throws: CSVBatches.Failure.self) { try CSVBatches.split("", householdsPerBatch: 10) }
    }
}
