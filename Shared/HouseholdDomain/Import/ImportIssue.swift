/// One problem found in an import file: an error (the household is not filed) or a warning (it is).
///
/// Every issue names the file's row number (the header is row 1), the column as written in the file's header, the
/// value (identity numbers masked to their first 6 and last 4 characters) and what is wrong
/// (docs/IMPORT-FORMAT.md "Errors").
public struct ImportIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A stable code for programs, e.g. `import.id_number.check_character`.
    public var code: String
    /// The file's row number; the header is row 1.
    public var row: Int
    /// The column's header as written in the file (Chinese or English), or `""` when the issue is about the row.
    public var column: String
    /// The value as written, identity numbers masked.
    public var value: String
    /// What is wrong, for the person who must fix the input: Chinese first, the English in brackets.
    public var message: String

    /// The longest value an issue repeats: a longer one is cut, saying how long it was.
    public static let maximumValueLength = 100

    /// Creates an issue; a value longer than ``maximumValueLength`` characters is cut (`…(5000000 characters)`), so
    /// one bad cell cannot flood a report.
    public init(code: String, row: Int, column: String, value: String, message: String) {
        self.code = code
        self.row = row
        self.column = column
        self.value =
            value.count > Self.maximumValueLength
            ? String(value.prefix(Self.maximumValueLength)) + "…(\(value.count) characters)" : value
        self.message = message
    }

    private enum CodingKeys: String, CodingKey { case code, row, column, value, message }

    /// Decodes an issue; an issue without `code` (written before issues carried it) decodes with `""`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decodeIfPresent(String.self, forKey: .code) ?? ""
        row = try container.decode(Int.self, forKey: .row)
        column = try container.decode(String.self, forKey: .column)
        value = try container.decode(String.self, forKey: .value)
        message = try container.decode(String.self, forKey: .message)
    }

    /// Encodes `code`, `row`, `column`, `value`, `message` (the `jiekun assess --json` shape, and the union's
    /// `register` reply).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(row, forKey: .row)
        try container.encode(column, forKey: .column)
        try container.encode(value, forKey: .value)
        try container.encode(message, forKey: .message)
    }

    /// `第 3 行，公民身份号码 "530102********1314"：校验码（最后一位）与前 17 位不符 …`: the row, the column as the
    /// file's header writes it, the value and the message (Chinese first, English in brackets).
    public var description: String {
        let place = column.isEmpty ? "第 \(row) 行" : "第 \(row) 行，\(column)"
        return "\(place) \"\(value)\"：\(message)"
    }
}
