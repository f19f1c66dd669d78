import Foundation
import PackagePlugin

/// Stamps the build with the git commit it is made from: before every build, writes `BuildCommit.swift`
/// (`enum BuildCommit { static let description = "commit 3d20d49c1a2b" }`) for the `BuildVersion` module.
///
/// Why a prebuild command running `git`: SwiftPM has no stamping of its own, and the commit must be the one of the
/// sources being built, at every build (a file written once, by `make` or by hand, goes stale at the next commit,
/// and a plain `swift build` would skip it). A prebuild command runs before each build; the script rewrites the
/// file only when the text changes, so an unchanged commit recompiles nothing. It needs only `git` and `/bin/sh`
/// (both in CI, where a fresh clone has its `.git`). Where there is no repository of this package (a source
/// tarball, or `git` missing or refusing the folder) the text is `unknown commit`; a repository of an enclosing
/// folder does not count. `, modified` follows the commit when tracked files differ from it.
@main
struct BuildCommitStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        let script = """
            set -u
            package="$1"; file="$2/BuildCommit.swift"
            commit="unknown commit"
            if top=$(git -C "$package" rev-parse --show-toplevel 2>/dev/null) \
                && [ "$(cd "$top" && pwd -P)" = "$(cd "$package" && pwd -P)" ] \
                && hash=$(git -C "$package" rev-parse --short=12 HEAD 2>/dev/null); then
                commit="commit $hash"
                git -C "$package" diff --quiet HEAD -- 2>/dev/null || commit="$commit, modified"
            fi
            text="// Generated before each build by the BuildCommitStamp plugin (Shared/BuildCommitStamp).
            enum BuildCommit { static let description = \\"$commit\\" }"
            mkdir -p "$2"
            if [ ! -f "$file" ] || [ "$(cat "$file")" != "$text" ]; then printf '%s\\n' "$text" > "$file"; fi
            """
        return [
            .prebuildCommand(
                displayName: "Stamping the build with its git commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", script, "stamp", context.package.directoryURL.path, output.path],
                outputFilesDirectory: output)
        ]
    }
}
