import HouseholdDomain

/// Import files for the import tests: the spec's sample as a table of fields that a test edits, then writes as CSV.
enum ImportFixture {
    /// The date the tests run "today".
    static let today = LocalDate(year: 2017, month: 12, day: 31)!
    /// An importer of Yunnan's divisions on ``today``.
    static let importer = HouseholdImporter(today: today)

    /// `deploy/samples/households.csv`, verbatim (a test checks it equals the shared file when that is present).
    static let sampleCSV = """
        档案编号,行政区划代码,建档日期,家庭月总收入,月刚性支出,住房状况,主要致困原因,次要致困原因,是否单亲,是否农民工,是否农村扶贫对象,是否享受低保,单位欠缴社保,工作单位,统一社会信用代码,姓名,公民身份号码,与职工关系,健康状况,就业状况,在读学段,养老保险,医疗保险,创业意愿
        KM-2017-0001,530102,2017-03-15,1200,,租房,下岗失业,子女上学,否,否,否,否,否,昆明某机械厂,,张某,530102197506121314,本人,健康,下岗,无,已参保,已参保,是
        KM-2017-0001,,,,,,,,,,,,,,,李某,530102197702032423,配偶,患病,无,无,未参保,已参保,否
        KM-2017-0001,,,,,,,,,,,,,,,张某某,530102200409183155,子女,健康,在学,初中,未参保,已参保,否
        QJ-2017-0007,530302,2017-05-02,1900,1000,危房,患重特大疾病,,否,否,否,否,是,曲靖某煤矿,,王某,530302196801015174,本人,重大疾病,病休,无,已参保,已参保,否
        QJ-2017-0007,,,,,,,,,,,,,,,赵某,530302197007226243,配偶,健康,灵活就业,无,未参保,未参保,否
        DL-2017-0042,532901,2017-06-20,2800,1900,无房,遭受意外事故,,是,是,否,否,否,大理某建筑公司,,杨某,532901198604097331,本人,残疾,失业,无,未参保,已参保,否
        DL-2017-0042,,,,,,,,,,,,,,,杨某某,532901201501018228,子女,健康,无,学前,未参保,已参保,否

        """

    /// The sample as rows of fields; index 0 is the header (file row 1), index `r - 1` is file row `r`.
    static var sample: Table { Table(csv: sampleCSV) }

    /// The English header of each Chinese one.
    static let englishHeaders: [String: String] = Dictionary(
        uniqueKeysWithValues: HouseholdImport.Column.allCases.map { ($0.chineseHeader, $0.rawValue) })

    /// An identity number with a valid check character.
    ///
    /// - Parameters:
    ///   - address: six digits.
    ///   - born: `YYYYMMDD`.
    ///   - sequence: 0…999; odd for a man.
    static func identityNumber(_ address: String = "530102", born: String, sequence: Int) -> String {
        let digits = String(sequence)
        let body = address + born + String(repeating: "0", count: 3 - digits.count) + digits
        return body + String(UnicodeScalar(IdentityNumber.checkCharacter(for: Array(body.utf8)[...])))
    }

    /// Reads `text` as a file's bytes.
    static func read(_ text: String, today: LocalDate = today) throws(ImportFailure) -> HouseholdImport {
        try HouseholdImporter(today: today).read(bytes: Array(text.utf8))
    }

    /// Reads `text` and returns the failure, or `nil` when it reads.
    static func failure(_ bytes: [UInt8]) -> ImportFailure.Reason? {
        do {
            _ = try importer.read(bytes: bytes)
            return nil
        } catch {
            return error.reason
        }
    }

    /// A file as a table of fields, edited by header name and file row number, written back as CSV.
    struct Table {
        /// The records; `rows[0]` is the header.
        var rows: [[String]]

        /// Splits a CSV text without quotes (as the sample).
        init(csv: String) {
            rows = csv.split(separator: "\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
        }

        /// The field of `column` (a header as in the table) on file row `row`.
        subscript(row: Int, column: String) -> String {
            get { rows[row - 1][index(column)] }
            set { rows[row - 1][index(column)] = newValue }
        }

        /// The position of `column` in the header.
        func index(_ column: String) -> Int {
            guard let index = rows[0].firstIndex(of: column) else { fatalError("no column \(column)") }
            return index
        }

        /// This table with file row `row`'s `column` set to `value`.
        func setting(_ column: String, to value: String, row: Int) -> Table {
            var copy = self
            copy[row, column] = value
            return copy
        }

        /// The table written as CSV; fields with a comma, quote or line break are quoted.
        func csv(lineBreak: String = "\n") -> String {
            rows.map { fields in
                fields.map { field in
                    field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                        ? "\"" + Table.doublingQuotes(field) + "\"" : field
                }.joined(separator: ",")
            }.joined(separator: lineBreak) + lineBreak
        }

        /// `field` with each `"` doubled, as inside a quoted CSV field.
        static func doublingQuotes(_ field: String) -> String {
            var result = ""
            for character in field {
                if character == "\"" { result.append("\"") }
                result.append(character)
            }
            return result
        }

        /// Reads the table as a file.
        func read(today: LocalDate = ImportFixture.today) throws(ImportFailure) -> HouseholdImport {
            try ImportFixture.read(csv(), today: today)
        }
    }
}

extension HouseholdImport {
    /// The entry with file number `fileNumber`.
    func entry(_ fileNumber: String) -> Entry? { entries.first { $0.fileNumber == fileNumber } }

    /// Every error of every entry.
    var allErrors: [ImportIssue] { entries.flatMap(\.errors) }
}
