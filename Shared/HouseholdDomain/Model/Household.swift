/// One hardship household's file (一户一档): the facts the union records at filing (policy §4.1).
///
/// A value: validated on import (``HouseholdImporter``), then assessed by ``Eligibility`` and ``MeasurePlan``.
/// Money is in yuan per month for the whole household.
public struct Household: Sendable, Hashable, Codable {
    /// 档案编号: 1–32 letters, digits and `-`; unique per household.
    public var fileNumber: String
    /// 行政区划代码: the six-digit county-level GB/T 2260 code of residence, valid on ``filedOn``.
    public var divisionCode: String
    /// 建档日期: the filing date.
    public var filedOn: LocalDate
    /// 家庭月总收入: the household's total monthly income, yuan.
    public var monthlyIncome: Yuan
    /// 月刚性支出: monthly spending caused by the hardship (treatment, tuition, losses), yuan.
    public var monthlySpecialExpense: Yuan
    /// 住房状况.
    public var housing: Housing
    /// 主要致困原因.
    public var primaryCause: Cause
    /// 次要致困原因: at most three.
    public var secondaryCauses: [Cause]
    /// 是否单亲.
    public var isSingleParent: Bool
    /// 是否农民工: a migrant worker living long-term in the city (policy §3.4).
    public var isMigrantWorker: Bool
    /// 是否农村扶贫对象: already covered as a rural poverty-alleviation household (policy §3.4).
    public var isRuralPovertyRegistered: Bool
    /// 是否享受低保: already on the minimum living guarantee.
    public var isOnDibao: Bool
    /// 单位欠缴社保: the employer is in arrears with social insurance.
    public var hasEmployerArrears: Bool
    /// 工作单位.
    public var employer: String
    /// 统一社会信用代码 of the employer, as written (checked with a warning only).
    public var employerCreditCode: String
    /// The members, the worker (本人) among them, in the order they were filed.
    public var members: [Member]

    /// Creates a household file.
    public init(
        fileNumber: String, divisionCode: String, filedOn: LocalDate, monthlyIncome: Yuan,
        monthlySpecialExpense: Yuan = .zero, housing: Housing, primaryCause: Cause, secondaryCauses: [Cause] = [],
        isSingleParent: Bool = false, isMigrantWorker: Bool = false, isRuralPovertyRegistered: Bool = false,
        isOnDibao: Bool = false, hasEmployerArrears: Bool = false, employer: String = "",
        employerCreditCode: String = "", members: [Member]
    ) {
        self.fileNumber = fileNumber
        self.divisionCode = divisionCode
        self.filedOn = filedOn
        self.monthlyIncome = monthlyIncome
        self.monthlySpecialExpense = monthlySpecialExpense
        self.housing = housing
        self.primaryCause = primaryCause
        self.secondaryCauses = secondaryCauses
        self.isSingleParent = isSingleParent
        self.isMigrantWorker = isMigrantWorker
        self.isRuralPovertyRegistered = isRuralPovertyRegistered
        self.isOnDibao = isOnDibao
        self.hasEmployerArrears = hasEmployerArrears
        self.employer = employer
        self.employerCreditCode = employerCreditCode
        self.members = members
    }

    /// Household size: the number of members (formats: "Household size is the number of rows").
    public var size: Int { members.count }

    /// The primary cause followed by the secondary causes (policy Part B).
    public var causes: [Cause] { [primaryCause] + secondaryCauses }

    /// The worker (本人), when the file has one (a valid file has exactly one).
    public var worker: Member? { members.first { $0.relation == .worker } }

    /// One person of the household (one row of the import file).
    public struct Member: Sendable, Hashable, Codable {
        /// The member's number within the household, 1-based, kept for the life of the file: per-child measures
        /// are named by it (``MeasureInstance/id``).
        public var number: Int
        /// 姓名 (personal data: never logged).
        public var name: String
        /// 公民身份号码; gives sex and date of birth.
        public var identityNumber: IdentityNumber
        /// 与职工关系.
        public var relation: Relation
        /// 健康状况.
        public var health: Health
        /// 就业状况.
        public var workStatus: WorkStatus
        /// 在读学段.
        public var schoolLevel: SchoolLevel
        /// 养老保险.
        public var pensionInsurance: PensionInsurance
        /// 医疗保险.
        public var medicalInsurance: MedicalInsurance
        /// 创业意愿: wishes to start a business.
        public var wantsBusiness: Bool

        /// Creates a member.
        public init(
            number: Int, name: String, identityNumber: IdentityNumber, relation: Relation,
            health: Health = .healthy, workStatus: WorkStatus = .none, schoolLevel: SchoolLevel = .none,
            pensionInsurance: PensionInsurance = .notEnrolled, medicalInsurance: MedicalInsurance = .notEnrolled,
            wantsBusiness: Bool = false
        ) {
            self.number = number
            self.name = name
            self.identityNumber = identityNumber
            self.relation = relation
            self.health = health
            self.workStatus = workStatus
            self.schoolLevel = schoolLevel
            self.pensionInsurance = pensionInsurance
            self.medicalInsurance = medicalInsurance
            self.wantsBusiness = wantsBusiness
        }

        /// Sex, from the identity number.
        public var sex: Sex { identityNumber.sex }
        /// Date of birth, from the identity number.
        public var birthDate: LocalDate { identityNumber.birthDate }
    }
}
