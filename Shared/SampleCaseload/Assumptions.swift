import HouseholdDomain

// Every rate the sample caseload uses, in one place. docs/SAMPLE-CASELOAD.md states each one and says which are
// published (docs/POLICY.md, "Reference data") and which are assumed; change both together.

/// The rates of the sample caseload (percent, or integer weights of a ``WeightTable``).
enum Rates {
    // MARK: Files

    /// Files opened in the given year, the next and the one after (policy §2.2: registration is continuous).
    static let filingYear = WeightTable([80, 12, 8])

    // MARK: Household composition

    /// Household sizes 1…6 (mean 2.82).
    static let householdSize = WeightTable([14, 26, 36, 15, 6, 3])
    /// The worker (本人) is a man.
    static let workerMalePercent = 55
    /// The worker's age in five-year bands 20–24 … 60–64, uniform within a band.
    static let workerAgeBand = WeightTable([3, 6, 10, 14, 18, 20, 16, 10, 3])
    /// A household of two or more with a worker aged 22 or more has a spouse.
    static let spousePercent = 85
    /// Each further member: 子女, 父母, 孙子女 (only when the worker is 42 or older), 兄弟姐妹.
    static let memberKind = WeightTable([70, 18, 6, 6])

    // MARK: Causes

    /// The primary cause, drawn first. Illness leads at 37 % (published: 36.97 % of hardship workers in one city's
    /// survey, docs/POLICY.md "Reference data"); the rest is assumed. The household is then made to carry it: 下岗失业,
    /// 化解过剩产能, 有劳动能力而未就业 and 未参加社会保险 get a worker of working age; 子女上学 a worker of 28–55,
    /// two members or more and a child of 6–22 at school.
    static let primaryCause: [(cause: Household.Cause, weight: Int)] = [
        (.majorIllness, 370),
        (.laidOff, 150),
        (.childAtSchool, 120),
        (.unableToWork, 80),
        (.ableButUnemployed, 50),
        (.accident, 50),
        (.naturalDisaster, 40),
        (.overcapacityReduction, 40),
        (.insuranceBenefitsNotDelivered, 30),
        (.uninsured, 30),
        (.other, 40),
    ]
    static let primaryCauseTable = WeightTable(primaryCause.map(\.weight))
    /// With an illness as primary cause, the ill member has 重大疾病 (else 患病).
    static let illnessMajorPercent = 75
    /// With an illness as primary cause, the ill member is the worker (else another member).
    static let illnessWorkerPercent = 50
    /// The separator of secondary causes is `;` instead of `、` (both allowed by the format).
    static let semicolonSeparatorPercent = 5

    // MARK: Persons

    /// Health of children under 18: 健康, 患病, 重大疾病, 残疾.
    static let childHealth = WeightTable([95, 3, 1, 1])
    /// Health of adults under 60.
    static let adultHealth = WeightTable([80, 13, 3, 4])
    /// Health of people of 60 and over.
    static let elderHealth = WeightTable([50, 35, 8, 7])
    /// Work status of a worker of working age: 在岗, 灵活就业, 下岗, 失业, 病休, 内退 (only within ten years of
    /// retirement age, else 在岗), 无.
    static let workerWork = WeightTable([40, 25, 6, 10, 4, 5, 10])
    /// Work status of a spouse of working age, same order.
    static let spouseWork = WeightTable([30, 28, 5, 12, 3, 4, 18])
    /// Work status of other adults of working age not at school: 在岗, 灵活就业, 失业, 无.
    static let otherAdultWork = WeightTable([40, 30, 15, 15])
    /// Past retirement age, worker or spouse: 退休, 灵活就业, 无.
    static let retiredWorkerWork = WeightTable([80, 15, 5])
    /// Past retirement age, other members: 退休, 无.
    static let retiredOtherWork = WeightTable([55, 45])
    /// A retired person draws a pension (领取养老金; else 已参保 without drawing it yet).
    static let drawingPensionPercent = 90
    /// Pension insurance 已参保 among the not retired of 16 or more, not at school: worker, spouse, others.
    static let workerPensionPercent = 72
    static let spousePensionPercent = 60
    static let otherPensionPercent = 45
    /// Medical insurance 已参保, everyone.
    static let medicalInsuredPercent = 94
    /// 创业意愿 = 是 among those of working age not at school and not retired: without a job (下岗, 失业, 无,
    /// 灵活就业), with one.
    static let wantsBusinessJoblessPercent = 15
    static let wantsBusinessEmployedPercent = 4

    /// School at 3–5: 学前 (else not at school).
    static let preschoolPercent = 85
    /// At 15–17: 高中, 中职, not at school.
    static let upperSecondary = WeightTable([55, 35, 10])
    /// At 18–21: 高职, 本科, not at school.
    static let tertiary = WeightTable([30, 30, 40])
    /// At 22: 本科, 研究生, not at school.
    static let ageTwentyTwo = WeightTable([20, 5, 75])
    /// At 23–26: 研究生.
    static let postgraduatePercent = 8

    // MARK: Household facts

    /// 是否农民工.
    static let migrantPercent = 15
    /// A migrant household is already a rural poverty-alleviation household (excluded by policy §3.4).
    static let ruralPovertyAmongMigrantsPercent = 4
    /// A migrant's identity number carries another county's code (hukou elsewhere).
    static let migrantOtherCountyPercent = 60
    /// Housing of non-migrant households: 自购房, 自建房, 租房, 承租单位公房, 公租房, 无房, 危房.
    static let housing = WeightTable([22, 10, 25, 13, 10, 12, 8])
    /// Housing of migrant households, same order.
    static let migrantHousing = WeightTable([5, 5, 55, 5, 5, 20, 5])
    /// With 遭受自然灾害 among the causes, the home is 危房.
    static let disasterDangerousHomePercent = 50

    // MARK: Income (bands of per-capita income against S, the local urban 低保 standard)

    /// Bands: below S; S…1.5 S; above 1.5 S up to 3 S; above 3 S (up to 4.5 S), for a household with a serious
    /// hardship (a member with 重大疾病, or a cause among 患重特大疾病, 遭受意外事故, 遭受自然灾害: category 3).
    static let incomeBandSerious = WeightTable([50, 25, 23, 2])
    /// The same bands for a household with another hardship cost (an ill member, a member at school, 子女上学).
    static let incomeBandOtherCost = WeightTable([62, 33, 3, 2])
    /// The same bands for a household without a hardship cost: nothing offsets an income above S.
    static let incomeBandWithoutCost = WeightTable([96, 2, 1, 1])
    /// A household sits exactly on a band edge (S × size − 1 yuan, S × size, 1.5 S × size, 3 S × size,
    /// 3 S × size + 1 yuan).
    static let boundaryIncomePercent = 2
    /// A household below S has no income at all.
    static let zeroIncomePercent = 2
    /// Amounts written in whole yuan (else with two decimals).
    static let wholeYuanPercent = 75
    /// A household with a hardship cost (an ill member, a child at school, an illness, accident or disaster
    /// cause) states special expenses: band S…3 S, below S, above 3 S.
    static let expenseMiddlePercent = 98
    static let expenseLowPercent = 50
    static let expenseHighPercent = 40
    /// In the S…3 S bands, the stated expenses pass the expense-adjusted test ((income − expenses) ÷ size ≤ S).
    static let expensePassesPercent = 96
    /// On 低保 already: below S, S…1.5 S.
    static let dibaoLowPercent = 40
    static let dibaoMiddlePercent = 5

    // MARK: Employer

    /// The worker's employer is named: 在岗, 下岗, 病休, 内退, 退休 / 失业 / 灵活就业 / 无.
    static let employerEmployedPercent = 90
    static let employerUnemployedPercent = 50
    static let employerFlexiblePercent = 15
    static let employerNonePercent = 5
    /// The employer's credit code is given (else empty).
    static let creditCodePercent = 88
    /// The employer is in arrears with social insurance (单位欠缴社保); with 社会保险待遇落实不到位 as primary cause.
    static let arrearsPercent = 11
    static let arrearsBenefitsCausePercent = 60
    /// An employer name carries an ASCII comma (`昆明某机械厂,二车间`: quoted in the file) / a double quote.
    static let employerCommaPercent = 2
    static let employerQuoteInThousand = 3

    // MARK: File layout

    /// A household of two or more repeats its household columns on every row (allowed by the format); of
    /// those, the repeated income is written with two decimals (`1200.00` against `1200`).
    static let repeatHouseholdColumnsPercent = 6
    static let repeatWithOtherFormatPercent = 50
}
