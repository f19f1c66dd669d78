import ArgumentParser
import Foundation
import ZeroMQ

/// `jiekun keys generate`: a CURVE key pair for one agency instance (DESIGN "Security": one key pair per agency
/// instance, made by `jiekun keys`; secret keys never leave their host and are never logged).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and show CURVE keys for agency instances.",
        subcommands: [Generate.self, Show.self])

    /// `jiekun keys generate --agency NAME --output DIR`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new CURVE key pair: NAME.key (secret, mode 0600) and NAME.pub (public) in DIR.",
            discussion: """
                Give NAME.pub to the agencies that must admit this one (their configuration lists it); keep NAME.key \
                on this host only. An existing key file is never overwritten.
                """)

        @Option(help: "The agency instance, e.g. housing or union-registry.")
        var agency: String

        @Option(help: "The folder to write the two files in (created when missing).")
        var output: String

        func validate() throws {
            guard !agency.isEmpty, agency.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { throw ValidationError("--agency must be letters, digits and '-', e.g. housing") }
        }

        func run() throws {
            do {
                let (pair, secretPath, publicPath) = try KeysCommand.writePair(named: agency, in: output)
                print("\(agency): public key \(pair.publicKey)")
                print("  secret key → \(secretPath) (mode 0600; never copy it off this host)")
                print("  public key → \(publicPath) (give it to the agencies that admit \(agency))")
            } catch let exit as ExitCode {
                throw exit
            } catch {
                Terminal.error("cannot write the key pair to \(output): \(error)")
                throw ExitCode(2)
            }
        }
    }

    /// Writes a key pair (`given`, or a new one) as `NAME.key` (secret, mode 0600) and `NAME.pub` in `folder` (created when missing),
    /// never overwriting a file: exits 1 when one exists.
    ///
    /// - Returns: The pair and the two paths.
    /// - Throws: `ExitCode(1)` when a file exists; file system errors.
    static func writePair(_ given: CurveKeyPair? = nil, named name: String, in folder: String) throws -> (
        pair: CurveKeyPair, secretPath: String, publicPath: String
    ) {
        let folder = URL(fileURLWithPath: folder)
        let secretPath = folder.appendingPathComponent("\(name).key").path
        let publicPath = folder.appendingPathComponent("\(name).pub").path
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
            Terminal.error("\(path) exists; it is never overwritten (remove it to make a new pair)")
            throw ExitCode(1)
        }
        let pair = try given ?? CurveKeyPair.generate()
        guard
            FileManager.default.createFile(
                atPath: secretPath, contents: Data((pair.secretKey + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission) }
        try Data((pair.publicKey + "\n").utf8).write(to: URL(fileURLWithPath: publicPath))
        return (pair, secretPath, publicPath)
    }

    /// `jiekun keys show FILE.key`: the public key of a secret key file.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public key of a secret key file (the secret is never printed).")

        @Argument(help: "A secret key file made by `jiekun keys generate`.")
        var file: String

        func run() throws {
            guard !file.hasSuffix(".pub") else {
                Terminal.error("\(file) is a public key file; give the secret key file (NAME.key) beside it")
                throw ExitCode(2)
            }
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                Terminal.error("cannot read \(file): \(error.localizedDescription)")
                throw ExitCode(2)
            }
            guard let pair = try? CurveKeyPair(secretKey: text), text.count == 40 else {
                Terminal.error("\(file) is not a secret key file (40 Z85 characters, as `jiekun keys generate` writes)")
                throw ExitCode(2)
            }
            let publicFile = String(file.dropLast(file.hasSuffix(".key") ? 4 : 0)) + ".pub"
            if let published = try? String(contentsOfFile: publicFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines), published != pair.publicKey
            {
                Terminal.warning("\(publicFile) holds another public key")
            }
            print(pair.publicKey)
        }
    }
}
