/// The labels of a department's desk (``Workbench/registerDepartmentDesk(on:)``), merged into ``Labels/table``.
extension Labels {
    /// Label id → (Chinese, English).
    static let departmentDesk: [String: (zh: String, en: String)] = [
        "desk_worklists": ("我的工作清单", "My worklists"),
        "desk_col_list": ("清单", "List"),
        "desk_home_hint": (
            "清单只列出您工作范围内的家庭；打开清单会记入本机构的查阅日志。",
            "The lists hold the households of your area only; opening a list is recorded in the agency's audit log."
        ),
        "desk_no_worklists": (
            "您的角色没有工作清单（经办人、审核人和审计员才有）。", "Your roles have no worklist (clerks, approvers and auditors do)."
        ),

        "desk_list_to_propose": ("待提议", "To propose"),
        "desk_list_to_propose_note": (
            "审核模式下等待经办人提议的措施：选择批准或不予批准（不予批准须选原因代码并说明），提议后由另一位审核人审核。",
            "Measures waiting for a clerk's proposal (review mode): propose to approve or to refuse (a refusal "
                + "names a reason code and says why); another person, an approver, then decides."
        ),
        "desk_list_awaiting": ("待审核", "To approve"),
        "desk_list_awaiting_note": (
            "经办人已提议、等待审核的措施。审核人不能审核本人的提议；金额超过门槛的须两位审核人。",
            "Measures a clerk proposed, awaiting an approver. Nobody approves their own proposal; amounts above the "
                + "threshold need two approvers."
        ),
        "desk_list_due": ("待发放", "Due"),
        "desk_list_due_note": (
            "已批准、在办理时限内、截至该日尚未发放的措施。", "Granted measures not delivered by the date, within their processing days."
        ),
        "desk_list_overdue": ("逾期", "Overdue"),
        "desk_list_overdue_note": (
            "已批准、超过办理时限、截至该日仍未发放（或仍在等待资金）的措施。",
            "Granted measures past their processing days and not delivered by the date (or still waiting for money)."
        ),

        "desk_county": ("县（市、区）", "County"),
        "desk_all_counties": ("工作范围内全部", "All of my area"),
        "desk_business_date": ("业务日期", "Business date"),
        "desk_filter": ("筛选", "Filter"),
        "desk_as_of": ("清单日期", "List as of"),
        "desk_empty": ("清单为空", "The list is empty"),
        "desk_truncated": ("清单过长，只显示前 200 项；请按县筛选", "The list is long: the first 200 are shown; filter by county"),
        "desk_select": ("选择", "Select"),
        "desk_col_file": ("档案号", "File number"),
        "desk_col_category": ("类别", "Category"),
        "desk_col_person": ("对象", "Person"),
        "desk_household_size": ("家庭人口", "Household size"),
        "desk_col_filed_on": ("建档日期", "Filed on"),
        "desk_col_amount": ("金额（元）", "Amount (yuan)"),
        "desk_col_due_on": ("办理期限", "Due on"),
        "desk_col_days_overdue": ("逾期天数", "Days overdue"),
        "desk_col_delivery": ("计划发放", "Computed delivery"),
        "desk_waiting_money": ("等待资金", "Waiting for money"),
        "desk_col_proposal": ("提议", "Proposal"),
        "desk_col_proposed_by": ("提议人", "Proposed by"),
        "desk_col_notes": ("说明", "Notes"),
        "desk_two_approvers": ("金额超过门槛，须两位审核人", "Above the threshold: two approvers needed"),
        "desk_first_approved_by": ("已由第一位审核人通过，须第二位审核人：", "First approved, a second approver needed: by"),
        "desk_own_proposal": ("本人提议，不能审核", "Your own proposal: you cannot approve it"),
        "desk_own_first_approval": ("您已审核通过，须另一位审核人", "You approved it already: another approver is needed"),
        "desk_corrects": ("更正", "Corrects"),

        "desk_propose": ("提议", "Propose"),
        "desk_decision_approve": ("批准", "Approve"),
        "desk_decision_refuse": ("不予批准", "Refuse"),
        "desk_reason_code": ("原因代码", "Reason code"),
        "desk_reason_code_none": ("（批准时不选）", "(none to approve)"),
        "desk_reason": ("说明", "Reason"),
        "desk_approve": ("批准", "Approve"),
        "desk_selection": ("所选措施", "The selection"),
        "desk_approve_selected": ("批准所选", "Approve the selection"),
        "desk_return_selected": ("退回所选", "Return the selection"),
        "desk_selection_hint": (
            "勾选后批准或退回；退回须选原因代码并说明，措施回到待提议。每一项单独审核并记入日志。",
            "Tick, then approve or return; a return names a reason code and says why, and the measure goes back to "
                + "be proposed again. Each is decided on its own and recorded."
        ),

        "desk_results_title": ("审核结果", "Outcome"),
        "desk_results_done": ("已办理", "Done"),
        "desk_col_outcome": ("结果", "Outcome"),
        "desk_outcome_approved": ("已批准，决定生效", "Approved: the decision took effect"),
        "desk_outcome_first_approval": ("第一位审核通过，须第二位审核人", "First approval: a second approver is needed"),
        "desk_outcome_returned": ("已退回，等待重新提议", "Returned: it awaits a new proposal"),
        "desk_outcome_refused": ("未办理", "Not done"),
        "desk_back_to_list": ("返回清单", "Back to the list"),
        "desk_message_proposed": ("已提议，等待审核人审核", "Proposed: it awaits an approver"),
        "desk_message_corrected": ("更正已提议，等待审核人审核", "Correction proposed: it awaits an approver"),
        "desk_message_delivered": ("已登记发放", "Delivery recorded"),
        "desk_deliver": ("登记发放", "Record delivery"),
        "desk_amount": ("金额（元）", "Amount (yuan)"),
        "desk_reference": ("付款或凭证号", "Payment or voucher reference"),
        "desk_employer_code": ("统一社会信用代码", "Employer's unified social credit code"),
        "desk_start_on": ("上岗日期", "Start date"),
        "desk_unit": ("房源", "Unit"),
        "desk_first_month": ("首发月份", "First month"),
        "desk_monthly_amount": ("月发放金额（元）", "Monthly amount (yuan)"),
        "desk_deliveries": ("发放记录", "Deliveries"),
        "desk_deliveries_empty": ("尚无发放记录。", "No delivery recorded."),
        "desk_col_delivered_on": ("发放日期", "Delivered on"),
        "desk_col_details": ("明细", "Details"),
        "desk_bad_delivery": (
            "金额须为元（如 2400 或 2400.50），日期须为 年-月-日。", "Amounts are yuan (2400 or 2400.50) and dates YYYY-MM-DD."
        ),

        "desk_household_title": ("家庭办理记录", "Household's record"),
        "desk_history": ("办理经过", "History of acts"),
        "desk_history_empty": ("本部门对该家庭尚无经办或审核记录", "No staff act of this department on this household yet"),
        "desk_col_act_number": ("编号", "Number"),
        "desk_col_act": ("经办环节", "Act"),
        "desk_col_decision": ("结果", "Decision"),
        "desk_col_staff": ("工作人员", "Staff"),
        "desk_act_proposed": ("提议", "Proposed"),
        "desk_act_first_approval": ("第一位审核通过", "First approval"),
        "desk_act_returned": ("退回", "Returned"),
        "desk_act_decided": ("决定生效", "Decided"),
        "desk_correction": ("更正决定", "Correct a decision"),
        "desk_correction_hint": (
            "决定不能修改：更正是一项引用原决定的新决定，须说明原因，并经另一位审核人审核。",
            "A decision is never edited: a correction is a new decision citing it, with a reason, approved by "
                + "another person."
        ),
        "desk_correct": ("提议更正", "Propose the correction"),

        "desk_bad_date": ("业务日期须为 YYYY-MM-DD", "The business date must be YYYY-MM-DD"),
        "desk_bad_verdict": ("请选择批准或退回", "Choose approve or return"),
        "desk_nothing_selected": ("没有选择措施（一次最多 200 项）", "No measure selected (at most 200 at once)"),
        "desk_bad_correction": ("更正须引用一项决定的编号", "A correction cites the number of a decision"),
    ]
}
