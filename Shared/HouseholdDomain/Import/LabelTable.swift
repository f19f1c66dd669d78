/// The labels of a value set (e.g. 本人, 配偶, …) as UTF-8 bytes, to match a field byte by byte.
///
/// `String ==` compares canonical equivalence, which for Chinese text takes a slow normalising path; comparing
/// bytes is exact for these labels (none has another canonically equivalent spelling) and several times faster.
struct LabelTable<Value: RawRepresentable & CaseIterable & Sendable>: Sendable where Value.RawValue == String {
    private let labels: [(bytes: [UInt8], value: Value)]
    /// The labels, in order, for messages: `自购房, 自建房, …`.
    let list: String

    init() {
        labels = Value.allCases.map { (Array($0.rawValue.utf8), $0) }
        list = Value.allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// The value labelled `text` exactly, or `nil`.
    func value(of text: String) -> Value? {
        var text = text
        return text.withUTF8 { value(of: $0) }
    }

    /// The value labelled by exactly these bytes, or `nil`.
    func value(of bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        for label in labels where label.bytes.count == bytes.count && label.bytes.elementsEqual(bytes) {
            return label.value
        }
        return nil
    }
}

/// 是 / 否, the values of the yes/no columns.
enum YesNo: String, CaseIterable, Sendable {
    /// 是.
    case yes = "是"
    /// 否.
    case no = "否"
}

/// The label tables of the import file's value sets (docs/IMPORT-FORMAT.md).
enum Labels {
    static let housing = LabelTable<Household.Housing>()
    static let cause = LabelTable<Household.Cause>()
    static let relation = LabelTable<Household.Member.Relation>()
    static let health = LabelTable<Household.Member.Health>()
    static let workStatus = LabelTable<Household.Member.WorkStatus>()
    static let schoolLevel = LabelTable<Household.Member.SchoolLevel>()
    static let pensionInsurance = LabelTable<Household.Member.PensionInsurance>()
    static let medicalInsurance = LabelTable<Household.Member.MedicalInsurance>()
    static let yesNo = LabelTable<YesNo>()

    /// The causes of a 次要致困原因 field, split at `、`, `;` or the full-width `；`; spaces and tabs (also the
    /// full-width space) around a cause are ignored, and so are empty parts (e.g. after a trailing separator).
    ///
    /// - Returns: the causes recognised, the parts that are not causes (as written, trimmed), and the number of
    ///   parts.
    static func causes(in text: String) -> (causes: [Household.Cause], invalid: [String], count: Int) {
        var causes: [Household.Cause] = []
        var invalid: [String] = []
        var count = 0
        var text = text
        text.withUTF8 { bytes in
            func take(_ start: Int, _ end: Int) {
                var start = start
                var end = end
                while start < end {
                    if bytes[start] == 0x20 || bytes[start] == 0x09 {
                        start += 1
                    } else if isIdeographicSpace(bytes, start) {
                        start += 3
                    } else {
                        break
                    }
                }
                while end > start {
                    if bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 {
                        end -= 1
                    } else if end - start >= 3 && isIdeographicSpace(bytes, end - 3) {
                        end -= 3
                    } else {
                        break
                    }
                }
                guard start < end else { return }
                count += 1
                let part = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if let cause = Labels.cause.value(of: part) {
                    causes.append(cause)
                } else {
                    invalid.append(String(decoding: part, as: UTF8.self))
                }
            }
            var start = 0
            var index = 0
            while index < bytes.count {
                let separatorLength = separator(bytes, index)
                if separatorLength > 0 {
                    take(start, index)
                    index += separatorLength
                    start = index
                } else {
                    index += 1
                }
            }
            take(start, bytes.count)
        }
        return (causes, invalid, count)
    }

    /// The length of the separator at `index` (`;` 1, `、` or `；` 3), or 0.
    private static func separator(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        if bytes[index] == UInt8(ascii: ";") { return 1 }
        guard index + 2 < bytes.count else { return 0 }
        // 、 U+3001 is E3 80 81; ； U+FF1B is EF BC 9B.
        if bytes[index] == 0xE3 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x81 { return 3 }
        if bytes[index] == 0xEF && bytes[index + 1] == 0xBC && bytes[index + 2] == 0x9B { return 3 }
        return 0
    }

    /// Whether U+3000 (the ideographic space, E3 80 80) starts at `index`.
    private static func isIdeographicSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        index + 2 < bytes.count && bytes[index] == 0xE3 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80
    }
}
