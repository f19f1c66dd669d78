import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun import FILE [--results FILE] [--update [--on DATE]] --endpoint E`: files an import file (CSV in UTF-8 or
/// GB18030, or `.xlsx`) at the union registry, in batches of whole households, and reports on each household.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "File the households of an import file (CSV or .xlsx) at the union registry (its `register` operation).",
        discussion: """
            Reads a CSV in UTF-8 (with or without BOM) or GBK/GB18030, or the first sheet of an .xlsx workbook, \
            and says which it read; any other file (.xls, PDF, an image, …) is named and refused. \
            Sends the file in batches (each a complete CSV with the header; a household's rows stay together), \
            then prints how many households were filed, not eligible and refused, the refused households' errors \
            and why households are not eligible (the first --show of each), and writes the results file: one row \
            per household with its row, 档案编号, result and reason (UTF-8 with BOM, for Excel). \
            With --update, the file's households are open files with new facts (the union's `update`): each is \
            assessed again and every agency re-evaluates its measures; one no longer eligible is closed as \
            re-identified (policy §4.1, 动态管理) on the business date --on (today by default), as `jiekun close` \
            dates a closure. \
            Exit status: 0 nothing refused; 1 some households refused; 2 the file or the service could not be read, \
            or the results file cannot be written (then nothing is sent); \
            64 the command line itself is wrong (an unknown or missing option).
            """)

    @Argument(help: "The import file: CSV (UTF-8 or GBK/GB18030) or .xlsx (its first sheet).")
    var file: String

    @Option(
        help: ArgumentHelp(
            "The results file (CSV, UTF-8 with BOM): one row per household. Default: beside the input, NAME.results.csv.",
            valueName: "file"))
    var results: String?

    @Option(help: "Refused and not-eligible households listed on the terminal, each (the results file has them all).")
    var show = 20

    @OptionGroup var service: ServiceEndpoint

    @Option(help: "Households per request.")
    var batch = ImportCommand.defaultBatch

    /// Households per `register` request by default: 500. The union publishes about six events per household in
    /// the request's transaction; 500 households keep that burst near the feeds' high-water marks (2,000 messages),
    /// whereas 2,000 households overflow them and the agencies fetch the dropped events again by replay
    /// (71,000-household demo: 57–59 s and 104–107 s of processor time with 500, 63 s and 114 s with 2,000).
    static let defaultBatch = 500

    @Flag(help: "Update open files with the file's new facts instead of filing new households.")
    var update = false

    @Option(
        help: ArgumentHelp(
            """
            With --update: the business date of the update, YYYY-MM-DD, on which a file no longer eligible \
            closes; today by default.
            """, valueName: "date"))
    var on: String?

    func validate() throws {
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        guard show >= 0 else { throw ValidationError("--show must be 0 or more") }
        if let on {
            guard update else { throw ValidationError("--on dates an update: give it with --update") }
            guard LocalDate(on) != nil else { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
        }
    }

    func run() throws {
        let loaded: ImportFile
        do {
            loaded = try ImportFile.load(contentsOfFile: file)
        } catch {
            if case .unreadable(_, var reason) = error.reason {
                if reason.hasSuffix(".") { reason.removeLast() }
                Terminal.error(
                    "无法读取 \(file) (cannot read \(file): \(reason)); check the path (a sample: "
                        + "deploy/samples/households.csv)")
            } else {
                Terminal.error("\(file): \(error)")
            }
            throw ExitCode(2)
        }
        let batches: [CSVBatches.Batch]
        do {
            batches = try CSVBatches.split(
                String(decoding: loaded.csv, as: UTF8.self), householdsPerBatch: batch, filingOrder: true)
        } catch {
            Terminal.error(
                "\(file): "
                    + ([loaded.format.context, "\(error)", loaded.headerRowHint].compactMap { $0 })
                    .joined(separator: "; "))
            throw ExitCode(2)
        }
        // The results file is opened before anything is filed: a clerk who cannot get it learns so at once.
        let resultsPath = results ?? ImportResults.defaultPath(besides: file)
        guard URL(fileURLWithPath: resultsPath).standardizedFileURL != URL(fileURLWithPath: file).standardizedFileURL
        else {
            Terminal.error("--results \(resultsPath) is the import file itself: choose another results file")
            throw ExitCode(2)
        }
        guard FileManager.default.createFile(atPath: resultsPath, contents: nil) else {
            Terminal.error(
                "cannot write the results file \(resultsPath): choose another place with --results FILE; nothing was "
                    + "filed")
            throw ExitCode(2)
        }
        var output = Terminal.standardOutput
        output.write("\(file): \(loaded.format)\n")
        output.flush()
        for warning in loaded.warnings.prefix(10) { Terminal.warning(warning) }
        if loaded.warnings.count > 10 {
            Terminal.warning("… 另有 \(loaded.warnings.count - 10) 处 (\(loaded.warnings.count - 10) more)")
        }
        let tally: Tally
        var answered = Tally()
        do {
            tally = try Self.file(batches, updatedOn: on.flatMap(LocalDate.init)) { body in
                try service.request(
                    update ? Operation.update : Operation.register, body: body, command: "import", at: .union)
            } progress: {
                answered = $0
            }
        } catch {
            // What the batches before the failure filed is not lost: the results file lists those households.
            if answered.answers.isEmpty {
                try? FileManager.default.removeItem(atPath: resultsPath)
            } else {
                try? ImportResults(answered.answers, isUpdate: update).csv.write(to: URL(fileURLWithPath: resultsPath))
                Terminal.error(
                    "the import stopped after \(answered.households) households: what became of them is in "
                        + "\(resultsPath); the others were not sent")
            }
            // The service refused a whole request (the file's header or quoting, or not the union's endpoint): the
            // file could not be read there, which is status 2 (1 is for households refused).
            if let code = error as? ExitCode, code == .failure { throw ExitCode(2) }
            throw error
        }
        let report = ImportResults(tally.answers, isUpdate: update)
        do {
            try report.csv.write(to: URL(fileURLWithPath: resultsPath))
        } catch {
            Terminal.error(
                "cannot write the results file \(resultsPath): \(error.localizedDescription); the households were "
                    + "sent: the terminal shows what became of them")
        }
        output.write(report.summary + "\n")
        output.write("结果文件 (results, one row per household): \(resultsPath)\n")
        report.render(limit: show, resultsPath: resultsPath, to: &output)
        output.flush()
        if tally.refused.isEmpty == false { throw ExitCode(1) }
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
        /// Every household's answer, in the order answered.
        var answers: [RegisterReply.Household] = []
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
    ///   - updatedOn: For `update`, the business date of the update (``RegisterRequest/updatedOn``).
    ///   - register: Sends a `register` body and returns the `ok` reply's body.
    ///   - progress: Called after each batch with the tally so far.
    /// - Returns: The tally.
    static func file(
        _ batches: [CSVBatches.Batch], updatedOn: LocalDate? = nil, register: ([UInt8]) throws -> [UInt8],
        progress: (Tally) -> Void = { _ in }
    ) throws -> Tally {
        var tally = Tally()
        for batch in batches {
            let body = try MessageCoding.encode(
                RegisterRequest(csv: batch.csv, updatedOn: updatedOn, rows: batch.rows))
            let reply = try MessageCoding.decode(RegisterReply.self, from: try register(body))
            tally.answers += reply.households
            for household in reply.households {
                switch household.status {
                case .filed:
                    tally.filed += 1
                    if tally.firstFiled == nil { tally.firstFiled = household.fileNumber }
                case .notEligible: tally.notEligible += 1
                case .refused: tally.refused.append(household)
                }
            }
            progress(tally)
        }
        return tally
    }
}
