import Foundation
import HouseholdDomain
import TestSupport
import Testing

/// Reading the household file: its encoding, quoting, headers and row order. Validation errors are in
/// `HouseholdImporterValidationTests`, whole-file failures in `HouseholdImporterFailureTests`.
@Suite("Household import: reading the file (docs/IMPORT-FORMAT.md)")
struct HouseholdImporterTests {
    /// The three sample households, as the spec's sample file describes them.
    private static func expectSample(_ result: HouseholdImport) throws {
        #expect(result.entries.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        #expect(result.allErrors.isEmpty)
        #expect(result.fileWarnings.isEmpty)
        let km = try #require(result.entry("KM-2017-0001")?.household)
        let qj = try #require(result.entry("QJ-2017-0007")?.household)
        let dl = try #require(result.entry("DL-2017-0042")?.household)
        #expect([km.size, qj.size, dl.size] == [3, 2, 2] as [Int])
        #expect(
            [km.monthlyIncome, qj.monthlyIncome, dl.monthlyIncome] == [
                Yuan(yuan: 1200), Yuan(yuan: 1900), Yuan(yuan: 2800),
            ])
        #expect(
            [km.monthlySpecialExpense, qj.monthlySpecialExpense, dl.monthlySpecialExpense]
                == [.zero, Yuan(yuan: 1000), Yuan(yuan: 1900)])
        #expect([km.housing, qj.housing, dl.housing] == [.rented, .dangerous, .none])
        #expect([km.primaryCause, qj.primaryCause, dl.primaryCause] == [.laidOff, .majorIllness, .accident])
        #expect(km.secondaryCauses == [.childAtSchool] && qj.secondaryCauses.isEmpty && dl.secondaryCauses.isEmpty)
        #expect(km.divisionCode == "530102" && km.filedOn == LocalDate("2017-03-15"))
        #expect(dl.isSingleParent && dl.isMigrantWorker && !km.isSingleParent && !km.isMigrantWorker)
        #expect(qj.hasEmployerArrears && !km.hasEmployerArrears && !dl.isOnDibao && !dl.isRuralPovertyRegistered)
        #expect(km.employer == "昆明某机械厂" && km.employerCreditCode.isEmpty)

        #expect(km.members.map(\.number) == [1, 2, 3])
        #expect(km.members.map(\.relation) == [.worker, .spouse, .child])
        #expect(km.members.map(\.sex) == [.male, .female, .male])
        #expect(km.members.map(\.birthDate) == ["1975-06-12", "1977-02-03", "2004-09-18"].map { LocalDate($0)! })
        #expect(km.members.map(\.name) == ["张某", "李某", "张某某"])
        #expect(km.members[2].schoolLevel == .juniorSecondary && km.members[2].workStatus == .student)
        #expect(km.members[1].health == .ill && km.members[1].pensionInsurance == .notEnrolled)
        #expect(km.members[0].wantsBusiness && !km.members[1].wantsBusiness)
        #expect(qj.members.map(\.sex) == [.male, .female])
        #expect(qj.members.map(\.birthDate) == [LocalDate("1968-01-01")!, LocalDate("1970-07-22")!])
        #expect(qj.members[1].medicalInsurance == .notEnrolled && qj.members[0].health == .majorIllness)
        #expect(dl.members.map(\.sex) == [.male, .female])
        #expect(dl.members.map(\.birthDate) == [LocalDate("1986-04-09")!, LocalDate("2015-01-01")!])
        #expect(dl.members[1].schoolLevel == .preschool)

        let facts = result.entries.map(\.facts)
        #expect(facts.map(\.divisionCode) == ["530102", "530302", "532901"])
        #expect(facts.map(\.prefectureCode) == ["530100", "530300", "532900"])
        #expect(facts.map(\.filedOn) == ["2017-03-15", "2017-05-02", "2017-06-20"].map { LocalDate($0) })
        #expect(facts.map(\.monthlyIncome) == [Yuan(yuan: 1200), Yuan(yuan: 1900), Yuan(yuan: 2800)])
        #expect(facts.map(\.size) == [3, 2, 2])
    }

    @Test("sample-households.csv: three valid households with their facts (formats: sample)")
    func sample() throws {
        let result = try ImportFixture.read(ImportFixture.sampleCSV)
        try Self.expectSample(result)
        #expect(result.entries.map(\.householdRow) == [2, 5, 7])
        #expect(result.headers[.fileNumber] == "档案编号" && result.headers.count == 24)
    }

    @Test("The embedded sample equals deploy/samples/households.csv, and that file reads from its path")
    func shippedSample() throws {
        let url = Fixtures.sampleHouseholds
        // The shipped file has CRLF line breaks (as spreadsheets write them); the embedded copy has LF.
        let shipped = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(shipped == ImportFixture.sampleCSV)
        try Self.expectSample(ImportFixture.importer.read(contentsOfFile: url.path))
    }

    /// Ways of writing the same file (formats: "UTF-8 (with or without BOM)", "RFC 4180", "Column order is free",
    /// "Each header may also be given by its English name").
    enum Spelling: String, CaseIterable, CustomTestStringConvertible {
        case englishHeaders, mixedHeaders, byteOrderMark, crlf, loneCR, reversedColumns, noFinalLineBreak
        case everyFieldQuoted, trailingEmptyLines, paddedHeaders

        var testDescription: String { rawValue }

        func bytes() -> [UInt8] {
            var table = ImportFixture.sample
            var lineBreak = "\n"
            switch self {
            case .englishHeaders:
                table.rows[0] = table.rows[0].map { ImportFixture.englishHeaders[$0]! }
            case .mixedHeaders:
                for index in table.rows[0].indices where index % 2 == 0 {
                    table.rows[0][index] = ImportFixture.englishHeaders[table.rows[0][index]]!
                }
            case .byteOrderMark:
                return [0xEF, 0xBB, 0xBF] + Array(table.csv().utf8)
            case .crlf:
                lineBreak = "\r\n"
            case .loneCR:
                lineBreak = "\r"
            case .reversedColumns:
                table.rows = table.rows.map { $0.reversed() }
            case .noFinalLineBreak:
                return Array(table.csv().dropLast().utf8)
            case .everyFieldQuoted:
                let text = table.rows.map { $0.map { "\"\($0)\"" }.joined(separator: ",") }.joined(separator: "\n")
                return Array(text.utf8)
            case .trailingEmptyLines:
                return Array((table.csv() + "\n,,,,\n\n").utf8)
            case .paddedHeaders:
                table.rows[0] = table.rows[0].map { " \($0)\t" }
            }
            return Array(table.csv(lineBreak: lineBreak).utf8)
        }
    }

    @Test("The same households however the file is written", arguments: Spelling.allCases)
    func spellings(_ spelling: Spelling) throws {
        let result = try ImportFixture.importer.read(bytes: spelling.bytes())
        try Self.expectSample(result)
        #expect(result.entries.map(\.householdRow) == [2, 5, 7])
    }

    @Test("English headers are reported as written (formats: English name; Errors: column as written)")
    func englishHeadersInIssues() throws {
        var table = ImportFixture.sample.setting("家庭月总收入", to: "12.345", row: 2)
        table.rows[0] = table.rows[0].map { ImportFixture.englishHeaders[$0]! }
        let result = try table.read()
        #expect(result.headers[.monthlyIncome] == "monthly_income")
        let error = try #require(result.entry("KM-2017-0001")?.errors.first)
        #expect(error.column == "monthly_income" && error.row == 2 && error.value == "12.345")
    }

    @Test("Quoted fields hold commas, doubled quotes and line breaks (RFC 4180)")
    func quotedFields() throws {
        let employers = ["昆明某机械厂,有限公司", "曲靖\"某\"煤矿", "大理某建筑公司\n第二分公司"]
        var table = ImportFixture.sample
        table[2, "工作单位"] = employers[0]
        table[5, "工作单位"] = employers[1]
        table[7, "工作单位"] = employers[2]
        let result = try table.read()
        #expect(result.allErrors.isEmpty)
        #expect(result.entries.compactMap(\.household?.employer) == employers)
    }

    @Test("A record with a quoted line break is one row: later rows keep the record count (decision)")
    func rowNumbersAfterQuotedLineBreak() throws {
        var table = ImportFixture.sample
        table[2, "工作单位"] = "昆明某机械厂\n一车间\n二车间"
        table[8, "健康状况"] = "良好"
        let result = try table.read()
        let error = try #require(result.entry("DL-2017-0042")?.errors.first)
        #expect(error.row == 8 && error.column == "健康状况" && error.code == "import.health.invalid")
    }

    @Test("Empty lines are skipped but counted, so row numbers stay the spreadsheet's (decision)")
    func emptyLinesCount() throws {
        var table = ImportFixture.sample.setting("健康状况", to: "良好", row: 8)
        table.rows.insert([""], at: 3)
        table.rows.insert(Array(repeating: "", count: 24), at: 5)
        let result = try table.read()
        #expect(result.entries.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        #expect(result.entries.map(\.facts.size) == [3, 2, 2])
        let error = try #require(result.entry("DL-2017-0042")?.errors.first)
        #expect(error.row == 10)
    }

    @Test("Rows of one household need not be adjacent; members keep file order (formats: need not be adjacent)")
    func interleavedRows() throws {
        let sample = ImportFixture.sample
        var table = sample
        // KM1, QJ1, KM2, DL-child, QJ2, KM3, DL-worker
        table.rows =
            [sample.rows[0], sample.rows[1], sample.rows[4], sample.rows[2], sample.rows[7], sample.rows[5]]
            + [sample.rows[3], sample.rows[6]]
        let result = try table.read()
        #expect(result.entries.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        #expect(result.allErrors.isEmpty)
        let dl = try #require(result.entry("DL-2017-0042"))
        #expect(dl.householdRow == 8)
        #expect(dl.household?.members.map(\.relation) == [.child, .worker])
        #expect(dl.household?.members.map(\.number) == [1, 2])
        #expect(dl.household?.monthlyIncome == Yuan(yuan: 2800))
        #expect(result.entry("KM-2017-0001")?.household?.members.map(\.number) == [1, 2, 3])
    }

    @Test("An unknown column is ignored with a file warning (formats: unknown columns are ignored)")
    func unknownColumn() throws {
        var table = ImportFixture.sample
        for index in table.rows.indices { table.rows[index].insert(index == 0 ? "备注" : "电话已核实", at: 3) }
        let result = try table.read()
        #expect(result.allErrors.isEmpty)
        #expect(result.entries.count == 3)
        let warning = try #require(result.fileWarnings.first)
        #expect(result.fileWarnings.count == 1)
        #expect(warning.code == "import.header.unknown_column")
        #expect(warning.row == 1 && warning.column == "备注" && warning.value == "备注")
    }

    @Test("Only the required columns: the optional ones take their defaults (formats: no (default))")
    func requiredColumnsOnly() throws {
        let full = ImportFixture.sample
        let keep = HouseholdImport.Column.allCases.filter(\.isRequired).map { full.index($0.chineseHeader) }
        var table = full
        table.rows = full.rows.map { row in keep.map { row[$0] } }
        let result = try table.read()
        #expect(result.allErrors.isEmpty)
        let dl = try #require(result.entry("DL-2017-0042")?.household)
        #expect(dl.monthlySpecialExpense == .zero && dl.secondaryCauses.isEmpty && !dl.isSingleParent)
        #expect(dl.employer.isEmpty && dl.members[1].schoolLevel == Household.Member.SchoolLevel.none)
        #expect(dl.members.allSatisfy { $0.pensionInsurance == .notEnrolled && $0.medicalInsurance == .notEnrolled })
        #expect(result.headers[.employer] == nil)
    }

    @Test(
        "次要致困原因: up to three, separated by 、 or ; (full-width ； accepted: decision)",
        arguments: ["子女上学;其他", "子女上学；其他", "子女上学、其他", " 子女上学 、其他、", "子女上学;其他;子女上学"])
    func secondaryCauseSeparators(_ text: String) throws {
        let result = try ImportFixture.sample.setting("次要致困原因", to: text, row: 2).read()
        let km = try #require(result.entry("KM-2017-0001")?.household)
        #expect(Set(km.secondaryCauses) == [.childAtSchool, .other])
    }

    @Test("A lowercase x check character is accepted and normalised to X (formats: GB 11643-1999)")
    func lowercaseX() throws {
        let number = try #require(
            (0..<1000).lazy.map { ImportFixture.identityNumber(born: "19800101", sequence: $0) }.first {
                $0.hasSuffix("X")
            })
        let result = try ImportFixture.sample.setting("公民身份号码", to: number.lowercased(), row: 3).read()
        let member = try #require(result.entry("KM-2017-0001")?.household?.members[1])
        #expect(member.identityNumber.value == number)
    }

    @Test("The worker's row need not be first: household columns are read from it (formats: worker's own row)")
    func workerNotFirst() throws {
        let sample = ImportFixture.sample
        var table = sample
        table.rows = [sample.rows[0], sample.rows[3], sample.rows[1], sample.rows[2]]
        let result = try table.read()
        let entry = try #require(result.entry("KM-2017-0001"))
        #expect(entry.errors.isEmpty && entry.householdRow == 3)
        #expect(entry.household?.members.map(\.relation) == [.child, .worker, .spouse])
        #expect(entry.household?.worker?.name == "张某")
    }

    @Test(
        "Household columns on other rows: empty or the same value once parsed (formats: 1200 equals 1200.00)",
        arguments: [
            ("家庭月总收入", "1200.00"), ("家庭月总收入", "1200.0"), ("家庭月总收入", "1200"), ("月刚性支出", "0"),
            ("月刚性支出", "0.00"), ("是否单亲", "否"), ("住房状况", "租房"), ("次要致困原因", "子女上学"),
            ("建档日期", "2017-03-15"), ("行政区划代码", "530102"), ("工作单位", "昆明某机械厂"),
        ])
    func householdColumnsAgree(_ column: String, _ value: String) throws {
        let result = try ImportFixture.sample.setting(column, to: value, row: 3).setting(column, to: value, row: 4)
            .read()
        #expect(result.allErrors.isEmpty)
        #expect(result.entry("KM-2017-0001")?.household != nil)
    }

    @Test("是 on the worker's row and empty on the others is one household (formats: empty or the same)")
    func yesOnWorkerOnly() throws {
        let result = try ImportFixture.sample.setting("是否享受低保", to: "是", row: 2).read()
        #expect(result.allErrors.isEmpty)
        #expect(result.entry("KM-2017-0001")?.household?.isOnDibao == true)
    }

    @Test("Facts are read even when the household has errors (HouseholdImport.Facts)")
    func factsWithErrors() throws {
        let result = try ImportFixture.sample.setting("住房状况", to: "楼房", row: 2)
            .setting("家庭月总收入", to: "12.345", row: 5).setting("行政区划代码", to: "530199", row: 7).read()
        let km = try #require(result.entry("KM-2017-0001"))
        #expect(km.household == nil)
        #expect(
            km.facts
                == .init(
                    divisionCode: "530102", prefectureCode: "530100", filedOn: LocalDate("2017-03-15"),
                    monthlyIncome: Yuan(yuan: 1200), size: 3))
        let qj = try #require(result.entry("QJ-2017-0007"))
        #expect(qj.facts.monthlyIncome == nil && qj.facts.prefectureCode == "530300" && qj.facts.size == 2)
        let dl = try #require(result.entry("DL-2017-0042"))
        #expect(dl.facts.divisionCode == "530199" && dl.facts.prefectureCode == nil)
    }

    @Test("Issue codes are stable and issues describe themselves with the masked value (ImportIssue)")
    func issueDescription() throws {
        let result = try ImportFixture.sample.setting("公民身份号码", to: "530102197506121315", row: 2).read()
        let error = try #require(result.allErrors.first)
        #expect(error.code == "import.id_number.check_character")
        #expect(error.description.hasPrefix("第 2 行，公民身份号码 \"530102********1315\"：校验码（最后一位）与前 17 位不符"))
        #expect(!error.message.contains("197506"))
    }
}
