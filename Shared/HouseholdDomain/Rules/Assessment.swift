/// A household assessed under a policy: its category (policy §3), the measures its plan asks for (policy §4.2) and
/// the facts the §2.3 dimensions need. A pure value: the same household and policy always give the same assessment.
public struct Assessment: Sendable, Hashable, Codable {
    /// 档案编号.
    public var fileNumber: String
    /// The county of residence.
    public var divisionCode: String
    /// Its prefecture, whose `S` applies.
    public var prefectureCode: String
    /// The filing date.
    public var filedOn: LocalDate
    /// Number of members.
    public var householdSize: Int
    /// Household monthly income, yuan.
    public var monthlyIncome: Yuan
    /// `S`: yuan per person per month, of the prefecture for the year of the filing date.
    public var minimumLivingStandard: Yuan
    /// Per-capita monthly income rounded half up to the fen (display only).
    public var perCapitaIncome: Yuan
    /// The category, or `nil` when not eligible.
    public var category: Eligibility.Category?
    /// The §3 tests applied, with their numbers.
    public var reasons: [String]
    /// The measures triggered, sorted by code then member number (empty when not eligible).
    public var measures: [MeasureInstance]
    /// `pc < S` (income < `S × size`).
    public var isBelowStandard: Bool
    /// Already on 低保 when filed.
    public var isOnDibao: Bool
    /// A zero-employment household (零就业家庭) when filed.
    public var isZeroEmployment: Bool
    /// Housing is 无房 or 危房.
    public var needsHousing: Bool

    /// Whether the household is eligible (has a category).
    public var isEligible: Bool { category != nil }

    /// Creates an assessment from its parts.
    public init(
        fileNumber: String, divisionCode: String, prefectureCode: String, filedOn: LocalDate, householdSize: Int,
        monthlyIncome: Yuan, minimumLivingStandard: Yuan, perCapitaIncome: Yuan, category: Eligibility.Category?,
        reasons: [String], measures: [MeasureInstance], isBelowStandard: Bool, isOnDibao: Bool,
        isZeroEmployment: Bool, needsHousing: Bool
    ) {
        self.fileNumber = fileNumber
        self.divisionCode = divisionCode
        self.prefectureCode = prefectureCode
        self.filedOn = filedOn
        self.householdSize = householdSize
        self.monthlyIncome = monthlyIncome
        self.minimumLivingStandard = minimumLivingStandard
        self.perCapitaIncome = perCapitaIncome
        self.category = category
        self.reasons = reasons
        self.measures = measures
        self.isBelowStandard = isBelowStandard
        self.isOnDibao = isOnDibao
        self.isZeroEmployment = isZeroEmployment
        self.needsHousing = needsHousing
    }
}

/// Why a valid household cannot be assessed under a policy.
public struct AssessmentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code: `assess.standard.missing` or `assess.county.unknown`.
    public var code: String
    /// What is wrong, naming the prefecture and the year.
    public var message: String
    public var description: String { message }
}

/// Assesses households under one policy (policy §3, §4.2, Part B).
public struct Assessor: Sendable {
    /// The policy applied.
    public let policy: Policy
    /// The divisions used to find a county's prefecture.
    public let counties: CountyRegistry

    /// Creates an assessor.
    public init(policy: Policy, counties: CountyRegistry = .yunnan) {
        self.policy = policy
        self.counties = counties
    }

    /// `S` for a county on a date: the standard of the county's prefecture for the date's year.
    ///
    /// - Returns: yuan per person per month, with the prefecture's code.
    /// - Throws: ``AssessmentError`` naming the prefecture and the year when the policy has no standard for them,
    ///   or the county when it is not in the reference list.
    public func minimumLivingStandard(divisionCode: String, on date: LocalDate) throws(AssessmentError)
        -> (standard: Yuan, prefectureCode: String)
    {
        guard let county = counties.county(code: divisionCode) else {
            throw AssessmentError(
                code: "assess.county.unknown",
                message: "县 \(divisionCode) 不在行政区划参考表中 (county \(divisionCode) is not in the reference list)")
        }
        guard let standard = policy.minimumLivingStandard(prefecture: county.prefectureCode, year: date.year) else {
            throw AssessmentError(
                code: "assess.standard.missing",
                message: "政策文件（版本 \(policy.version)）没有 \(county.prefectureName) \(date.year) 年的低保标准 S "
                    + "(the policy, version \(policy.version), has no minimum living standard S for prefecture "
                    + "\(county.prefectureCode) (\(county.prefectureName)) in \(date.year))")
        }
        return (standard, county.prefectureCode)
    }

    /// Assesses one validated household.
    ///
    /// - Parameter household: a household without import errors.
    /// - Returns: its category, reasons and measures.
    /// - Throws: ``AssessmentError`` when the policy has no `S` for its prefecture and year.
    public func assess(_ household: Household) throws(AssessmentError) -> Assessment {
        let (standard, prefectureCode) = try minimumLivingStandard(
            divisionCode: household.divisionCode, on: household.filedOn)
        let decision = Eligibility.decide(household, standard: standard, parameters: policy.eligibility)
        let measures = MeasurePlan.measures(
            for: household, category: decision.category, standard: standard, persons: policy.persons)
        return Assessment(
            fileNumber: household.fileNumber, divisionCode: household.divisionCode, prefectureCode: prefectureCode,
            filedOn: household.filedOn, householdSize: household.size, monthlyIncome: household.monthlyIncome,
            minimumLivingStandard: standard, perCapitaIncome: household.monthlyIncome.divided(by: household.size),
            category: decision.category, reasons: decision.reasons, measures: measures,
            isBelowStandard: household.monthlyIncome < standard * household.size, isOnDibao: household.isOnDibao,
            isZeroEmployment: PersonFacts(household, persons: policy.persons).isZeroEmployment,
            needsHousing: household.housing.needsHousing)
    }
}
