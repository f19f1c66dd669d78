import ArgumentParser
import Foundation
import HouseholdDomain
import StreamingJSON

/// `jiekun assess FILE.csv [--policy FILE] [--json]`: validates an import file and assesses every valid household
/// (policy §3, §4.2), without any service running.
struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Validate a household import file and assess each household: category, S, measures.",
        discussion: """
            Reads the import format (docs/IMPORT-FORMAT.md; a sample: deploy/samples/households.csv) as CSV in UTF-8 or \
            GBK/GB18030, or as the first sheet of an .xlsx workbook (a note on stderr says which). Prints a table per household, the totals \
            by category and the errors; or, with --json, one JSON object per household per line.
            Exit status: 0 every household valid; 1 some households had errors (the others are still printed); \
            2 nothing could be assessed (no such file, not a CSV or .xlsx file, a required header missing, broken quoting, or a \
            policy file that does not load), with the reason on stderr.
            """)

    @Argument(help: "The import file: CSV (UTF-8 or GBK/GB18030) or .xlsx (its first sheet).")
    var file: String

    @Option(help: "The policy file (YAML). Default: $JIEKUN_POLICY, else deploy/policy/yunnan.yaml.")
    var policy: String?

    @Flag(help: "Print JSON Lines, one object per household, instead of the table.")
    var json = false

    func run() throws {
        let loadedPolicy: Policy
        let imported: HouseholdImport
        do {
            loadedPolicy = try Policy.load(contentsOfFile: try PolicyLocation.resolve(policy))
            imported = try HouseholdImporter(today: .todayInChina()).read(contentsOfFile: file)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        let assessor = Assessor(policy: loadedPolicy)
        var output = Terminal.standardOutput
        if imported.format.context != nil { Terminal.writeError("note: \(file): \(imported.format)\n") }
        for warning in imported.formatWarnings.prefix(10) { Terminal.warning(warning) }
        if imported.formatWarnings.count > 10 {
            Terminal.warning(
                "… 另有 \(imported.formatWarnings.count - 10) 处 (\(imported.formatWarnings.count - 10) more)")
        }
        for warning in imported.fileWarnings {
            Terminal.warning("\(warning)")
        }
        var hadErrors = false
        if json {
            for entry in imported.entries {
                let record = AssessmentRecord(entry: entry, headers: imported.headers, assessor: assessor)
                hadErrors = hadErrors || !record.errors.isEmpty
                output.write(bytes: Data(try WireJSON.encode(record)))
                output.write("\n")
            }
        } else {
            var table = AssessmentTable()
            for entry in imported.entries {
                let record = AssessmentRecord(entry: entry, headers: imported.headers, assessor: assessor)
                hadErrors = hadErrors || !record.errors.isEmpty
                table.add(record)
            }
            table.render(to: &output)
        }
        output.flush()
        if hadErrors { throw ExitCode(1) }
    }
}

/// The human-readable form of `jiekun assess`: a line per household, totals by category, then the errors.
struct AssessmentTable {
    private var lines: [String] = []
    private var errors: [(fileNumber: String, issue: ImportIssue)] = []
    private var warnings: [(fileNumber: String, issue: ImportIssue)] = []
    private var byCategory: [Int: Int] = [:]
    private var notEligible = 0
    private var invalid = 0

    private static let header = [
        "file number".padded(18), "county".padded(7), "size".padded(5, right: true),
        "per capita".padded(11, right: true), "S".padded(8, right: true), " category".padded(14), "measures",
    ].joined(separator: " ")

    mutating func add(_ record: AssessmentRecord) {
        let category: String
        if !record.errors.isEmpty {
            category = "invalid"
            invalid += 1
        } else if let value = record.category {
            category = "\(value.rawValue)"
            byCategory[value.rawValue, default: 0] += 1
        } else {
            category = "not eligible"
            notEligible += 1
        }
        lines.append(
            [
                record.fileNumber.padded(18), (record.divisionCode ?? "-").padded(7),
                String(record.householdSize).padded(5, right: true),
                (record.perCapitaIncome?.description ?? "-").padded(11, right: true),
                (record.dibaoStandard?.description ?? "-").padded(8, right: true), " " + category.padded(13),
                record.measures.joined(separator: ", "),
            ].joined(separator: " "))
        errors += record.errors.map { (record.fileNumber, $0) }
        warnings += record.warnings.map { (record.fileNumber, $0) }
    }

    func render(to output: inout Terminal) {
        output.write(Self.header + "\n")
        for line in lines { output.write(line + "\n") }
        let total = lines.count
        output.write("\nHouseholds: \(total)\n")
        for category in 1...3 { output.write("  category \(category): \(byCategory[category, default: 0])\n") }
        output.write("  not eligible: \(notEligible)\n")
        output.write("  with errors (not assessed): \(invalid)\n")
        if !errors.isEmpty {
            output.write("\nErrors (\(errors.count)):\n")
            for (fileNumber, issue) in errors { output.write("  \(fileNumber): \(issue)\n") }
        }
        if !warnings.isEmpty {
            output.write("\nWarnings (\(warnings.count)):\n")
            for (fileNumber, issue) in warnings { output.write("  \(fileNumber): \(issue)\n") }
        }
    }
}

extension String {
    /// The string padded with spaces to `width` characters (left-aligned, or right-aligned).
    func padded(_ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - count))
        return right ? padding + self : self + padding
    }
}
