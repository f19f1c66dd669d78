import AgencyDesks
import ArgumentParser
import EventFabric
import Foundation
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import SampleCaseload
import ServiceRuntime
import ServiceStack

/// `jiekun demo`: the main job. Generates a 2017-scale sample caseload, starts the seven services as separate
/// processes on loopback, files the caseload at the union registry in batches, waits until every event is applied
/// everywhere, prints the coordinator's provincial report and checks it against the same programme computed
/// sequentially in this process.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run Yunnan's 2017 caseload (71,000 households) through the seven services on this machine.",
        discussion: """
            Makes a fresh working folder (configurations, stores, keys, logs), starts the seven service \
            executables found beside this one, imports the caseload through the union registry, waits until every \
            event is applied everywhere, prints the provincial report, whether it equals the sequential run and \
            each service's work (events received, applied, refused and sent, journal entries and bytes, rows written, \
            transactions, JSON encodes and decodes, requests, store size; in all and per household filed), \
            then stops the services (SIGTERM) unless --keep-running.
            """)

    @Option(help: "Households in the sample caseload (Yunnan had about 71,000 on file in 2017).")
    var households: Int = 71_000

    @Option(help: "The seed of the sample caseload.")
    var seed: UInt64 = 2017

    @Option(help: "The policy file (YAML). Default: $JIEKUN_POLICY, else deploy/policy/yunnan.yaml.")
    var policy: String?

    @Option(help: "Households per `register` request.")
    var batch = ImportCommand.defaultBatch

    @Option(help: "The working folder (emptied first). Default: .build/jiekun-demo in the current directory.")
    var folder: String?

    @Option(
        help: ArgumentHelp(
            "Added to every port of deploy/local (7100–7799), to run beside another stack; keep the ports below "
                + "32768 (Linux's ephemeral range, where an outgoing connection may hold a port)."))
    var portOffset = 0

    @Flag(help: "Plain loopback TCP instead of CURVE.")
    var insecure = false

    @Flag(help: "Leave the services running and print how to query and stop them.")
    var keepRunning = false

    @Option(
        help: ArgumentHelp(
            "With --keep-running: after the identical check, restart this department in review mode and file "
                + "\(DemoCommand.reviewHouseholds) more households whose measures there wait for staff (repeatable).",
            valueName: "department"))
    var review: [String] = []

    @Option(help: "The agencies' signing keys and journal chains: ed25519-sha256 (default) or sm2-sm3.")
    var evidenceSuite: String = EvidenceSuite.standard.rawValue

    @Option(
        name: .customLong("stats-json"),
        help: ArgumentHelp(
            "Also write each service's work (the work tables' counts, and per feed) as JSON to this file, for "
                + "benchmarks.",
            valueName: "file"))
    var statsJSON: String?

    @Option(help: .hidden)
    var crash: String?

    func validate() throws {
        guard households > 0 else { throw ValidationError("--households must be at least 1") }
        guard batch > 0 else { throw ValidationError("--batch must be at least 1") }
        guard EvidenceSuite(rawValue: evidenceSuite) != nil else {
            throw ValidationError(
                "--evidence-suite must be one of \(EvidenceSuite.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0...25_000).contains(portOffset) else { throw ValidationError("--port-offset must be 0…25000") }
        if let crash, Agency(rawValue: crash) == nil {
            throw ValidationError("--crash must name an agency, e.g. housing")
        }
        _ = try reviewingDepartments()
    }

    func run() throws {
        do {
            try demo()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }

    private func demo() throws {
        let clock = ContinuousClock()
        let policyPath = try PolicyLocation.resolve(policy)
        let loaded = try Policy.load(contentsOfFile: policyPath)
        var output = Terminal.standardOutput
        output.write("Jiekun demo — \(loaded.name), policy version \(loaded.version)\n\n")
        output.flush()

        // The working folder, one configuration, store, log and key pair per agency.
        let working = URL(
            fileURLWithPath: folder ?? FileManager.default.currentDirectoryPath + "/.build/jiekun-demo")
        let stack = try ServiceStack(
            folder: working, executables: try ServiceStack.locateExecutables(), secure: !insecure,
            portOffset: portOffset, policy: policyPath,
            evidenceSuite: EvidenceSuite(rawValue: evidenceSuite) ?? .standard)

        // 1. The caseload, as union staff would hand it in.
        let csvPath = stack.folder.appendingPathComponent("caseload-\(households).csv").path
        let generateStart = clock.now
        let generator = try CaseloadGenerator(policy: loaded, seed: seed, year: 2017)
        guard FileManager.default.createFile(atPath: csvPath, contents: nil) else {
            throw ServiceStack.Failure(description: "cannot create \(csvPath)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: csvPath))
        let summary = try generator.write(households: households, to: handle)
        try handle.close()
        let generateTime = clock.now - generateStart
        output.write(
            "1. Sample caseload: \(summary.households) households, \(summary.rows) persons → \(csvPath) "
                + "(\(Self.seconds(generateTime)))\n")

        // 2. The seven services.
        try stack.start()
        var statuses = try stack.statuses()
        output.write(
            "2. Seven services started in \(stack.folder.path) ("
                + (insecure ? "plain loopback TCP, no CURVE" : "CURVE, one key pair per agency")
                + "), process ids: "
                + Agency.allCases.map { "\($0.rawValue) \(stack.pids[$0] ?? 0)" }.joined(separator: ", ")
                + "\n")
        if let clerk = stack.staffID(.union, .clerk), let reader = stack.staffID(.coordinator, .clerk) {
            output.write(
                "   模拟工作人员 simulated staff: a clerk (经办人) and an approver (审核人) per agency, province-wide; "
                    + "the import acts as \(clerk), the report as \(reader)\n")
        }
        output.flush()

        // 3. Import through the union registry, in batches (as `jiekun import` does).
        let importStart = clock.now
        let batches = try CSVBatches.split(
            try String(contentsOfFile: csvPath, encoding: .utf8), householdsPerBatch: batch, filingOrder: true)
        var importBar = ProgressBar(label: "importing", unit: "households")
        importBar.update(0, of: summary.households)
        let tally = try ImportCommand.file(batches) { body in
            try stack.request(.union, Operation.register, body: body)
        } progress: { tally in
            importBar.update(tally.households, of: summary.households)
        }
        importBar.finish(tally.households, of: summary.households)
        let importTime = clock.now - importStart
        output.write(
            "3. Imported at the union registry in filing order, \(Self.requests(batches.count)) of up to \(batch) households: filed "
                + "\(tally.filed), not eligible \(tally.notEligible), refused \(tally.refused.count) "
                + "(\(Self.seconds(importTime)), \(Self.rate(tally.households, importTime)) households/s)\n")
        output.flush()

        // A crash while the services work (tests): SIGKILL right after the import; once the union has published
        // events the dead agency missed (at most 5 s), the same configuration and store again.
        if let crash, let agency = Agency(rawValue: crash) {
            // The union has no household feed of its own: for it, nothing to wait for but the deadline.
            let feed = Feed.households(for: agency)?.name
            let applied = try feed.flatMap { try stack.statuses()[agency]?.cursors?[$0] } ?? 0
            stack.crash(agency)
            let deadline = clock.now + .seconds(5)
            var published = applied
            while published <= applied, clock.now < deadline {
                Thread.sleep(forTimeInterval: 0.02)
                let union = try StatusReport.decode(try stack.request(.union, StatusReport.operation))
                published = feed.flatMap { union.journal?[$0] } ?? 0
            }
            try stack.start(agency)
            output.write(
                "   \(agency.rawValue) killed (SIGKILL) having applied \(applied) events of \(feed ?? "no household feed"); restarted "
                    + "with the same configuration and store once the union had published \(published)\n")
        }

        // 4. The departments, then the coordinator: poll `status` until every cursor equals its journal.
        let applyStart = clock.now
        let departments = Agency.allCases.filter { $0 != .union && $0 != .coordinator }
        /// Polls `status` until every cursor equals its journal; returns when the five departments had caught up.
        func waitUntilApplied(label: String) throws -> ContinuousClock.Instant? {
            var departmentsDone: ContinuousClock.Instant?
            var bar = ProgressBar(label: label, unit: "events")
            var previous: [Agency: StatusReport] = [:]
            var lastMove = clock.now
            var last = ServiceStack.Progress(applied: 0, published: 0)
            while true {
                statuses = try stack.statuses()
                let all = ServiceStack.progress(statuses, of: Agency.allCases)
                bar.update(Int(all.applied), of: Int(all.published))
                if departmentsDone == nil, ServiceStack.progress(statuses, of: departments).caughtUp {
                    departmentsDone = clock.now
                }
                let stable = Agency.allCases.allSatisfy {
                    previous[$0]?.journal == statuses[$0]?.journal && previous[$0]?.cursors == statuses[$0]?.cursors
                }
                if all.caughtUp, stable {
                    bar.finish(Int(all.applied), of: Int(all.published))
                    return departmentsDone
                }
                if all.applied != last.applied || all.published != last.published { lastMove = clock.now }
                last = all
                if clock.now - lastMove > .seconds(120) {
                    throw ServiceStack.Failure(
                        description: "nothing moved for 120 s at \(all.applied) of \(all.published) events applied; "
                            + "see the logs in \(stack.folder.path)/logs")
                }
                previous = statuses
                // Once caught up, only the confirming snapshot is missing: take it sooner.
                Thread.sleep(forTimeInterval: all.caughtUp ? 0.05 : 0.2)
            }
        }
        let departmentsDone = try waitUntilApplied(label: "applying")
        let caseloadSettled = clock.now

        // 5. Relapses (返困, policy Part C.5): a seeded share of the households that exited fall back and are filed
        // again, as a second import; their exits are read from the coordinator (`household`), as staff would.
        let relapseStart = clock.now
        let caseload = try String(contentsOfFile: csvPath, encoding: .utf8)
        let relapseSample = RelapseSample(seed: seed)
        var exits: [String: LocalDate] = [:]
        for fileNumber in Self.fileNumbers(in: caseload) where relapseSample.mayFallBack(fileNumber) {
            let reply = try stack.reply(
                .coordinator, Operation.household,
                body: try MessageCoding.encode(HouseholdQuery(fileNumber: fileNumber)))
            // A household that was not filed (not eligible, refused) has no file at the coordinator.
            guard reply.status == .ok else { continue }
            let state = try MessageCoding.decode(HouseholdState.self, from: reply.body)
            // The exit date is the approval's (policy C.4): the union's closure as the coordinator recorded it.
            if state.closedReason == FileClosure.Reason.exited.rawValue,
                let exit = state.closedOn.flatMap(LocalDate.init)
            {
                exits[fileNumber] = exit
            }
        }
        let relapseFile = relapseSample.csv(caseload: caseload, exits: exits)
        let relapsePath = stack.folder.appendingPathComponent("relapses-\(households).csv").path
        try relapseFile.csv.write(toFile: relapsePath, atomically: true, encoding: .utf8)
        let relapseTally = try ImportCommand.file(
            try CSVBatches.split(relapseFile.csv, householdsPerBatch: batch, filingOrder: true)
        ) { body in
            try stack.request(.union, Operation.register, body: body)
        }
        output.write(
            "4. Relapses (返困): of the households chosen to fall back if they exit (\(relapseSample.perMille) ‰, "
                + "seeded), \(exits.count) exited; \(relapseFile.households) are filed again 90–540 days after their "
                + "exit, up to 31 December 2020 → \(relapsePath): filed \(relapseTally.filed), not eligible "
                + "\(relapseTally.notEligible), refused \(relapseTally.refused.count) "
                + "(\(Self.seconds(clock.now - relapseStart)))\n")
        output.flush()
        _ = try waitUntilApplied(label: "relapses")
        let relapseTime = clock.now - relapseStart
        let settled = clock.now
        let reportBody = try stack.request(.coordinator, Operation.report)
        let report = try MessageCoding.decode(ProvinceReport.self, from: reportBody)
        let end = clock.now
        let departmentsTime = (departmentsDone ?? caseloadSettled) - applyStart
        let coordinatorTime = caseloadSettled - (departmentsDone ?? caseloadSettled) + (end - settled)
        let events = ServiceStack.progress(statuses, of: Agency.allCases).applied
        output.write(
            "5. Every event applied everywhere: \(events) events consumed across the seven services\n\n"
                + "The provincial report (the coordinator's `report`):\n")
        report.render(to: &output)

        // The refused rows.
        let errors = tally.refused.reduce(0) { $0 + ($1.errors?.count ?? 0) }
        output.write("\nRefused rows: \(tally.refused.count) households not filed (\(errors) errors)")
        if !tally.refused.isEmpty {
            output.write(", the first 15 by row:\n")
            for line in tally.refusedLines.prefix(15) { output.write(line) }
        } else {
            output.write("\n")
        }

        // Rates and phases.
        let endToEnd = end - importStart
        output.write(
            "\nEnd to end (import → report, the caseload's generation not counted): \(Self.seconds(endToEnd)), "
                + "\(Self.rate(summary.households, endToEnd)) households/s\n"
                + "  generate     \(Self.seconds(generateTime))\n"
                + "  import       \(Self.seconds(importTime))  (union `register`, \(Self.requests(batches.count)))\n"
                + "  departments  \(Self.seconds(departmentsTime))  (after the import, until the five departments "
                + "had applied every event)\n"
                + "  coordinator  \(Self.seconds(coordinatorTime))  (then until every service had caught up, and "
                + "the report)\n"
                + "  relapses     \(Self.seconds(relapseTime))  (exits looked up, relapses filed, until every "
                + "service had caught up again)\n")
        let refusedEvents = statuses.values.reduce(Int64(0)) { sum, status in
            sum + status.feeds.values.reduce(0) { $0 + $1.refused }
        }
        if refusedEvents > 0 { output.write("  warning: \(refusedEvents) events were refused by a service\n") }
        output.flush()

        // 6. The cross-check: the same file, the programme run sequentially in this process.
        let sequentialStart = clock.now
        let sequential = try Self.sequentialReport(csvPath: csvPath, policy: loaded, relapses: relapseSample)
        output.write(
            "\nDistributed vs sequential (`ProgrammeRun` in this process, "
                + "\(Self.seconds(clock.now - sequentialStart))): ")
        if sequential == report {
            output.write("identical\n")
        } else {
            output.write("DIFFERENT\n")
            var distributedText = Terminal.capturing
            report.render(to: &distributedText)
            var sequentialText = Terminal.capturing
            sequential.render(to: &sequentialText)
            let left = distributedText.text.split(separator: "\n")
            let right = sequentialText.text.split(separator: "\n")
            for index in 0..<max(left.count, right.count) {
                let distributedLine = index < left.count ? left[index] : ""
                let sequentialLine = index < right.count ? right[index] : ""
                guard distributedLine != sequentialLine else { continue }
                output.write("  distributed: \(distributedLine)\n  sequential:  \(sequentialLine)\n")
            }
            if left == right { output.write("  (the tables print alike; the reports differ in their JSON)\n") }
        }
        output.write(Self.makerChecker(of: stack, statuses: try stack.statuses()))
        output.write(try Self.moneyWaiting(of: stack))
        output.write(Self.exitsAndVisits(of: stack))

        // Peak memory, then stop or leave running.
        let peaks = stack.peakMemory()
        output.write(
            "\nPeak memory (VmHWM): "
                + Agency.allCases.compactMap { agency in
                    peaks[agency].map { "\(agency.rawValue) \($0 / 1024) MiB" }
                }.joined(separator: ", ") + "\n")
        let processor = stack.processorSeconds()
        output.write(
            "Processor time: "
                + Agency.allCases.compactMap { agency in
                    processor[agency].map { "\(agency.rawValue) \(String(format: "%.1f", $0)) s" }
                }.joined(separator: ", ")
                + " (\(String(format: "%.1f", processor.values.reduce(0, +))) s in all)\n")
        let work = WorkStatistics(
            statuses: try stack.statuses(),
            storeBytes: Dictionary(uniqueKeysWithValues: Agency.allCases.map { ($0, stack.storeBytes($0)) }),
            households: tally.filed + relapseTally.filed)
        output.write(Self.workTable(work))
        if let statsJSON {
            try work.json().write(to: URL(fileURLWithPath: statsJSON))
            output.write("Work as JSON: \(statsJSON)\n")
        }
        output.write("Logs: \(stack.folder.path)/logs/<agency>.log\n")
        if keepRunning {
            let reviewing = try reviewingDepartments()
            if !reviewing.isEmpty {
                output.flush()
                output.write(
                    try fileForReview(reviewing, stack: stack, policy: loaded) {
                        _ = try waitUntilApplied(label: "review")
                    })
            }
            let workbench = try stack.addDemoWorkbenchLogins()
            let addresses = Agency.allCases.map { agency in
                "  " + agency.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0) + " "
                    + stack.workbench(agency) + "/"
            }.joined(separator: "\n")
            stack.detach()
            let curve: (Agency) -> String = { agency in
                guard let key = stack.publicKey(agency) else { return "" }
                // `=`: a Z85 key may start with `-`, which would otherwise read as an option. The clerk's key:
                // the report and a household are business operations, for staff only.
                return " --server-key='\(key)' --key \(stack.staffKeyFile(agency, .clerk))"
            }
            let profiles = try Self.writeProfiles(of: stack)
            let pids = Agency.allCases.compactMap { stack.pids[$0].map(String.init) }.joined(separator: " ")
            let jiekun = stack.executables.appendingPathComponent("jiekun").path
            let statuses = Agency.allCases.map { agency in
                "  \(jiekun) status --endpoint \(stack.requests(agency))\(curve(agency))   # \(agency.rawValue)\n"
            }.joined()
            output.write(
                """

                The services keep running. Query them:
                  \(jiekun) report --endpoint \(stack.requests(.coordinator))\(curve(.coordinator))
                  \(jiekun) household \(tally.firstFiled ?? "FILE_NUMBER") --endpoint \(stack.requests(.coordinator))\(curve(.coordinator))
                \(statuses)\(profiles)
                The workbench (web pages; log in with the staff ids and passwords in \(workbench.file), mode 0600):
                \(addresses)
                  the coordinator's dashboard: \(stack.workbench(.coordinator))/dashboard

                Stop them (SIGTERM; their process ids are also in \(stack.folder.path)/pids):
                  kill \(pids)

                """)
        } else {
            let exits = stack.stop()
            let failed = exits.filter { $0.value != .some(0) }
            if failed.isEmpty {
                output.write("Stopped the seven services (SIGTERM): every one exited with status 0\n")
            } else {
                output.write(
                    "Stopped the services (SIGTERM); not cleanly: "
                        + failed.map { "\($0.key.rawValue) \($0.value.map(String.init) ?? "killed after 20 s")" }
                        .joined(separator: ", ") + "\n")
            }
        }
        output.flush()
        if sequential != report { throw ExitCode(1) }
    }

    /// The programme computed sequentially from the import file (departments deciding by rule in filing order,
    /// the coordinator judging exit), then the relapses chosen from its own exits filed the same way: what the seven
    /// services must report.
    static func sequentialReport(csvPath: String, policy: Policy, relapses: RelapseSample? = nil) throws
        -> ProvinceReport
    {
        let importer = HouseholdImporter(today: .todayInChina())
        let imported = try importer.read(contentsOfFile: csvPath)
        var run = ProgrammeRun(policy: policy)
        for household in imported.entries.compactMap(\.household).sortedInFilingOrder(by: { $0.filedOn }) {
            _ = try? run.file(household)
        }
        if let relapses {
            var exits: [String: LocalDate] = [:]
            for file in run.files where relapses.mayFallBack(file.subject.fileNumber) {
                if let closure = file.closure, closure.reason == .exited {
                    exits[file.subject.fileNumber] = closure.closedOn
                }
            }
            let caseload = try String(contentsOfFile: csvPath, encoding: .utf8)
            let relapseImport = try importer.read(bytes: Array(relapses.csv(caseload: caseload, exits: exits).csv.utf8))
            for household in relapseImport.entries.compactMap(\.household).sortedInFilingOrder(by: { $0.filedOn }) {
                _ = try? run.file(household)
            }
        }
        return ProvinceReport(
            files: run.files, years: policy.budgetYears, followUp: policy.followUp,
            appropriations: run.appropriations)
    }

    /// The file numbers of an import file (the first field of each row after the header), each once, in order.
    static func fileNumbers(in csv: String) -> [String] {
        var seen: Set<Substring> = []
        var numbers: [String] = []
        for line in csv.split(separator: "\n").dropFirst() {
            let number = line.prefix { $0 != "," }
            if !number.isEmpty, seen.insert(number).inserted { numbers.append(String(number)) }
        }
        return numbers
    }

    /// "1 request", "36 requests".
    static func requests(_ count: Int) -> String { count == 1 ? "1 request" : "\(count) requests" }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds / 1000).\(String(milliseconds % 1000 + 1000).dropFirst()) s"
    }

    static func rate(_ count: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds > 0 ? Int(Double(count) / seconds) : count
    }
}
