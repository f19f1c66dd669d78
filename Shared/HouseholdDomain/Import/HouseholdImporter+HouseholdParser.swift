extension HouseholdImporter {
    /// Checks a household's columns as read from its household row (the worker's row, or its first row without
    /// one); every issue is reported on that row. Source: docs/IMPORT-FORMAT.md.
    struct HouseholdParser {
        /// The household's values; `nil` where empty or invalid (an optional column's default is applied later).
        struct Values {
            /// 行政区划代码 when it is six digits.
            var divisionCode: String?
            /// The unit of that code when the reference list has it (valid on the filing date or not).
            var county: CountyRegistry.County?
            /// 建档日期 when it is a real date (even one in the future).
            var filedOn: LocalDate?
            var monthlyIncome: Yuan?
            var monthlySpecialExpense: Yuan?
            var housing: Household.Housing?
            var primaryCause: Household.Cause?
            var secondaryCauses: [Household.Cause]?
            var isSingleParent: Bool?
            var isMigrantWorker: Bool?
            var isRuralPovertyRegistered: Bool?
            var isOnDibao: Bool?
            var hasEmployerArrears: Bool?
            var employer = ""
            var employerCreditCode = ""
        }

        private let checks: Checks
        private let today: LocalDate
        private let counties: CountyRegistry
        /// The household row.
        let row: Int
        /// The errors found, all on ``row``.
        private(set) var errors: [ImportIssue] = []
        /// The warnings found (a wrong credit code), on ``row``.
        private(set) var warnings: [ImportIssue] = []

        init(checks: Checks, today: LocalDate, counties: CountyRegistry, row: Int) {
            self.checks = checks
            self.today = today
            self.counties = counties
            self.row = row
        }

        /// Parses and checks every household column.
        ///
        /// - Parameter text: a column's text on the household row (`""` when empty or absent from the file).
        mutating func parse(_ text: (Column) -> String) -> Values {
            var values = Values()
            checkFileNumber(text(.fileNumber))
            values.filedOn = filingDate(text(.filedOn))
            (values.divisionCode, values.county) = division(text(.divisionCode), filedOn: values.filedOn)
            values.monthlyIncome = amount(.monthlyIncome, text(.monthlyIncome))
            values.monthlySpecialExpense = amount(.monthlySpecialExpense, text(.monthlySpecialExpense))
            values.housing = checks.choice(.housing, text(.housing), Labels.housing, row: row, errors: &errors)
            values.primaryCause = checks.choice(
                .primaryCause, text(.primaryCause), Labels.cause, row: row, errors: &errors)
            values.secondaryCauses = secondaryCauses(text(.secondaryCauses))
            values.isSingleParent = checks.yesNo(.singleParent, text(.singleParent), row: row, errors: &errors)
            values.isMigrantWorker = checks.yesNo(.migrantWorker, text(.migrantWorker), row: row, errors: &errors)
            values.isRuralPovertyRegistered = checks.yesNo(
                .ruralPovertyRegistered, text(.ruralPovertyRegistered), row: row, errors: &errors)
            values.isOnDibao = checks.yesNo(.onDibao, text(.onDibao), row: row, errors: &errors)
            values.hasEmployerArrears = checks.yesNo(
                .employerArrears, text(.employerArrears), row: row, errors: &errors)
            values.employer = text(.employer)
            values.employerCreditCode = text(.employerCreditCode)
            checkCreditCode(values.employerCreditCode)
            return values
        }

        private mutating func error(_ code: String, _ column: Column, _ value: String, _ message: String) {
            errors.append(
                checks.issue("import.\(column.rawValue).\(code)", column, row: row, value: value, message: message))
        }

        /// 档案编号: 1–32 ASCII letters, digits and `-`.
        private mutating func checkFileNumber(_ text: String) {
            if text.isEmpty {
                errors.append(checks.missing(.fileNumber, row: row))
                return
            }
            let isValid =
                text.utf8.count <= 32
                && text.utf8.allSatisfy { byte in
                    let letter = byte | 0x20
                    return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(letter)
                        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                }
            if !isValid {
                error(
                    "format", .fileNumber, text,
                    "应为 1 至 32 个字符，每个是字母、数字或 '-'，如 KM-2017-0001 "
                        + "(must be 1 to 32 characters, each a letter A–Z or a–z, a digit or '-', e.g. KM-2017-0001)")
            }
        }

        /// 建档日期: a real date `YYYY-MM-DD`, not after today.
        private mutating func filingDate(_ text: String) -> LocalDate? {
            if text.isEmpty {
                errors.append(checks.missing(.filedOn, row: row))
                return nil
            }
            guard let date = LocalDate(text) else {
                error(
                    "format", .filedOn, text,
                    "应为有效日期，写作 YYYY-MM-DD，如 2017-03-15 (must be a real date written YYYY-MM-DD, e.g. 2017-03-15)")
                return nil
            }
            if date > today {
                error(
                    "future", .filedOn, text,
                    "晚于今天 (\(today))，建档日期不能在将来 (is after today, \(today); a filing date cannot be in the future)")
            }
            return date
        }

        /// 行政区划代码: six digits, in the reference list, valid on the filing date (when that date is readable).
        private mutating func division(
            _ text: String, filedOn: LocalDate?
        ) -> (String?, CountyRegistry.County?) {
            if text.isEmpty {
                errors.append(checks.missing(.divisionCode, row: row))
                return (nil, nil)
            }
            guard text.utf8.count == 6, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else {
                error(
                    "format", .divisionCode, text,
                    "应为六位县级行政区划代码 (GB/T 2260)，如 530102 "
                        + "(must be a six-digit county-level division code, GB/T 2260, e.g. 530102)")
                return (nil, nil)
            }
            guard let county = counties.county(code: text) else {
                error(
                    "unknown", .divisionCode, text,
                    "不是云南省县级行政区划代码 (GB/T 2260) "
                        + "(is not a county-level division of the reference list: Yunnan, GB/T 2260)")
                return (text, nil)
            }
            guard let filedOn, !county.isValid(on: filedOn) else { return (text, county) }
            let unit = "\(text) (\(county.name))"
            if let validTo = county.validTo, filedOn >= validTo {
                var chinese = "\(unit) 只在 \(validTo) 之前有效，建档日期为 \(filedOn)"
                var english = "\(unit) is valid only before \(validTo), and the filing date is \(filedOn)"
                if let successor = county.successor {
                    let name = counties.county(code: successor).map { " (\($0.name))" } ?? ""
                    chinese += "；已由 \(successor)\(name) 取代"
                    english += "; it was replaced by \(successor)\(name)"
                }
                error("retired", .divisionCode, text, "\(chinese) (\(english))")
            } else if let validFrom = county.validFrom {
                var chinese = "\(unit) 自 \(validFrom) 起才有效，建档日期为 \(filedOn)"
                var english = "\(unit) is valid only from \(validFrom), and the filing date is \(filedOn)"
                if let predecessor = counties.counties.first(where: { $0.successor == text }) {
                    chinese += "；此前的代码为 \(predecessor.code) (\(predecessor.name))"
                    english += "; before that date the code was \(predecessor.code) (\(predecessor.name))"
                }
                error("not_yet_valid", .divisionCode, text, "\(chinese) (\(english))")
            }
            return (text, county)
        }

        /// An amount in yuan: at least 0, at most two decimals.
        private mutating func amount(_ column: Column, _ text: String) -> Yuan? {
            if text.isEmpty {
                if column.isRequired { errors.append(checks.missing(column, row: row)) }
                return nil
            }
            switch Yuan.parse(text) {
            case .success(let amount):
                return amount
            case .failure(.notANumber):
                error(
                    "not_a_number", column, text,
                    "应为以元为单位的金额，最多两位小数，如 1200.50 "
                        + "(must be an amount in yuan: digits with at most two decimals, e.g. 1200.50)")
            case .failure(.negative):
                error("negative", column, text, "不能为负数 (must not be negative)")
            case .failure(.tooManyDecimals):
                error(
                    "too_many_decimals", column, text,
                    "小数超过两位，金额以元计、精确到分，如 1200.35 "
                        + "(has more than two decimals; amounts are in yuan to the fen, e.g. 1200.35)")
            case .failure(.tooLarge):
                error(
                    "too_large", column, text,
                    "数额过大，整数部分超过 15 位 (is too large: more than 15 digits before the decimal point)")
            }
            return nil
        }

        /// 次要致困原因: up to three causes, separated by `、`, `;` or `；`.
        private mutating func secondaryCauses(_ text: String) -> [Household.Cause]? {
            let (causes, invalid, count) = Labels.causes(in: text)
            if !invalid.isEmpty {
                let named = invalid.map { "\"\($0)\"" }.joined(separator: ", ")
                error(
                    "invalid", .secondaryCauses, text,
                    "\(named) 不是致困原因；每个原因应为以下之一：\(Labels.cause.list)，以 、 或 ; 分隔 "
                        + "(\(invalid.count == 1 ? "is not a cause" : "are not causes"); each cause must be one of "
                        + "these, separated by 、 or ;)")
            }
            if count > 3 {
                error(
                    "too_many", .secondaryCauses, text,
                    "填了 \(count) 个原因，最多三个 (gives \(count) causes; at most three are allowed)")
            }
            return invalid.isEmpty && count <= 3 ? causes : nil
        }

        /// 统一社会信用代码: a wrong code is a warning only.
        private mutating func checkCreditCode(_ text: String) {
            guard !text.isEmpty, let failure = CreditCode.validate(text) else { return }
            let code: String
            let message: String
            switch failure {
            case .wrongLength(let count):
                code = "length"
                message = "应为 18 位，实为 \(count) 位 (should be 18 characters but has \(count))"
            case .invalidCharacter:
                code = "character"
                message =
                    "含有 0–9 和大写字母 A–Y（不含 I、O、S、V、Z）以外的字符 "
                    + "(holds a character other than 0–9 and the capital letters A–Y without I, O, S, V, Z)"
            case .wrongCheckCharacter(let expected):
                code = "check_character"
                message =
                    "按前 17 位，校验码（最后一位）应为 \(expected) "
                    + "(the check character, the last one, should be \(expected) for the first 17 characters)"
            }
            warnings.append(
                checks.issue(
                    "import.employer_uscc.\(code)", .employerCreditCode, row: row, value: text,
                    message: message + "；仅为警告，不影响建档 (GB 32100-2015; a warning only, it does not stop filing)"))
        }
    }
}
