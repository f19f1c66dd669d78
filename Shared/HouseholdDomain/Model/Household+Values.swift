// The value sets of the household import file (docs/IMPORT-FORMAT.md). Raw values are the labels users write
// on the form (困难职工档案表), which are also what events carry.

extension Household {
    /// 住房状况: the household's housing.
    public enum Housing: String, Sendable, Hashable, Codable, CaseIterable {
        /// 自购房: a bought home.
        case purchased = "自购房"
        /// 自建房: a self-built home.
        case selfBuilt = "自建房"
        /// 租房: renting on the market.
        case rented = "租房"
        /// 承租单位公房: renting the employer's public housing.
        case employerPublicHousing = "承租单位公房"
        /// 公租房: already in public rental housing.
        case publicRental = "公租房"
        /// 无房: no home.
        case none = "无房"
        /// 危房: a dangerous home.
        case dangerous = "危房"

        /// Whether the household needs housing help: 无房 or 危房 (policy §4.2.5, Part B `housing.public-rental`).
        public var needsHousing: Bool { self == .none || self == .dangerous }
    }

    /// 致困原因: a cause of hardship, the form's ten plus 化解过剩产能 (policy §3.5).
    public enum Cause: String, Sendable, Hashable, Codable, CaseIterable {
        /// 无劳动能力.
        case unableToWork = "无劳动能力"
        /// 有劳动能力而未就业.
        case ableButUnemployed = "有劳动能力而未就业"
        /// 下岗失业.
        case laidOff = "下岗失业"
        /// 未参加社会保险.
        case uninsured = "未参加社会保险"
        /// 社会保险待遇落实不到位.
        case insuranceBenefitsNotDelivered = "社会保险待遇落实不到位"
        /// 患重特大疾病.
        case majorIllness = "患重特大疾病"
        /// 遭受自然灾害.
        case naturalDisaster = "遭受自然灾害"
        /// 遭受意外事故.
        case accident = "遭受意外事故"
        /// 子女上学.
        case childAtSchool = "子女上学"
        /// 其他.
        case other = "其他"
        /// 化解过剩产能: made redundant by overcapacity reduction.
        case overcapacityReduction = "化解过剩产能"
    }
}

extension Household.Member {
    /// 与职工关系: relation to the worker.
    public enum Relation: String, Sendable, Hashable, Codable, CaseIterable {
        /// 本人: the worker the file is about.
        case worker = "本人"
        /// 配偶.
        case spouse = "配偶"
        /// 子女.
        case child = "子女"
        /// 父母.
        case parent = "父母"
        /// 兄弟姐妹.
        case sibling = "兄弟姐妹"
        /// 孙子女.
        case grandchild = "孙子女"
        /// 其他.
        case other = "其他"
    }

    /// 健康状况.
    public enum Health: String, Sendable, Hashable, Codable, CaseIterable {
        /// 健康.
        case healthy = "健康"
        /// 患病: ill.
        case ill = "患病"
        /// 重大疾病: a major illness.
        case majorIllness = "重大疾病"
        /// 残疾: disabled.
        case disabled = "残疾"
    }

    /// 就业状况.
    public enum WorkStatus: String, Sendable, Hashable, Codable, CaseIterable {
        /// 在岗: employed.
        case employed = "在岗"
        /// 灵活就业: flexibly employed.
        case flexiblyEmployed = "灵活就业"
        /// 下岗: laid off.
        case laidOff = "下岗"
        /// 失业: unemployed.
        case unemployed = "失业"
        /// 退休: retired.
        case retired = "退休"
        /// 病休: on sick leave.
        case sickLeave = "病休"
        /// 内退: early internal retirement.
        case earlyRetirement = "内退"
        /// 在学: at school.
        case student = "在学"
        /// 无: none.
        case none = "无"
    }

    /// 在读学段: current school level.
    public enum SchoolLevel: String, Sendable, Hashable, Codable, CaseIterable {
        /// 无: not at school.
        case none = "无"
        /// 学前.
        case preschool = "学前"
        /// 小学.
        case primary = "小学"
        /// 初中.
        case juniorSecondary = "初中"
        /// 高中.
        case seniorSecondary = "高中"
        /// 中职: secondary vocational.
        case secondaryVocational = "中职"
        /// 高职: higher vocational.
        case higherVocational = "高职"
        /// 本科: undergraduate.
        case undergraduate = "本科"
        /// 研究生: postgraduate.
        case postgraduate = "研究生"
    }

    /// 养老保险: basic pension insurance.
    public enum PensionInsurance: String, Sendable, Hashable, Codable, CaseIterable {
        /// 已参保: enrolled, not yet drawing.
        case enrolled = "已参保"
        /// 未参保: not enrolled.
        case notEnrolled = "未参保"
        /// 领取养老金: drawing a pension.
        case drawing = "领取养老金"
    }

    /// 医疗保险: basic medical insurance.
    public enum MedicalInsurance: String, Sendable, Hashable, Codable, CaseIterable {
        /// 已参保.
        case enrolled = "已参保"
        /// 未参保.
        case notEnrolled = "未参保"
    }
}
