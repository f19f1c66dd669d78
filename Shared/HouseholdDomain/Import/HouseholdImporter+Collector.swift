extension HouseholdImport.Column {
    /// The column's position in ``allCases`` (the order of docs/IMPORT-FORMAT.md's table).
    var ordinal: Int {
        switch self {
        case .fileNumber: return 0
        case .divisionCode: return 1
        case .filedOn: return 2
        case .monthlyIncome: return 3
        case .monthlySpecialExpense: return 4
        case .housing: return 5
        case .primaryCause: return 6
        case .secondaryCauses: return 7
        case .singleParent: return 8
        case .migrantWorker: return 9
        case .ruralPovertyRegistered: return 10
        case .onDibao: return 11
        case .employerArrears: return 12
        case .employer: return 13
        case .employerCreditCode: return 14
        case .name: return 15
        case .idNumber: return 16
        case .relation: return 17
        case .health: return 18
        case .workStatus: return 19
        case .schoolLevel: return 20
        case .pensionInsurance: return 21
        case .medicalInsurance: return 22
        case .wantsBusiness: return 23
        }
    }
}

extension HouseholdImporter {
    typealias Column = HouseholdImport.Column

    /// One person's row, its person columns already checked, kept until its household is complete.
    struct RowRecord {
        /// The file's row number.
        var row: Int
        /// The row's household columns other than 档案编号, in the collector's `householdOrdinals` order, each
        /// followed by 0xFF (a byte UTF-8 never uses); empty when they are all empty (as on most members' rows).
        /// Kept as bytes: one allocation instead of one per field.
        var household: [UInt8] = []
        var name: String
        /// The 17 digits of the identity number when it is valid (see ``HouseholdImporter/key(of:)``).
        var identityKey: UInt64?
        var relation: Household.Member.Relation?
        var health: Household.Member.Health?
        var workStatus: Household.Member.WorkStatus?
        var schoolLevel: Household.Member.SchoolLevel?
        var pensionInsurance: Household.Member.PensionInsurance?
        var medicalInsurance: Household.Member.MedicalInsurance?
        var wantsBusiness: Bool?
    }

    /// A household whose rows are still being read.
    struct Pending {
        /// 档案编号 as written (`""` for a row without one).
        var fileNumber: String
        /// 与职工关系 as written on the household's first row (the value of a "no worker" error).
        var firstRelation: String
        var rows: [RowRecord] = []
        /// The errors found so far (person columns, duplicates), in file order.
        var errors: [ImportIssue] = []
    }

    /// Gathers a file's rows by household, checking each row's person columns as it comes (identity numbers are
    /// unique in file order) and each household's columns once all rows are read.
    struct Collector {
        private let importer: HouseholdImporter
        /// Makes the issues, naming columns as the file writes them.
        private let checks: Checks
        /// For each field position of the file, the column's ordinal, or `nil` for an ignored column.
        private let ordinals: [Int?]
        /// The ordinals of the file's household columns other than 档案编号.
        private let householdOrdinals: [Int]
        /// Each recognised header as written → its field position (orders the issues of a row).
        private let positions: [String: Int]
        private var fileWarnings: [ImportIssue] = []
        private var households: [Pending] = []
        private var householdIndex: [String: Int] = [:]
        /// The first row of each valid identity number (keyed by its 17 digits) and its household.
        private var firstSeen: [UInt64: (household: Int, row: Int)] = [:]
        /// The current row's fields by column ordinal (reused).
        private var values: [String]

        /// Reads the header.
        ///
        /// - Throws: ``ImportFailure`` for a column given twice or required columns missing.
        init(header: [String], importer: HouseholdImporter) throws(ImportFailure) {
            self.importer = importer
            var lookup: [String: Column] = [:]
            for column in Column.allCases {
                lookup[column.chineseHeader] = column
                lookup[column.rawValue] = column
            }
            var ordinals: [Int?] = []
            var headers = [String?](repeating: nil, count: HouseholdImporter.columns.count)
            var positions: [String: Int] = [:]
            for (position, written) in header.enumerated() {
                guard let column = lookup[HouseholdImporter.trimmed(written)] else {
                    ordinals.append(nil)
                    fileWarnings.append(
                        ImportIssue(
                            code: "import.header.unknown_column", row: 1, column: written, value: written,
                            message: written.isEmpty
                                ? "第 \(position + 1) 列没有表头，已忽略 (column \(position + 1) has no header; it is ignored)"
                                : "不是户籍导入文件的列，已忽略 "
                                    + "(not a column of the household file, docs/IMPORT-FORMAT.md; it is ignored)"))
                    continue
                }
                if let first = headers[column.ordinal] {
                    throw ImportFailure(.duplicateColumn(first == written ? written : "\(first) / \(written)"))
                }
                headers[column.ordinal] = written
                positions[written] = position
                ordinals.append(column.ordinal)
            }
            let missing = Column.allCases.filter { $0.isRequired && headers[$0.ordinal] == nil }
            guard missing.isEmpty else { throw ImportFailure(.missingColumns(missing.map(\.chineseHeader))) }
            self.ordinals = ordinals
            self.checks = Checks(headers: headers)
            self.householdOrdinals = HouseholdImporter.columns.filter {
                $0.isHouseholdColumn && $0 != .fileNumber && headers[$0.ordinal] != nil
            }.map(\.ordinal)
            self.positions = positions
            self.values = [String](repeating: "", count: HouseholdImporter.columns.count)
        }

        /// Reserves room for a file of `byteCount` bytes (about 140 bytes a row, 3 rows a household).
        mutating func reserveCapacity(forBytes byteCount: Int) {
            let rows = byteCount / 140
            firstSeen.reserveCapacity(rows)
            households.reserveCapacity(rows / 3)
            householdIndex.reserveCapacity(rows / 3)
        }

        /// Adds one record: files it under its household and checks its person columns.
        ///
        /// - Parameters:
        ///   - row: the record's row number.
        ///   - fields: the record's fields in file order.
        mutating func add(row: Int, fields: [String]) {
            guard fields.contains(where: { !$0.isEmpty }) else { return }
            for index in values.indices { values[index] = "" }
            var hasExtraValues = false
            for (position, field) in fields.enumerated() {
                if position < ordinals.count {
                    if let ordinal = ordinals[position] { values[ordinal] = field }
                } else if !field.isEmpty {
                    hasExtraValues = true
                }
            }

            let fileNumber = values[Column.fileNumber.ordinal]
            let household: Int
            if !fileNumber.isEmpty, let existing = householdIndex[fileNumber] {
                household = existing
            } else {
                household = households.count
                households.append(Pending(fileNumber: fileNumber, firstRelation: values[Column.relation.ordinal]))
                if !fileNumber.isEmpty { householdIndex[fileNumber] = household }
            }

            var errors: [ImportIssue] = []
            if hasExtraValues {
                errors.append(
                    ImportIssue(
                        code: "import.row.extra_fields", row: row, column: "", value: "\(fields.count) fields",
                        message: "此行有 \(fields.count) 个字段，表头只有 \(ordinals.count) 个；含逗号的值须加引号 "
                            + "(the row has \(fields.count) fields but the header has \(ordinals.count); "
                            + "a value that holds a comma must be quoted)"))
            }
            var record = RowRecord(row: row, name: values[Column.name.ordinal])
            if householdOrdinals.contains(where: { !values[$0].isEmpty }) {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(householdOrdinals.reduce(0) { $0 + values[$1].utf8.count + 1 })
                for ordinal in householdOrdinals {
                    bytes.append(contentsOf: values[ordinal].utf8)
                    bytes.append(0xFF)
                }
                record.household = bytes
            }

            if record.name.isEmpty { errors.append(checks.missing(.name, row: row)) }
            let identityText = values[Column.idNumber.ordinal]
            if identityText.isEmpty {
                errors.append(checks.missing(.idNumber, row: row))
            } else {
                switch IdentityNumber.parse(identityText) {
                case .success(let number):
                    let key = HouseholdImporter.key(of: number)
                    record.identityKey = key
                    if let first = firstSeen[key] {
                        errors.append(duplicate(number, row: row, household: household, first: first))
                    } else {
                        firstSeen[key] = (household, row)
                    }
                case .failure(let failure):
                    errors.append(checks.identityIssue(failure, text: identityText, row: row))
                }
            }
            let checks = self.checks
            record.relation = checks.choice(
                .relation, values[Column.relation.ordinal], Labels.relation, row: row, errors: &errors)
            record.health = checks.choice(
                .health, values[Column.health.ordinal], Labels.health, row: row, errors: &errors)
            record.workStatus = checks.choice(
                .workStatus, values[Column.workStatus.ordinal], Labels.workStatus, row: row, errors: &errors)
            record.schoolLevel = checks.choice(
                .schoolLevel, values[Column.schoolLevel.ordinal], Labels.schoolLevel, row: row, errors: &errors)
            record.pensionInsurance = checks.choice(
                .pensionInsurance, values[Column.pensionInsurance.ordinal], Labels.pensionInsurance, row: row,
                errors: &errors)
            record.medicalInsurance = checks.choice(
                .medicalInsurance, values[Column.medicalInsurance.ordinal], Labels.medicalInsurance, row: row,
                errors: &errors)
            record.wantsBusiness = checks.yesNo(
                .wantsBusiness, values[Column.wantsBusiness.ordinal], row: row, errors: &errors)

            households[household].rows.append(record)
            households[household].errors.append(contentsOf: errors)
        }

        /// Completes every household: its columns, its worker, the agreement of its rows; then the result.
        mutating func finish() -> HouseholdImport {
            var entries: [HouseholdImport.Entry] = []
            entries.reserveCapacity(households.count)
            for index in households.indices {
                let pending = households[index]
                // The rows are freed once the entry is built.
                households[index] = Pending(fileNumber: "", firstRelation: "")
                entries.append(entry(pending))
            }
            var headerMap: [Column: String] = [:]
            for column in HouseholdImporter.columns {
                if let header = checks.headers[column.ordinal] { headerMap[column] = header }
            }
            return HouseholdImport(entries: entries, fileWarnings: fileWarnings, headers: headerMap)
        }

        // MARK: one household

        private func entry(_ pending: Pending) -> HouseholdImport.Entry {
            let rows = pending.rows
            var errors = pending.errors
            var warnings: [ImportIssue] = []
            let workerPositions = rows.indices.filter { rows[$0].relation == .worker }
            let householdPosition = workerPositions.first ?? 0
            let householdRow = rows[householdPosition].row

            var text = [String](repeating: "", count: HouseholdImporter.columns.count)
            for (ordinal, value) in householdValues(rows[householdPosition]) { text[ordinal] = value }
            text[Column.fileNumber.ordinal] = pending.fileNumber
            func value(_ column: Column) -> String { text[column.ordinal] }

            if workerPositions.isEmpty {
                errors.append(
                    checks.issue(
                        "import.relation.no_worker", .relation, row: rows[0].row, value: pending.firstRelation,
                        message: "该户没有职工本人：须有且只有一行的与职工关系为 本人 "
                            + "(the household has no worker: exactly one of its rows must have 与职工关系 本人)"))
            }
            for position in workerPositions.dropFirst() {
                errors.append(
                    checks.issue(
                        "import.relation.extra_worker", .relation, row: rows[position].row,
                        value: Household.Member.Relation.worker.rawValue,
                        message: "该户的职工本人已在第 \(householdRow) 行；每户只能有一行为 本人 "
                            + "(the household's worker, 本人, is already on row \(householdRow); "
                            + "exactly one row per household is 本人)"))
            }

            var parser = HouseholdParser(
                checks: checks, today: importer.today, counties: importer.counties, row: householdRow)
            let values = parser.parse(value)
            errors.append(contentsOf: parser.errors)
            warnings.append(contentsOf: parser.warnings)

            for (position, record) in rows.enumerated() where position != householdPosition {
                for (ordinal, other) in householdValues(record)
                where !HouseholdImporter.agrees(HouseholdImporter.columns[ordinal], text[ordinal], other) {
                    let column = HouseholdImporter.columns[ordinal]
                    let shown =
                        text[ordinal].isEmpty
                        ? ("为空", "leaves it empty")
                        : ("为 \"\(checks.masked(text[ordinal]))\"", "has \"\(checks.masked(text[ordinal]))\"")
                    errors.append(
                        checks.issue(
                            "import.\(column.rawValue).disagrees", column,
                            row: record.row, value: other,
                            message: "与该户第 \(householdRow) 行不一致（该行\(shown.0)）；户的其他行此列须为空或相同 "
                                + "(differs from the household's row \(householdRow), which \(shown.1); on the "
                                + "household's other rows this column must be empty or hold the same value)"))
                }
            }
            let identities = rows.map { $0.identityKey.flatMap(HouseholdImporter.identity(key:)) }
            if let filedOn = values.filedOn {
                for (record, identity) in zip(rows, identities) {
                    guard let identity, identity.birthDate > filedOn else { continue }
                    errors.append(
                        checks.issue(
                            "import.id_number.born_after_filing", .idNumber, row: record.row, value: identity.value,
                            message: "身份证号码中的出生日期晚于建档日期 \(filedOn) "
                                + "(the date of birth in the identity number is after the filing date \(filedOn))"))
                }
            }

            let facts = HouseholdImport.Facts(
                divisionCode: values.divisionCode, prefectureCode: values.county?.prefectureCode,
                filedOn: values.filedOn, monthlyIncome: values.monthlyIncome, size: rows.count)
            let sortedErrors =
                errors.count < 2
                ? errors
                : errors.enumerated().sorted { lhs, rhs in
                    (lhs.element.row, position(of: lhs.element), lhs.offset)
                        < (rhs.element.row, position(of: rhs.element), rhs.offset)
                }.map(\.element)
            return HouseholdImport.Entry(
                fileNumber: pending.fileNumber, householdRow: householdRow, memberRows: rows.map(\.row),
                household: sortedErrors.isEmpty ? household(pending.fileNumber, values, rows, identities) : nil,
                errors: sortedErrors, warnings: warnings, facts: facts)
        }

        /// The household when every value is present (there are no errors).
        private func household(
            _ fileNumber: String, _ values: HouseholdParser.Values, _ rows: [RowRecord], _ identities: [IdentityNumber?]
        ) -> Household? {
            guard let divisionCode = values.divisionCode, let filedOn = values.filedOn,
                let monthlyIncome = values.monthlyIncome, let housing = values.housing,
                let primaryCause = values.primaryCause
            else { return nil }
            var members: [Household.Member] = []
            members.reserveCapacity(rows.count)
            for (offset, record) in rows.enumerated() {
                guard let identity = identities[offset], let relation = record.relation, let health = record.health,
                    let workStatus = record.workStatus
                else { return nil }
                members.append(
                    Household.Member(
                        number: offset + 1, name: record.name, identityNumber: identity, relation: relation,
                        health: health, workStatus: workStatus, schoolLevel: record.schoolLevel ?? .none,
                        pensionInsurance: record.pensionInsurance ?? .notEnrolled,
                        medicalInsurance: record.medicalInsurance ?? .notEnrolled,
                        wantsBusiness: record.wantsBusiness ?? false))
            }
            return Household(
                fileNumber: fileNumber, divisionCode: divisionCode, filedOn: filedOn, monthlyIncome: monthlyIncome,
                monthlySpecialExpense: values.monthlySpecialExpense ?? .zero, housing: housing,
                primaryCause: primaryCause, secondaryCauses: values.secondaryCauses ?? [],
                isSingleParent: values.isSingleParent ?? false, isMigrantWorker: values.isMigrantWorker ?? false,
                isRuralPovertyRegistered: values.isRuralPovertyRegistered ?? false,
                isOnDibao: values.isOnDibao ?? false, hasEmployerArrears: values.hasEmployerArrears ?? false,
                employer: values.employer, employerCreditCode: values.employerCreditCode, members: members)
        }

        private func position(of issue: ImportIssue) -> Int { positions[issue.column] ?? -1 }

        /// The non-empty household columns of a row, by column ordinal.
        private func householdValues(_ record: RowRecord) -> [(ordinal: Int, value: String)] {
            var result: [(ordinal: Int, value: String)] = []
            var start = 0
            var field = 0
            for (index, byte) in record.household.enumerated() where byte == 0xFF {
                if index > start {
                    let value = String(decoding: record.household[start..<index], as: UTF8.self)
                    result.append((householdOrdinals[field], value))
                }
                field += 1
                start = index + 1
            }
            return result
        }

        private func duplicate(
            _ number: IdentityNumber, row: Int, household: Int, first: (household: Int, row: Int)
        ) -> ImportIssue {
            if first.household == household {
                return checks.issue(
                    "import.id_number.duplicate_in_household", .idNumber, row: row, value: number.value,
                    message: "同一身份证号码已在本户第 \(first.row) 行；每人只占一行 "
                        + "(the same identity number is already on row \(first.row) of this household; "
                        + "each person has one row)")
            }
            let fileNumber = households[first.household].fileNumber
            let place =
                fileNumber.isEmpty
                ? ("第 \(first.row) 行", "on row \(first.row)")
                : ("户 \(fileNumber)（第 \(first.row) 行）", "in household \(fileNumber) (row \(first.row))")
            return checks.issue(
                "import.id_number.duplicate", .idNumber, row: row, value: number.value,
                message: "同一身份证号码已在\(place.0)；一人只能在一户建档 "
                    + "(the same identity number is already \(place.1); a person can be filed in one household only)")
        }
    }

    // MARK: helpers

    /// Every column, in the order of docs/IMPORT-FORMAT.md (``HouseholdImport/Column/ordinal`` indexes it).
    static let columns = Column.allCases

    /// The note on what an empty optional enumerated column means (`""` for a required column).
    static func defaultNote(_ column: Column) -> String {
        switch column {
        case .pensionInsurance, .medicalInsurance: return "（空即为 未参保）"
        case .schoolLevel: return "（空即为 无）"
        default: return ""
        }
    }

    /// `text` without the spaces and tabs (also full-width spaces) around it.
    static func trimmed(_ text: String) -> String {
        let blanks: Set<Character> = [" ", "\t", "\u{3000}"]
        guard let first = text.firstIndex(where: { !blanks.contains($0) }),
            let last = text.lastIndex(where: { !blanks.contains($0) })
        else { return "" }
        return String(text[first...last])
    }

    /// The 17 digits of a valid identity number as a number (its check character follows from them).
    static func key(of number: IdentityNumber) -> UInt64 {
        var key: UInt64 = 0
        for byte in number.value.utf8.prefix(17) { key = key &* 10 &+ UInt64(byte &- UInt8(ascii: "0")) }
        return key
    }

    /// The identity number with the 17 digits `key` and their check character.
    static func identity(key: UInt64) -> IdentityNumber? {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 18)
        var rest = key
        for index in stride(from: 16, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        digits[17] = IdentityNumber.checkCharacter(for: digits[0..<17])
        return IdentityNumber(String(decoding: digits, as: UTF8.self))
    }

    /// Whether a household column's value on another row agrees with the household row's: empty, or the same
    /// value once parsed (`1200` equals `1200.00`; an empty 是/否 on the household row means 否).
    static func agrees(_ column: Column, _ householdText: String, _ other: String) -> Bool {
        if other.isEmpty || other == householdText { return true }
        guard let lhs = canonical(column, householdText), let rhs = canonical(column, other) else { return false }
        return lhs == rhs
    }

    /// A household column's value in one spelling, or `nil` when it does not parse.
    private static func canonical(_ column: Column, _ text: String) -> String? {
        switch column {
        case .monthlyIncome, .monthlySpecialExpense:
            if text.isEmpty { return column == .monthlySpecialExpense ? Yuan.zero.description : nil }
            guard case .success(let amount) = Yuan.parse(text) else { return nil }
            return amount.description
        case .filedOn:
            return LocalDate(text)?.description
        case .housing:
            return Labels.housing.value(of: text)?.rawValue
        case .primaryCause:
            return Labels.cause.value(of: text)?.rawValue
        case .secondaryCauses:
            let parts = Labels.causes(in: text)
            guard parts.invalid.isEmpty else { return nil }
            return Set(parts.causes.map(\.rawValue)).sorted().joined(separator: "、")
        case .singleParent, .migrantWorker, .ruralPovertyRegistered, .onDibao, .employerArrears:
            if text.isEmpty { return YesNo.no.rawValue }
            return Labels.yesNo.value(of: text)?.rawValue
        default:
            return text
        }
    }
}
