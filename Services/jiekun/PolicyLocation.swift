import Foundation
import HouseholdDomain

/// Finds the policy file when `--policy` is not given.
enum PolicyLocation {
    /// The policy file shipped with Jiekun, relative to the project's root.
    static let shippedRelativePath = "deploy/policy/yunnan.yaml"

    /// Why no policy file was found.
    struct NotFound: Error, CustomStringConvertible {
        let tried: [String]
        var description: String {
            "no policy file found (tried \(tried.joined(separator: ", "))); pass --policy FILE or set JIEKUN_POLICY"
        }
    }

    /// The policy file to use: `explicit` when given, else `$JIEKUN_POLICY`, else `deploy/policy/yunnan.yaml` in
    /// the current directory or above the executable (a build folder inside the project).
    ///
    /// - Throws: ``NotFound`` listing the places tried.
    static func resolve(_ explicit: String?) throws -> String {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["JIEKUN_POLICY"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        var tried: [String] = []
        let inCurrentDirectory = FileManager.default.currentDirectoryPath + "/" + shippedRelativePath
        tried.append(inCurrentDirectory)
        if FileManager.default.fileExists(atPath: inCurrentDirectory) { return inCurrentDirectory }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while folder.pathComponents.count > 1 {
            let candidate = folder.appendingPathComponent(shippedRelativePath).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        tried.append("the folders above \(CommandLine.arguments[0])")
        throw NotFound(tried: tried)
    }
}

extension LocalDate {
    /// Today in China Standard Time (UTC+8), the zone of every filing date.
    static func todayInChina() -> LocalDate {
        LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
    }
}
