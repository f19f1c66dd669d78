#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A household file as the union's staff save it, made into the CSV text the importer reads.
///
/// Staff export the form from Excel or WPS, so the file may be a CSV in UTF-8 (with or without a byte order mark)
/// or in GB18030/GBK (a Chinese spreadsheet's plain "CSV" export), or an `.xlsx` workbook (its first sheet). Which
/// one is decided from the bytes, never from the file's name:
/// - a ZIP archive holding `xl/workbook.xml` is an `.xlsx` workbook (``XLSXSheet``);
/// - text that is valid UTF-8 is UTF-8; any other text is converted from GB18030 (a superset of GBK and GB2312) by
///   iconv, and ``Format/csv(_:)`` says so;
/// - anything else — an `.xls` (Excel 97-2003) file, a PDF, an image, another ZIP archive, UTF-16 text, bytes that
///   are neither UTF-8 nor GB18030 — is refused with ``ImportFailure/Reason/notImportFile(_:)`` naming what it is.
///
/// Source: docs/IMPORT-FORMAT.md, "The file".
public struct ImportFile: Sendable {
    /// How a CSV file's text was encoded.
    public enum TextEncoding: Sendable, Hashable {
        /// UTF-8 without a byte order mark.
        case utf8
        /// UTF-8 starting with a byte order mark (Excel's "CSV UTF-8").
        case utf8WithBOM
        /// GB18030, which includes GBK and GB2312 (a spreadsheet's plain "CSV" export on a Chinese system).
        case gb18030
    }

    /// What the file was.
    public enum Format: Sendable, Hashable {
        /// A CSV text file.
        case csv(TextEncoding)
        /// An `.xlsx` workbook; `sheet` is the name of its first sheet, the one read.
        case xlsx(sheet: String)
    }

    /// What the file was.
    public var format: Format
    /// The file's records as UTF-8 CSV text without a byte order mark (RFC 4180; for a workbook, one record per
    /// sheet row, rows without cells written as blank records so that row numbers stay the sheet's).
    public var csv: [UInt8]
    /// What the clerk should know about how the file was read, Chinese first: for a workbook, each cell holding a
    /// number of 16 digits or more (an identity number Excel stored as a number, its last digits lost).
    public var warnings: [String]

    /// Creates a file read as `format`.
    public init(format: Format, csv: [UInt8], warnings: [String] = []) {
        self.format = format
        self.csv = csv
        self.warnings = warnings
    }

    /// When the first record has no 档案编号 (`file_number`) but one of the next nine has, what to do: `表头在第 3 行，
    /// 请删除其上方的标题行 (the header is row 3: delete the title rows above it; the header must be row 1)`. A form
    /// saved with its title above the header reads so.
    public var headerRowHint: String? {
        var reader = CSVReader(bytes: csv)
        var fields: [String] = []
        let column = HouseholdImport.Column.fileNumber
        func hasFileNumber() -> Bool {
            fields.contains {
                let name = HouseholdImporter.trimmed($0)
                return name == column.chineseHeader || name == column.rawValue
            }
        }
        while reader.row < 10, (try? reader.readRecord(into: &fields)) == true {
            guard hasFileNumber() else { continue }
            guard reader.row > 1 else { return nil }
            return "表头在第 \(reader.row) 行，请删除其上方的标题行 (the header is row \(reader.row): delete the title rows "
                + "above it; the header must be row 1)"
        }
        return nil
    }

    /// Reads the file at `path` and makes it CSV text.
    ///
    /// - Throws: ``ImportFailure`` with `unreadable` when the file cannot be read, `notImportFile` when it is not a
    ///   CSV or `.xlsx` file (naming what it is), `unreadableWorkbook` when a workbook's parts cannot be read.
    public static func load(contentsOfFile path: String) throws(ImportFailure) -> ImportFile {
        try decode(fileContents(atPath: path))
    }

    /// Makes a file's bytes CSV text, deciding from the bytes what the file is.
    ///
    /// - Throws: as ``load(contentsOfFile:)``, except `unreadable`.
    public static func decode(_ bytes: [UInt8]) throws(ImportFailure) -> ImportFile {
        if let kind = FileKind(signatureOf: bytes) {
            switch kind {
            case .zip:
                let sheet = try XLSXSheet.read(bytes)
                return ImportFile(
                    format: .xlsx(sheet: sheet.name), csv: sheet.csv,
                    warnings: sheet.longNumbers.map { row, column in
                        "第 \(row) 行，\(column)：数字超过 15 位，Excel 只保留前 15 位，请把该列设为文本格式后重新录入 "
                            + "(a number of more than 15 digits: Excel keeps only 15, so its last digits are lost; "
                            + "format the column as text and type the numbers again)"
                    })
            default: throw ImportFailure(.notImportFile(kind))
            }
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            if let offset = CSVReader.firstInvalidUTF8Offset(in: bytes, from: 3) {
                throw ImportFailure(.notUTF8(offset: offset))
            }
            return ImportFile(format: .csv(.utf8WithBOM), csv: Array(bytes[3...]))
        }
        // Text has no NUL byte; UTF-16 without a byte order mark and binary files do.
        if bytes.prefix(1 << 16).contains(0) { throw ImportFailure(.notImportFile(.binary)) }
        guard let offset = CSVReader.firstInvalidUTF8Offset(in: bytes) else {
            return ImportFile(format: .csv(.utf8), csv: bytes)
        }
        switch convertFromGB18030(bytes) {
        case .success(let utf8): return ImportFile(format: .csv(.gb18030), csv: utf8)
        case .failure(let gbOffset):
            throw ImportFailure(.notImportFile(.unknownText(utf8Offset: offset, gb18030Offset: gbOffset)))
        }
    }

    /// What a file that is not an import file is, from its first bytes (its signature).
    public enum FileKind: Sendable, Hashable {
        /// A ZIP archive: an `.xlsx` workbook when it holds `xl/workbook.xml`.
        case zip
        /// A ZIP archive that is not an `.xlsx` workbook: `what` says what it holds (a Word or OpenDocument file…).
        case otherZip(what: String)
        /// An OLE2 compound file: an `.xls` (Excel 97-2003) workbook, a `.doc`, or a password-protected `.xlsx`.
        case xls
        /// A PDF document.
        case pdf
        /// An image; `format` is PNG, JPEG, GIF, BMP, TIFF or WebP.
        case image(format: String)
        /// A RAR, 7z or gzip archive.
        case compressed(format: String)
        /// Text in UTF-16 (Excel's "Unicode text" export).
        case utf16
        /// Bytes holding NUL: no text file.
        case binary
        /// Text that is neither UTF-8 nor GB18030: the offsets of the first byte each encoding rejects.
        case unknownText(utf8Offset: Int, gb18030Offset: Int)

        /// The kind of the file whose bytes begin so, or `nil` when it has no known signature (text, probably).
        init?(signatureOf bytes: [UInt8]) {
            func starts(_ signature: [UInt8]) -> Bool { bytes.starts(with: signature) }
            if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) {
                self = .zip
            } else if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
                self = .xls
            } else if starts(Array("%PDF".utf8)) {
                self = .pdf
            } else if starts([0x89, 0x50, 0x4E, 0x47]) {
                self = .image(format: "PNG")
            } else if starts([0xFF, 0xD8, 0xFF]) {
                self = .image(format: "JPEG")
            } else if starts(Array("GIF8".utf8)) {
                self = .image(format: "GIF")
            } else if starts(Array("BM".utf8)) && bytes.count > 14 && bytes[6...9].allSatisfy({ $0 == 0 }) {
                self = .image(format: "BMP")
            } else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
                self = .image(format: "TIFF")
            } else if starts(Array("RIFF".utf8)) && bytes.count >= 12 && Array(bytes[8..<12]) == Array("WEBP".utf8) {
                self = .image(format: "WebP")
            } else if starts(Array("Rar!".utf8)) {
                self = .compressed(format: "RAR")
            } else if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
                self = .compressed(format: "7z")
            } else if starts([0x1F, 0x8B]) {
                self = .compressed(format: "gzip")
            } else if starts([0xFF, 0xFE]) || starts([0xFE, 0xFF]) {
                self = .utf16
            } else {
                return nil
            }
        }

        /// What the file is and what to do, Chinese first: `这是 PDF 文件… (this is a PDF file…)`.
        public var description: String {
            let save = "请在 Excel 或 WPS 中另存为 .xlsx 或 CSV"
            switch self {
            case .zip, .otherZip:
                let what: String
                if case .otherZip(let held) = self { what = held } else { what = "a ZIP archive" }
                return "这是 ZIP 压缩文件，不是 .xlsx 工作簿或 CSV，请解压或另存为 .xlsx 或 CSV "
                    + "(this is \(what), not an .xlsx workbook or a CSV file: unpack it, or save the form as .xlsx "
                    + "or CSV)"
            case .xls:
                return "这是 Excel 97-2003 (.xls) 文件或加密的工作簿，\(save) "
                    + "(this is an .xls (Excel 97-2003) file: save it as .xlsx or CSV; a password-protected "
                    + "workbook looks the same: save it without the password)"
            case .pdf:
                return "这是 PDF 文件，无法读取其中的表格，请导入原始的 .xlsx 或 CSV 文件 "
                    + "(this is a PDF file: import the spreadsheet itself, as .xlsx or CSV)"
            case .image(let format):
                return "这是图片 (\(format))，不是表格，请导入原始的 .xlsx 或 CSV 文件 "
                    + "(this is an image (\(format)), not a spreadsheet: import the spreadsheet itself, as .xlsx or "
                    + "CSV)"
            case .compressed(let format):
                return "这是 \(format) 压缩文件，请先解压 (this is a \(format) archive: unpack it first)"
            case .utf16:
                return "这是 UTF-16 文本 (Excel 的“Unicode 文本”)，\(save) "
                    + "(this is UTF-16 text, Excel's \"Unicode text\": save it as .xlsx or CSV UTF-8)"
            case .binary:
                return "这不是文本文件，也不是 .xlsx 工作簿，\(save) "
                    + "(this is not a text file nor an .xlsx workbook: save the form as .xlsx or CSV)"
            case .unknownText(let utf8Offset, let gbOffset):
                return "这个文件既不是 UTF-8 也不是 GBK (GB18030) 编码，\(save) "
                    + "(this file is neither UTF-8 nor GBK (GB18030) text: the first byte UTF-8 rejects is at "
                    + "offset \(utf8Offset), the first GB18030 rejects at offset \(gbOffset); save it as .xlsx or CSV "
                    + "UTF-8)"
            }
        }
    }

    /// Converts GB18030 text to UTF-8 with iconv: the UTF-8 bytes, or the offset of the first byte that is not
    /// GB18030 (a truncated character at the end counts as one).
    static func convertFromGB18030(_ bytes: [UInt8]) -> GB18030Result {
        let converter = iconv_open("UTF-8", "GB18030")
        guard let converter, Int(bitPattern: converter) != -1 else { return .failure(offset: 0) }
        defer { iconv_close(converter) }
        // A GB18030 character of n bytes is at most n + 1 bytes of UTF-8 (2 → 3, 4 → 4).
        var output = [UInt8](repeating: 0, count: bytes.count * 3 / 2 + 16)
        var input = bytes
        let (failed, inputLeft, outputLeft) = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                source.withMemoryRebound(to: CChar.self) { source in
                    target.withMemoryRebound(to: CChar.self) { target in
                        var sourcePointer = source.baseAddress
                        var targetPointer = target.baseAddress
                        var sourceLeft = source.count
                        var targetLeft = target.count
                        let result = iconv(converter, &sourcePointer, &sourceLeft, &targetPointer, &targetLeft)
                        return (result == -1, sourceLeft, targetLeft)
                    }
                }
            }
        }
        if failed { return .failure(offset: bytes.count - inputLeft) }
        output.removeLast(outputLeft)
        return .success(output)
    }

    /// The outcome of ``convertFromGB18030(_:)``.
    enum GB18030Result {
        case success([UInt8])
        case failure(offset: Int)
    }
}

extension ImportFile.Format: CustomStringConvertible {
    /// How the file was read, Chinese first: `读取为 GBK (GB18030) 编码的 CSV (read as GBK (GB18030))`.
    public var description: String {
        switch self {
        case .csv(.utf8): return "读取为 UTF-8 编码的 CSV (read as CSV, UTF-8)"
        case .csv(.utf8WithBOM): return "读取为 UTF-8 编码的 CSV (read as CSV, UTF-8 with a byte order mark)"
        case .csv(.gb18030): return "读取为 GBK (GB18030) 编码的 CSV (read as GBK (GB18030))"
        case .xlsx(let sheet): return "读取为 .xlsx 工作簿，第一个工作表“\(sheet)” (read as .xlsx, first sheet \"\(sheet)\")"
        }
    }

    /// What the file was, for a failure that follows from it, or `nil` for a plain UTF-8 CSV: `this CSV is
    /// GBK-encoded and was read as such`, `this is an .xlsx file (its first sheet "Sheet1" was read)`.
    public var context: String? {
        switch self {
        case .csv(.utf8), .csv(.utf8WithBOM): return nil
        case .csv(.gb18030): return "此 CSV 为 GBK 编码，已按 GBK 读取 (this CSV is GBK-encoded and was read as such)"
        case .xlsx(let sheet):
            return "这是 .xlsx 工作簿，已读取第一个工作表“\(sheet)” (this is an .xlsx file: its first sheet \"\(sheet)\" "
                + "was read)"
        }
    }
}

/// Reads a whole file with POSIX calls, for the exact reason when it fails.
func fileContents(atPath path: String) throws(ImportFailure) -> [UInt8] {
    func failure(_ code: Int32) -> ImportFailure {
        ImportFailure(.unreadable(path: path, detail: String(cString: strerror(code))))
    }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw failure(errno) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
    if (status.st_mode & S_IFMT) == S_IFDIR { throw failure(EISDIR) }
    var contents: [UInt8] = []
    contents.reserveCapacity(max(Int(status.st_size), 0))
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw failure(errno)
        }
        if count == 0 { break }
        contents.append(contentsOf: chunk[0..<count])
    }
    return contents
}
