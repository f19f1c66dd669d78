import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

/// `jiekun close FILE_NUMBER --reason R [--on DATE] --endpoint E`: closes an open file at the union registry.
struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Close an open file at the union registry (death, moved away, re-identified, safety net).",
        discussion: """
            Every agency is told (household.closed) and withdraws what still waits for money. A file exits only \\
            through the exit procedure (jiekun exit), once the six dimensions of §2.3 hold: not a reason given here. \\
            Exit status: 0 closed; 1 refused (no open file with this number); 2 the service could not be reached.
            """)

    @Argument(help: "The file number (档案编号), e.g. KM-2017-0001.")
    var fileNumber: String

    @Option(
        help: """
            Why the file closes: death (死亡), movedAway (迁出), notEligible (不符合条件: re-identified, §3) or \
            safetyNet (纳入兜底, §4.2.6).
            """)
    var reason: String

    @Option(help: ArgumentHelp("The business date of the closure, YYYY-MM-DD; today by default.", valueName: "date"))
    var on: String?

    @OptionGroup var service: ServiceEndpoint

    /// The Chinese words staff use for the closure reasons (销档: 死亡 / 迁出 / 不符合条件 / 纳入兜底), as in the glossary.
    static let chineseReasons: [String: HouseholdClosed.Reason] = [
        "死亡": .death, "迁出": .movedAway, "不符合条件": .notEligible, "纳入兜底": .safetyNet, "兜底": .safetyNet,
    ]

    /// The closure reason named, in English or Chinese, one staff may give: any but an exit, which is the
    /// coordinator's (§2.3).
    static func closing(_ reason: String) throws -> HouseholdClosed.Reason {
        let word = reason.trimmingCharacters(in: .whitespaces)
        guard let closing = HouseholdClosed.Reason(rawValue: word) ?? chineseReasons[word], closing != .exited else {
            let reasons = HouseholdClosed.Reason.allCases.filter { $0 != .exited }.map(\.rawValue)
            throw ValidationError(
                "--reason must be one of \(reasons.joined(separator: ", ")), not \(reason) (an exit is the coordinator's)"
            )
        }
        return closing
    }

    func validate() throws {
        _ = try Self.closing(reason)
        if let on, LocalDate(on) == nil { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
    }

    func run() throws {
        let closedOn = on.flatMap(LocalDate.init) ?? LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
        let body = try MessageCoding.encode(
            CloseRequest(fileNumber: fileNumber, reason: try Self.closing(reason), closedOn: closedOn))
        _ = try service.request(Operation.close, body: body, command: "close", at: .union)
        var output = Terminal.standardOutput
        output.write("closed \(fileNumber) (\(try Self.closing(reason).rawValue)) on \(closedOn)\n")
        output.flush()
    }
}
