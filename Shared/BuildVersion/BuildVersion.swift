/// The version of Jiekun's executables and the git commit they were built from, for `--version`.
///
/// The commit is stamped at build time by the `BuildCommitStamp` plugin (`BuildCommit`): `commit <12 hex digits>`,
/// followed by `, modified` when the working tree differed from it, or `unknown commit` for a build outside a git
/// clone (a source tarball).
public enum BuildVersion {
    /// The release's version, the same for every executable of the package.
    public static let version = "0.3.0"

    /// The commit the build was made from, e.g. `commit 3d20d49c1a2b` or `unknown commit`.
    public static let commit = BuildCommit.description

    /// What `--version` prints for `executable`: e.g. `housing 0.3.0 (commit 3d20d49c1a2b)`.
    public static func line(for executable: String) -> String {
        "\(executable) \(version) (\(commit))"
    }

    /// Whether `arguments` (the process's, the executable first) ask for the version.
    public static func isRequested(by arguments: [String]) -> Bool {
        arguments.dropFirst().contains("--version")
    }
}
