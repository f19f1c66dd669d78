import ArgumentParser
import Foundation
import HouseholdDomain
import TestSupport
import Testing

@testable import JiekunCLI

/// Profiles (`--profile`, `JIEKUN_PROFILE`, `~/.config/jiekun/profile.yaml`): what a command connects with.
@Suite("jiekun profiles")
struct StaffProfileTests {
    /// A folder with a profile, a secret key file and housing's public key file, removed at the end.
    struct Folder {
        let url: URL
        var path: String { url.path }
        let housingKey = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
        let coordinatorKey = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString)")
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("keys"), withIntermediateDirectories: true)
            try (housingKey + "\n").write(
                to: url.appendingPathComponent("keys/housing.pub"), atomically: true, encoding: .utf8)
        }

        func write(_ text: String, to name: String = "profile.yaml") throws -> String {
            let file = url.appendingPathComponent(name).path
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }

        func remove() { try? FileManager.default.removeItem(at: url) }
    }

    static func profileText(_ folder: Folder) -> String {
        """
        agency: housing
        key: keys/li.key
        agencies:
          housing:
            endpoint: tcp://10.53.1.5:7105
            serverKey: keys/housing.pub
          coordinator:
            endpoint: tcp://10.53.1.9:7107
            serverKey: "\(folder.coordinatorKey)"
            key: ~/other/coordinator-0002.key
        """
    }

    @Test("Each agency's endpoint and server key (Z85 or its .pub file); the key per agency or the top-level one")
    func readsConnections() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let file = try folder.write(Self.profileText(folder))
        let profile = try StaffProfile(contentsOf: file, environment: ["HOME": "/home/li"])
        #expect(profile.agency == .housing)
        #expect(
            profile.connection(to: .housing)
                == .init(
                    endpoint: "tcp://10.53.1.5:7105", serverKey: folder.housingKey, key: folder.path + "/keys/li.key"))
        #expect(profile.connection(to: nil) == profile.connection(to: .housing))
        #expect(
            profile.connection(to: .coordinator)
                == .init(
                    endpoint: "tcp://10.53.1.9:7107", serverKey: folder.coordinatorKey,
                    key: "/home/li/other/coordinator-0002.key"))
        // An agency the profile does not list: the top level only, which has a key but no endpoint.
        #expect(
            profile.connection(to: .union) == .init(endpoint: nil, serverKey: nil, key: folder.path + "/keys/li.key"))
    }

    @Test("Options given override the profile, one by one; the default file only when --endpoint is not given")
    func precedence() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let config = folder.url.appendingPathComponent("config/jiekun")
        try FileManager.default.createDirectory(
            at: config.appendingPathComponent("keys"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: folder.url.appendingPathComponent("keys/housing.pub"),
            to: config.appendingPathComponent("keys/housing.pub"))
        try Self.profileText(folder).write(
            toFile: config.appendingPathComponent("profile.yaml").path, atomically: true, encoding: .utf8)
        let single = """
            endpoint: ipc:///tmp/union.requests
            serverKey: "\(folder.coordinatorKey)"
            key: /keys/union-0001.key
            """
        try single.write(
            toFile: config.appendingPathComponent("union.yaml").path, atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": folder.path + "/config", "HOME": "/home/li"]

        // The default file, for the agency addressed.
        let plain = try ServiceEndpoint.parse([]).resolve(for: .coordinator, environment: environment)
        #expect(plain.endpoint == "tcp://10.53.1.9:7107" && plain.key == "/home/li/other/coordinator-0002.key")
        #expect(plain.profileFile == config.appendingPathComponent("profile.yaml").path)
        // A key given overrides the profile's, the rest stays.
        let ownKey = try ServiceEndpoint.parse(["--key", "/tmp/mine.key"]).resolve(
            for: .housing, environment: environment)
        #expect(
            ownKey
                == .init(
                    endpoint: "tcp://10.53.1.5:7105", serverKey: folder.housingKey, key: "/tmp/mine.key",
                    profileFile: plain.profileFile))
        // --endpoint given: the default file is not read (a plain local stack needs no keys).
        let local = try ServiceEndpoint.parse(["--endpoint", "tcp://127.0.0.1:7101"]).resolve(
            for: .housing, environment: environment)
        #expect(local == .init(endpoint: "tcp://127.0.0.1:7101", serverKey: nil, key: nil, profileFile: nil))
        // A named profile (--profile NAME or JIEKUN_PROFILE) is read even with --endpoint, which overrides it.
        let named = try ServiceEndpoint.parse(["--profile", "union", "--endpoint", "tcp://127.0.0.1:7101"]).resolve(
            for: .union, environment: environment)
        #expect(named.endpoint == "tcp://127.0.0.1:7101" && named.key == "/keys/union-0001.key")
        var withVariable = environment
        withVariable["JIEKUN_PROFILE"] = "union"
        let fromVariable = try ServiceEndpoint.parse([]).resolve(for: .union, environment: withVariable)
        #expect(fromVariable.endpoint == "ipc:///tmp/union.requests")
        #expect(fromVariable.profileFile == config.appendingPathComponent("union.yaml").path)
        // --profile wins over JIEKUN_PROFILE.
        let explicit = try ServiceEndpoint.parse(["--profile", config.appendingPathComponent("profile.yaml").path])
            .resolve(for: .housing, environment: withVariable)
        #expect(explicit.endpoint == "tcp://10.53.1.5:7105")
        // Nothing at all: the error says every way to give the endpoint.
        #expect {
            try ServiceEndpoint.parse([]).resolve(
                for: .housing, environment: ["XDG_CONFIG_HOME": folder.path + "/none"])
        } throws: { error in
            "\(error)".contains("give --endpoint") && "\(error)".contains("JIEKUN_PROFILE")
        }
    }

    @Test(
        "A missing or wrong profile is refused naming the file and the key",
        arguments: [
            ("agency: housing\nagencies:\n  housing:\n    endpoint: 10.0.0.1:7105\n", "key agencies.housing.endpoint"),
            ("agencies:\n  housing-office:\n    endpoint: tcp://h:1\n", "key agencies.housing-office: not an agency"),
            ("agency: housing\nkey: keys/li.pub\n", "key key: keys/li.pub is a public key file"),
            ("endpoint: tcp://h:1\nserverKey: keys/missing.pub\n", "key serverKey: neither a CURVE public key"),
            ("endpoint: tcp://h:1\nport: 7105\n", "key port: unknown key"),
            ("- a list\n", "expected a mapping"),
        ])
    func refusesWrongProfiles(text: String, expected: String) throws {
        let folder = try Folder()
        defer { folder.remove() }
        let file = try folder.write(text)
        #expect {
            try StaffProfile(contentsOf: file, environment: [:])
        } throws: { error in
            "\(error)".hasPrefix("profile \(file)") && "\(error)".contains(expected)
        }
    }

    @Test("A command with a missing profile or a profile without the agency's endpoint: error naming the file, exit 78")
    func commandErrors() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let missing = folder.path + "/nowhere.yaml"
        let result = try CommandRunner.run("jiekun", ["report", "--profile", missing])
        #expect(result.status == 78, "\(result.error)")
        #expect(result.error == "error: report: profile \(missing): no such file (配置文件无法读取)\n", "\(result.error)")
        // No endpoint and no profile at all: exit 64, naming every way to give one.
        let none = try CommandRunner.run(
            "jiekun", ["report"], environment: ["HOME": folder.path, "XDG_CONFIG_HOME": folder.path + "/none"])
        #expect(none.status == 64)
        #expect(
            none.error.hasPrefix("error: report: give --endpoint (and --server-key, --key for CURVE), or a profile"))
        let file = try folder.write(Self.profileText(folder))
        let noUnion = try CommandRunner.run(
            "jiekun", ["search", "张"], environment: ["JIEKUN_PROFILE": file, "HOME": folder.path])
        #expect(noUnion.status == 78)
        #expect(
            noUnion.error.contains(
                "profile \(file) has no endpoint for union-registry: add agencies.union-registry.endpoint"),
            "\(noUnion.error)")
    }
}
