import Foundation
import TestSupport
import Testing

/// The repository stands alone: no tracked file names a path outside it (a clone has nothing beside it).
@Suite("Repository paths")
struct RepositoryPathsTests {
    /// One place a file names a path outside the repository.
    struct Finding: CustomStringConvertible {
        var file: String
        var line: Int
        var path: String
        var description: String { "\(file):\(line) names \(path), outside the repository" }
    }

    /// The repository's files, relative to the package root: `git ls-files`, or (in a tarball without `.git`)
    /// every file but the build folders and hidden ones.
    static func trackedFiles() throws -> [String] {
        let root = Fixtures.packageRoot
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", root.path, "ls-files", "-z"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            if process.terminationStatus == 0 {
                return String(decoding: data, as: UTF8.self).split(separator: "\0").map(String.init)
            }
        }
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        while let url = enumerator?.nextObject() as? URL {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            if relative.hasPrefix("Benchmarks/.build") || relative.split(separator: "/").contains(".build") {
                enumerator?.skipDescendants()
                continue
            }
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(relative) }
        }
        return files
    }

    /// The paths a line names outside the repository, for a file at `file` (relative to the root):
    /// - a relative path climbing out of it (`../../x` from `docs/`), resolved from the file's folder;
    /// - the project's design folder beside the clone, `shared/…` however reached (lower case: `Shared/` is the
    ///   package's).
    ///
    /// Absolute paths are not checked: examples write to `/tmp`, and the folder holding a clone is anyone's.
    static func outsidePaths(in line: Substring, file: String) -> [String] {
        var found: [String] = []
        let depth = file.split(separator: "/").count - 1
        let characters = Array(line)
        var index = 0
        func isPathCharacter(_ character: Character) -> Bool {
            character.isLetter || character.isNumber || "._-/".contains(character)
        }
        while index < characters.count {
            let previous: Character? = index > 0 ? characters[index - 1] : nil
            guard previous.map({ !isPathCharacter($0) }) ?? true else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count && isPathCharacter(characters[end]) { end += 1 }
            let token = String(characters[index..<end])
            index = max(end, index + 1)
            let parts = token.components(separatedBy: "/")
            let climbs = parts.prefix { $0 == ".." }.count
            if climbs > depth || parts.dropFirst(climbs).first == "shared" && parts.count > climbs + 1 {
                found.append(token)
            }
        }
        return found
    }

    @Test("no tracked file names a path outside the repository")
    func noPathOutside() throws {
        let root = Fixtures.packageRoot.standardizedFileURL
        let files = try Self.trackedFiles()
        try #require(files.contains("Package.swift") && files.contains("README.md"))
        // This file's examples name such paths on purpose.
        let this = String(URL(fileURLWithPath: #filePath).standardizedFileURL.path.dropFirst(root.path.count + 1))
        var findings: [Finding] = []
        for file in files where file != this {
            guard let data = FileManager.default.contents(atPath: root.appendingPathComponent(file).path),
                !data.contains(0), let text = String(data: data, encoding: .utf8)
            else { continue }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.contains("../") || line.contains("shared/") {
                for path in Self.outsidePaths(in: line, file: file) {
                    findings.append(Finding(file: file, line: number + 1, path: path))
                }
            }
        }
        #expect(findings.isEmpty, "\(findings.map(\.description).joined(separator: "\n"))")
    }

    @Test(
        "the check finds a path that climbs out of the repository and the design folder beside it",
        arguments: [
            // Written in two parts, so that grepping the repository for the folder beside it finds nothing.
            ("docs/A.md", "see [policy](.." + "/shared/POLICY.md)", [".." + "/shared/POLICY.md"]),
            ("README.md", "run jiekun assess ../x.csv", ["../x.csv"]),
            ("deploy/local/a.yaml", "store: ../../.build/a.sqlite", []),
            ("deploy/local/a.yaml", "store: ../../../a.sqlite", ["../../../a.sqlite"]),
            ("Shared/A/B.swift", "// copied from shared/reference/x.csv", ["shared/reference/x.csv"]),
            ("Shared/A/B.swift", "// Shared/TestSupport/Fixtures.swift", []),
            ("docs/A.md", "see [format](IMPORT-FORMAT.md) and (../deploy/x.csv)", []),
        ])
    func finds(_ file: String, _ line: String, _ expected: [String]) {
        #expect(Self.outsidePaths(in: line[...], file: file) == expected)
    }
}
