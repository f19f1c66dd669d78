import BuildVersion
import Foundation
import TestSupport
import Testing

/// `--version` on every executable: the version and the git commit it was built from (BuildVersion).
@Suite("--version")
struct VersionTests {
    static let executables = [
        "jiekun", "union-registry", "hr-employment", "medical-insurance", "education-aid", "housing",
        "civil-affairs", "coordinator", "assess-bench", "fabric-bench",
    ]

    @Test("every executable prints its name, the version and the same commit, and exits 0", arguments: executables)
    func prints(_ executable: String) throws {
        let result = try CommandRunner.run(executable, ["--version"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.isEmpty)
        #expect(result.text == "\(executable) \(BuildVersion.version) (\(BuildVersion.commit))\n")
    }

    @Test("the commit is this clone's (a commit of its history), or unknown outside a git clone")
    func commit() throws {
        let commit = BuildVersion.commit
        guard FileManager.default.fileExists(atPath: Fixtures.packageRoot.appendingPathComponent(".git").path) else {
            #expect(commit == "unknown commit")
            return
        }
        let match = try #require(commit.wholeMatch(of: /commit ([0-9a-f]{12})(, modified)?/), "\(commit)")
        // The build may be older than HEAD (built, then committed): the commit is one of the clone's.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", Fixtures.packageRoot.path, "cat-file", "-e", "\(match.1)^{commit}"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(match.1) is not a commit of this clone")
    }
}
