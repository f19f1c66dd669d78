import Foundation
import TestSupport
import Testing

/// `jiekun keys generate` and `jiekun keys show` (DESIGN "Security": one key pair per agency instance).
@Suite("jiekun keys")
struct KeysCommandTests {
    @Test("generate writes a 0600 secret key and a public key; show derives the same public key; no overwrite")
    func generateAndShow() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        let made = try CommandRunner.run(
            "jiekun", ["keys", "generate", "--agency", "housing", "--output", folder.path])
        #expect(made.status == 0, "\(made.error)")
        let secretPath = folder.appendingPathComponent("housing.key").path
        let publicKey = try String(contentsOfFile: folder.appendingPathComponent("housing.pub").path, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let secret = try String(contentsOfFile: secretPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(publicKey.count == 40 && secret.count == 40)
        #expect(!made.text.contains(secret), "the secret key is never printed")
        let permissions = try FileManager.default.attributesOfItem(atPath: secretPath)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let shown = try CommandRunner.run("jiekun", ["keys", "show", secretPath])
        #expect(shown.status == 0 && shown.text.trimmingCharacters(in: .newlines) == publicKey)
        let publicShown = try CommandRunner.run(
            "jiekun", ["keys", "show", folder.appendingPathComponent("housing.pub").path])
        #expect(publicShown.status == 2 && publicShown.error.contains("public key file"))
        let missing = try CommandRunner.run("jiekun", ["keys", "show", folder.appendingPathComponent("x.key").path])
        #expect(missing.status == 2 && missing.error.contains("cannot read"))
        let again = try CommandRunner.run(
            "jiekun", ["keys", "generate", "--agency", "housing", "--output", folder.path])
        #expect(again.status == 1 && again.error.contains("never overwritten"))
        #expect(try String(contentsOfFile: secretPath, encoding: .utf8).contains(secret))
    }

    @Test("generate writes a 0600 signing key and its public key, Ed25519 by default or SM2 with --suite sm2-sm3")
    func signingKeys() throws {
        for (suite, publicLength) in [("ed25519-sha256", 32), ("sm2-sm3", 91)] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let made = try CommandRunner.run(
                "jiekun", ["keys", "generate", "--agency", "union-registry", "--output", folder.path, "--suite", suite])
            #expect(made.status == 0, "\(made.error)")
            let secretPath = folder.appendingPathComponent("union-registry.signing.key").path
            let permissions = try FileManager.default.attributesOfItem(atPath: secretPath)[.posixPermissions] as? Int
            #expect(permissions == 0o600)
            let secret = try String(contentsOfFile: secretPath, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let published = try String(
                contentsOfFile: folder.appendingPathComponent("union-registry.signing.pub").path, encoding: .utf8
            ).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(secret.hasPrefix("\(suite):") && published.hasPrefix("\(suite):"))
            // Ed25519: the 32-byte key; SM2: its SubjectPublicKeyInfo DER (91 bytes for a 256-bit point).
            let bytes = Data(base64Encoded: String(published.dropFirst(suite.count + 1)))
            #expect(bytes?.count == publicLength)
            #expect(!made.text.contains(secret), "the secret key is never printed")
            #expect(made.text.contains(published))
        }
        let refused = try CommandRunner.run(
            "jiekun", ["keys", "generate", "--agency", "housing", "--output", "/tmp", "--suite", "rsa"])
        #expect(refused.status == 64 && refused.error.contains("--suite"))
    }
}
