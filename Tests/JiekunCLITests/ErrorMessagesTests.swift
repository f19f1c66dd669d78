import Foundation
import TestSupport
import Testing

/// Every error of every executable starts with `error: `, says what failed (and what to do where it can) and
/// exits non-zero: `jiekun`'s own errors, ArgumentParser's (which it would start with `Error:`), and the
/// services'.
@Suite("Error messages")
struct ErrorMessagesTests {
    static let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "jiekun-errors-\(UUID().uuidString)")

    @Test("a file that does not exist: error: cannot read it, with the path to check; exit 2")
    func missingFile() throws {
        let missing = Self.folder.appendingPathComponent("missing.csv").path
        let imported = try CommandRunner.run("jiekun", ["import", missing, "--endpoint", "tcp://127.0.0.1:1"])
        #expect(imported.status == 2)
        #expect(
            imported.error == "error: 无法读取 \(missing) (cannot read \(missing): No such file or directory); "
                + "check the path (a sample: "
                + "deploy/samples/households.csv)\n")
        let assessed = try CommandRunner.run("jiekun", ["assess", missing])
        #expect(assessed.status == 2)
        #expect(
            assessed.error == "error: 无法读取 \(missing) (cannot read \(missing): No such file or directory)\n")
    }

    @Test(
        "a wrong command line: error: and what is wrong, the usage after it; exit 64",
        arguments: [
            (["assess", "file.csv", "--wrong"], "error: Unknown option '--wrong'. Did you mean '--json'?"),
            (
                ["worklist", "--agency", "housing"],
                "error: give one of --to-propose (待提议), --awaiting (待审核), --due (待发放) or --overdue (逾期)"
            ),
            (
                ["decide", "--agency", "nowhere", "X/medical.assistance", "approve", "--endpoint", "tcp://h:1"],
                "error: --agency must be one of hr-employment, medical-insurance, education-aid, housing, civil-affairs"
            ),
            (
                ["import", "file.csv", "--on", "2017-06-30", "--endpoint", "tcp://h:1"],
                "error: --on dates an update: give it with --update"
            ),
        ])
    func wrongCommandLine(_ arguments: [String], _ firstLine: String) throws {
        let result = try CommandRunner.run("jiekun", arguments)
        #expect(result.status == 64)
        #expect(result.error.split(separator: "\n").first.map(String.init) == firstLine, "\(result.error)")
        #expect(result.error.contains("Usage: jiekun"))
        #expect(result.text.isEmpty)
    }

    @Test("reconcile over a folder without configurations: error: naming the folder and its config/; exit 64")
    func reconcileEmptyFolder() throws {
        let empty = Self.folder.appendingPathComponent("no-configurations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let result = try CommandRunner.run("jiekun", ["reconcile", "--folder", empty.path])
        #expect(result.status == 64)
        #expect(result.text.isEmpty)
        #expect(
            result.error
                == "error: reconcile: no configuration (*.yaml) in \(empty.path) nor in \(empty.path)/config\n")
    }

    @Test("help and --version are not errors: standard output, exit 0")
    func helpIsNotAnError() throws {
        let help = try CommandRunner.run("jiekun", ["import", "--help"])
        #expect(help.status == 0 && help.error.isEmpty && help.text.hasPrefix("OVERVIEW: "))
    }

    @Test("a service: an unknown argument, a missing file and another agency's file are errors; exit 78")
    func services() throws {
        let wrongFlag = try CommandRunner.run("housing", ["--bogus"])
        #expect(wrongFlag.status == 78)
        #expect(wrongFlag.error.hasPrefix("error: configuration (command line): 1 problem\n"), "\(wrongFlag.error)")
        #expect(wrongFlag.error.contains("unexpected argument \"--bogus\"; usage: housing --config FILE"))

        let missing = Self.folder.appendingPathComponent("housing.yaml").path
        let noFile = try CommandRunner.run("housing", ["--config", missing])
        #expect(noFile.status == 78)
        #expect(
            noFile.error
                == "error: configuration \(missing): 1 problem\n  \(missing): cannot read the file (missing or "
                + "not readable)\n")

        let coordinator = Fixtures.packageRoot.appendingPathComponent("deploy/local/coordinator.yaml").path
        let otherAgency = try CommandRunner.run("housing", ["--config", coordinator])
        #expect(otherAgency.status == 78)
        #expect(
            otherAgency.error == "error: \(coordinator): agency: this executable runs housing, not coordinator; start "
                + "coordinator with this file, or give housing its own\n")
    }
}
