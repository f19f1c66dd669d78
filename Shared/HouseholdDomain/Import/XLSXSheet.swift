import Foundation
import ZIPFoundation

/// The first sheet of an `.xlsx` workbook as CSV text, one record per sheet row.
///
/// Decisions:
/// - The first sheet is the first `<sheet>` of `xl/workbook.xml`, found through `xl/_rels/workbook.xml.rels`.
/// - Cells are read as Excel shows them: shared strings (rich text joined, phonetic guides left out), inline
///   strings, formula results, booleans as `TRUE`/`FALSE`. A number is written without an exponent and with at
///   most 15 significant digits, as Excel displays it: `530102` stays `530102`, `1200.5` stays `1200.5`, `1E-2` is
///   `0.01`. An identity number of 18 digits stored as a number has already lost its last digits in Excel (it
///   keeps 15) and reads as `530102197506121000`, which then fails its check character: staff see the row.
/// - A number in the 建档日期 (`filed_on`) column is an Excel date serial and becomes `YYYY-MM-DD` (the 1900 date
///   system, or 1904 when the workbook says so; a time of day is dropped). Text in that column is taken as written.
/// - Rows the sheet skips (no cells) are written as blank records, so that row numbers stay those the sheet shows;
///   the first row is the header.
///
/// Memory: the sheet is read in the chunks ZIPFoundation inflates, never whole; the shared strings are held (every
/// distinct text of the sheet once) and the CSV text is built in memory.
struct XLSXSheet {
    /// The name of the sheet read.
    var name: String
    /// Its rows as UTF-8 CSV text.
    var csv: [UInt8]
    /// The cells holding a number of 16 digits or more, by row: Excel keeps 15 significant digits, so such a number
    /// (an identity number typed into a General cell) has lost its last digits.
    var longNumbers: [(row: Int, column: String)]

    /// Reads the first sheet of the workbook in `bytes`.
    ///
    /// - Throws: ``ImportFailure`` `notImportFile(.otherZip)` for a ZIP archive that is no workbook,
    ///   `unreadableWorkbook` for a workbook whose parts are missing or damaged.
    static func read(_ bytes: [UInt8]) throws(ImportFailure) -> XLSXSheet {
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw ImportFailure(.unreadableWorkbook("not a readable ZIP archive"))
        }
        guard archive["xl/workbook.xml"] != nil else {
            throw ImportFailure(.notImportFile(.otherZip(what: describeZip(archive))))
        }
        var workbook = WorkbookReader()
        try extract("xl/workbook.xml", from: archive, into: &workbook)
        var relationships = RelationshipsReader()
        if archive["xl/_rels/workbook.xml.rels"] != nil {
            try extract("xl/_rels/workbook.xml.rels", from: archive, into: &relationships)
        }
        let sheetPath =
            workbook.firstSheetRelationship.flatMap { relationships.targets[$0] } ?? "xl/worksheets/sheet1.xml"
        let stringsPath = relationships.sharedStrings ?? "xl/sharedStrings.xml"
        var strings = SharedStringsReader()
        if archive[stringsPath] != nil { try extract(stringsPath, from: archive, into: &strings) }
        guard archive[sheetPath] != nil else {
            throw ImportFailure(.unreadableWorkbook("its first sheet \(sheetPath) is missing"))
        }
        var sheet = SheetReader(strings: strings.strings, date1904: workbook.date1904)
        try extract(sheetPath, from: archive, into: &sheet)
        return XLSXSheet(name: workbook.firstSheetName ?? "Sheet1", csv: sheet.csv, longNumbers: sheet.longNumbers)
    }

    /// What a ZIP archive that is no workbook holds, for the message.
    private static func describeZip(_ archive: Archive) -> String {
        if archive["word/document.xml"] != nil { return "a Word document (.docx) in a ZIP archive" }
        if archive["ppt/presentation.xml"] != nil { return "a PowerPoint presentation (.pptx)" }
        if archive["content.xml"] != nil { return "an OpenDocument file (.ods or .odt)" }
        return "a ZIP archive"
    }

    /// Feeds the part at `path` to `reader` chunk by chunk, as ZIPFoundation inflates it.
    private static func extract(_ path: String, from archive: Archive, into reader: inout some PartReader)
        throws(ImportFailure)
    {
        guard let entry = archive[path] else { throw ImportFailure(.unreadableWorkbook("\(path) is missing")) }
        var pending: [UInt8] = []
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 16) { chunk in
                pending.append(contentsOf: chunk)
                let used = pending.withUnsafeBufferPointer { feed($0, to: &reader, final: false) }
                pending.removeFirst(used)
            }
        } catch {
            throw ImportFailure(.unreadableWorkbook("\(path) is damaged (\(error))"))
        }
        _ = pending.withUnsafeBufferPointer { feed($0, to: &reader, final: true) }
    }

    /// Hands every complete token of `buffer` to `reader`; returns the bytes used.
    private static func feed(_ buffer: UnsafeBufferPointer<UInt8>, to reader: inout some PartReader, final: Bool)
        -> Int
    {
        var position = 0
        while let (token, next) = XMLTokens.next(in: buffer, from: position, final: final) {
            reader.take(token, in: buffer)
            position = next
        }
        return position
    }
}

/// Reads one part of a workbook, token by token.
private protocol PartReader {
    mutating func take(_ token: XMLTokens.Token, in buffer: UnsafeBufferPointer<UInt8>)
}

/// `xl/workbook.xml`: the first sheet's name and relationship, and the date system.
private struct WorkbookReader: PartReader {
    var firstSheetName: String?
    var firstSheetRelationship: String?
    var date1904 = false

    mutating func take(_ token: XMLTokens.Token, in buffer: UnsafeBufferPointer<UInt8>) {
        guard case .open(let name, let attributes, _) = token else { return }
        if XMLTokens.equals(buffer, name, "sheet"), firstSheetRelationship == nil {
            firstSheetName = XMLTokens.attribute("name", in: buffer, attributes)
            firstSheetRelationship = XMLTokens.attribute("id", in: buffer, attributes)
        } else if XMLTokens.equals(buffer, name, "workbookPr") {
            let value = XMLTokens.attribute("date1904", in: buffer, attributes)
            date1904 = value == "1" || value == "true"
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: where each relationship's part is, as a path in the archive.
private struct RelationshipsReader: PartReader {
    var targets: [String: String] = [:]
    var sharedStrings: String?

    mutating func take(_ token: XMLTokens.Token, in buffer: UnsafeBufferPointer<UInt8>) {
        guard case .open(let name, let attributes, _) = token, XMLTokens.equals(buffer, name, "Relationship"),
            let id = XMLTokens.attribute("Id", in: buffer, attributes),
            let target = XMLTokens.attribute("Target", in: buffer, attributes)
        else { return }
        // Relative to xl/, or absolute from the archive's root.
        let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        targets[id] = path
        if XMLTokens.attribute("Type", in: buffer, attributes)?.hasSuffix("/sharedStrings") == true {
            sharedStrings = path
        }
    }
}

/// `xl/sharedStrings.xml`: every `<si>`'s text, its runs joined, phonetic guides (`<rPh>`) left out.
private struct SharedStringsReader: PartReader {
    var strings: [String] = []
    private var current = ""
    private var inText = false
    private var phonetic = 0

    mutating func take(_ token: XMLTokens.Token, in buffer: UnsafeBufferPointer<UInt8>) {
        switch token {
        case .open(let name, _, let empty):
            if XMLTokens.equals(buffer, name, "si") {
                current = ""
                if empty { strings.append("") }
            } else if XMLTokens.equals(buffer, name, "t") {
                inText = !empty && phonetic == 0
            } else if XMLTokens.equals(buffer, name, "rPh"), !empty {
                phonetic += 1
            }
        case .close(let name):
            if XMLTokens.equals(buffer, name, "si") {
                strings.append(current)
            } else if XMLTokens.equals(buffer, name, "t") {
                inText = false
            } else if XMLTokens.equals(buffer, name, "rPh") {
                phonetic -= 1
            }
        case .text(let range) where inText: current += XMLTokens.decodeText(buffer, range)
        case .cdata(let range) where inText:
            current += String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
        default: break
        }
    }
}

/// A worksheet: its rows written as CSV as they come.
private struct SheetReader: PartReader {
    let strings: [String]
    let date1904: Bool
    private(set) var csv: [UInt8] = []

    /// The last row written (0 before the first).
    private var lastRow = 0
    /// The row being read: each cell's text by column (0 for A).
    private var cells: [String] = []
    private var rowNumber = 0
    private var column = 0
    private var type = ""
    private var value = ""
    private var inlineText = ""
    /// Where text goes: `<v>`, `<t>` of an inline string, or nowhere.
    private var collecting = Collecting.none
    private var inInlineString = false
    private var phonetic = 0
    /// The index of the 建档日期 column, known once the header is read.
    private var dateColumn: Int?
    /// The header's names, once read.
    private var header: [String] = []
    private(set) var longNumbers: [(row: Int, column: String)] = []

    private enum Collecting { case none, value, inline }

    init(strings: [String], date1904: Bool) {
        self.strings = strings
        self.date1904 = date1904
    }

    mutating func take(_ token: XMLTokens.Token, in buffer: UnsafeBufferPointer<UInt8>) {
        switch token {
        case .open(let name, let attributes, let empty):
            if XMLTokens.equals(buffer, name, "c") {
                column =
                    XMLTokens.attribute("r", in: buffer, attributes).flatMap(Self.columnIndex) ?? cells.count
                type = XMLTokens.attribute("t", in: buffer, attributes) ?? "n"
                value = ""
                inlineText = ""
                if empty { endCell() }
            } else if XMLTokens.equals(buffer, name, "v") {
                collecting = empty ? .none : .value
            } else if XMLTokens.equals(buffer, name, "is") {
                inInlineString = !empty
            } else if XMLTokens.equals(buffer, name, "t") {
                collecting = inInlineString && phonetic == 0 && !empty ? .inline : .none
            } else if XMLTokens.equals(buffer, name, "rPh"), !empty {
                phonetic += 1
            } else if XMLTokens.equals(buffer, name, "row") {
                rowNumber = XMLTokens.attribute("r", in: buffer, attributes).flatMap { Int($0) } ?? lastRow + 1
                cells.removeAll(keepingCapacity: true)
                if empty { endRow() }
            }
        case .close(let name):
            if XMLTokens.equals(buffer, name, "c") {
                endCell()
            } else if XMLTokens.equals(buffer, name, "v") || XMLTokens.equals(buffer, name, "t") {
                collecting = .none
            } else if XMLTokens.equals(buffer, name, "is") {
                inInlineString = false
            } else if XMLTokens.equals(buffer, name, "rPh") {
                phonetic -= 1
            } else if XMLTokens.equals(buffer, name, "row") {
                endRow()
            }
        case .text(let range):
            switch collecting {
            case .value: value += XMLTokens.decodeText(buffer, range)
            case .inline: inlineText += XMLTokens.decodeText(buffer, range)
            case .none: break
            }
        case .cdata(let range):
            let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
            switch collecting {
            case .value: value += text
            case .inline: inlineText += text
            case .none: break
            }
        case .other: break
        }
    }

    private mutating func endCell() {
        let text: String
        var isNumber = false
        switch type {
        case "s": text = Int(value).flatMap { strings.indices.contains($0) ? strings[$0] : nil } ?? ""
        case "inlineStr": text = inlineText
        case "b": text = value == "1" ? "TRUE" : value == "0" ? "FALSE" : value
        case "str", "e", "d": text = value
        default:
            text = XLSXNumber.displayed(value) ?? value
            isNumber = true
            if text.utf8.count >= 16, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || $0 == 0x2D }) {
                let name = header.indices.contains(column) ? header[column] : ""
                longNumbers.append((rowNumber, name.isEmpty ? Self.columnLetters(column) : name))
            }
        }
        while cells.count <= column { cells.append("") }
        if isNumber, column == dateColumn, let date = XLSXNumber.date(serial: value, date1904: date1904) {
            cells[column] = date.description
        } else {
            cells[column] = text
        }
    }

    private mutating func endRow() {
        guard rowNumber > lastRow else { return }
        // Rows the sheet skipped: blank records keep the numbering.
        for _ in (lastRow + 1)..<rowNumber { csv.append(UInt8(ascii: "\n")) }
        if lastRow == 0 {
            // The header: which column holds the filing date.
            let column = HouseholdImport.Column.filedOn
            header = cells
            dateColumn = cells.firstIndex {
                let name = HouseholdImporter.trimmed($0)
                return name == column.chineseHeader || name == column.rawValue
            }
        }
        for (index, cell) in cells.enumerated() {
            if index > 0 { csv.append(UInt8(ascii: ",")) }
            Self.appendField(cell, to: &csv)
        }
        csv.append(UInt8(ascii: "\n"))
        lastRow = rowNumber
    }

    /// A field with RFC 4180 quoting when it holds a comma, a quote or a line break.
    private static func appendField(_ field: String, to csv: inout [UInt8]) {
        let needsQuotes = field.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            csv.append(contentsOf: field.utf8)
            return
        }
        csv.append(0x22)
        for byte in field.utf8 {
            if byte == 0x22 { csv.append(0x22) }
            csv.append(byte)
        }
        csv.append(0x22)
    }

    /// The letters of a 0-based column: `A`, `Z`, `AA`.
    static func columnLetters(_ column: Int) -> String {
        var letters = ""
        var rest = column + 1
        while rest > 0 {
            let digit = (rest - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + digit))) + letters
            rest = (rest - 1) / 26
        }
        return letters
    }

    /// The 0-based column of a cell reference such as `B12` or `AA3`.
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for byte in reference.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): index = index * 26 + Int(byte - UInt8(ascii: "A")) + 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"): index = index * 26 + Int(byte - UInt8(ascii: "a")) + 1
            default:
                guard letters > 0 else { return nil }
                return index - 1
            }
            letters += 1
        }
        return letters > 0 ? index - 1 : nil
    }
}

/// Numbers as a workbook stores them (`<v>` text, the shortest round-trip form of a double) and as Excel shows them.
enum XLSXNumber {
    /// Excel's display precision: 15 significant digits.
    static let significantDigits = 15

    /// The number in `text` as Excel displays it in a General cell, without an exponent: `1.2E3` → `1200`,
    /// `0.30000000000000004` → `0.3`, `5.3010219750612096E+17` → `530102197506121000`; `nil` when `text` is no
    /// number.
    static func displayed(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        var exponent = 0
        if let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) {
            guard let value = Int(String(decoding: bytes[(e + 1)...], as: UTF8.self)) else { return nil }
            exponent = value
            bytes.removeSubrange(e...)
        }
        // digits × 10^(exponent − fraction digits)
        var digits: [Int] = []
        var fractionDigits = 0
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                digits.append(Int(byte - UInt8(ascii: "0")))
                if seenPoint { fractionDigits += 1 }
            } else {
                return nil
            }
        }
        guard !digits.isEmpty, abs(exponent) < 400 else { return nil }
        var scale = exponent - fractionDigits
        while let first = digits.first, first == 0, digits.count > 1 { digits.removeFirst() }
        if digits == [0] { return "0" }
        // Round half up to 15 significant digits.
        if digits.count > significantDigits {
            let dropped = digits.count - significantDigits
            let roundUp = digits[significantDigits] >= 5
            digits.removeLast(dropped)
            scale += dropped
            if roundUp {
                var index = digits.count - 1
                while index >= 0 {
                    if digits[index] == 9 {
                        digits[index] = 0
                        index -= 1
                    } else {
                        digits[index] += 1
                        break
                    }
                }
                if index < 0 { digits.insert(1, at: 0) }
            }
        }
        // Trailing zeros of a fraction go.
        while scale < 0, digits.count > 1, digits.last == 0 {
            digits.removeLast()
            scale += 1
        }
        var text = ""
        if scale >= 0 {
            text = digits.map(String.init).joined() + String(repeating: "0", count: scale)
        } else {
            let point = digits.count + scale
            let all = digits.map(String.init).joined()
            text =
                point > 0
                ? String(all.prefix(point)) + "." + String(all.dropFirst(point))
                : "0." + String(repeating: "0", count: -point) + all
        }
        return negative ? "-" + text : text
    }

    /// The date of an Excel date serial (days; a fraction is the time of day, dropped), or `nil` outside
    /// 1900–9999. In the 1900 system serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was
    /// (serial 60), so from serial 61 on the date is 1899-12-30 plus the serial.
    static func date(serial text: String, date1904: Bool) -> LocalDate? {
        guard let serial = Double(text), serial >= 1, serial < 2_958_466 else { return nil }
        let days = Int(serial.rounded(.down))
        if date1904 { return LocalDate(year: 1904, month: 1, day: 1)!.adding(days: days) }
        guard days != 60 else { return nil }
        let base = days < 60 ? LocalDate(year: 1899, month: 12, day: 31)! : LocalDate(year: 1899, month: 12, day: 30)!
        return base.adding(days: days)
    }
}
