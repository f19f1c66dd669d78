import HouseholdDomain

/// What one agency's household feed carries about a household: only the fields that agency needs
/// (DESIGN "data minimisation"; the table and its reasons are in `docs/DATA-MINIMISATION.md`).
///
/// Every view carries the file number, the prefecture and county, the filing date, the category, `S` and the
/// measure instances of the plan that the agency leads (the coordinator: the whole plan), so no department re-runs
/// eligibility. The rest depends on the agency (``init(for:household:assessment:helper:persons:)``):
///
/// - hr-employment: the helper; zero-employment; the employer; the members able to work or laid off, and the worker
///   and the spouse: name, identity number, age, able to work, work status, business wish, pension insurance
///   (worker and spouse only).
/// - medical-insurance: the helper; every member: name, identity number, health, medical insurance.
/// - education-aid: the helper; the members at school: name, identity number, school level.
/// - housing: the helper; size, housing, housing need; the worker as the tenant: name, identity number.
/// - civil-affairs: the helper; size, income, special expenses, per-capita income, below `S`, on 低保, causes;
///   every member: name, identity number.
/// - coordinator: size, per-capita income, below `S`, on 低保, zero-employment, housing need; no helper, no names,
///   no identity numbers.
///
/// Names and identity numbers (the members, the tenant) go to a department only for a household whose plan holds a
/// measure it leads: without one, its members list is empty and housing gets no tenant.
///
/// Fields an agency does not get are absent from its JSON (not `null`). JSON keys are the property names
/// (camelCase) and stable. Source: policy §4.1, §4.2.1–§4.2.6, §2.3, Part B.
public struct HouseholdView: Sendable, Hashable, Codable {
    /// The agency this view is for (the consumer of its feed).
    public var agency: Agency
    /// 档案编号.
    public var fileNumber: String
    /// The six-digit code of the prefecture whose `S` applies.
    public var prefectureCode: String
    /// The six-digit code of the county of residence.
    public var divisionCode: String
    /// 建档日期: the filing date.
    public var filedOn: LocalDate
    /// The category (policy §3), or `nil` when the household is no longer eligible (its file is then closed).
    public var category: Eligibility.Category?
    /// `S`, yuan per person per month, of the prefecture for the year of the filing date (policy §3).
    public var minimumLivingStandard: Yuan
    /// The plan's measure instances that the agency leads (the coordinator: all of them), sorted by code then
    /// member number (policy §4.1 一户一计划, §4.2).
    public var measures: [MeasureInstance]
    /// The household's helper (一帮一 pairing, policy §4.1), the departments' contact for the case; never in the
    /// coordinator's view.
    public var helper: String?
    /// Number of members (housing: the size of the unit; civil affairs: 低保 is per person; coordinator: reports).
    public var householdSize: Int?
    /// 家庭月总收入, yuan (civil affairs: 低保 and the household economic-status verification of §4.1).
    public var monthlyIncome: Yuan?
    /// 月刚性支出, yuan (civil affairs: the expense-adjusted test, temporary assistance).
    public var monthlySpecialExpense: Yuan?
    /// Per-capita monthly income rounded to the fen, for display (civil affairs, coordinator).
    public var perCapitaIncome: Yuan?
    /// `pc < S` (civil affairs: `relief.dibao`; coordinator: the basic-living dimension of §2.3).
    public var isBelowStandard: Bool?
    /// Already on 低保 when filed (civil affairs: `relief.dibao`; coordinator: basic living).
    public var isOnDibao: Bool?
    /// A zero-employment household (hr-employment: `employment.placement`; coordinator: the employment dimension).
    public var isZeroEmployment: Bool?
    /// Housing is 无房 or 危房 (housing: `housing.public-rental`; coordinator: the housing dimension).
    public var needsHousing: Bool?
    /// 住房状况 (housing: public rental and rent reduction, policy §4.2.5).
    public var housing: Household.Housing?
    /// The primary cause then the secondary causes (civil affairs: `relief.temporary`, policy §4.2.6).
    public var causes: [Household.Cause]?
    /// 工作单位 (hr-employment: `insurance.arrears`, policy §4.2.4).
    public var employer: String?
    /// The employer's 统一社会信用代码, as written (hr-employment, with ``employer``).
    public var employerCreditCode: String?
    /// The worker (本人) as the tenant of a public-rental unit or the holder of a rent reduction (housing, policy
    /// §4.2.5), when housing leads a measure of the plan.
    public var tenant: Member?
    /// The members the agency acts for, with only the facts it needs (see the table above), or none when the
    /// department leads no measure of the plan; `nil` for the housing and the coordinator's views.
    public var members: [Member]?

    /// One member as an agency sees it: always the member number, relation, name and identity number (the agency
    /// enrols, pays or places that person), plus only the facts listed for the agency.
    public struct Member: Sendable, Hashable, Codable {
        /// The member's number in the household, kept for the life of the file (per-child measure ids use it).
        public var number: Int
        /// 与职工关系.
        public var relation: Household.Member.Relation
        /// 姓名 (personal data: never logged).
        public var name: String
        /// 公民身份号码 (personal data: log it masked only).
        public var identityNumber: IdentityNumber
        /// Age in whole years on the filing date (hr-employment: working and retirement age, Part B).
        public var age: Int?
        /// Able to work (Part B), derived so that hr-employment never sees the health status.
        public var isAbleToWork: Bool?
        /// 就业状况 (hr-employment, §4.2.1).
        public var workStatus: Household.Member.WorkStatus?
        /// 创业意愿 (hr-employment: `employment.entrepreneurship`).
        public var wantsBusiness: Bool?
        /// 养老保险, of the worker and the spouse only (hr-employment: `insurance.pension-*`, §4.2.4).
        public var pensionInsurance: Household.Member.PensionInsurance?
        /// 健康状况 (medical-insurance only: `medical.*`, §4.2.2).
        public var health: Household.Member.Health?
        /// 医疗保险 (medical-insurance: `medical.basic-enrolment`).
        public var medicalInsurance: Household.Member.MedicalInsurance?
        /// 在读学段 (education-aid: `education.student-aid`, `education.golden-autumn`, §4.2.3).
        public var schoolLevel: Household.Member.SchoolLevel?

        /// Creates a member with its identification only; set the facts the agency needs.
        ///
        /// - Parameter member: the member of the file.
        public init(identifying member: Household.Member) {
            self.number = member.number
            self.relation = member.relation
            self.name = member.name
            self.identityNumber = member.identityNumber
        }
    }
}
