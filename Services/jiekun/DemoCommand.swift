import ArgumentParser
import Foundation
import HouseholdDomain
import ReliefProgramme
import SampleCaseload

/// `jiekun demo`: the main job. Today it runs what is built — a 2017-scale sample caseload through import,
/// validation, assessment and the whole programme computed sequentially — and says plainly what is not built yet
/// (the seven services as separate processes on the event fabric).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Yunnan's 2017 caseload (71,000 households) through what Jiekun has built so far.")

    @Option(help: "Households in the sample caseload (Yunnan had about 71,000 on file in 2017).")
    var households: Int = 71_000

    @Option(help: "The seed of the sample caseload.")
    var seed: UInt64 = 2017

    @Option(help: "The policy file (YAML). Default: $JIEKUN_POLICY, else deploy/policy/yunnan.yaml.")
    var policy: String?

    func run() throws {
        let clock = ContinuousClock()
        let loaded: Policy
        do {
            loaded = try Policy.load(contentsOfFile: try PolicyLocation.resolve(policy))
        } catch {
            Terminal.writeError("jiekun demo: \(error)\n")
            throw ExitCode(2)
        }
        var output = Terminal.standardOutput
        output.write("Jiekun demo — \(loaded.name), policy version \(loaded.version)\n\n")

        // 1. The caseload, as union staff would hand it in.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-demo-\(seed)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csvPath = folder.appendingPathComponent("caseload-\(households).csv").path
        let generateStart = clock.now
        let generator = try CaseloadGenerator(policy: loaded, seed: seed, year: 2017)
        guard FileManager.default.createFile(atPath: csvPath, contents: nil) else {
            Terminal.writeError("jiekun demo: cannot create \(csvPath)\n")
            throw ExitCode(2)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: csvPath))
        let summary = try generator.write(households: households, to: handle)
        try handle.close()
        output.write(
            "1. Sample caseload: \(summary.households) households, \(summary.rows) persons (as `jiekun sample` writes it) "
                + "(\(Self.seconds(clock.now - generateStart)))\n")

        // 2. Import, validate and assess (policy §3, §4.2), as `jiekun assess` does.
        let assessStart = clock.now
        let imported = try HouseholdImporter(today: .todayInChina()).read(contentsOfFile: csvPath)
        let assessor = Assessor(policy: loaded)
        var report = DemoReport(counties: .yunnan, policy: loaded)
        for entry in imported.entries {
            report.add(AssessmentRecord(entry: entry, headers: imported.headers, assessor: assessor))
        }
        let assessTime = clock.now - assessStart
        output.write(
            "2. Imported, validated and assessed \(imported.entries.count) households in \(Self.seconds(assessTime)) "
                + "(\(Self.rate(imported.entries.count, assessTime)) households/s)\n\n")
        report.render(to: &output)

        // 3. The programme, computed sequentially: departments decide by rule, the coordinator judges exit.
        let runStart = clock.now
        var run = ProgrammeRun(policy: loaded)
        let valid = imported.entries.compactMap(\.household).enumerated().sorted {
            ($0.element.filedOn, $0.offset) < ($1.element.filedOn, $1.offset)
        }
        for (_, household) in valid { _ = try? run.file(household) }
        let province = ProvinceReport(files: run.files, years: loaded.budgetYears)
        output.write(
            "\n3. The programme run sequentially in this process (auto mode, filing order) in "
                + "\(Self.seconds(clock.now - runStart)):\n")
        province.render(to: &output)

        try? FileManager.default.removeItem(atPath: folder.path)
        output.write(
            """

            Not built yet (see the open issues): the seven service executables (union registry, hr-employment,
            medical-insurance, education-aid, housing, civil-affairs, coordinator) running these rules as separate
            processes on the event fabric, which is built and tested (journals, replay, request/reply, CURVE + ZAP).
            Part 3 is what the services will compute distributed over seven processes: the same rules, run here in
            one process.

            """)
        output.flush()
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds / 1000).\(String(milliseconds % 1000 + 1000).dropFirst()) s"
    }

    static func rate(_ count: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds > 0 ? Int(Double(count) / seconds) : count
    }
}

/// The provincial picture of a caseload's assessment: per prefecture, files by category; per department, the
/// measures its plans ask for and their cost at the policy's amounts; the refused rows.
struct DemoReport {
    let counties: CountyRegistry
    let policy: Policy
    private var perPrefecture: [String: [String: Int]] = [:]  // prefecture → column → count
    private var measures: [Department: Int] = [:]
    private var refused: [(fileNumber: String, issue: ImportIssue)] = []
    private var refusedHouseholds = 0

    init(counties: CountyRegistry, policy: Policy) {
        self.counties = counties
        self.policy = policy
    }

    mutating func add(_ record: AssessmentRecord) {
        let prefecture = record.prefectureCode ?? "unknown"
        let column: String
        if !record.errors.isEmpty {
            column = "refused"
            refusedHouseholds += 1
            refused += record.errors.map { (record.fileNumber, $0) }
        } else if let category = record.category {
            column = "\(category.rawValue)"
        } else {
            column = "not eligible"
        }
        perPrefecture[prefecture, default: [:]][column, default: 0] += 1
        for instance in record.assessment?.measures ?? [] { measures[instance.code.leadDepartment, default: 0] += 1 }
    }

    func render(to output: inout Terminal) {
        let columns = ["1", "2", "3", "not eligible", "refused"]
        output.write("Files by prefecture and category (policy §3):\n")
        output.write(
            "  " + "prefecture".padded(34) + "cat 1".padded(8, right: true) + "cat 2".padded(8, right: true)
                + "cat 3".padded(8, right: true) + "not eligible".padded(14, right: true)
                + "refused".padded(9, right: true) + "\n")
        var totals: [String: Int] = [:]
        for (code, name) in counties.prefectures {
            let counts = perPrefecture[code] ?? [:]
            var line = "  " + "\(code) \(name)".padded(34 - name.count)
            for (index, column) in columns.enumerated() {
                line += String(counts[column, default: 0]).padded(index == 3 ? 14 : index == 4 ? 9 : 8, right: true)
                totals[column, default: 0] += counts[column, default: 0]
            }
            output.write(line + "\n")
        }
        var line = "  " + "province".padded(34)
        for (index, column) in columns.enumerated() {
            line += String(totals[column, default: 0]).padded(index == 3 ? 14 : index == 4 ? 9 : 8, right: true)
        }
        output.write(line + "\n\nMeasures the plans ask for, by lead department (policy §4.2, Part B table):\n")
        for department in Department.allCases {
            guard let count = measures[department] else { continue }
            output.write("  " + department.rawValue.padded(20) + String(count).padded(9, right: true) + " measures\n")
        }
        output.write("\nRefused rows: \(refusedHouseholds) households not filed (\(refused.count) errors)")
        if refused.isEmpty {
            output.write("\n")
            return
        }
        output.write(", the first 15:\n")
        for (fileNumber, issue) in refused.prefix(15) { output.write("  \(fileNumber): \(issue)\n") }
    }
}
