import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain
import ReliefProgramme
import ServiceRuntime

/// `jiekun status --endpoint E`: what a running service has done: per feed applied, refused, replayed; its journal
/// and cursors; and the feeds it stopped applying because their publisher's journal went backwards, which make it
/// exit with ``divergedExitCode`` (the readiness check an operator or a monitor runs).
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running service's counters per feed, its journal's latest sequences and its cursors.",
        discussion: """
            Exits with status 3 when a feed it consumes diverged (its publisher's journal went backwards or was \
            replaced: the feed is stopped until it is resynced).
            """)

    /// The exit status when a consumed feed diverged.
    static let divergedExitCode: Int32 = 3

    @OptionGroup var service: ServiceEndpoint

    @Option(help: "The agency asked, for its connection in the profile (default: the profile's own agency).")
    var agency: String?

    @Flag(help: "Print the service's JSON as received.")
    var json = false

    func validate() throws { _ = try Agency.named(agency) }

    func run() throws {
        let body = try service.request(StatusReport.operation, command: "status", at: try Agency.named(agency))
        var output = Terminal.standardOutput
        defer { output.flush() }
        if json {
            output.write(json: body)
            if (try? StatusReport.decode(body))?.isDiverged == true { throw ExitCode(Self.divergedExitCode) }
            return
        }
        let report = try StatusReport.decode(body)
        output.write("\(report.agency), started \(ISO8601DateFormatter().string(from: report.started))")
        output.write(report.incarnation.map { ", store incarnation \($0)\n" } ?? "\n")
        output.write("  " + "feed".padded(32) + "published".padded(11, right: true) + "applied".padded(9, right: true))
        output.write("refused".padded(9, right: true) + "replayed".padded(10, right: true))
        output.write("journal".padded(9, right: true) + "cursor".padded(9, right: true) + "\n")
        for (feed, counts) in report.feeds.sorted(by: { $0.key < $1.key }) {
            let journal = report.journal?[feed].map(String.init) ?? "-"
            let cursor = report.cursors?[feed].map(String.init) ?? "-"
            output.write("  " + feed.padded(32) + String(counts.published).padded(11, right: true))
            output.write(String(counts.applied).padded(9, right: true) + String(counts.refused).padded(9, right: true))
            output.write(String(counts.replayed).padded(10, right: true) + journal.padded(9, right: true))
            output.write(cursor.padded(9, right: true) + "\n")
        }
        for (server, counts) in report.requests.sorted(by: { $0.key < $1.key }) {
            output.write(
                "  request server \(server): executed \(counts.executed), answered again from the store \(counts.replayed), "
                    + "refused \(counts.refused), failed \(counts.failed); not authorised \(counts.unauthorised), "
                    + "households outside the asker's area \(counts.outOfArea), "
                    + "self-approvals refused \(counts.selfApprovals)\n")
        }
        for (feed, reason) in (report.diverged ?? [:]).sorted(by: { $0.key < $1.key }) {
            output.write("  DIVERGED \(feed): stopped, \(reason)\n")
        }
        for (feed, counts) in report.feeds.sorted(by: { $0.key < $1.key }) {
            guard let refused = counts.headsRefused, refused > 0 else { continue }
            output.write(
                "  SIGNED HEADS REFUSED \(feed): \(refused) (unknown key, bad signature, unsigned, replayed or "
                    + "rewritten: the log's head.problem says which; docs/SECURITY.md)\n")
        }
        if report.isDiverged {
            output.flush()
            Terminal.error(
                "\(report.agency) is not ready: a feed it consumes diverged (restore procedure: docs/OPERATIONS.md)")
            throw ExitCode(Self.divergedExitCode)
        }
    }
}

/// `jiekun report --endpoint E [--json]`: the coordinator's provincial report.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Show the coordinator's provincial report: exits against the 30 % target, measures, money.")

    @OptionGroup var service: ServiceEndpoint

    @Flag(help: "Print the report's JSON instead of the table.")
    var json = false

    @Option(
        help: """
            Show only this year (2017–2020): files and exits up to its end, its exit rate, the measures, deliveries \
            and money of the year, and why each prefecture below 30 % is behind.
            """)
    var year: Int?

    func run() throws {
        let body = try service.request(Operation.report, command: "report", at: .coordinator)
        var output = Terminal.standardOutput
        defer { output.flush() }
        var report = try MessageCoding.decode(ProvinceReport.self, from: body)
        if let year {
            guard let restricted = report.restricted(to: year) else {
                let years = report.province.years.map { String($0.year) }.joined(separator: ", ")
                Terminal.error("the report covers \(years), not \(year): give --year one of them")
                throw ExitCode(1)
            }
            report = restricted
        }
        if json {
            output.write(bytes: Data(try MessageCoding.encode(report)))
            output.write("\n")
            return
        }
        report.render(to: &output, year: year)
    }
}

/// `jiekun household FILE_NUMBER --endpoint E [--json]`: one household's decisions and §2.3 state, from the
/// coordinator.
struct HouseholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "household",
        abstract: "Show one household's decisions and the six dimensions of §2.3, from the coordinator.")

    @Argument(help: "The file number (档案编号).")
    var fileNumber: String

    @OptionGroup var service: ServiceEndpoint

    @Flag(help: "Print the JSON instead of the text.")
    var json = false

    @Option(
        parsing: .upToNextOption,
        help: """
            Departments whose decision history (决定记录: proposals, approvals, returns, with actors and dates) to \
            show after the coordinator's state (default: every department the profile lists that has acts on the \
            file).
            """)
    var history: [String] = []

    func validate() throws {
        for name in history {
            guard let agency = Agency(rawValue: name), ![.union, .coordinator].contains(agency) else {
                throw ValidationError(
                    "--history takes departments: hr-employment, medical-insurance, education-aid, housing, "
                        + "civil-affairs; not \(name)")
            }
        }
    }

    /// The departments asked for their history: those named, else those the profile lists.
    func historyDepartments() -> [Agency] {
        if !history.isEmpty { return history.compactMap(Agency.init(rawValue:)) }
        let listed = (try? service.loadProfile(environment: ProcessInfo.processInfo.environment))?.agencies.keys
        return Agency.allCases.filter { listed?.contains($0) == true && ![.union, .coordinator].contains($0) }
    }

    func run() throws {
        let body = try service.request(
            Operation.household, body: try MessageCoding.encode(HouseholdQuery(fileNumber: fileNumber)),
            command: "household", at: .coordinator)
        var output = Terminal.standardOutput
        defer { output.flush() }
        if json {
            output.write(json: body)
            return
        }
        let state = try MessageCoding.decode(HouseholdState.self, from: body)
        var line = "\(state.fileNumber): \(state.status)"
        if let reason = state.closedReason { line += " (\(reason) on \(state.closedOn ?? "?"))" }
        line += ", category \(state.category.map(String.init) ?? "-"), filed \(state.filedOn)"
        if let exit = state.readiness.exitDate { line += ", exit date \(exit)" }
        output.write(line + "\n")
        if let earlier = state.earlierFile {
            let kind = earlier.isRelapse ? "返困 relapse of" : "filed again after"
            output.write(
                "  \(kind) \(earlier.fileNumber) (\(earlier.reason.rawValue) on \(earlier.closedOn.chinese))\n")
        }
        if let later = state.laterFiles, !later.isEmpty {
            output.write("  filed again as (再次建档): \(later.joined(separator: ", "))\n")
        }
        for decision in state.decisions {
            var text = "  \(decision.measureID.padded(40)) \(decision.status.rawValue.padded(10))"
            text += " \(decision.department.rawValue.padded(18)) \(decision.amount)"
            text += decision.deliveredOn.map { ", delivered \($0)" } ?? ", due \(decision.dueOn)"
            output.write(text + "\n")
        }
        for dimension in state.readiness.dimensions {
            var text = "  \(String(describing: dimension.dimension).padded(16)) \(dimension.holds ? "holds" : "open ")"
            if let since = dimension.since { text += " since \(since)" }
            if !dimension.awaiting.isEmpty { text += ", awaiting \(dimension.awaiting.joined(separator: ", "))" }
            for refusal in dimension.refusals {
                text += ", refused by \(refusal.department.rawValue): \(refusal.reason)"
            }
            output.write(text + "\n")
        }
        if !state.timeline.isEmpty { output.write("  timeline (in the order the coordinator received the events):\n") }
        for entry in state.timeline {
            output.write(
                "    \((entry.effectiveDate ?? "").padded(10)) \(entry.type.padded(22)) \(entry.source)\n")
        }
        for department in historyDepartments() {
            output.flush()
            let body: [UInt8]
            do {
                body = try service.request(
                    Operation.history, body: try MessageCoding.encode(HouseholdQuery(fileNumber: fileNumber)),
                    command: "household", at: department)
            } catch is ExitCode {
                continue  // the reason is printed; the other departments are still shown
            }
            let reply = try MessageCoding.decode(HistoryReply.self, from: body)
            // Named departments are shown even without acts; the profile's only when they have some.
            if !reply.acts.isEmpty || !(reply.deliveries ?? []).isEmpty || !history.isEmpty {
                output.write(Self.render(reply))
            }
        }
    }

    /// A department's decision history, Chinese first: one line per act with its business date, id, measure,
    /// outcome, actor and reason.
    ///
    /// - Parameter reply: The acts.
    /// - Returns: The text, ending in a newline.
    static func render(_ reply: HistoryReply) -> String {
        var lines = ["  决定记录 decision history (\(reply.agency.rawValue)):"]
        if reply.acts.isEmpty { lines.append("    无 (none)") }
        for act in reply.acts {
            let kind =
                switch act.kind {
                case .proposed: "提议 proposed"
                case .firstApproval: "初审通过 first approval"
                case .returned: "退回 returned"
                case .decided: "审核通过 proposal approved"
                }
            let outcome = act.decision == "refuse" ? "不予批准 refuse" : "批准 approve"
            var line =
                "    \(AuditCommand.chinese(act.businessDate))  #\(act.id)  \(act.measureID)  \(kind)  \(outcome)"
            line += "  \(act.staffID ?? "-")"
            if let corrected = act.corrects { line += "  更正 corrects #\(corrected)" }
            let reason = [act.reasonCode.map { "[\($0)]" }, act.reason.isEmpty ? nil : act.reason].compactMap { $0 }
            if !reason.isEmpty { line += "  \(reason.joined(separator: " "))" }
            lines.append(line)
        }
        if let deliveries = reply.deliveries, !deliveries.isEmpty {
            lines.append("  发放记录 deliveries (\(reply.agency.rawValue)):")
            for delivery in deliveries { lines.append("    " + Self.render(delivery)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One recorded delivery on a line: date, number, measure, amount, reference, the kind's facts, the clerk, and
    /// for a correction the record it corrects and why.
    static func render(_ delivery: DepartmentDesk.Delivery) -> String {
        var line =
            "\(AuditCommand.chinese(delivery.deliveredOn))  #\(delivery.id)  \(delivery.measureID)  发放 delivered  "
            + "\(delivery.amount) 元  凭证 \(delivery.reference)"
        if let code = delivery.employerCode { line += "  单位 \(code)" }
        if let start = delivery.startOn { line += "  上岗 \(AuditCommand.chinese(start))" }
        if let unit = delivery.unit { line += "  房源 \(unit)" }
        if let month = delivery.firstMonth { line += "  首月 \(month)" }
        if let monthly = delivery.monthlyAmount { line += "  月额 \(monthly) 元" }
        line += "  \(delivery.staffID ?? "-")"
        if let corrected = delivery.corrects { line += "  更正 corrects #\(corrected): \(delivery.reason ?? "")" }
        return line
    }
}
