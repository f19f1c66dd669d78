import Foundation

/// An import CSV cut into batches of whole households, each a complete CSV with the header.
public enum CSVBatches {
    /// Why a file cannot be cut.
    public struct Failure: Error, CustomStringConvertible {
        /// What is wrong with the file.
        public var description: String
    }

    /// One batch.
    public struct Batch: Sendable, Hashable {
        /// The CSV text: the header, then every row of its households.
        public var csv: String
        /// The file's row number (header = 1) of each of the batch's rows, from the batch's row 2 (sent with the
        /// batch, so that the union's errors name the file's rows: ``HouseholdImporter/read(bytes:fileRows:)``).
        public var rows: [Int]
    }

    /// Cuts the file: rows grouped by file number in order of first appearance, `householdsPerBatch` per batch.
    ///
    /// - Parameters:
    ///   - text: The CSV text.
    ///   - householdsPerBatch: Households per batch.
    ///   - filingOrder: Whether to send the households in filing order (by 建档日期, then file order) across
    ///     every batch, as the union orders them inside one request: budgets are drawn in filing order, so a file
    ///     whose households are not in filing order must be sorted for the batches to file as one request would.
    public static func split(_ text: String, householdsPerBatch: Int, filingOrder: Bool = false) throws -> [Batch] {
        let records = self.records(text)
        guard let header = records.first else { throw Failure(description: "the file is empty") }
        let names = fields(header).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF} ")) }
        let column = HouseholdImport.Column.fileNumber
        guard let index = names.firstIndex(where: { $0 == column.chineseHeader || $0 == column.rawValue }) else {
            throw Failure(description: "no \(column.chineseHeader) (\(column.rawValue)) column in the header")
        }
        let filed = HouseholdImport.Column.filedOn
        let dateIndex = names.firstIndex(where: { $0 == filed.chineseHeader || $0 == filed.rawValue })
        var order: [String] = []
        var filedOn: [String: String] = [:]
        var households: [String: [(row: Int, text: String)]] = [:]
        for (offset, record) in records.enumerated().dropFirst() {
            if isBlank(record) { continue }
            let values = fields(record)
            let fileNumber = index < values.count ? values[index].trimmingCharacters(in: .whitespaces) : ""
            if households[fileNumber] == nil { order.append(fileNumber) }
            households[fileNumber, default: []].append((offset + 1, record))
            if let dateIndex, dateIndex < values.count, filedOn[fileNumber, default: ""].isEmpty {
                filedOn[fileNumber] = values[dateIndex].trimmingCharacters(in: .whitespaces)
            }
        }
        if filingOrder {
            order = order.enumerated().sorted {
                (filedOn[$0.element] ?? "", $0.offset) < (filedOn[$1.element] ?? "", $1.offset)
            }.map(\.element)
        }
        var batches: [Batch] = []
        var start = 0
        while start < order.count {
            let rows = order[start..<min(start + householdsPerBatch, order.count)].flatMap { households[$0]! }
            batches.append(
                Batch(csv: ([header] + rows.map(\.text)).joined(separator: "\n") + "\n", rows: rows.map(\.row)))
            start += householdsPerBatch
        }
        return batches
    }

    /// The file's records (a quoted field may hold line breaks), without their line ends (`\n`, `\r\n` or `\r`).
    ///
    /// Read byte by byte: quotes, commas and line ends are ASCII, which UTF-8 never uses inside another character
    /// (reading `Character`s, grapheme by grapheme, took 2.7 s of the 71,000-household demo's import).
    static func records(_ text: String) -> [String] {
        var records: [String] = []
        let bytes = Array(text.utf8)
        var start = 0
        var quoted = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                quoted.toggle()
            } else if !quoted && (byte == lineFeed || byte == carriageReturn) {
                records.append(String(decoding: bytes[start..<index], as: UTF8.self))
                if byte == carriageReturn && index + 1 < bytes.count && bytes[index + 1] == lineFeed { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count { records.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return records
    }

    /// The fields of one record, unquoted (`""` inside quotes is one quote).
    static func fields(_ record: String) -> [String] {
        var fields: [String] = []
        var current: [UInt8] = []
        var quoted = false
        var previous: UInt8?
        for byte in record.utf8 {
            if byte == quote {
                if !quoted, previous == quote { current.append(quote) }
                quoted.toggle()
            } else if byte == comma && !quoted {
                fields.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(byte)
            }
            previous = byte
        }
        fields.append(String(decoding: current, as: UTF8.self))
        return fields
    }

    /// Whether a record holds only commas and spaces (a blank row of a spreadsheet).
    static func isBlank(_ record: String) -> Bool {
        var isASCII = true
        for byte in record.utf8 where byte != comma && byte != space && !(0x09...0x0D).contains(byte) {
            if byte < 0x80 { return false }  // an ASCII letter, digit or sign
            isASCII = false
        }
        // Other white space (an ideographic space, say) is a character of several bytes.
        return isASCII || record.allSatisfy { $0 == "," || $0.isWhitespace }
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let space = UInt8(ascii: " ")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
}
