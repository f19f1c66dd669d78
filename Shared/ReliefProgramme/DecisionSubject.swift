import HouseholdDomain

/// What a department's decision by rule reads of a household (``AutomaticDecisions``): the file, the prefecture
/// whose budgets and public-rental stock pay, the filing date the processing days count from, and the category.
///
/// A department decides on its own minimised view of the household (the view of its household feed), the
/// sequential ``ProgrammeRun`` on the assessment: both give the same subject, so both decide the same
/// ("distributed equals sequential"). Source: policy §4.2, §5.2; Part B.
public struct DecisionSubject: Sendable, Hashable {
    /// 档案编号.
    public var fileNumber: String
    /// The six-digit code of the prefecture whose budgets and public-rental stock pay (§5.2).
    public var prefectureCode: String
    /// 建档日期: a measure is due the processing days after it.
    public var filedOn: LocalDate
    /// The category (policy §3): whether the union pays the mutual-aid fee (§4.2.2) and whether a public-rental
    /// unit comes with a rent reduction (§4.2.5); `nil` for a household no longer eligible.
    public var category: Eligibility.Category?

    /// Creates a subject from its facts.
    ///
    /// - Parameters:
    ///   - fileNumber: The file number.
    ///   - prefectureCode: The prefecture whose budgets pay.
    ///   - filedOn: The filing date.
    ///   - category: The category, or `nil` when not eligible.
    public init(fileNumber: String, prefectureCode: String, filedOn: LocalDate, category: Eligibility.Category?) {
        self.fileNumber = fileNumber
        self.prefectureCode = prefectureCode
        self.filedOn = filedOn
        self.category = category
    }

    /// The subject of an assessed household (the sequential run).
    ///
    /// - Parameter assessment: The household's assessment.
    public init(_ assessment: Assessment) {
        self.init(
            fileNumber: assessment.fileNumber, prefectureCode: assessment.prefectureCode,
            filedOn: assessment.filedOn, category: assessment.category)
    }
}
