import Foundation
import HouseholdDomain

/// The workbench's languages: Chinese (zh-CN) first, English switchable (`?lang=en`, remembered in a cookie).
public enum Language: String, Sendable, Hashable, CaseIterable {
    /// 简体中文, the default.
    case chinese = "zh"
    /// English.
    case english = "en"

    /// The `lang` attribute of the pages.
    public var htmlCode: String { self == .chinese ? "zh-CN" : "en" }

    /// The other language (the switch link on every page).
    public var other: Language { self == .chinese ? .english : .chinese }
}

/// Every label the workbench shows, keyed by id, in both languages: the templates name labels as `{{t.id}}` and
/// the code by id; no label text lives in a template or in code (a unit test checks that every id a template uses
/// is here in both languages).
public enum Labels {
    /// Label id → (Chinese, English): the workbench's own labels, the department desk's (``departmentDesk``) and
    /// the money pages' (``money``).
    public static let table: [String: (zh: String, en: String)] = workbench.merging(departmentDesk) { own, _ in own }
        .merging(money) { own, _ in own }

    /// The labels of the layout, login, home page and dashboard.
    static let workbench: [String: (zh: String, en: String)] = [
        "app_title": ("解困工作台", "Jiekun workbench"),
        "lang_switch": ("English", "中文"),
        "staff": ("工作人员", "Staff"),
        "logout": ("退出登录", "Log out"),
        "today": ("今天", "Today"),
        "nav_home": ("首页", "Home"),
        "nav_dashboard": ("脱困进度", "Exit progress"),

        "agency_union_registry": ("省总工会", "Provincial union"),
        "agency_hr_employment": ("人力资源和社会保障厅", "Human resources and social security"),
        "agency_medical_insurance": ("医疗保障局", "Medical insurance"),
        "agency_education_aid": ("教育厅", "Education"),
        "agency_housing": ("住房和城乡建设厅", "Housing and urban-rural development"),
        "agency_civil_affairs": ("民政厅", "Civil affairs"),
        "agency_coordinator": ("解困工作领导小组办公室", "Leading group's office"),

        "login_title": ("登录", "Log in"),
        "login_staff_id": ("工作人员编号", "Staff id"),
        "login_password": ("密码", "Password"),
        "login_submit": ("登录", "Log in"),
        "login_failed": ("编号或密码不正确", "Wrong staff id or password"),
        "login_locked": (
            "连续 5 次登录失败，该编号已锁定 15 分钟", "Five failed logins: this staff id is locked for 15 minutes"
        ),
        "login_expired": ("30 分钟未操作，已自动退出，请重新登录", "Logged out after 30 minutes without activity: log in again"),
        "login_ended": ("会话已结束，请重新登录", "The session has ended: log in again"),
        "login_logged_out": ("您已退出登录", "You have logged out"),
        "login_hint": (
            "密码由本机构管理员用 jiekun staff passwd 设置", "Your agency's admin sets passwords with jiekun staff passwd"
        ),

        "home_title": ("首页", "Home"),
        "home_roles": ("角色", "Roles"),
        "home_area": ("工作范围", "Area"),
        "home_coordinator": (
            "本工作台提供全省、州市的脱困进度看板：各年度脱困率与 30% 目标对比、差额和未达标原因，表格可导出 CSV。",
            "This workbench shows the exit progress of the province and each prefecture: each year's exit rate "
                + "against the 30 % target, shortfalls and why behind; every table exports as CSV."
        ),
        "home_dashboard_link": ("打开脱困进度看板", "Open the exit progress dashboard"),
        "home_other": (
            "本机构的办事页面将在后续版本提供。本服务目前提供：登录、退出，以及供运维使用的 /health、/ready、/metrics。"
                + "日常业务请继续使用 jiekun 命令行。",
            "This agency's desk pages come in a later release. This service offers today: login, logout, and "
                + "/health, /ready and /metrics for operators. Do the day's work with the jiekun command line."
        ),

        "refused_title": ("无权访问", "Not allowed"),
        "refused_area": ("该页面超出您的工作范围", "This page is outside your area"),
        "refused_csrf": (
            "表单已过期或不是本页面提交的（CSRF 校验失败），请刷新页面后重试",
            "The form was stale or not sent by this page (CSRF check failed): reload the page and try again"
        ),
        "refused_back": ("返回首页", "Back to the home page"),
        "not_found": ("没有此页面", "No such page"),

        "dash_title": ("脱困进度看板", "Exit progress"),
        "dash_province": ("全省", "Province"),
        "dash_year": ("年度", "Year"),
        "dash_as_of": ("数据生成日期", "Figures as of"),
        "dash_rule": (
            "脱困率 = 当年脱困户数（按审批日期）÷（1月1日在档户数 + 当年新建档户数）；目标：每年不低于 30%（云政办发〔2017〕20号）。"
                + "在途退出：已提出、在审核或公示中、年末（当年为现在）尚未审批的退出；含在途预计脱困率 = "
                + "（当年脱困 + 在途退出）÷ 同一基数，即在途退出均于当年获批时的脱困率。",
            "Exit rate = exits in the year (by approval date) ÷ (files open on 1 January + files opened in the year); "
                + "target: at least 30 % each year (云政办发〔2017〕20号). Exits under way: proposed, in review or "
                + "公示, not approved by 31 December (this year: by now); the rate with exits under way = (exits + "
                + "exits under way) ÷ the same base, the year's rate if every one of them is approved in it."
        ),
        "dash_chart_title": ("各州市脱困率与 30% 目标", "Exit rate per prefecture against the 30 % target"),
        "dash_years_title": ("2017—2020 年对比", "2017–2020 side by side"),
        "dash_years_chart_title": ("各年度脱困率与 30% 目标", "Exit rate per year against the 30 % target"),
        "dash_why_title": ("未达标原因", "Why behind"),
        "dash_why_none": ("本年度没有未达标的地区", "No area is below the target this year"),
        "dash_counties_note": (
            "县（市、区）数据：打开州市页面，看其各县（市、区）表。",
            "County figures: open a prefecture's page for its counties table."
        ),
        "dash_counties_title": ("各县（市、区）", "Counties"),
        "dash_counties_none": ("本州市尚无建档户", "No files in this prefecture yet"),
        "dash_export_csv": ("导出 CSV", "Export CSV"),
        "dash_json": ("JSON 数据", "JSON data"),
        "dash_target_line": ("目标 30%", "target 30 %"),

        "col_code": ("代码", "Code"),
        "col_prefecture": ("州市", "Prefecture"),
        "col_county": ("县（市、区）", "County"),
        "col_pending": ("在途退出（审核、公示中）", "Exits under way (review, 公示)"),
        "col_forecast": ("含在途预计脱困率", "Rate with exits under way"),
        "col_open_at_start": ("1月1日在档户数", "Files open on 1 January"),
        "col_new_files": ("当年新建档", "Files opened"),
        "col_exits": ("当年脱困", "Exits"),
        "col_rate": ("脱困率", "Exit rate"),
        "col_target": ("是否达标", "Meets 30 %"),
        "col_shortfall": ("距目标差（户）", "Short of 30 % (households)"),
        "col_year": ("年度", "Year"),
        "col_department": ("部门", "Department"),
        "col_reason": ("原因", "Reason"),
        "col_households": ("户数", "Households"),
        "col_measure": ("措施", "Measure"),
        "col_measures": ("项数", "Measures"),
        "meets_yes": ("达标", "met"),
        "meets_no": ("未达标", "below"),

        "why_still_open": ("年末仍在档", "Files still open on 31 December"),
        "why_blocked": ("因部门不予批准而受阻", "Blocked by a department's refusal"),
        "why_waiting": ("等待预算或公租房房源", "Waiting for budget or public-rental units"),
        "why_awaiting": ("等待审核决定", "Awaiting a decision"),
        "why_due_later": ("保障措施在年后到期（户）", "Guarantees due after the year (households)"),

        "measure_employment_guidance": ("就业指导", "Employment guidance"),
        "measure_employment_training": ("职业培训", "Vocational training"),
        "measure_employment_entrepreneurship": ("创业扶持", "Entrepreneurship support"),
        "measure_employment_living_allowance": ("培训生活费补贴", "Training living allowance"),
        "measure_employment_placement": ("就业安置", "Job placement"),
        "measure_insurance_pension_enrolment": ("养老保险参保", "Pension enrolment"),
        "measure_insurance_pension_entitlement": ("养老金领取", "Pension entitlement"),
        "measure_insurance_arrears": ("社保欠费补缴", "Social insurance arrears"),
        "measure_insurance_benefits": ("社保待遇", "Social insurance benefits"),
        "measure_medical_basic_enrolment": ("基本医保参保", "Basic medical insurance enrolment"),
        "measure_medical_catastrophic": ("大病保险", "Catastrophic illness insurance"),
        "measure_medical_assistance": ("医疗救助", "Medical assistance"),
        "measure_medical_mutual_aid": ("职工医疗互助", "Workers' medical mutual aid"),
        "measure_education_student_aid": ("学生资助", "Student aid"),
        "measure_education_golden_autumn": ("金秋助学", "Golden Autumn grant"),
        "measure_housing_public_rental": ("公共租赁住房", "Public rental housing"),
        "measure_housing_rental_subsidy": ("租赁补贴", "Rental subsidy"),
        "measure_housing_rent_reduction": ("租金减免", "Rent reduction"),
        "measure_relief_dibao": ("最低生活保障", "Minimum living allowance (低保)"),
        "measure_relief_temporary": ("临时救助", "Temporary assistance"),
    ].merging(unionDesk) { own, _ in own }.merging(unionExits) { own, _ in own }

    /// A label's text.
    ///
    /// - Parameters:
    ///   - id: The label's id.
    ///   - language: The language.
    /// - Returns: The text; the id itself when it is missing (the template test keeps that from happening).
    public static func text(_ id: String, _ language: Language) -> String {
        guard let entry = table[id] else { return id }
        return language == .chinese ? entry.zh : entry.en
    }

    /// Every label in one language, for a template's `t`.
    ///
    /// - Parameter language: The language.
    /// - Returns: Id → text.
    public static func dictionary(_ language: Language) -> [String: String] {
        table.mapValues { language == .chinese ? $0.zh : $0.en }
    }

    /// The label id of an agency's name: `agency_union_registry`.
    public static func id(of agency: Agency) -> String {
        "agency_" + agency.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    /// The label id of a measure's name: `measure_relief_dibao`.
    public static func id(of measure: Measure.Code) -> String {
        "measure_"
            + measure.rawValue.replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// A date as staff read it: 2017年3月5日 in Chinese, 5 March 2017 in English.
    ///
    /// - Parameters:
    ///   - date: The date.
    ///   - language: The language.
    /// - Returns: The text.
    public static func date(_ date: LocalDate, _ language: Language) -> String {
        switch language {
        case .chinese: return "\(date.year)年\(date.month)月\(date.day)日"
        case .english:
            let months = [
                "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December",
            ]
            return "\(date.day) \(months[date.month - 1]) \(date.year)"
        }
    }

    /// An exit rate in per mille as a percentage with one decimal: `28.4%`; `-` without files.
    ///
    /// - Parameter perMille: The rate in per mille.
    /// - Returns: The text.
    public static func percent(_ perMille: Int?) -> String {
        guard let perMille else { return "-" }
        return "\(perMille / 10).\(perMille % 10)%"
    }
}
