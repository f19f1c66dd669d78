import BuildVersion
import Foundation
import HouseholdDomain
import SampleCaseload

#if canImport(Glibc)
    import Glibc
#endif

/// `assess-bench [HOUSEHOLDS] [RUNS]`: times import + validation + assessment of a generated caseload (default:
/// Yunnan's 2017 caseload, 71,000 households) in this process, and reports households per second, CPU seconds
/// and peak memory. Run from a release build: `swift run -c release assess-bench`.
@main
enum AssessBenchmark {
    static func main() throws {
        if BuildVersion.isRequested(by: CommandLine.arguments) {
            print(BuildVersion.line(for: "assess-bench"))
            return
        }
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let households = arguments.first ?? 71_000
        let runs = arguments.dropFirst().first ?? 3
        let policyPath = FileManager.default.currentDirectoryPath + "/deploy/policy/yunnan.yaml"
        let policy = try Policy.load(contentsOfFile: policyPath)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("assess-bench-\(households).csv").path
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            fatalError("cannot create \(path)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let summary = try CaseloadGenerator(policy: policy, seed: 2017, year: 2017).write(
            households: households, to: handle)
        try handle.close()
        print("caseload: \(summary.households) households, \(summary.rows) rows, \(summary.bytes) bytes (\(path))")
        let baselineRSS = peakResidentKiB()
        print("peak RSS before the runs: \(baselineRSS / 1024) MiB")

        let assessor = Assessor(policy: policy)
        let today = LocalDate(year: 2026, month: 11, day: 29)!
        for run in 1...runs {
            let cpuStart = cpuSeconds()
            let wallStart = ContinuousClock.now
            let imported = try HouseholdImporter(today: today).read(contentsOfFile: path)
            let cpuImport = cpuSeconds() - cpuStart
            var eligible = 0
            var errors = 0
            for entry in imported.entries {
                let record = AssessmentRecord(entry: entry, headers: imported.headers, assessor: assessor)
                if record.eligible { eligible += 1 }
                if !record.errors.isEmpty { errors += 1 }
            }
            let wall = ContinuousClock.now - wallStart
            let cpu = cpuSeconds() - cpuStart
            let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            print(
                "run \(run): \(imported.entries.count) households (\(eligible) eligible, \(errors) with errors) in "
                    + String(
                        format: "%.3f s wall, %.3f s CPU (import %.3f s) — %.0f households/s", wallSeconds,
                        cpu, cpuImport, Double(imported.entries.count) / wallSeconds))
        }
        let peak = peakResidentKiB()
        print(
            "peak RSS: \(peak / 1024) MiB; file \(summary.bytes / 1_048_576) MiB; "
                + String(format: "peak / file = %.1f", Double(peak * 1024) / Double(summary.bytes)))
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
