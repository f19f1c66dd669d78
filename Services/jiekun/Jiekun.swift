import ArgumentParser
import BuildVersion
import Foundation
import HouseholdDomain

/// `jiekun`: the command-line tool for union staff, department staff and operations.
@main
struct Jiekun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jiekun",
        abstract:
            "Jiekun (解困): hardship-worker files, their assessment and the services that help them out of hardship.",
        version: BuildVersion.line(for: "jiekun"),
        subcommands: [
            AssessCommand.self, SampleCommand.self, DemoCommand.self, KeysCommand.self, ImportCommand.self,
            CloseCommand.self, StatusCommand.self, ReportCommand.self, HouseholdCommand.self, DecideCommand.self,
            StaffCommand.self, AuditCommand.self, SearchCommand.self, WorklistCommand.self, FeedCommand.self,
            VerifyCommand.self, EvidenceCommand.self, ReconcileCommand.self, BudgetCommand.self, ExitCommand.self,
            VisitCommand.self, DeliverCommand.self,
        ]
    )

    /// Runs the command line. Help and `--version` go to standard output; every error goes to standard error as
    /// `error: …` (ArgumentParser's own messages included) with a non-zero exit status: 64 for a wrong command
    /// line, otherwise the command's (each command's help lists them).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                Terminal.error(message)
            }
            Foundation.exit(code.rawValue)
        }
    }
}
