/// What reading one import file gave: one entry per household, in order of first appearance.
///
/// Source: docs/IMPORT-FORMAT.md. A household with any error is not filed; the others are.
public struct HouseholdImport: Sendable {
    /// The columns of the import file, by their English names (docs/IMPORT-FORMAT.md).
    public enum Column: String, Sendable, Hashable, CaseIterable {
        case fileNumber = "file_number"
        case divisionCode = "division_code"
        case filedOn = "filed_on"
        case monthlyIncome = "monthly_income"
        case monthlySpecialExpense = "monthly_special_expense"
        case housing
        case primaryCause = "primary_cause"
        case secondaryCauses = "secondary_causes"
        case singleParent = "single_parent"
        case migrantWorker = "migrant_worker"
        case ruralPovertyRegistered = "rural_poverty_registered"
        case onDibao = "on_dibao"
        case employerArrears = "employer_arrears"
        case employer
        case employerCreditCode = "employer_uscc"
        case name
        case idNumber = "id_number"
        case relation
        case health
        case workStatus = "work_status"
        case schoolLevel = "school_level"
        case pensionInsurance = "pension_insurance"
        case medicalInsurance = "medical_insurance"
        case wantsBusiness = "wants_business"
    }

    /// One household of the file.
    public struct Entry: Sendable {
        /// 档案编号 as written.
        public var fileNumber: String
        /// The row of the household's columns: the worker's row, or the household's first row without one.
        public var householdRow: Int
        /// The row of each person, in the order of the household's members (``Household/members``).
        public var memberRows: [Int]
        /// The validated household, or `nil` when ``errors`` is not empty.
        public var household: Household?
        /// Errors, in row order; any error keeps the household from being filed.
        public var errors: [ImportIssue]
        /// Warnings (e.g. a wrong credit code); they do not stop filing.
        public var warnings: [ImportIssue]
        /// What could be read even when the household has errors (for reports that show the numbers they can).
        public var facts: Facts
    }

    /// Household facts read independently of the household's other errors; `nil` where unreadable.
    public struct Facts: Sendable, Hashable {
        /// The division code when it is six digits.
        public var divisionCode: String?
        /// The prefecture of that code when the code is in the reference list (valid on the date or not).
        public var prefectureCode: String?
        /// The filing date when it is a real date.
        public var filedOn: LocalDate?
        /// The monthly income when it is a valid amount.
        public var monthlyIncome: Yuan?
        /// The number of rows of the household.
        public var size: Int

        /// Creates the facts.
        public init(
            divisionCode: String? = nil, prefectureCode: String? = nil, filedOn: LocalDate? = nil,
            monthlyIncome: Yuan? = nil, size: Int
        ) {
            self.divisionCode = divisionCode
            self.prefectureCode = prefectureCode
            self.filedOn = filedOn
            self.monthlyIncome = monthlyIncome
            self.size = size
        }
    }

    /// The households, in order of first appearance in the file.
    public var entries: [Entry]
    /// Issues about the file as a whole, e.g. an unknown column (a warning; the column is ignored).
    public var fileWarnings: [ImportIssue]
    /// Each recognised column's header as written in the file (Chinese or English).
    public var headers: [Column: String]
    /// What the file was: a UTF-8 CSV for bytes read by ``HouseholdImporter/read(bytes:fileRows:)``.
    public var format: ImportFile.Format = .csv(.utf8)
    /// What reading the file as ``format`` found (``ImportFile/warnings``): a workbook's numbers of more than 15
    /// digits.
    public var formatWarnings: [String] = []

    /// Creates an import result.
    public init(entries: [Entry], fileWarnings: [ImportIssue], headers: [Column: String]) {
        self.entries = entries
        self.fileWarnings = fileWarnings
        self.headers = headers
    }
}

/// Why nothing in a file can be assessed (`jiekun assess` exits with status 2).
public struct ImportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Reason: Sendable, Equatable {
        /// The file does not exist or cannot be read.
        case unreadable(path: String, detail: String)
        /// The bytes are not UTF-8; `offset` is the first bad byte (0-based).
        case notUTF8(offset: Int)
        /// A quoted field is not closed, or a quote stands inside an unquoted field.
        case brokenQuoting(row: Int)
        /// Required columns are missing from the header (their Chinese names).
        case missingColumns([String])
        /// A column is given twice (e.g. by its Chinese and its English name).
        case duplicateColumn(String)
        /// The file has no header row.
        case empty
        /// The file is not a CSV or `.xlsx` file: what it is.
        case notImportFile(ImportFile.FileKind)
        /// An `.xlsx` workbook whose parts cannot be read: what is wrong.
        case unreadableWorkbook(String)
    }

    /// What went wrong.
    public var reason: Reason
    /// What the file was, when that explains the failure (``ImportFile/Format/context``): `this CSV is
    /// GBK-encoded and was read as such`. It starts the description.
    public var context: String?
    /// What to do, when the file shows it (``ImportFile/headerRowHint``: title rows above the header). It ends the
    /// description.
    public var hint: String?

    /// Creates a failure.
    public init(_ reason: Reason, context: String? = nil) {
        self.reason = reason
        self.context = context
    }

    public var description: String {
        [context, reasonDescription, hint].compactMap { $0 }.joined(separator: "; ")
    }

    /// The reason alone, without the context.
    private var reasonDescription: String {
        switch reason {
        case .unreadable(let path, let detail): return "无法读取 \(path) (cannot read \(path): \(detail))"
        case .notUTF8(let offset):
            return "文件不是 UTF-8 编码，请另存为“CSV UTF-8” (the file is not UTF-8, first bad byte at offset "
                + "\(offset); save it as \"CSV UTF-8\": a spreadsheet's plain CSV export in China is usually "
                + "GB18030/GBK)"
        case .brokenQuoting(let row): return "第 \(row) 行的 CSV 引号不配对 (broken CSV quoting at row \(row))"
        case .missingColumns(let names):
            return "表头缺少必填列：\(names.joined(separator: "、")) "
                + "(required columns missing from the header: \(names.joined(separator: ", ")))"
        case .duplicateColumn(let name):
            return "表头中 \(name) 列出现两次 (column \(name) appears twice in the header)"
        case .empty: return "文件为空，没有表头行 (the file is empty: no header row)"
        case .notImportFile(let kind): return kind.description
        case .unreadableWorkbook(let detail):
            return "无法读取此 .xlsx 工作簿，请在 Excel 或 WPS 中重新保存 (this .xlsx file cannot be read: \(detail); "
                + "open it and save it again, or save it as CSV)"
        }
    }
}
