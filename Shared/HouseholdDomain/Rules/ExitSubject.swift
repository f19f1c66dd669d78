/// What the §2.3 judgement (``ExitReadiness``) and the provincial report read of a filed household: the file, the
/// prefecture the report counts it in, the filing date the dimensions count from, the category, the plan's
/// measures and the four facts that make a dimension hold from the filing date.
///
/// The coordinator judges on its minimised view of the household (the view of `households.coordinator`, which
/// carries all of these), the sequential `ProgrammeRun` on the assessment: both give the same subject, so both
/// judge the same ("distributed equals sequential"). Source: policy §2.3, Part B "The guarantees of §2.3".
public struct ExitSubject: Sendable, Hashable {
    /// 档案编号.
    public var fileNumber: String
    /// The six-digit code of the prefecture the report counts the file in (§5.2).
    public var prefectureCode: String
    /// 建档日期: a dimension that holds from the start holds since it.
    public var filedOn: LocalDate
    /// The category (policy §3); `nil` for a household no longer eligible, which is never ready to exit.
    public var category: Eligibility.Category?
    /// The plan's measures (policy §4.2, Part B table).
    public var measures: [MeasureInstance]
    /// `pc < S` (policy §3): basic living holds from the start when not.
    public var isBelowStandard: Bool
    /// Already receives 低保: basic living holds from the start.
    public var isOnDibao: Bool
    /// A zero-employment household (Part B): employment holds from the start when not.
    public var isZeroEmployment: Bool
    /// Has a housing need (Part B): housing holds from the start when not.
    public var needsHousing: Bool

    /// Whether the household is eligible (has a category).
    public var isEligible: Bool { category != nil }

    /// Creates a subject from its facts.
    ///
    /// - Parameters:
    ///   - fileNumber: The file number.
    ///   - prefectureCode: The prefecture the report counts the file in.
    ///   - filedOn: The filing date.
    ///   - category: The category, or `nil` when not eligible.
    ///   - measures: The plan's measures.
    ///   - isBelowStandard: `pc < S`.
    ///   - isOnDibao: Already receives 低保.
    ///   - isZeroEmployment: A zero-employment household.
    ///   - needsHousing: Has a housing need.
    public init(
        fileNumber: String, prefectureCode: String, filedOn: LocalDate, category: Eligibility.Category?,
        measures: [MeasureInstance], isBelowStandard: Bool, isOnDibao: Bool, isZeroEmployment: Bool,
        needsHousing: Bool
    ) {
        self.fileNumber = fileNumber
        self.prefectureCode = prefectureCode
        self.filedOn = filedOn
        self.category = category
        self.measures = measures
        self.isBelowStandard = isBelowStandard
        self.isOnDibao = isOnDibao
        self.isZeroEmployment = isZeroEmployment
        self.needsHousing = needsHousing
    }

    /// The subject of an assessed household (the sequential run).
    ///
    /// - Parameter assessment: The household's assessment.
    public init(_ assessment: Assessment) {
        self.init(
            fileNumber: assessment.fileNumber, prefectureCode: assessment.prefectureCode,
            filedOn: assessment.filedOn, category: assessment.category, measures: assessment.measures,
            isBelowStandard: assessment.isBelowStandard, isOnDibao: assessment.isOnDibao,
            isZeroEmployment: assessment.isZeroEmployment, needsHousing: assessment.needsHousing)
    }
}
