import Foundation
import ServiceRuntime
import Testing
import ZeroMQ

@Suite("Secret key file")
struct SecretKeyFileTests {
    @Test("A file of mode 0600 is read, its public key derived")
    func ownerOnly() throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pair = try CurveKeyPair.generate()
        let file = folder.appendingPathComponent("housing.key")
        try RuntimeTestKit.writeSecretKey(pair, to: file, mode: 0o600)
        #expect(try SecretKeyFile.read(path: file.path) == pair)
        try RuntimeTestKit.writeSecretKey(pair, to: folder.appendingPathComponent("ro.key"), mode: 0o400)
        #expect(try SecretKeyFile.read(path: folder.appendingPathComponent("ro.key").path) == pair)
    }

    @Test("A file the group or others may use is refused", arguments: [0o640, 0o644, 0o604, 0o660, 0o602, 0o610])
    func groupOrWorld(mode: Int) throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pair = try CurveKeyPair.generate()
        let file = folder.appendingPathComponent("housing.key")
        try RuntimeTestKit.writeSecretKey(pair, to: file, mode: Int16(mode))
        let error = try #require(throws: SecretKeyFile.Failure.self) { try SecretKeyFile.read(path: file.path) }
        #expect(error.message.contains("has mode \(String(mode, radix: 8))"))
        #expect(error.message.contains("chmod 600 \(file.path)"))
        #expect(!error.message.contains(pair.secretKey))
    }

    @Test("A missing file, a folder and a file without a key are refused")
    func notAKey() throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try #require(throws: SecretKeyFile.Failure.self) {
            try SecretKeyFile.read(path: folder.appendingPathComponent("none.key").path)
        }
        #expect(missing.message.contains("jiekun keys generate"))
        let directory = try #require(throws: SecretKeyFile.Failure.self) { try SecretKeyFile.read(path: folder.path) }
        #expect(directory.message.contains("not a regular file"))
        let garbage = folder.appendingPathComponent("garbage.key")
        #expect(FileManager.default.createFile(atPath: garbage.path, contents: Data("hello\n".utf8)))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: garbage.path)
        let notKey = try #require(throws: SecretKeyFile.Failure.self) { try SecretKeyFile.read(path: garbage.path) }
        #expect(notKey.message.contains("does not hold a CURVE secret key"))
    }

    @Test("Loading refuses a readable key file at keys.secret, and an own key that does not match")
    func throughLoad() throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pair = try CurveKeyPair.generate()
        let other = try CurveKeyPair.generate()
        try RuntimeTestKit.writeSecretKey(pair, to: folder.appendingPathComponent("housing.key"), mode: 0o644)
        let yaml = ConfigurationValidationTests.base.replacingOccurrences(
            of: "/etc/jiekun/keys/housing.key", with: "housing.key")
        let file = folder.appendingPathComponent("housing.yaml").path
        let readable = try #require(throws: AgencyConfigurationError.self) {
            try AgencyConfiguration.load(yaml: yaml, file: file)
        }
        #expect(readable.keyPaths == ["keys.secret"])
        #expect("\(readable)".contains("chmod 600"))

        try FileManager.default.setAttributes(
            [.posixPermissions: 0o600], ofItemAtPath: folder.appendingPathComponent("housing.key").path)
        #expect(try AgencyConfiguration.load(yaml: yaml, file: file).keyPair == pair)

        let mismatched = yaml.replacingOccurrences(of: "peers:\n", with: "peers:\n  housing: '\(other.publicKey)'\n")
        let error = try #require(throws: AgencyConfigurationError.self) {
            try AgencyConfiguration.load(yaml: mismatched, file: file)
        }
        #expect(error.keyPaths == ["peers.housing"])
        #expect(error.issues[0].message.contains("is not the public key of keys.secret"))

        let leaked = yaml.replacingOccurrences(of: "peers:\n", with: "peers:\n  education-aid: '\(pair.secretKey)'\n")
        let leak = try #require(throws: AgencyConfigurationError.self) {
            try AgencyConfiguration.load(yaml: leaked, file: file)
        }
        #expect(leak.issues.contains { $0.keyPath == "peers.education-aid" && $0.message.contains("SECRET key") })
        #expect(!"\(leak)".contains(pair.secretKey))
    }
}
