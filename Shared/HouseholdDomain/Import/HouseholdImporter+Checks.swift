extension HouseholdImporter {
    /// Makes the import's issues: names the column as the file's header writes it, masks identity numbers, and
    /// checks the value sets. Source: docs/IMPORT-FORMAT.md "Errors".
    struct Checks {
        /// For each column ordinal, its header as written, or `nil` when the file lacks the column.
        let headers: [String?]

        /// An issue about `column` on `row`.
        ///
        /// - Parameters:
        ///   - code: the stable code, e.g. `import.id_number.check_character`.
        ///   - column: the column; the issue names it as the file's header writes it.
        ///   - row: the file's row number.
        ///   - value: the value as written; identity numbers are masked (see ``masked(_:)``).
        ///   - message: what is wrong and what is expected.
        func issue(_ code: String, _ column: Column, row: Int, value: String, message: String) -> ImportIssue {
            ImportIssue(
                code: code, row: row, column: headers[column.ordinal] ?? column.chineseHeader,
                value: column == .idNumber ? IdentityNumber.mask(value) : masked(value), message: message)
        }

        /// The error for a required value left empty: `import.<column>.missing`.
        func missing(_ column: Column, row: Int) -> ImportIssue {
            let place =
                column.isHouseholdColumn
                ? ("户的那一行（职工本人所在行，与职工关系 本人）", "on the household's row (the worker's row, 与职工关系 本人)")
                : ("每一行", "on every row")
            return issue(
                "import.\(column.rawValue).missing", column, row: row, value: "",
                message: "\(place.0)必须填写，此处为空 (a value is required \(place.1), but the field is empty)")
        }

        /// `text` masked to its first 6 and last 4 characters when it looks like an identity number (15 to 18
        /// digits, the last possibly `X` or `x`), whatever its column: a shifted row must not show one whole.
        func masked(_ text: String) -> String {
            let utf8 = text.utf8
            guard (15...18).contains(utf8.count),
                utf8.dropLast().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let last = utf8.last,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(last) || last | 0x20 == UInt8(ascii: "x")
            else { return text }
            return IdentityNumber.mask(text)
        }

        /// The error for an identity number that does not parse: `import.id_number.<length|character|birth_date|
        /// check_character>`.
        func identityIssue(_ failure: IdentityNumber.Failure, text: String, row: Int) -> ImportIssue {
            let code: String
            let message: String
            switch failure {
            case .wrongLength(let count):
                code = "length"
                message =
                    "应为 18 位 (GB 11643-1999)，实为 \(count) 位 (must be 18 characters, GB 11643-1999, but has \(count))"
            case .invalidCharacter:
                code = "character"
                message = "应为 17 位数字加一位数字或 X (GB 11643-1999) (must be 17 digits followed by a digit or X)"
            case .invalidBirthDate:
                code = "birth_date"
                message = "第 7 至 14 位不是有效的出生日期 (YYYYMMDD) (characters 7 to 14 are not a real date of birth)"
            case .wrongCheckCharacter:
                // Never the expected character: it would tell more of a personal number than the masked form.
                code = "check_character"
                message =
                    "校验码（最后一位）与前 17 位不符，号码有误 "
                    + "(the check character, the last one, does not match the first 17 digits; the number is mistyped)"
            }
            return issue("import.id_number.\(code)", .idNumber, row: row, value: text, message: message)
        }

        /// The value of an enumerated column.
        ///
        /// - Returns: the value; `nil` when the field is empty (an error `import.<column>.missing` if the column is
        ///   required; otherwise the caller applies the default) or not one of the labels (an error
        ///   `import.<column>.invalid`).
        func choice<Value>(
            _ column: Column, _ text: String, _ labels: LabelTable<Value>, row: Int, errors: inout [ImportIssue]
        ) -> Value? {
            if text.isEmpty {
                if column.isRequired { errors.append(missing(column, row: row)) }
                return nil
            }
            if let value = labels.value(of: text) { return value }
            errors.append(
                issue(
                    "import.\(column.rawValue).invalid", column, row: row, value: text,
                    message: "应为以下之一：\(labels.list)\(HouseholdImporter.defaultNote(column))"
                        + " (must be one of these)"))
            return nil
        }

        /// A 是/否 column: `nil` when empty (meaning 否) or invalid (an error `import.<column>.invalid`).
        func yesNo(_ column: Column, _ text: String, row: Int, errors: inout [ImportIssue]) -> Bool? {
            if text.isEmpty { return nil }
            if let value = Labels.yesNo.value(of: text) { return value == .yes }
            errors.append(
                issue(
                    "import.\(column.rawValue).invalid", column, row: row, value: text,
                    message: "应为 是 或 否（空即为 否） (must be 是 or 否; empty means 否)"))
            return nil
        }
    }
}
