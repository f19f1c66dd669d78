import AgencyDesks
import Foundation
import HouseholdDomain
import ReliefProgramme
import Synchronization

/// What the union's desk pages (``Workbench`` `addUnionDeskRoutes`) compute without the desk: the household form
/// and the import file it makes, the values the templates show, the upload's parts and the results kept for download.
enum UnionPages {
    /// An identity number (whole or already masked) shown by its last four characters only: `**************1314`.
    static func lastFour(_ text: String) -> String {
        String(repeating: "*", count: max(text.count - 4, 0)) + String(text.suffix(4))
    }

    /// The label id of a closing reason: `union_close_death`.
    static func labelID(closing reason: FileClosure.Reason) -> String { "union_close_\(reason.rawValue)" }

    /// The label id of a search field: `union_field_name`.
    static func labelID(field: SearchRequest.Field) -> String { "union_field_\(field.rawValue)" }

    /// The label id of a timeline event: `union_event_registered`.
    static func labelID(event: FileRecord.Event.Kind) -> String { "union_event_\(event.rawValue)" }

    /// The label id of an import column: `union_col_file_number`.
    static func labelID(column: HouseholdImport.Column) -> String { "union_col_\(column.rawValue)" }

    /// `text` escaped for a query string.
    static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// The search page's field choice: any field first, then each ``SearchRequest/Field``.
    static func searchFields(selected: SearchRequest.Field?, _ language: Language) -> [[String: Any]] {
        [["value": "", "label": Labels.text("union_field_any", language), "selected": selected == nil]]
            + SearchRequest.Field.allCases.map {
                [
                    "value": $0.rawValue, "label": Labels.text(labelID(field: $0), language),
                    "selected": $0 == selected,
                ]
            }
    }

    /// The union's operations as the readers' table names them: operation → label id (others by their code).
    static let operationLabels: [String: String] = [
        Operation.register: "union_op_register", Operation.update: "union_op_update",
        Operation.close: "union_op_close", Operation.search: "union_op_search", Operation.file: "union_op_file",
    ].merging(UnionExitPages.operationLabels) { own, _ in own }

    /// The household page's notes after an act (`?m=`): query value → label id.
    static let messages: [String: String] = [
        "filed": "union_msg_filed", "updated": "union_msg_updated", "closed": "union_msg_closed",
        "closed-not-eligible": "union_msg_closed_not_eligible",
    ]

    /// The reasons a clerk closes a file for (销档, policy Part B): an exit is the coordinator's, never a clerk's.
    static let closingReasons: [FileClosure.Reason] = [.death, .movedAway, .notEligible, .safetyNet]

    /// A closing reason from the form: its code or the Chinese word staff use (死亡, 迁出, 不符合条件, 纳入兜底).
    static func closingReason(_ text: String) -> FileClosure.Reason? {
        let words: [String: FileClosure.Reason] = [
            "死亡": .death, "迁出": .movedAway, "不符合条件": .notEligible, "不再符合条件": .notEligible,
            "纳入兜底": .safetyNet, "兜底": .safetyNet,
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let reason = words[trimmed] { return reason }
        return FileClosure.Reason(rawValue: trimmed).flatMap { closingReasons.contains($0) ? $0 : nil }
    }

    // MARK: The household page

    /// The household page's template values.
    static func householdValues(
        _ record: FileRecord, readers: [AuditEntry]?, isAuditor: Bool, canChange: Bool, message: String?,
        language: Language
    ) -> [String: Any] {
        func yesNo(_ value: Bool) -> String { Labels.text(value ? "union_yes" : "union_no", language) }
        let facts = record.facts
        let factRows: [(HouseholdImport.Column, String)] = [
            (.divisionCode, "\(record.prefectureName) \(record.countyName) (\(record.county))"),
            (.filedOn, Labels.date(record.filedOn, language)),
            (.monthlyIncome, facts.monthlyIncome), (.monthlySpecialExpense, facts.monthlySpecialExpense),
            (.housing, facts.housing), (.primaryCause, facts.primaryCause),
            (.secondaryCauses, facts.secondaryCauses.joined(separator: "、")),
            (.singleParent, yesNo(facts.singleParent)),
            (.migrantWorker, yesNo(facts.migrantWorker)),
            (.ruralPovertyRegistered, yesNo(facts.ruralPovertyRegistered)),
            (.onDibao, yesNo(facts.onDibao)), (.employerArrears, yesNo(facts.employerArrears)),
            (.employer, facts.employer), (.employerCreditCode, facts.employerCreditCode),
        ]
        let status: String =
            switch (record.status, record.closedReason) {
            case ("open", _): Labels.text("union_status_open", language)
            case (_, let reason?):
                Labels.text("union_status_closed", language) + " · "
                    + Labels.text(UnionPages.labelID(closing: reason), language)
                    + (record.closedOn.map { " · " + Labels.date($0, language) } ?? "")
            default: Labels.text("union_status_closed", language)
            }
        let timeline = record.timeline.map { event in
            [
                "date": Labels.date(event.date, language),
                "what": Labels.text(labelID(event: event.kind), language),
                "actor": event.actor.map { $0 == "coordinator" ? Labels.text("agency_coordinator", language) : $0 }
                    ?? Labels.text(
                        event.kind == .supportProvided ? "union_actor_rule" : "union_actor_unknown", language),
                "recordedAt": event.recordedAt.map(Self.clockText) ?? "",
                "details": event.details.map { detail in
                    FileClosure.Reason(rawValue: detail).map { Labels.text(UnionPages.labelID(closing: $0), language) }
                        ?? detail
                }.joined(separator: "；"),
            ]
        }
        var values: [String: Any] = [
            "fileNumber": record.fileNumber, "status": status, "isOpen": record.status == "open",
            "category": record.category,
            "clause": "§3.\(record.category)", "helper": record.helper ?? "",
            "facts": factRows.map { ["label": columnLabel($0.0, language), "value": $0.1] },
            "members": record.members.map { member in
                [
                    "number": member.number, "name": member.name, "identity": member.identity,
                    "relation": member.relation, "health": member.health, "workStatus": member.workStatus,
                    "schoolLevel": member.schoolLevel, "pension": member.pensionInsurance,
                    "medical": member.medicalInsurance, "wantsBusiness": yesNo(member.wantsBusiness),
                ] as [String: Any]
            },
            "timeline": timeline, "canChange": canChange, "message": message ?? "",
            "updateLink": "/households/\(record.fileNumber)/update",
            "closeLink": "/households/\(record.fileNumber)/close",
            "jsonLink": "/api/households/\(record.fileNumber)",
            "laterFiles": record.laterFiles.map {
                ["fileNumber": $0, "href": "/households/\($0)"]
            }, "hasLater": !record.laterFiles.isEmpty, "isAuditor": isAuditor,
        ]
        if let assessment = record.assessment {
            values["assessment"] =
                [
                    "standard": assessment.minimumLivingStandard, "perCapita": assessment.perCapitaIncome,
                    "reasons": assessment.reasons,
                ] as [String: Any]
        }
        if let earlier = record.earlierFile {
            values["earlier"] =
                [
                    "fileNumber": earlier.fileNumber, "href": "/households/\(earlier.fileNumber)",
                    "closedOn": Labels.date(earlier.closedOn, language),
                    "reason": Labels.text(UnionPages.labelID(closing: earlier.reason), language),
                    "relapse": earlier.isRelapse,
                ] as [String: Any]
        }
        if let readers {
            values["readers"] = readers.map { entry in
                [
                    "staff": entry.staffID,
                    "operation": operationLabels[entry.operation].map { Labels.text($0, language) } ?? entry.operation,
                    "date": Labels.date(entry.businessDate, language),
                    "at": Self.clockText(entry.recordedAt),
                    "outcome": entry.outcome == .done
                        ? Labels.text("union_outcome_done", language)
                        : Labels.text("union_outcome_refused", language) + " (\(entry.refusalCode ?? ""))",
                ]
            }
            values["hasReaders"] = true
        }
        return values
    }

    /// A clock time as staff read it, China time: `2017-03-05 14:02`.
    static func clockText(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970) + 8 * 3_600
        let day = LocalDate(daysSinceEpoch: Int(seconds.quotientAndRemainder(dividingBy: 86_400).quotient))
        let minute = Int((seconds % 86_400 + 86_400) % 86_400) / 60
        return "\(day) " + String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// A column's label (the form's Chinese header, or its English words).
    static func columnLabel(_ column: HouseholdImport.Column, _ language: Language) -> String {
        Labels.text(labelID(column: column), language)
    }

    // MARK: The household form

    /// The household form: the import file's household fields and a member block per person, as typed.
    struct HouseholdForm {
        /// The household fields: every household column but 档案编号 for an update (the file's own).
        static let householdColumns = HouseholdImport.Column.allCases.filter(\.isHouseholdColumn)
        /// One member block's fields.
        static let memberColumns = HouseholdImport.Column.allCases.filter { !$0.isHouseholdColumn }

        /// Field name → value: household columns by their English name, a member's as `m<i>_<column>`.
        var values: [String: String] = [:]
        /// The member blocks shown.
        var members: Int
        /// An update's business date.
        var on = ""
        /// Field name → the errors of the import for it.
        var errors: [String: [String]] = [:]
        /// Errors no field holds.
        var general: [String] = []
        /// Why the household is not eligible, in words.
        var notEligible = ""
        /// Whether 档案编号 is the file's own and cannot be changed (an update).
        var lockFileNumber = false

        init(members: Int) { self.members = members }

        /// The form as posted.
        init(fields: [String: String]) {
            let count = Int(fields["members"] ?? "") ?? 1
            members = min(max(count, 1), 30)
            for column in Self.householdColumns {
                values[column.rawValue] = fields[column.rawValue] ?? ""
            }
            for index in 0..<members {
                for column in Self.memberColumns {
                    let name = "m\(index)_\(column.rawValue)"
                    values[name] = fields[name] ?? ""
                }
            }
            on = fields["on"] ?? ""
        }

        /// The form filled in with a file's facts (to update it).
        init(household: Household) {
            members = household.members.count
            func yesNo(_ value: Bool) -> String { value ? "是" : "否" }
            values = [
                HouseholdImport.Column.fileNumber.rawValue: household.fileNumber,
                HouseholdImport.Column.divisionCode.rawValue: household.divisionCode,
                HouseholdImport.Column.filedOn.rawValue: household.filedOn.description,
                HouseholdImport.Column.monthlyIncome.rawValue: household.monthlyIncome.description,
                HouseholdImport.Column.monthlySpecialExpense.rawValue: household.monthlySpecialExpense == .zero
                    ? "" : household.monthlySpecialExpense.description,
                HouseholdImport.Column.housing.rawValue: household.housing.rawValue,
                HouseholdImport.Column.primaryCause.rawValue: household.primaryCause.rawValue,
                HouseholdImport.Column.secondaryCauses.rawValue: household.secondaryCauses.map(\.rawValue).joined(
                    separator: "、"),
                HouseholdImport.Column.singleParent.rawValue: yesNo(household.isSingleParent),
                HouseholdImport.Column.migrantWorker.rawValue: yesNo(household.isMigrantWorker),
                HouseholdImport.Column.ruralPovertyRegistered.rawValue: yesNo(household.isRuralPovertyRegistered),
                HouseholdImport.Column.onDibao.rawValue: yesNo(household.isOnDibao),
                HouseholdImport.Column.employerArrears.rawValue: yesNo(household.hasEmployerArrears),
                HouseholdImport.Column.employer.rawValue: household.employer,
                HouseholdImport.Column.employerCreditCode.rawValue: household.employerCreditCode,
            ]
            for (index, member) in household.members.enumerated() {
                let memberValues: [HouseholdImport.Column: String] = [
                    .name: member.name, .idNumber: member.identityNumber.value, .relation: member.relation.rawValue,
                    .health: member.health.rawValue, .workStatus: member.workStatus.rawValue,
                    .schoolLevel: member.schoolLevel.rawValue, .pensionInsurance: member.pensionInsurance.rawValue,
                    .medicalInsurance: member.medicalInsurance.rawValue, .wantsBusiness: yesNo(member.wantsBusiness),
                ]
                for (column, value) in memberValues { values["m\(index)_\(column.rawValue)"] = value }
            }
        }

        /// Whether member block `index` is empty (no name, no identity number): left out of the file.
        private func isBlank(_ index: Int) -> Bool {
            [HouseholdImport.Column.name, .idNumber].allSatisfy {
                (values["m\(index)_\($0.rawValue)"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty
            }
        }

        /// The import file the form stands for (Chinese headers; 档案编号 on every row, the household columns on the
        /// worker's row, else the first), and the member block of each of its rows (row 2 is the first), or `nil`
        /// when every member block is empty.
        func csv() -> (text: String, rows: [Int: Int])? {
            let blocks = (0..<members).filter { !isBlank($0) }
            guard !blocks.isEmpty else { return nil }
            let worker =
                blocks.first {
                    values["m\($0)_\(HouseholdImport.Column.relation.rawValue)"]
                        == Household.Member.Relation.worker.rawValue
                } ?? blocks[0]
            let columns = HouseholdImport.Column.allCases
            var text = columns.map(\.chineseHeader).joined(separator: ",") + "\r\n"
            var rows: [Int: Int] = [:]
            for (offset, block) in blocks.enumerated() {
                rows[offset + 2] = block
                let fields = columns.map { column -> String in
                    if column == .fileNumber { return values[column.rawValue] ?? "" }
                    if column.isHouseholdColumn { return block == worker ? values[column.rawValue] ?? "" : "" }
                    return values["m\(block)_\(column.rawValue)"] ?? ""
                }
                text += fields.map(Self.quoted).joined(separator: ",") + "\r\n"
            }
            return (text, rows)
        }

        /// Puts the import's errors beside the fields they name (by row and column), the others at the top.
        mutating func apply(_ issues: [ImportIssue], rows: [Int: Int]) {
            for issue in issues {
                let column = HouseholdImport.Column.allCases.first {
                    $0.chineseHeader == issue.column || $0.rawValue == issue.column
                }
                let text = issue.value.isEmpty ? issue.message : "“\(issue.value)”: \(issue.message)"
                switch column {
                case let column? where column.isHouseholdColumn:
                    errors[column.rawValue, default: []].append(text)
                case let column?:
                    if let block = rows[issue.row] {
                        errors["m\(block)_\(column.rawValue)", default: []].append(text)
                    } else {
                        general.append(issue.description)
                    }
                case nil:
                    general.append(issue.description)
                }
            }
        }

        /// The template's values.
        func values(language: Language) -> [String: Any] {
            [
                "household": Self.householdColumns.map { field($0, name: $0.rawValue, language) },
                "memberBlocks": (0..<members).map { index in
                    [
                        "number": index + 1,
                        "fields": Self.memberColumns.map { field($0, name: "m\(index)_\($0.rawValue)", language) },
                    ] as [String: Any]
                },
                "members": members, "general": general, "hasGeneral": !general.isEmpty, "notEligible": notEligible,
            ]
        }

        /// One field's view: label, value, error, and its choices for a value set.
        private func field(_ column: HouseholdImport.Column, name: String, _ language: Language) -> [String: Any] {
            let value = values[name] ?? ""
            var view: [String: Any] = [
                "name": name, "label": UnionPages.columnLabel(column, language), "value": value,
                "required": column.isRequired, "error": (errors[name] ?? []).joined(separator: "；"),
                "hasError": errors[name] != nil, "isDate": column == .filedOn,
                "readonly": lockFileNumber && column == .fileNumber,
            ]
            if let choices = Self.choices(column) {
                view["isSelect"] = true
                view["options"] =
                    (column.isRequired ? [] : [["value": "", "label": "", "selected": value.isEmpty]])
                    + choices.map { choice in
                        let label =
                            choice == "是"
                            ? Labels.text("union_yes", language)
                            : choice == "否" ? Labels.text("union_no", language) : choice
                        return ["value": choice, "label": label, "selected": choice == value] as [String: Any]
                    }
            }
            return view
        }

        /// The values of a column with a value set (docs/IMPORT-FORMAT.md), or `nil` for free text.
        static func choices(_ column: HouseholdImport.Column) -> [String]? {
            switch column {
            case .housing: Household.Housing.allCases.map(\.rawValue)
            case .primaryCause: Household.Cause.allCases.map(\.rawValue)
            case .relation: Household.Member.Relation.allCases.map(\.rawValue)
            case .health: Household.Member.Health.allCases.map(\.rawValue)
            case .workStatus: Household.Member.WorkStatus.allCases.map(\.rawValue)
            case .schoolLevel: Household.Member.SchoolLevel.allCases.map(\.rawValue)
            case .pensionInsurance: Household.Member.PensionInsurance.allCases.map(\.rawValue)
            case .medicalInsurance: Household.Member.MedicalInsurance.allCases.map(\.rawValue)
            case .singleParent, .migrantWorker, .ruralPovertyRegistered, .onDibao, .employerArrears, .wantsBusiness:
                ["否", "是"]
            default: nil
            }
        }

        /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
        static func quoted(_ field: String) -> String {
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    // MARK: The upload

    /// One part of a `multipart/form-data` body.
    struct Part {
        /// The file name, for a file part.
        var filename: String?
        /// The part's bytes.
        var data: [UInt8]
    }

    /// The boundary of a `multipart/form-data` content type, or `nil` for another type.
    static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            let value = part.dropFirst("boundary=".count)
            let unquoted = value.hasPrefix("\"") && value.hasSuffix("\"") ? value.dropFirst().dropLast() : value
            return unquoted.isEmpty ? nil : String(unquoted)
        }
        return nil
    }

    /// The parts of a `multipart/form-data` body (RFC 7578) by field name; the first part of a name wins.
    static func multipart(_ body: [UInt8], boundary: String) -> [String: Part] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [String: Part] = [:]
        var starts: [Int] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        for (start, end) in zip(starts, starts.dropFirst()) {
            var from = start + delimiter.count
            guard from + 2 <= end, body[from] == 0x0D, body[from + 1] == 0x0A else { continue }
            from += 2
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: from), headerEnd < end else { continue }
            let headers = String(decoding: body[from..<headerEnd], as: UTF8.self)
            var dataEnd = end
            if dataEnd >= 2, body[dataEnd - 2] == 0x0D, body[dataEnd - 1] == 0x0A { dataEnd -= 2 }
            let dataStart = headerEnd + 4
            guard dataStart <= dataEnd else { continue }
            var name: String?
            var filename: String?
            for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                filename = parameter("filename", in: line)
            }
            guard let name, parts[name] == nil else { continue }
            parts[name] = Part(filename: filename, data: Array(body[dataStart..<dataEnd]))
        }
        return parts
    }

    /// A quoted parameter of a header line: `name="file"`.
    private static func parameter(_ key: String, in line: Substring) -> String? {
        for piece in line.split(separator: ";") {
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(key + "=") else { continue }
            var value = trimmed.dropFirst(key.count + 1)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return String(value)
        }
        return nil
    }

    /// The first offset of `needle` in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        let first = needle[0]
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    // MARK: Results kept for download

    /// The results files of uploads, kept in memory for their uploader for an hour (at most 200), so the results
    /// page can offer its CSV: a result is the clerk's own and is not stored in the agency's store.
    final class ResultsCache: Sendable {
        private let kept = Mutex<[String: (staffID: String, data: Data, at: Date)]>([:])

        /// Keeps a results file; returns its token.
        func keep(_ data: Data, for staffID: String, at time: Date) -> String {
            let token = WebSessions.randomToken(bytes: 16)
            kept.withLock { kept in
                kept = kept.filter { time.timeIntervalSince($0.value.at) < 3_600 }
                if kept.count >= 200, let oldest = kept.min(by: { $0.value.at < $1.value.at })?.key {
                    kept[oldest] = nil
                }
                kept[token] = (staffID, data, time)
            }
            return token
        }

        /// The results file of `token`, for the member who uploaded it, within the hour.
        func take(_ token: String, for staffID: String, at time: Date) -> Data? {
            kept.withLock { kept in
                guard let entry = kept[token], entry.staffID == staffID, time.timeIntervalSince(entry.at) < 3_600 else {
                    return nil
                }
                return entry.data
            }
        }
    }

    /// The process's results files.
    static let results = ResultsCache()
}
