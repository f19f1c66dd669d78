import ArgumentParser
import BuildVersion
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
        ]
    )
}
