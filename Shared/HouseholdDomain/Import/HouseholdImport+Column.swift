extension HouseholdImport.Column {
    /// The column's Chinese header, as on the form (困难职工档案表), e.g. `档案编号`.
    ///
    /// The English header is ``rawValue`` (e.g. `file_number`); a file may use either, per column.
    /// Source: docs/IMPORT-FORMAT.md (the table's first two columns).
    public var chineseHeader: String {
        switch self {
        case .fileNumber: return "档案编号"
        case .divisionCode: return "行政区划代码"
        case .filedOn: return "建档日期"
        case .monthlyIncome: return "家庭月总收入"
        case .monthlySpecialExpense: return "月刚性支出"
        case .housing: return "住房状况"
        case .primaryCause: return "主要致困原因"
        case .secondaryCauses: return "次要致困原因"
        case .singleParent: return "是否单亲"
        case .migrantWorker: return "是否农民工"
        case .ruralPovertyRegistered: return "是否农村扶贫对象"
        case .onDibao: return "是否享受低保"
        case .employerArrears: return "单位欠缴社保"
        case .employer: return "工作单位"
        case .employerCreditCode: return "统一社会信用代码"
        case .name: return "姓名"
        case .idNumber: return "公民身份号码"
        case .relation: return "与职工关系"
        case .health: return "健康状况"
        case .workStatus: return "就业状况"
        case .schoolLevel: return "在读学段"
        case .pensionInsurance: return "养老保险"
        case .medicalInsurance: return "医疗保险"
        case .wantsBusiness: return "创业意愿"
        }
    }

    /// Whether the header must name the column (the spec's "required: yes").
    ///
    /// A required household column must also hold a value on the household's row, a required person column on
    /// every row. Source: docs/IMPORT-FORMAT.md.
    public var isRequired: Bool {
        switch self {
        case .fileNumber, .divisionCode, .filedOn, .monthlyIncome, .housing, .primaryCause, .name, .idNumber,
            .relation, .health, .workStatus:
            return true
        default:
            return false
        }
    }

    /// Whether the column belongs to the household (read from the worker's row) rather than to the person of the row.
    ///
    /// Source: docs/IMPORT-FORMAT.md (the table's "level" column).
    public var isHouseholdColumn: Bool {
        switch self {
        case .name, .idNumber, .relation, .health, .workStatus, .schoolLevel, .pensionInsurance, .medicalInsurance,
            .wantsBusiness:
            return false
        default:
            return true
        }
    }
}
