#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a household import file (CSV) into validated households, with every error and warning it finds.
///
/// The file is the union's form (困难职工档案表) as one CSV file: UTF-8 with or without a byte order mark, LF or
/// CRLF line breaks, RFC 4180 quoting, the header first (Chinese or English names, per column, in any order),
/// then one row per person; the rows of a household share its 档案编号 and need not be adjacent.
///
/// Decisions where the format leaves a choice open:
/// - Row numbers count CSV records, the header being row 1: a record whose quoted field holds a line break is one
///   row (as a spreadsheet shows it), so the next record's number is one more, not one more per line.
/// - A record whose fields are all empty (an empty line, or only commas, as spreadsheets write trailing rows) is
///   skipped; it still counts as a row, so later row numbers stay those the spreadsheet shows. A line break at the
///   end of the file does not start a record.
/// - Header names are matched after trimming spaces and tabs (full-width spaces too); field values are taken
///   exactly (RFC 4180).
/// - A row with fewer fields than the header reads the missing ones as empty; a row with more has an error
///   `import.row.extra_fields` unless the extra fields are empty (an unquoted comma usually shifted the row).
/// - 次要致困原因 accepts `、`, `;` and the full-width `；` as separators; spaces around a cause and empty parts
///   (a trailing separator) are ignored.
/// - 档案编号 letters are the ASCII letters; rows with an empty 档案编号 cannot be grouped, so each is an entry of
///   its own (file number `""`) with the error `import.file_number.missing`.
/// - No worker row: the error `import.relation.no_worker` is on the household's first row, its value that row's
///   与职工关系 as written. Two or more: `import.relation.extra_worker` on each 本人 row after the first.
/// - Only line breaks and spaces is an empty file (``ImportFailure/Reason/empty``); a header without rows reads as
///   a file without households.
/// - An issue's value never shows a whole identity number: in any column, a value of 15 to 18 digits (the last may
///   be `X`) is masked to its first 6 and last 4 characters.
///
/// Performance: one pass over the bytes, person columns checked as rows come, household columns once a
/// household is complete. A generated 213,110-row file (71,000 households, 30.6 MB) reads and validates in about
/// 0.7 s of CPU with a peak of about 135 MB in a release build (Linux x86-64). Source: docs/IMPORT-FORMAT.md.
public struct HouseholdImporter: Sendable {
    /// The county-level divisions that 行政区划代码 is checked against.
    public let counties: CountyRegistry
    /// Today in China time: a filing date after it is an error.
    public let today: LocalDate

    /// Creates an importer.
    ///
    /// - Parameters:
    ///   - counties: the divisions that codes are checked against (Yunnan's by default).
    ///   - today: today's date in China time (the CLI passes the clock's date; tests a fixed date).
    public init(counties: CountyRegistry = .yunnan, today: LocalDate) {
        self.counties = counties
        self.today = today
    }

    /// Reads and validates the household file at `path`.
    ///
    /// - Parameter path: a file path.
    /// - Returns: every household of the file with its errors and warnings, in order of first appearance.
    /// - Throws: ``ImportFailure`` when the file cannot be read or is not a CSV or `.xlsx` file
    ///   (``ImportFile/load(contentsOfFile:)``), or for the failures of ``read(bytes:fileRows:)``.
    public func read(contentsOfFile path: String) throws(ImportFailure) -> HouseholdImport {
        try read(ImportFile.load(contentsOfFile: path))
    }

    /// Reads and validates a file loaded by ``ImportFile``: a CSV in UTF-8 or GB18030, or an `.xlsx` workbook.
    ///
    /// - Parameter file: the file, made CSV text.
    /// - Returns: as ``read(bytes:fileRows:)``, with the file's ``HouseholdImport/format``.
    /// - Throws: the failures of ``read(bytes:fileRows:)``, saying what the file was when it was not a UTF-8 CSV
    ///   (``ImportFailure/context``): a GBK file or a workbook without 档案编号 is not "no 档案编号 column" alone.
    public func read(_ file: consuming ImportFile) throws(ImportFailure) -> HouseholdImport {
        let format = file.format
        let warnings = file.warnings
        let hint = file.headerRowHint
        // The text is freed once read, before the households are built (as a whole file's bytes are).
        let csv = file.csv
        file = ImportFile(format: format, csv: [])
        do {
            // ImportFile made the text UTF-8 already (checked, converted by iconv, or written from a sheet).
            var collector = try collect(consume csv, isValidUTF8: true)
            var imported = collector.finish()
            imported.format = format
            imported.formatWarnings = warnings
            return imported
        } catch {
            var failure = error
            failure.context = format.context
            if case .missingColumns = failure.reason { failure.hint = hint }
            throw failure
        }
    }

    /// Reads and validates a household file's bytes.
    ///
    /// - Parameters:
    ///   - bytes: the file's contents, or a batch cut from a larger file (``CSVBatches``).
    ///   - fileRows: for a batch, the file's row number of each of its records after the header, so that every
    ///     issue and message names the row of the file, not of the batch; a record beyond them keeps its own
    ///     number. `nil` for a whole file.
    /// - Returns: every household of the file with its errors and warnings, in order of first appearance.
    /// - Throws: ``ImportFailure`` when nothing can be read: the bytes are not UTF-8 (`notUTF8`, with the offset of
    ///   the first bad byte), hold nothing but line breaks and spaces (`empty`), quote a field wrongly
    ///   (`brokenQuoting`, with the row), give a column twice (`duplicateColumn`) or miss a required column
    ///   (`missingColumns`).
    public func read(bytes: [UInt8], fileRows: [Int]? = nil) throws(ImportFailure) -> HouseholdImport {
        var collector = try collect(bytes, fileRows: fileRows ?? [])
        return collector.finish()
    }

    /// Reads every record into a collector. A caller that passes a temporary array frees it on return, before
    /// the households are built.
    private func collect(_ bytes: [UInt8], fileRows: [Int] = [], isValidUTF8: Bool = false) throws(ImportFailure)
        -> Collector
    {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if !isValidUTF8, let offset = CSVReader.firstInvalidUTF8Offset(in: bytes, from: start) {
            throw ImportFailure(.notUTF8(offset: offset))
        }
        let blanks: [UInt8] = [0x0A, 0x0D, 0x20, 0x09]
        guard bytes[start...].contains(where: { !blanks.contains($0) }) else { throw ImportFailure(.empty) }

        var reader = CSVReader(bytes: bytes, startingAt: start)
        var fields: [String] = []
        /// The file's number of the batch's row `row` (the header, row 1, is the file's row 1).
        func fileRow(_ row: Int) -> Int {
            fileRows.indices.contains(row - 2) ? fileRows[row - 2] : row
        }
        func readRecord() throws(ImportFailure) -> Bool {
            do {
                return try reader.readRecord(into: &fields)
            } catch {
                throw ImportFailure(.brokenQuoting(row: fileRow(error.row)))
            }
        }
        _ = try readRecord()
        var collector = try Collector(header: fields, importer: self)
        collector.reserveCapacity(forBytes: bytes.count)
        while try readRecord() {
            collector.add(row: fileRow(reader.row), fields: fields)
        }
        return collector
    }
}
