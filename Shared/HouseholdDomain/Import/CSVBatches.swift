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
    /// The records are read by ``CSVReader``, as the union reads them (RFC 4180 quoting; a quoted field may hold
    /// line breaks); each batch repeats them as written. A record of only blanks and commas is left out.
    /// - Parameters:
    ///   - text: The CSV text.
    ///   - householdsPerBatch: Households per batch.
    ///   - filingOrder: Whether to send the households in filing order (by 建档日期, then file order) across
    ///     every batch, as the union orders them inside one request: budgets are drawn in filing order, so a file
    ///     whose households are not in filing order must be sorted for the batches to file as one request would.
    /// - Throws: ``Failure`` for an empty file, broken quoting (naming the row) or a header without 档案编号.
    public static func split(_ text: String, householdsPerBatch: Int, filingOrder: Bool = false) throws -> [Batch] {
        let bytes = Array(text.utf8)
        var reader = CSVReader(bytes: bytes, startingAt: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
        var fields: [String] = []
        func readRecord() throws(Failure) -> Bool {
            do {
                return try reader.readRecord(into: &fields)
            } catch {
                throw Failure(
                    description: "第 \(error.row) 行的引号不配对 (row \(error.row): broken quoting; a quoted field "
                        + "must be closed, then followed by a comma or a line break; a quote inside a field is doubled)"
                )
            }
        }
        guard try readRecord() else { throw Failure(description: "文件为空 (the file is empty)") }
        let header = String(decoding: bytes[reader.recordBytes], as: UTF8.self)
        let names = fields.map(HouseholdImporter.trimmed)
        let column = HouseholdImport.Column.fileNumber
        guard let index = names.firstIndex(where: { $0 == column.chineseHeader || $0 == column.rawValue }) else {
            throw Failure(description: "no \(column.chineseHeader) (\(column.rawValue)) column in the header")
        }
        let filed = HouseholdImport.Column.filedOn
        let dateIndex = names.firstIndex(where: { $0 == filed.chineseHeader || $0 == filed.rawValue })
        var order: [String] = []
        var filedOn: [String: LocalDate] = [:]
        var households: [String: [(row: Int, text: String)]] = [:]
        while try readRecord() {
            if isBlank(fields) { continue }
            let fileNumber = index < fields.count ? fields[index].trimmingCharacters(in: .whitespaces) : ""
            if households[fileNumber] == nil { order.append(fileNumber) }
            households[fileNumber, default: []].append(
                (reader.row, String(decoding: bytes[reader.recordBytes], as: UTF8.self)))
            if let dateIndex, dateIndex < fields.count, filedOn[fileNumber] == nil {
                filedOn[fileNumber] = LocalDate(fields[dateIndex].trimmingCharacters(in: .whitespaces))
            }
        }
        if filingOrder { order = order.sortedInFilingOrder { filedOn[$0] } }
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

    /// Whether a record holds only blanks (a blank row of a spreadsheet: commas, spaces, an ideographic space).
    static func isBlank(_ fields: [String]) -> Bool {
        fields.allSatisfy { field in
            // Most fields hold an ASCII letter or digit: no need to look at characters.
            !field.utf8.contains { $0 < 0x80 && $0 != 0x20 && !(0x09...0x0D).contains($0) }
                && field.allSatisfy(\.isWhitespace)
        }
    }
}
