import HouseholdDomain
import Testing

/// One edit of the sample file: file row `row`'s `column` set to `value`.
struct ImportEdit: Sendable {
    let row: Int
    let column: String
    let value: String
}

/// One validation case: edits of the sample and the single error they must cause.
struct ImportErrorCase: Sendable, CustomTestStringConvertible {
    /// The line of docs/IMPORT-FORMAT.md (or the decision) the case checks.
    let spec: String
    let edits: [ImportEdit]
    let code: String
    let row: Int
    let column: String
    let value: String
    /// The household that gets the error.
    let household: String

    var testDescription: String { "\(spec): \(code)" }

    /// A case whose error is on the edited field.
    init(_ spec: String, _ column: String, _ value: String, row: Int, code: String, household: String = "KM-2017-0001")
    {
        self.init(
            spec, edits: [ImportEdit(row: row, column: column, value: value)], code: code, row: row, column: column,
            value: value, household: household)
    }

    init(
        _ spec: String, edits: [ImportEdit], code: String, row: Int, column: String, value: String,
        household: String = "KM-2017-0001"
    ) {
        self.spec = spec
        self.edits = edits
        self.code = code
        self.row = row
        self.column = column
        self.value = value
        self.household = household
    }
}

@Suite("Household import: errors and warnings (docs/IMPORT-FORMAT.md, Errors)")
struct HouseholdImporterValidationTests {
    static let cases: [ImportErrorCase] = [
        // 档案编号
        ImportErrorCase(
            "档案编号: 1–32 letters, digits, -",
            edits: [
                ImportEdit(row: 5, column: "档案编号", value: "QJ 2017/7"),
                ImportEdit(row: 6, column: "档案编号", value: "QJ 2017/7"),
            ],
            code: "import.file_number.format", row: 5, column: "档案编号", value: "QJ 2017/7", household: "QJ 2017/7"),
        ImportErrorCase(
            "档案编号: at most 32 characters",
            edits: [
                ImportEdit(row: 7, column: "档案编号", value: String(repeating: "A", count: 33)),
                ImportEdit(row: 8, column: "档案编号", value: String(repeating: "A", count: 33)),
            ],
            code: "import.file_number.format", row: 7, column: "档案编号", value: String(repeating: "A", count: 33),
            household: String(repeating: "A", count: 33)),
        // 行政区划代码
        ImportErrorCase("行政区划代码: 6-digit code", "行政区划代码", "53010", row: 2, code: "import.division_code.format"),
        ImportErrorCase("行政区划代码: 6-digit code", "行政区划代码", "53010A", row: 2, code: "import.division_code.format"),
        ImportErrorCase(
            "行政区划代码: county-level code of the reference list", "行政区划代码", "110101", row: 2,
            code: "import.division_code.unknown"),
        ImportErrorCase(
            "行政区划代码: county-level code of the reference list", "行政区划代码", "530100", row: 2,
            code: "import.division_code.unknown"),
        ImportErrorCase(
            "行政区划代码: valid on the filing date (530122 retired from 2017-10-31)",
            edits: [
                ImportEdit(row: 2, column: "行政区划代码", value: "530122"),
                ImportEdit(row: 2, column: "建档日期", value: "2017-10-31"),
            ],
            code: "import.division_code.retired", row: 2, column: "行政区划代码", value: "530122"),
        ImportErrorCase(
            "行政区划代码: valid on the filing date (530115 only from 2016-07-31)",
            edits: [
                ImportEdit(row: 2, column: "行政区划代码", value: "530115"),
                ImportEdit(row: 2, column: "建档日期", value: "2016-07-30"),
            ],
            code: "import.division_code.not_yet_valid", row: 2, column: "行政区划代码", value: "530115"),
        ImportErrorCase("行政区划代码: required", "行政区划代码", "", row: 2, code: "import.division_code.missing"),
        // 建档日期
        ImportErrorCase("建档日期: YYYY-MM-DD", "建档日期", "2017-02-29", row: 2, code: "import.filed_on.format"),
        ImportErrorCase("建档日期: YYYY-MM-DD", "建档日期", "2017/03/15", row: 2, code: "import.filed_on.format"),
        ImportErrorCase("建档日期: YYYY-MM-DD", "建档日期", "2017-3-15", row: 2, code: "import.filed_on.format"),
        ImportErrorCase("建档日期: not in the future", "建档日期", "2018-01-01", row: 2, code: "import.filed_on.future"),
        ImportErrorCase("建档日期: required", "建档日期", "", row: 2, code: "import.filed_on.missing"),
        // amounts
        ImportErrorCase(
            "家庭月总收入: at most 2 decimals", "家庭月总收入", "12.345", row: 2, code: "import.monthly_income.too_many_decimals"),
        ImportErrorCase("家庭月总收入: ≥ 0", "家庭月总收入", "-1200", row: 2, code: "import.monthly_income.negative"),
        ImportErrorCase("家庭月总收入: yuan", "家庭月总收入", "1,200", row: 2, code: "import.monthly_income.not_a_number"),
        ImportErrorCase("家庭月总收入: yuan", "家庭月总收入", "1200元", row: 2, code: "import.monthly_income.not_a_number"),
        ImportErrorCase("家庭月总收入: required", "家庭月总收入", "", row: 2, code: "import.monthly_income.missing"),
        ImportErrorCase(
            "月刚性支出: at most 2 decimals", "月刚性支出", "1000.005", row: 5,
            code: "import.monthly_special_expense.too_many_decimals", household: "QJ-2017-0007"),
        ImportErrorCase(
            "月刚性支出: ≥ 0", "月刚性支出", "-1", row: 5, code: "import.monthly_special_expense.negative",
            household: "QJ-2017-0007"),
        // value sets
        ImportErrorCase("住房状况: one of the list", "住房状况", "楼房", row: 2, code: "import.housing.invalid"),
        ImportErrorCase("住房状况: required", "住房状况", "", row: 2, code: "import.housing.missing"),
        ImportErrorCase("主要致困原因: one cause", "主要致困原因", "生病", row: 2, code: "import.primary_cause.invalid"),
        ImportErrorCase("主要致困原因: one cause", "主要致困原因", "下岗失业、其他", row: 2, code: "import.primary_cause.invalid"),
        ImportErrorCase("主要致困原因: required", "主要致困原因", "", row: 2, code: "import.primary_cause.missing"),
        ImportErrorCase(
            "次要致困原因: up to three causes", "次要致困原因", "子女上学、其他、遭受自然灾害、遭受意外事故", row: 2,
            code: "import.secondary_causes.too_many"),
        ImportErrorCase("次要致困原因: each a cause", "次要致困原因", "子女上学;看病", row: 2, code: "import.secondary_causes.invalid"),
        ImportErrorCase("是否单亲: 是 / 否", "是否单亲", "Y", row: 2, code: "import.single_parent.invalid"),
        ImportErrorCase("是否农民工: 是 / 否", "是否农民工", "1", row: 2, code: "import.migrant_worker.invalid"),
        ImportErrorCase("是否农村扶贫对象: 是 / 否", "是否农村扶贫对象", "不是", row: 2, code: "import.rural_poverty_registered.invalid"),
        ImportErrorCase("是否享受低保: 是 / 否", "是否享受低保", "yes", row: 2, code: "import.on_dibao.invalid"),
        ImportErrorCase("单位欠缴社保: 是 / 否", "单位欠缴社保", "有", row: 2, code: "import.employer_arrears.invalid"),
        // person columns
        ImportErrorCase("姓名: required", "姓名", "", row: 3, code: "import.name.missing"),
        ImportErrorCase("公民身份号码: required", "公民身份号码", "", row: 3, code: "import.id_number.missing"),
        ImportErrorCase("与职工关系: one of the list", "与职工关系", "妻子", row: 3, code: "import.relation.invalid"),
        ImportErrorCase("与职工关系: required", "与职工关系", "", row: 3, code: "import.relation.missing"),
        ImportErrorCase("健康状况: one of the list", "健康状况", "良好", row: 3, code: "import.health.invalid"),
        ImportErrorCase("健康状况: required", "健康状况", "", row: 3, code: "import.health.missing"),
        ImportErrorCase("就业状况: one of the list", "就业状况", "打工", row: 3, code: "import.work_status.invalid"),
        ImportErrorCase("就业状况: required", "就业状况", "", row: 3, code: "import.work_status.missing"),
        ImportErrorCase("在读学段: one of the list", "在读学段", "大学", row: 4, code: "import.school_level.invalid"),
        ImportErrorCase("养老保险: one of the list", "养老保险", "有", row: 3, code: "import.pension_insurance.invalid"),
        ImportErrorCase("医疗保险: one of the list", "医疗保险", "有", row: 3, code: "import.medical_insurance.invalid"),
        ImportErrorCase("创业意愿: 是 / 否", "创业意愿", "想", row: 3, code: "import.wants_business.invalid"),
        // 公民身份号码 (values are masked)
        ImportErrorCase(
            "公民身份号码: 18 characters", "公民身份号码", "53010219770203242", row: 3, code: "import.id_number.length"),
        ImportErrorCase(
            "公民身份号码: 18 characters", "公民身份号码", "5301021977020324231", row: 3, code: "import.id_number.length"),
        ImportErrorCase(
            "公民身份号码: digits and a check character", "公民身份号码", "53010219770203242Y", row: 3,
            code: "import.id_number.character"),
        ImportErrorCase(
            "公民身份号码: digits and a check character", "公民身份号码", "5301021977O2032423", row: 3,
            code: "import.id_number.character"),
        ImportErrorCase(
            "公民身份号码: a real birth date", "公民身份号码", "530102197702302423", row: 3, code: "import.id_number.birth_date"),
        ImportErrorCase(
            "公民身份号码: a real birth date (29 February 2001)", "公民身份号码",
            ImportFixture.identityNumber(born: "20010229", sequence: 2), row: 3, code: "import.id_number.birth_date"),
        ImportErrorCase(
            "公民身份号码: check character (GB 11643-1999)", "公民身份号码", "530102197702032424", row: 3,
            code: "import.id_number.check_character"),
        ImportErrorCase(
            "公民身份号码: birth date not after the filing date",
            edits: [ImportEdit(row: 7, column: "建档日期", value: "2014-12-31")],
            code: "import.id_number.born_after_filing", row: 8, column: "公民身份号码", value: "532901201501018228",
            household: "DL-2017-0042"),
        // uniqueness and the worker
        ImportErrorCase(
            "公民身份号码: twice inside one household is an error too", "公民身份号码", "530102197702032423", row: 4,
            code: "import.id_number.duplicate_in_household"),
        ImportErrorCase(
            "与职工关系: exactly one 本人 per household (none: on the first row)", "与职工关系", "配偶", row: 2,
            code: "import.relation.no_worker"),
        ImportErrorCase(
            "与职工关系: exactly one 本人 per household (two: on the extra row)", "与职工关系", "本人", row: 3,
            code: "import.relation.extra_worker"),
        // household columns on the other rows
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "家庭月总收入", "1300", row: 3,
            code: "import.monthly_income.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "月刚性支出", "100", row: 3,
            code: "import.monthly_special_expense.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "是否单亲", "是", row: 3,
            code: "import.single_parent.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "住房状况", "无房", row: 4, code: "import.housing.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "行政区划代码", "530103", row: 4,
            code: "import.division_code.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "建档日期", "2017-03-16", row: 3,
            code: "import.filed_on.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "次要致困原因", "其他", row: 3,
            code: "import.secondary_causes.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "工作单位", "别的厂", row: 3, code: "import.employer.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed", "统一社会信用代码", "91350100M000100Y43", row: 3,
            code: "import.employer_uscc.disagrees"),
        ImportErrorCase(
            "other rows: empty or the same value once parsed (是 on the worker's row)", "单位欠缴社保", "否", row: 6,
            code: "import.employer_arrears.disagrees", household: "QJ-2017-0007"),
        ImportErrorCase(
            "other rows: an unreadable value never agrees", "家庭月总收入", "abc", row: 3,
            code: "import.monthly_income.disagrees"),
    ]

    @Test("Each error names its row, its column as written, its value (masked) and its code", arguments: cases)
    func error(_ testCase: ImportErrorCase) throws {
        var table = ImportFixture.sample
        for edit in testCase.edits { table[edit.row, edit.column] = edit.value }
        let result = try table.read()
        let entry = try #require(result.entry(testCase.household))
        #expect(entry.household == nil)
        #expect(entry.errors.count == 1, "\(entry.errors)")
        let error = try #require(entry.errors.first)
        #expect(error.code == testCase.code)
        #expect(error.row == testCase.row)
        #expect(error.column == testCase.column)
        let expectedValue = testCase.column == "公民身份号码" ? IdentityNumber.mask(testCase.value) : testCase.value
        #expect(error.value == expectedValue)
        #expect(!error.message.isEmpty)
        if testCase.column == "公民身份号码" && testCase.value.count == 18 {
            #expect(!error.message.contains(testCase.value.dropFirst(6).prefix(8)))
        }
        // A household with any error is not filed; the others are.
        for other in result.entries where other.fileNumber != testCase.household {
            #expect(other.household != nil, "\(other.fileNumber): \(other.errors)")
        }
    }

    @Test("A retired code says when it ended and its successor; a new code when it starts (POLICY.md, reference data)")
    func divisionMessages() throws {
        let retired = try ImportFixture.sample.setting("行政区划代码", to: "530122", row: 2)
            .setting("建档日期", to: "2017-11-01", row: 2).read()
        let message = try #require(retired.allErrors.first?.message)
        #expect(message.contains("2017-10-31") && message.contains("530115") && message.contains("2017-11-01"))

        let new = try ImportFixture.sample.setting("行政区划代码", to: "530115", row: 2)
            .setting("建档日期", to: "2016-07-30", row: 2).read()
        let newMessage = try #require(new.allErrors.first?.message)
        #expect(newMessage.contains("2016-07-31") && newMessage.contains("530122"))
    }

    @Test(
        "A renamed county's codes are accepted for their dates (docs/POLICY.md, reference data: valid_from ≤ d < valid_to)",
        arguments: [
            ("530122", "2017-10-30"), ("530122", "2016-07-31"), ("530115", "2016-07-31"), ("530115", "2017-12-31"),
        ])
    func renamedCountyAccepted(_ code: String, _ date: String) throws {
        let result = try ImportFixture.sample.setting("行政区划代码", to: code, row: 2).setting("建档日期", to: date, row: 2)
            .read()
        #expect(result.allErrors.isEmpty)
        #expect(result.entry("KM-2017-0001")?.household?.divisionCode == code)
        #expect(result.entry("KM-2017-0001")?.facts.prefectureCode == "530100")
    }

    @Test("A future filing date names today; today itself is accepted (formats: not in the future)")
    func filingDateToday() throws {
        let future = try ImportFixture.sample.setting("建档日期", to: "2018-01-01", row: 2).read()
        #expect(future.allErrors.first?.message.contains("2017-12-31") == true)
        let today = try ImportFixture.sample.setting("建档日期", to: "2017-12-31", row: 2).read()
        #expect(today.allErrors.isEmpty)
    }

    @Test("A birth date on the filing date is accepted (formats: birth date not after the filing date)")
    func bornOnFilingDate() throws {
        let result = try ImportFixture.sample.setting("建档日期", to: "2015-01-01", row: 7).read()
        #expect(result.allErrors.isEmpty)
    }

    @Test("A duplicate identity number names the first household and row; the earlier household stays valid")
    func duplicateAcrossHouseholds() throws {
        let result = try ImportFixture.sample.setting("公民身份号码", to: "530102197506121314", row: 5).read()
        let km = try #require(result.entry("KM-2017-0001"))
        #expect(km.household != nil && km.errors.isEmpty)
        let error = try #require(result.entry("QJ-2017-0007")?.errors.first)
        #expect(error.code == "import.id_number.duplicate" && error.row == 5 && error.value == "530102********1314")
        #expect(error.message.contains("KM-2017-0001") && error.message.contains("row 2"))
        #expect(result.entry("QJ-2017-0007")?.household == nil)
    }

    @Test("A third appearance still names the first; x and X are the same number (formats: unique across the register)")
    func duplicateThreeTimes() throws {
        let number = try #require(
            (0..<1000).lazy.map { ImportFixture.identityNumber(born: "19800101", sequence: $0) }.first {
                $0.hasSuffix("X")
            })
        let result = try ImportFixture.sample.setting("公民身份号码", to: number, row: 3)
            .setting("公民身份号码", to: number.lowercased(), row: 6).setting("公民身份号码", to: number, row: 8).read()
        #expect(result.entry("KM-2017-0001")?.household != nil)
        for (household, row) in [("QJ-2017-0007", 6), ("DL-2017-0042", 8)] {
            let error = try #require(result.entry(household)?.errors.first)
            #expect(error.code == "import.id_number.duplicate" && error.row == row)
            #expect(error.message.contains("KM-2017-0001 (row 3)"))
        }
    }

    @Test("Two extra 本人 rows are an error each, naming the worker's row (formats: exactly one 本人)")
    func threeWorkers() throws {
        let result = try ImportFixture.sample.setting("与职工关系", to: "本人", row: 3).setting("与职工关系", to: "本人", row: 4)
            .read()
        let errors = try #require(result.entry("KM-2017-0001")?.errors)
        #expect(errors.map(\.code) == ["import.relation.extra_worker", "import.relation.extra_worker"])
        #expect(errors.map(\.row) == [3, 4])
        #expect(errors.allSatisfy { $0.message.contains("row 2") && $0.column == "与职工关系" })
    }

    @Test("Without a worker, household columns are read and reported on the household's first row (formats: Errors)")
    func householdErrorOnFirstRowWithoutWorker() throws {
        let result = try ImportFixture.sample.setting("与职工关系", to: "配偶", row: 5).setting("住房状况", to: "楼房", row: 5)
            .read()
        let entry = try #require(result.entry("QJ-2017-0007"))
        #expect(entry.householdRow == 5)
        #expect(entry.errors.map(\.code) == ["import.housing.invalid", "import.relation.no_worker"])
        #expect(entry.errors.allSatisfy { $0.row == 5 })
    }

    @Test("A household column's error is on the worker's row wherever it stands (formats: Errors)")
    func householdErrorOnWorkerRow() throws {
        let sample = ImportFixture.sample
        var table = sample
        table.rows = [sample.rows[0], sample.rows[2], sample.rows[1], sample.rows[3]]
        table[3, "家庭月总收入"] = "12.345"
        let result = try table.read()
        let error = try #require(result.entry("KM-2017-0001")?.errors.first)
        #expect(error.row == 3 && error.code == "import.monthly_income.too_many_decimals")
    }

    @Test("Errors of a household come in row order, then column order (HouseholdImport.Entry.errors)")
    func errorOrder() throws {
        let result = try ImportFixture.sample.setting("健康状况", to: "", row: 4).setting("姓名", to: "", row: 3)
            .setting("医疗保险", to: "有", row: 2).setting("住房状况", to: "楼房", row: 2).read()
        let errors = try #require(result.entry("KM-2017-0001")?.errors)
        #expect(errors.map(\.row) == [2, 2, 3, 4])
        #expect(errors.map(\.column) == ["住房状况", "医疗保险", "姓名", "健康状况"])
    }

    @Test("A row with an empty 档案编号 is an entry of its own with an error (decision)")
    func emptyFileNumber() throws {
        let result = try ImportFixture.sample.setting("档案编号", to: "", row: 8).read()
        #expect(result.entries.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042", ""])
        #expect(result.entry("DL-2017-0042")?.household?.size == 1)
        let orphan = try #require(result.entry(""))
        #expect(orphan.errors.map(\.code).contains("import.file_number.missing"))
        #expect(orphan.errors.allSatisfy { $0.row == 8 })
    }

    @Test("Fields beyond the header are an error when not empty (decision: an unquoted comma shifts a row)")
    func extraFields() throws {
        var table = ImportFixture.sample
        table.rows[2].append("多余")
        table.rows[3].append("")
        let result = try table.read()
        let errors = try #require(result.entry("KM-2017-0001")?.errors)
        #expect(errors.map(\.code) == ["import.row.extra_fields"])
        #expect(errors.first?.row == 3 && errors.first?.column == "")
    }

    @Test("A row with fewer fields reads the missing ones as empty (decision)")
    func shortRow() throws {
        var table = ImportFixture.sample
        table.rows[2] = Array(table.rows[2].prefix(20))
        let result = try table.read()
        let errors = try #require(result.entry("KM-2017-0001")?.errors)
        #expect(errors.isEmpty)
        #expect(result.entry("KM-2017-0001")?.household?.members[1].pensionInsurance == .notEnrolled)
    }

    @Test("An identity number in a shifted column is masked too (decision: never a whole identity number)")
    func identityNumberInAnotherColumn() throws {
        let result = try ImportFixture.sample.setting("与职工关系", to: "530102197702032423", row: 3).read()
        let error = try #require(result.allErrors.first)
        #expect(error.code == "import.relation.invalid" && error.value == "530102********2423")
    }

    /// 统一社会信用代码 (GB 32100-2015): a wrong code is a warning, not an error.
    static let creditCodes: [(code: String, warning: String?)] = [
        ("91350100M000100Y43", nil),
        ("91350100M000100Y44", "import.employer_uscc.check_character"),
        ("91350100M000100Y4", "import.employer_uscc.length"),
        ("91350100M000100Y4I", "import.employer_uscc.character"),
        ("91350100m000100Y43", "import.employer_uscc.character"),
    ]

    @Test("统一社会信用代码: wrong length, character or check character is a warning", arguments: creditCodes)
    func creditCode(_ code: String, _ warning: String?) throws {
        let result = try ImportFixture.sample.setting("统一社会信用代码", to: code, row: 2).read()
        let entry = try #require(result.entry("KM-2017-0001"))
        #expect(entry.errors.isEmpty)
        #expect(entry.household?.employerCreditCode == code)
        #expect(entry.warnings.map(\.code) == (warning.map { [$0] } ?? []))
        if let first = entry.warnings.first {
            #expect(first.row == 2 && first.column == "统一社会信用代码" && first.value == code)
        }
    }
}
