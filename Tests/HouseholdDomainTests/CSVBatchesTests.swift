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

    @Test("a batch read with its file rows names the file's rows, in each issue and its message", arguments: [1, 10])
    func fileRows(householdsPerBatch: Int) throws {
        // QJ's rows (3 and 6) disagree on 建档日期; KM files first, so QJ is in the second batch of one household.
        let text = """
            档案编号,行政区划代码,建档日期,家庭月总收入,月刚性支出,住房状况,主要致困原因,次要致困原因,是否单亲,是否农民工,是否农村扶贫对象,是否享受低保,单位欠缴社保,工作单位,统一社会信用代码,姓名,公民身份号码,与职工关系,健康状况,就业状况,在读学段,养老保险,医疗保险,创业意愿
            DL-2017-0042,532901,2017-06-20,2800,1900,无房,遭受意外事故,,是,是,否,否,否,大理某建筑公司,,杨某,532901198604097331,本人,残疾,失业,无,未参保,已参保,否
            QJ-2017-0007,530302,2017-05-02,1900,1000,危房,患重特大疾病,,否,否,否,否,是,曲靖某煤矿,,王某,530302196801015174,本人,重大疾病,病休,无,已参保,已参保,否
            KM-2017-0001,530102,2017-03-15,1200,,租房,下岗失业,子女上学,否,否,否,否,否,昆明某机械厂,,张某,530102197506121314,本人,健康,下岗,无,已参保,已参保,是
            ,,,,,,,,,,,,,,,,,,,,,,,
            QJ-2017-0007,,2017-05-03,,,,,,,,,,,,,赵某,530302197007226243,配偶,健康,灵活就业,无,未参保,未参保,否
            """
        var issues: [ImportIssue] = []
        for batch in try CSVBatches.split(text, householdsPerBatch: householdsPerBatch, filingOrder: true) {
            let read = try ImportFixture.importer.read(bytes: Array(batch.csv.utf8), fileRows: batch.rows)
            issues += read.entries.flatMap(\.errors)
        }
        let whole = try ImportFixture.importer.read(bytes: Array(text.utf8)).entries.flatMap(\.errors)
        #expect(issues.map(\.row) == [6])
        #expect(issues.first?.message.hasPrefix("与该户第 3 行不一致（该行为 \"2017-05-02\"）") == true)
        #expect(issues.first?.message.contains("(differs from the household's row 3, which has \"2017-05-02\"") == true)
        #expect(issues == whole, "as `jiekun assess` reads the whole file")
    }

    @Test("a file without 档案编号, empty, or with broken quoting (naming the file's row) cannot be cut")
    func failures() throws {
        #expect(throws: CSVBatches.Failure.self) { try CSVBatches.split("姓名\n张三\n", householdsPerBatch: 10) }
        #expect(throws: CSVBatches.Failure.self) { try CSVBatches.split("", householdsPerBatch: 10) }
        let broken = #expect(throws: CSVBatches.Failure.self) {
            try CSVBatches.split("档案编号,姓名\nA-1,\"张\n三\"\nB-2,李\"四\n", householdsPerBatch: 10)
        }
        #expect(try #require(broken).description.hasPrefix("第 3 行的引号不配对 (row 3: broken quoting"))
    }
}
