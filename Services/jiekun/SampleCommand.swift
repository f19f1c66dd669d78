import ArgumentParser
import Foundation
import HouseholdDomain
import SampleCaseload

/// `jiekun sample --households N --seed S [--year 2017] [--mistake-rate R] [--policy FILE] --output FILE.csv`:
/// writes a reproducible, realistic caseload in the household import format (docs/SAMPLE-CASELOAD.md).
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a reproducible, realistic sample caseload in the household import format (CSV).",
        discussion: """
            The same seed, arguments and Jiekun version give the same bytes on any machine. Households are filed \
            in --year (80 %) and the two following years (12 %, 8 %), spread evenly over the counties, with \
            incomes around the local minimum living standard of the policy file. With --mistake-rate R, each kind \
            of user mistake (a wrong identity check character, a county code not valid on the filing date, rows of \
            a household that disagree, a wrong credit-code check character) hits a household with probability R; \
            0 gives a file without errors. A one-line summary goes to stderr. Rates: docs/SAMPLE-CASELOAD.md.
            """)

    @Option(help: "The number of households (rows are 1–6 per household).")
    var households: Int

    @Option(help: "The seed: the same seed gives the same file.")
    var seed: UInt64

    @Option(help: "The year of the first filings.")
    var year: Int = 2017

    @Option(help: "The probability per household of each kind of mistake, 0 to 1.")
    var mistakeRate: Double = CaseloadGenerator.defaultMistakeRate

    @Option(help: "The policy file (YAML). Default: $JIEKUN_POLICY, else deploy/policy/yunnan.yaml.")
    var policy: String?

    @Option(help: "The CSV file to write, or - for standard output.")
    var output: String

    func validate() throws {
        guard households >= 0 else { throw ValidationError("--households must be 0 or more") }
        guard mistakeRate >= 0, mistakeRate <= 1 else {
            throw ValidationError("--mistake-rate must be between 0 and 1")
        }
        let today = LocalDate.todayInChina()
        guard year + 2 <= today.year else {
            throw ValidationError(
                "--year \(year): files are also opened in \(year + 1) and \(year + 2), which must not be in the future")
        }
    }

    func run() throws {
        let started = ContinuousClock.now
        let generator: CaseloadGenerator
        let handle: FileHandle
        do {
            let loaded = try Policy.load(contentsOfFile: try PolicyLocation.resolve(policy))
            generator = try CaseloadGenerator(policy: loaded, seed: seed, year: year, mistakeRate: mistakeRate)
            handle = try SampleCommand.open(output)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
        let summary: CaseloadSummary
        do {
            summary = try generator.write(households: households, to: handle)
            if output != "-" { try handle.close() }
        } catch {
            Terminal.error("cannot write \(output): \(error); check that its folder exists and is writable")
            throw ExitCode(2)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let mistakes = CaseloadMistake.allCases.map { "\(summary.mistakes[$0] ?? 0) \($0.rawValue)" }
        Terminal.writeError(
            "jiekun sample: \(summary.households) households, \(summary.rows) rows, \(summary.bytes) bytes, "
                + "\(milliseconds / 1000).\(String(milliseconds % 1000 + 1000).dropFirst()) s, seed \(seed); "
                + "mistakes: \(mistakes.joined(separator: ", ")) → \(output == "-" ? "stdout" : output)\n")
    }

    /// Standard output for `-`, else the file, created or truncated.
    private static func open(_ path: String) throws -> FileHandle {
        if path == "-" { return .standardOutput }
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CannotCreate(path: path)
        }
        return try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    private struct CannotCreate: Error, CustomStringConvertible {
        let path: String
        var description: String { "cannot create \(path) (does its folder exist?)" }
    }
}
