import HouseholdDomain

extension Labels {
    /// The union desk's labels (``Templates/unionDesk``), merged into ``table``; the import file's columns as
    /// `union_col_<column>`, the form's Chinese headers (docs/IMPORT-FORMAT.md) with English words.
    static let unionDesk: [String: (zh: String, en: String)] = unionPages.merging(unionColumns) { own, _ in own }

    /// The import file's columns: the Chinese header of the form (困难职工档案表) and its English words.
    static let unionColumns: [String: (zh: String, en: String)] = {
        let english: [HouseholdImport.Column: String] = [
            .fileNumber: "File number", .divisionCode: "County (division code)", .filedOn: "Filing date",
            .monthlyIncome: "Household monthly income (yuan)",
            .monthlySpecialExpense: "Monthly unavoidable expense (yuan)", .housing: "Housing",
            .primaryCause: "Main cause of hardship", .secondaryCauses: "Other causes (separated by 、)",
            .singleParent: "Single parent", .migrantWorker: "Migrant worker",
            .ruralPovertyRegistered: "Registered rural poverty household", .onDibao: "On 低保 (minimum living allowance)",
            .employerArrears: "Employer owes social insurance", .employer: "Employer",
            .employerCreditCode: "Employer's unified social credit code", .name: "Name", .idNumber: "Identity number",
            .relation: "Relation to the worker", .health: "Health", .workStatus: "Work status",
            .schoolLevel: "School level", .pensionInsurance: "Pension insurance",
            .medicalInsurance: "Medical insurance", .wantsBusiness: "Wants to start a business",
        ]
        var table: [String: (zh: String, en: String)] = [:]
        for column in HouseholdImport.Column.allCases {
            table[UnionPages.labelID(column: column)] = (column.chineseHeader, english[column] ?? column.rawValue)
        }
        return table
    }()

    /// The union desk pages' own labels.
    static let unionPages: [String: (zh: String, en: String)] = [
        "nav_search": ("档案查询", "Search files"),
        "union_home_intro": ("本工作台办理困难职工建档、查询、更新和销档。", "File, find, update and close hardship files here."),
        "union_home_search": (
            "按姓名、身份证号或后六位、档案编号、县区或帮扶人查询本工作范围内的档案",
            "by name, identity number or its last six, file number, county or helper, within your area"
        ),
        "union_home_register": ("逐户填写困难职工档案表", "fill in the hardship file form for one household"),
        "union_home_import": (
            "上传档案表（CSV：UTF-8 或 GBK；或 .xlsx），逐户查看结果并下载结果文件",
            "upload the file form (CSV in UTF-8 or GBK, or .xlsx), see each household's result and download the results"
        ),
        "union_home_note": (
            "各部门的决定、落实情况请在各部门的工作台或 jiekun household 查看。",
            "The departments' decisions and deliveries are on their workbenches or in jiekun household."
        ),
        "union_search_title": ("档案查询", "Search files"),
        "union_search_hint": (
            "姓名、身份证号或后六位、档案编号、县区、帮扶人", "Name, identity number or last six, file number, county, helper"
        ),
        "union_search_submit": ("查询", "Search"),
        "union_search_none": ("本工作范围内没有符合条件的档案", "No file in your area matches"),
        "union_search_truncated": (
            "结果过多，只显示前 50 户，请缩小查询范围", "Too many files: the first 50 are shown; narrow the search"
        ),
        "union_field_any": ("全部字段", "Any field"),
        "union_field_file": ("档案编号", "File number"),
        "union_field_name": ("姓名", "Name"),
        "union_field_identity": ("身份证号（或后六位）", "Identity number (or its last six)"),
        "union_field_county": ("县区/州市", "County or prefecture"),
        "union_field_helper": ("帮扶人", "Helper"),
        "union_th_status": ("状态", "Status"),
        "union_th_worker": ("职工", "Worker"),
        "union_th_members": ("人数", "Members"),
        "union_th_category": ("类别", "Category"),
        "union_th_helper": ("帮扶责任人", "Helper"),
        "union_th_date": ("业务日期", "Business date"),
        "union_th_event": ("事项", "Event"),
        "union_th_actor": ("办理人", "Done by"),
        "union_th_recorded": ("记录时间", "Recorded at"),
        "union_th_details": ("说明", "Details"),
        "union_th_staff": ("工作人员", "Staff"),
        "union_th_operation": ("操作", "Operation"),
        "union_th_outcome": ("结果", "Outcome"),
        "union_th_row": ("行号", "Row"),
        "union_th_result": ("结果", "Result"),
        "union_th_reason": ("原因", "Reason"),
        "union_status_open": ("在档", "Open"),
        "union_status_closed": ("已销档", "Closed"),
        "union_household_title": ("困难职工档案", "Hardship file"),
        "union_policy": ("政策", "policy"),
        "union_facts": ("家庭情况", "Household facts"),
        "union_members": ("家庭成员", "Members"),
        "union_member": ("成员", "Member"),
        "union_identity_note": (
            "身份证号只显示后四位；经办人员在“更新档案”中可见完整号码。",
            "Identity numbers show their last four characters only; clerks see them whole in “Update the file”."
        ),
        "union_assessment": ("认定（按建档日期重新测算）", "Assessment (made again for the filing date)"),
        "union_standard": ("低保标准 S（元/人·月）", "Minimum living standard S (yuan per person and month)"),
        "union_per_capita": ("家庭人均月收入（元）", "Per-capita monthly income (yuan)"),
        "union_timeline": ("档案记录（本会所知）", "Timeline (what the union knows)"),
        "union_event_registered": ("建档", "Filed"),
        "union_event_updated": ("更新档案", "Facts updated"),
        "union_event_supportProvided": ("支付互助保障费/金秋助学金", "Mutual-aid fee / Golden Autumn grant answered"),
        "union_event_closed": ("销档", "Closed"),
        "union_event_exited": ("解困退出（领导小组办公室确认）", "Exited (on the leading group's office's word)"),
        "union_actor_rule": ("按政策自动办理（部门请求）", "By rule, on a department's request"),
        "union_actor_unknown": ("未记录", "Not recorded"),
        "union_exit": ("六个方面与解困退出", "The six dimensions and exit"),
        "union_exit_note": (
            "本会不保存各部门的决定、落实情况和六个方面的状态；请在领导小组办公室的工作台或用 jiekun household 查看。",
            "The union does not keep the departments' decisions and deliveries or the six dimensions: see them at the "
                + "leading group's office (its workbench, or jiekun household)."
        ),
        "union_readers": ("查阅记录", "Who has read this file"),
        "union_readers_auditors": (
            "查阅记录仅审计人员可见（jiekun audit）。", "Auditors see who has read this file (jiekun audit)."
        ),
        "union_op_register": ("建档 (register)", "File (register)"),
        "union_op_update": ("更新 (update)", "Update (update)"),
        "union_op_close": ("销档 (close)", "Close (close)"),
        "union_op_search": ("查询 (search)", "Search (search)"),
        "union_op_file": ("查阅档案 (file)", "Read the file (file)"),
        "union_outcome_done": ("已办理", "Done"),
        "union_outcome_refused": ("被拒绝", "Refused"),
        "union_relapse": ("返困，原档案", "Relapse (返困): earlier file"),
        "union_earlier": ("原档案", "Earlier file"),
        "union_later": ("后续档案", "Later files"),
        "union_msg_filed": ("已建档", "Filed"),
        "union_msg_updated": ("档案已更新", "The file was updated"),
        "union_msg_closed": ("已销档", "The file was closed"),
        "union_msg_closed_not_eligible": (
            "更新后不再符合条件，档案已销档", "No longer eligible after the update: the file was closed"
        ),
        "union_register_title": ("建档", "File a household"),
        "union_register_submit": ("提交建档", "File"),
        "union_update_title": ("更新档案", "Update the file"),
        "union_update_submit": ("提交更新", "Update"),
        "union_update_on": ("业务日期", "Business date"),
        "union_add_member": ("增加一名成员", "Add a member"),
        "union_form_note": (
            "带 * 的为必填项；姓名和身份证号都为空的成员不计入。校验规则与导入档案表相同。",
            "Fields with * are required; a member with neither name nor identity number is left out. The checks are "
                + "those of the import file."
        ),
        "union_form_no_member": ("请至少填写一名成员", "Fill in at least one member"),
        "union_form_refused": (
            "未受理，请按提示修改标红的项目后重新提交", "Refused: correct the fields marked in red and send again"
        ),
        "union_field_invalid": ("此项有误：", "Not valid: "),
        "union_not_eligible": ("经认定不符合条件，未建档", "Assessed not eligible: not filed"),
        "union_not_open": ("该档案已销档，不能更新", "The file is closed: it cannot be updated"),
        "union_bad_date": ("请填写日期（年-月-日）", "Give a date (year-month-day)"),
        "union_clerks_only": ("只有经办人员可以办理", "Only a clerk may do this"),
        "union_close_title": ("销档", "Close the file"),
        "union_close_reason": ("销档原因", "Reason"),
        "union_close_on": ("销档日期", "Closing date"),
        "union_close_submit": ("确认销档", "Close the file"),
        "union_close_no_reason": ("请选择销档原因", "Choose the reason"),
        "union_close_note": (
            "解困退出由领导小组办公室确认后自动销档，不在此办理。", "An exit closes the file on the leading group's office's word, not here."
        ),
        "union_close_exited": ("解困退出", "Exited"),
        "union_close_death": ("死亡", "Death"),
        "union_close_movedAway": ("迁出", "Moved away"),
        "union_close_notEligible": ("不符合条件", "Not eligible"),
        "union_close_safetyNet": ("纳入兜底", "Safety net"),
        "union_back": ("返回档案", "Back to the file"),
        "union_yes": ("是", "Yes"),
        "union_no": ("否", "No"),
        "union_error_title": ("未能办理", "Not done"),
        "union_import_title": ("导入档案表", "Upload an import file"),
        "union_import_file": ("档案表文件", "File"),
        "union_import_register": ("新建档", "New files"),
        "union_import_update": ("更新已有档案（业务日期为今天）", "Update open files (business date today)"),
        "union_import_submit": ("上传并办理", "Upload"),
        "union_import_note": (
            "支持 CSV（UTF-8 或 GBK/GB18030）和 .xlsx（第一个工作表）；表头须在第 1 行。",
            "CSV (UTF-8 or GBK/GB18030) or .xlsx (its first sheet); the header must be row 1."
        ),
        "union_import_results": ("办理结果", "Results"),
        "union_import_download": ("下载结果文件（CSV）", "Download the results (CSV)"),
        "union_import_no_file": ("请选择要上传的文件", "Choose a file to upload"),
        "union_import_not_multipart": (
            "上传须为 multipart/form-data 表单", "The upload must be a multipart/form-data form"
        ),
    ]
}
