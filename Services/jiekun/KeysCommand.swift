import ArgumentParser
import EventFabric
import Foundation
import ZeroMQ

/// `jiekun keys generate`: a CURVE key pair and a signing key for one agency instance (DESIGN "Security": one key
/// pair per agency instance, made by `jiekun keys`; secret keys never leave their host and are never logged).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and show CURVE and signing keys for agency instances.",
        subcommands: [Generate.self, Show.self])

    /// `jiekun keys generate --agency NAME --output DIR`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Write a new CURVE key pair (NAME.key, secret, mode 0600; NAME.pub) and a signing key \
                (NAME.signing.key, secret, mode 0600; NAME.signing.pub) in DIR.
                """,
            discussion: """
                Give NAME.pub to the agencies that must admit this one (their configuration lists it under peers) \
                and NAME.signing.pub to those that consume its feeds (peers.signing); keep NAME.key and \
                NAME.signing.key on this host only (keys.secret, keys.signing). The signing key signs the heads of \
                the agency's feeds; --suite sm2-sm3 makes an SM2 key (GB/T 32918, with SM3 chains). An existing \
                key file is never overwritten.
                """)

        @Option(help: "The agency instance, e.g. housing or union-registry.")
        var agency: String

        @Option(help: "The folder to write the files in (created when missing).")
        var output: String

        @Option(help: "The signing key's suite: ed25519-sha256 (default) or sm2-sm3.")
        var suite: String = EvidenceSuite.standard.rawValue

        func validate() throws {
            guard !agency.isEmpty, agency.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { throw ValidationError("--agency must be letters, digits and '-', e.g. housing") }
            guard EvidenceSuite(rawValue: suite) != nil else {
                throw ValidationError(
                    "--suite must be one of \(EvidenceSuite.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() throws {
            do {
                let signingSuite = EvidenceSuite(rawValue: suite) ?? .standard
                try KeysCommand.refuseExisting(
                    ["\(agency).key", "\(agency).pub", "\(agency).signing.key", "\(agency).signing.pub"], in: output)
                let (pair, secretPath, publicPath) = try KeysCommand.writePair(named: agency, in: output)
                let (signing, signingPath, signingPublicPath) = try KeysCommand.writeSigningKey(
                    SigningKey.generate(signingSuite), named: agency, in: output)
                print("\(agency): public key \(pair.publicKey)")
                print("  secret key → \(secretPath) (mode 0600; never copy it off this host)")
                print("  public key → \(publicPath) (give it to the agencies that admit \(agency))")
                print("\(agency): public signing key \(signing.publicKey)")
                print("  signing key → \(signingPath) (mode 0600; keys.signing; never copy it off this host)")
                print("  public signing key → \(signingPublicPath) (peers.signing of the agencies consuming its feeds)")
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

    /// Exits 1 when one of the files exists in the folder (nothing is written then).
    ///
    /// - Parameters:
    ///   - names: The files' names.
    ///   - folder: The folder.
    /// - Throws: `ExitCode(1)`.
    static func refuseExisting(_ names: [String], in folder: String) throws {
        for name in names {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) {
                Terminal.error("\(path) exists; it is never overwritten (remove it to make new keys)")
                throw ExitCode(1)
            }
        }
    }

    /// Writes a signing key as `NAME.signing.key` (secret, `SUITE:BASE64`, mode 0600) and `NAME.signing.pub` in
    /// `folder`, never overwriting a file: exits 1 when one exists.
    ///
    /// - Returns: The key and the two paths.
    /// - Throws: `ExitCode(1)` when a file exists; file system errors.
    static func writeSigningKey(_ key: SigningKey, named name: String, in folder: String) throws -> (
        key: SigningKey, secretPath: String, publicPath: String
    ) {
        let folderURL = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: folderURL, withIntermediateDirectories: true)
        try refuseExisting(["\(name).signing.key", "\(name).signing.pub"], in: folder)
        let secretPath = folderURL.appendingPathComponent("\(name).signing.key").path
        let publicPath = folderURL.appendingPathComponent("\(name).signing.pub").path
        guard
            FileManager.default.createFile(
                atPath: secretPath, contents: Data((key.secretText + "\n").utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteNoPermission) }
        try Data((key.publicKey.description + "\n").utf8).write(to: URL(fileURLWithPath: publicPath))
        return (key, secretPath, publicPath)
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
