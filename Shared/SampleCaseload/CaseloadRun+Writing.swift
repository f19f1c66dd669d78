import HouseholdDomain

// The CSV encoding of the caseload: UTF-8 without BOM, LF line endings, RFC 4180 quoting where a field needs it
// (only employer names can), the rows of a household adjacent with the worker's row first.

extension CaseloadRun {
    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let newline = UInt8(ascii: "\n")
    private static let zero = UInt8(ascii: "0")

    mutating func writeHeader() {
        for (index, header) in CaseloadGenerator.headers.enumerated() {
            if index > 0 { out.append(CaseloadRun.comma) }
            out.append(contentsOf: header.utf8)
        }
        out.append(CaseloadRun.newline)
    }

    mutating func writeHousehold() {
        for row in household.persons.indices {
            writeHouseholdColumns(row: row)
            writePersonColumns(household.persons[row])
            out.append(CaseloadRun.newline)
            rows += 1
        }
    }

    /// The first 15 columns: the file number on every row; the others on the worker's row, repeated on every row
    /// when the household does so, and a disagreeing value where a mistake puts one.
    private mutating func writeHouseholdColumns(row: Int) {
        let household = self.household
        let full = row == 0 || household.repeatColumns
        let disagreeing = row == household.disagreeingRow
        appendFileNumber()
        out.append(CaseloadRun.comma)
        if full { out.append(contentsOf: model.counties[household.writtenCounty].code.utf8) }
        out.append(CaseloadRun.comma)
        if full { appendDate(household.filedOn) }
        out.append(CaseloadRun.comma)
        if disagreeing, household.disagreeingHousing == nil {
            appendYuan(household.disagreeingIncomeFen, decimals: false)
        } else if full {
            appendYuan(household.incomeFen, decimals: row > 0 && household.repeatOtherFormat)
        }
        out.append(CaseloadRun.comma)
        if full, household.expenseFen > 0 { appendYuan(household.expenseFen, decimals: false) }
        out.append(CaseloadRun.comma)
        if disagreeing, let housing = household.disagreeingHousing {
            out.append(contentsOf: housing.rawValue.utf8)
        } else if full {
            out.append(contentsOf: household.housing.rawValue.utf8)
        }
        out.append(CaseloadRun.comma)
        if full { out.append(contentsOf: household.primary.rawValue.utf8) }
        out.append(CaseloadRun.comma)
        if full {
            for (index, cause) in household.secondary.enumerated() {
                if index > 0 { out.append(contentsOf: (household.semicolon ? ";" : "、").utf8) }
                out.append(contentsOf: cause.rawValue.utf8)
            }
        }
        out.append(CaseloadRun.comma)
        for flag in [
            household.singleParent, household.migrant, household.ruralPoverty, household.dibao, household.arrears,
        ] {
            if full { appendFlag(flag) }
            out.append(CaseloadRun.comma)
        }
        if full { appendQuotedIfNeeded(household.employer) }
        out.append(CaseloadRun.comma)
        if full { out.append(contentsOf: household.creditCode) }
        out.append(CaseloadRun.comma)
    }

    private mutating func writePersonColumns(_ person: SamplePerson) {
        out.append(contentsOf: Tables.surnames[person.surname].utf8)
        out.append(contentsOf: (person.doubleGiven ? "某某" : "某").utf8)
        out.append(CaseloadRun.comma)
        appendIdentityNumber(person)
        out.append(CaseloadRun.comma)
        out.append(contentsOf: person.relation.rawValue.utf8)
        out.append(CaseloadRun.comma)
        out.append(contentsOf: person.health.rawValue.utf8)
        out.append(CaseloadRun.comma)
        out.append(contentsOf: person.work.rawValue.utf8)
        out.append(CaseloadRun.comma)
        out.append(contentsOf: person.school.rawValue.utf8)
        out.append(CaseloadRun.comma)
        out.append(contentsOf: person.pension.rawValue.utf8)
        out.append(CaseloadRun.comma)
        out.append(contentsOf: person.medical.rawValue.utf8)
        out.append(CaseloadRun.comma)
        appendFlag(person.wantsBusiness)
    }

    /// `KM-2017-000123`: prefecture prefix, filing year, the prefecture's serial of that year (six digits or more).
    private mutating func appendFileNumber() {
        out.append(contentsOf: model.prefixes[household.prefecture].utf8)
        out.append(UInt8(ascii: "-"))
        appendNumber(household.filedOn.year, width: 4)
        out.append(UInt8(ascii: "-"))
        appendNumber(household.serial, width: 6)
    }

    private mutating func appendIdentityNumber(_ person: SamplePerson) {
        let start = out.count
        out.append(contentsOf: model.counties[person.addressCounty].code.utf8)
        appendNumber(person.birth.year, width: 4)
        appendNumber(person.birth.month, width: 2)
        appendNumber(person.birth.day, width: 2)
        appendNumber(person.sequence, width: 3)
        var check = IdentityNumber.checkCharacter(for: out[start..<(start + 17)])
        if person.wrongCheck {
            let characters = Array("0123456789X".utf8)
            let index = characters.firstIndex(of: check)!
            check = characters[(index + 1 + person.sequence % 10) % 11]
        }
        out.append(check)
    }

    private mutating func appendFlag(_ value: Bool) {
        out.append(contentsOf: (value ? "是" : "否").utf8)
    }

    /// `YYYY-MM-DD`.
    private mutating func appendDate(_ date: LocalDate) {
        appendNumber(date.year, width: 4)
        out.append(UInt8(ascii: "-"))
        appendNumber(date.month, width: 2)
        out.append(UInt8(ascii: "-"))
        appendNumber(date.day, width: 2)
    }

    /// Yuan from fen: `1200` for a whole amount, `1200.50` otherwise, `1200.00` when `decimals` asks for them.
    private mutating func appendYuan(_ fen: Int64, decimals: Bool) {
        appendNumber(Int(fen / 100), width: 1)
        let cents = Int(fen % 100)
        if cents != 0 || decimals {
            out.append(UInt8(ascii: "."))
            appendNumber(cents, width: 2)
        }
    }

    /// A non-negative whole number, zero-padded to at least `width` digits.
    private mutating func appendNumber(_ value: Int, width: Int) {
        precondition(value >= 0, "numbers in the file are not negative")
        var digits = 1
        var power = 10
        while power <= value {
            digits += 1
            power *= 10
        }
        for _ in digits..<max(digits, width) { out.append(CaseloadRun.zero) }
        var divisor = power / 10
        while divisor > 0 {
            out.append(CaseloadRun.zero + UInt8((value / divisor) % 10))
            divisor /= 10
        }
    }

    /// A field, in double quotes with inner quotes doubled when it holds a comma, a quote or a line break.
    private mutating func appendQuotedIfNeeded(_ field: [UInt8]) {
        let needsQuotes = field.contains {
            $0 == CaseloadRun.comma || $0 == CaseloadRun.quote || $0 == CaseloadRun.newline
        }
        guard needsQuotes else {
            out.append(contentsOf: field)
            return
        }
        out.append(CaseloadRun.quote)
        for byte in field {
            if byte == CaseloadRun.quote { out.append(CaseloadRun.quote) }
            out.append(byte)
        }
        out.append(CaseloadRun.quote)
    }
}
