import Foundation
import TestSupport
import Testing

/// What a service executable says about itself before it runs (docs/OPERATIONS.md).
@Suite("Service executables")
struct ServiceExecutableTests {
    @Test("--help prints the usage, the environment overrides and the exit statuses, and exits 0")
    func help() throws {
        let result = try CommandRunner.run("housing", ["--help"])
        #expect(result.status == 0)
        #expect(result.text.hasPrefix("USAGE: housing --config FILE"))
        #expect(result.text.contains("JIEKUN_DECISIONMODE") && result.text.contains("78 the configuration was refused"))
    }

    @Test("an unknown argument is refused with the usage and status 78")
    func unknownArgument() throws {
        let result = try CommandRunner.run("coordinator", ["--confg", "x.yaml"])
        #expect(result.status == 78)
        #expect(
            result.error.contains("unexpected argument") && result.error.contains("usage: coordinator --config FILE"))
    }
}
