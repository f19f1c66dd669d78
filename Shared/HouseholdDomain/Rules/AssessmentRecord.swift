/// One household of an import file as `jiekun assess --json` prints it: one JSON object per line, in order of first
/// appearance, with exactly the keys below.
///
/// A household with errors has `eligible` false, `category` null, empty `measures`, and null for any number that
/// could not be computed.
public struct AssessmentRecord: Sendable, Hashable, Encodable {
    /// 档案编号 as written.
    public var fileNumber: String
    /// Six-digit county code, or `nil` when the file's value is not six digits.
    public var divisionCode: String?
    /// Six-digit prefecture code, or `nil` when the county is unknown.
    public var prefectureCode: String?
    /// Number of rows of the household.
    public var householdSize: Int
    /// Per-capita monthly income, yuan, two decimals, rounded half up; `nil` when the income is unreadable.
    public var perCapitaIncome: Yuan?
    /// `S`, yuan per person per month; `nil` when the prefecture, year or standard is unknown.
    public var dibaoStandard: Yuan?
    /// Whether the household was assessed eligible (false whenever it has errors).
    public var eligible: Bool
    /// 1, 2, 3 or `nil`.
    public var category: Eligibility.Category?
    /// The §3 tests with their numbers (empty when the household has errors).
    public var reasons: [String]
    /// Part B codes, sorted, once per child for per-child measures; empty when not eligible.
    public var measures: [String]
    /// Errors (row, column as written, value with identity numbers masked, message).
    public var errors: [ImportIssue]
    /// Warnings.
    public var warnings: [ImportIssue]

    /// The assessment, when the household had no errors.
    public var assessment: Assessment?

    private enum CodingKeys: String, CodingKey {
        case fileNumber, divisionCode, prefectureCode, householdSize, perCapitaIncome, dibaoStandard, eligible
        case category, reasons, measures, errors, warnings
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fileNumber, forKey: .fileNumber)
        try container.encode(divisionCode, forKey: .divisionCode)
        try container.encode(prefectureCode, forKey: .prefectureCode)
        try container.encode(householdSize, forKey: .householdSize)
        try container.encode(perCapitaIncome, forKey: .perCapitaIncome)
        try container.encode(dibaoStandard, forKey: .dibaoStandard)
        try container.encode(eligible, forKey: .eligible)
        try container.encode(category?.rawValue, forKey: .category)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(measures, forKey: .measures)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
    }

    /// Assesses one household of an import file.
    ///
    /// - Parameters:
    ///   - entry: the household as imported, with its errors and warnings.
    ///   - headers: the file's headers as written (to name the division-code column in an assessment error).
    ///   - assessor: the policy to apply.
    /// - Returns: the record; a household whose prefecture and year have no `S` gets an error naming both.
    public init(entry: HouseholdImport.Entry, headers: [HouseholdImport.Column: String], assessor: Assessor) {
        fileNumber = entry.fileNumber
        divisionCode = entry.facts.divisionCode
        prefectureCode = entry.facts.prefectureCode
        householdSize = entry.facts.size
        errors = entry.errors
        warnings = entry.warnings
        eligible = false
        category = nil
        reasons = []
        measures = []
        assessment = nil
        if let income = entry.facts.monthlyIncome, householdSize > 0 {
            perCapitaIncome = income.divided(by: householdSize)
        }
        if let prefecture = entry.facts.prefectureCode, let date = entry.facts.filedOn {
            dibaoStandard = assessor.policy.minimumLivingStandard(prefecture: prefecture, year: date.year)
        }
        guard let household = entry.household else { return }
        do {
            let assessment = try assessor.assess(household)
            self.assessment = assessment
            eligible = assessment.isEligible
            category = assessment.category
            reasons = assessment.reasons
            measures = assessment.measures.map(\.code.rawValue)
            perCapitaIncome = assessment.perCapitaIncome
            dibaoStandard = assessment.minimumLivingStandard
            prefectureCode = assessment.prefectureCode
        } catch {
            errors.append(
                ImportIssue(
                    code: error.code, row: entry.householdRow,
                    column: headers[.divisionCode] ?? HouseholdImport.Column.divisionCode.rawValue,
                    value: household.divisionCode, message: error.message))
        }
    }
}
