import AgencyServices
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun import FILE.csv --endpoint E`: files an import CSV at the union registry, in batches of whole households.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "File the households of an import CSV at the union registry (its `register` operation).",
        discussion: """
            Sends the file in batches (each a complete CSV with the header; a household's rows stay together), \
            then prints how many households were filed, not eligible and refused, and the refused rows' errors. \
            With --update, the file's households are open files with new facts (the union's `update`): each is \
            assessed again and every agency re-evaluates its measures; one no longer eligible is closed as \
            re-identified (policy §4.1, 动态管理). \
            Exit status: 0 nothing refused; 1 some households refused; 2 the file or the service could not be read; \
            64 the command line itself is wrong (an unknown or missing option).
            """)

    @Argument(help: "The import file (CSV, UTF-8).")
    var file: String

    @OptionGroup var service: ServiceEndpoint

    @Option(help: "Households per request.")
    var batch = ImportCommand.defaultBatch

    /// Households per `register` request by default: 500. The union publishes about six events per household in
    /// the request's transaction; 500 households keep that burst near the feeds' high-water marks (2,000 messages),
    /// where 2,000 households overflowed them and the agencies fetched the dropped events again by replay
    /// (71,000-household demo: 57–59 s and 104–107 s of processor time, against 63 s and 114 s).
    static let defaultBatch = 500

    @Flag(help: "Update open files with the file's new facts instead of filing new households.")
    var update = false

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
            Terminal.writeError("jiekun import: cannot read \(file): \(reason)\n")
            throw ExitCode(2)
        }
        let batches: [CSVBatches.Batch]
        do {
            batches = try CSVBatches.split(
                String(decoding: data, as: UTF8.self), householdsPerBatch: batch, filingOrder: true)
        } catch {
            Terminal.writeError("jiekun import: \(file): \(error)\n")
            throw ExitCode(2)
        }
        let tally: Tally
        do {
            tally = try Self.file(batches) { body in
                try service.request(update ? Operation.update : Operation.register, body: body, command: "import")
            }
        } catch let code as ExitCode where code == .failure {
            // The service refused a whole request (the file's header or quoting, or not the union's endpoint): the
            // file could not be read there, which is status 2 (1 is for households refused).
            throw ExitCode(2)
        }
        let filed = tally.filed
        let notEligible = tally.notEligible
        let refused = tally.refused
        var output = Terminal.standardOutput
        output.write(
            update
                ? "updated \(filed), closed as no longer eligible \(notEligible), refused \(refused.count)\n"
                : "filed \(filed), not eligible \(notEligible), refused \(refused.count)\n")
        for line in tally.refusedLines { output.write(line) }
        output.flush()
        if !refused.isEmpty { throw ExitCode(1) }
    }
}

extension ImportCommand {
    /// What became of an import's households.
    struct Tally {
        /// Households filed.
        var filed = 0
        /// The number of the first file filed (the demo names it in its example `household` command).
        var firstFiled: String?
        /// Households assessed not eligible.
        var notEligible = 0
        /// Households refused, their errors' rows numbered as in the file.
        var refused: [RegisterReply.Household] = []
        /// Every household answered.
        var households: Int { filed + notEligible + refused.count }
        /// One line per error of the refused households, `  FILE: row R, column "value": message`, by row.
        var refusedLines: [String] {
            refused.flatMap { household in
                (household.errors ?? []).map { (row: $0.row, text: "  \(household.fileNumber): \($0)\n") }
            }.sorted { $0.row < $1.row }.map(\.text)
        }
    }

    /// Sends each batch as one `register` request and tallies the answers.
    ///
    /// - Parameters:
    ///   - batches: The file's batches.
    ///   - register: Sends a `register` body and returns the `ok` reply's body.
    ///   - progress: Called after each batch with the tally so far.
    /// - Returns: The tally.
    static func file(
        _ batches: [CSVBatches.Batch], register: ([UInt8]) throws -> [UInt8],
        progress: (Tally) -> Void = { _ in }
    ) throws -> Tally {
        var tally = Tally()
        for batch in batches {
            let body = try MessageCoding.encode(RegisterRequest(csv: batch.csv))
            let reply = try MessageCoding.decode(RegisterReply.self, from: try register(body))
            for household in reply.households {
                switch household.status {
                case .filed:
                    tally.filed += 1
                    if tally.firstFiled == nil { tally.firstFiled = household.fileNumber }
                case .notEligible: tally.notEligible += 1
                case .refused:
                    var household = household
                    household.errors = household.errors?.map { issue in
                        var issue = issue
                        issue.row = batch.fileRow(issue.row)
                        return issue
                    }
                    tally.refused.append(household)
                }
            }
            progress(tally)
        }
        return tally
    }
}

/// An import CSV cut into batches of whole households, each a complete CSV with the header.
enum CSVBatches {
    /// Why a file cannot be cut.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One batch.
    struct Batch {
        /// The CSV text: the header, then every row of its households.
        var csv: String
        /// The file's row number (header = 1) of each of the batch's rows, from the batch's row 2.
        var rows: [Int]

        /// The file's row number of a row of the batch.
        func fileRow(_ row: Int) -> Int {
            rows.indices.contains(row - 2) ? rows[row - 2] : row
        }
    }

    /// Cuts the file: rows grouped by file number in order of first appearance, `householdsPerBatch` per batch.
    ///
    /// - Parameters:
    ///   - text: The CSV text.
    ///   - householdsPerBatch: Households per batch.
    ///   - filingOrder: Whether to send the households in filing order (by 建档日期, then file order) across
    ///     every batch, as the union orders them inside one request: budgets are drawn in filing order, so a file
    ///     whose households are not in filing order must be sorted for the batches to file as one request would.
    static func split(_ text: String, householdsPerBatch: Int, filingOrder: Bool = false) throws -> [Batch] {
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
            if record.allSatisfy({ $0 == "," || $0.isWhitespace }) { continue }
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

    /// The file's records (a quoted field may hold line breaks), without their line ends.
    static func records(_ text: String) -> [String] {
        var records: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if !quoted && (character == "\n" || character == "\r\n" || character == "\r") {
                records.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { records.append(current) }
        return records
    }

    /// The fields of one record, unquoted.
    static func fields(_ record: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var previous: Character?
        for character in record {
            if character == "\"" {
                if !quoted, previous == "\"" { current.append("\"") }  // "" inside quotes: one quote
                quoted.toggle()
            } else if character == "," && !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        fields.append(current)
        return fields
    }
}
