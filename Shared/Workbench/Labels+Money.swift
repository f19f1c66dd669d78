/// The labels of the dashboard's money pages (``Workbench/addMoneyRoutes(to:)``), merged into ``Labels/table``.
extension Labels {
    /// Label id → (Chinese, English).
    static let money: [String: (zh: String, en: String)] = [
        "money_title": ("资金使用", "Money against appropriations"),
        "money_link": ("资金使用（预算、已支付、待资金）", "Money (appropriated, paid, waiting)"),
        "money_rule": (
            "按州市、年度、措施统计：预算 = 政策文件的期初预算 + 财务下达的年度预算和追加预算；已支付按发放日期计入年度；"
                + "待资金 = 已批准、需支付而尚未支付的措施，按到期日期计入年度；结余 = 预算 − 已支付。",
            "Per prefecture, budget year and measure: appropriated = the policy file's opening appropriation + the "
                + "year's appropriations and top-ups finance recorded; paid counts by delivery date; waiting = measures "
                + "granted that pay money and are not yet paid, by the year they fell due; remaining = appropriated − "
                + "paid."
        ),
        "money_chart_title": ("预算与支付", "Appropriated and paid"),
        "money_by_prefecture": ("各州市", "By prefecture"),
        "money_by_measure": ("按措施", "By measure"),
        "money_none": ("本年度没有预算、支付或待资金的措施", "No money appropriated, paid or waiting in this year"),
        "money_total": ("合计", "Total"),
        "money_back_progress": ("脱困进度", "Exit progress"),
        "col_area": ("地区", "Area"),
        "money_col_appropriated": ("预算（元）", "Appropriated (yuan)"),
        "money_col_payments": ("支付笔数", "Payments"),
        "money_col_paid": ("已支付（元）", "Paid (yuan)"),
        "money_col_waiting": ("待资金（项）", "Waiting (measures)"),
        "money_col_waiting_yuan": ("待资金（元）", "Waiting (yuan)"),
        "money_col_remaining": ("结余（元）", "Remaining (yuan)"),
        "money_col_paid_share": ("支付比例", "Paid share"),
    ]
}
