import Foundation
import HouseholdDomain
import Logging
import ServiceRuntime
import Testing

@Suite("Agency configuration: environment overrides and the command line")
struct EnvironmentOverrideTests {
    static let file = "/etc/jiekun/housing.yaml"

    static func load(_ environment: [String: String], yaml: String = ConfigurationValidationTests.base) throws
        -> AgencyConfiguration
    {
        try AgencyConfiguration.load(
            yaml: yaml, file: file, environment: environment, options: .init(readsSecretKey: false))
    }

    @Test(
        "Each overridable key path has its JIEKUN_ variable",
        arguments: [
            ("agency", "JIEKUN_AGENCY"), ("store", "JIEKUN_STORE"), ("policy", "JIEKUN_POLICY"),
            ("keys.secret", "JIEKUN_KEYS_SECRET"), ("decisionMode", "JIEKUN_DECISIONMODE"),
            ("insecure", "JIEKUN_INSECURE"), ("listen.replay", "JIEKUN_LISTEN_REPLAY"),
            ("listen.requests", "JIEKUN_LISTEN_REQUESTS"), ("listen.http", "JIEKUN_LISTEN_HTTP"),
            ("heartbeat.interval", "JIEKUN_HEARTBEAT_INTERVAL"),
            ("heartbeat.timeout", "JIEKUN_HEARTBEAT_TIMEOUT"), ("logLevel", "JIEKUN_LOGLEVEL"),
        ])
    func variableNames(keyPath: String, variable: String) {
        #expect(AgencyConfiguration.environmentVariable(for: keyPath) == variable)
        #expect(AgencyConfiguration.overridableKeyPaths.contains(keyPath))
    }

    @Test("Overrides replace the file's values")
    func overrides() throws {
        let configuration = try Self.load([
            "JIEKUN_STORE": "/srv/jiekun/housing.sqlite",
            "JIEKUN_DECISIONMODE": "auto",
            "JIEKUN_LOGLEVEL": "debug",
            "JIEKUN_LISTEN_REQUESTS": "tcp://10.0.0.5:7501",
            "JIEKUN_HEARTBEAT_INTERVAL": "250ms",
            "JIEKUN_HEARTBEAT_TIMEOUT": "2s",
            "JIEKUN_KEYS_SECRET": "/srv/keys/housing.key",
        ])
        #expect(configuration.store == "/srv/jiekun/housing.sqlite")
        #expect(configuration.decisionMode == .auto)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.listen.requests == "tcp://10.0.0.5:7501")
        #expect(configuration.heartbeat == .init(interval: .milliseconds(250), timeout: .seconds(2)))
        #expect(configuration.secretKeyFile == "/srv/keys/housing.key")
        #expect(configuration.warnings.allSatisfy { !$0.contains("JIEKUN_") })
    }

    @Test("JIEKUN_INSECURE=true turns CURVE off, with warnings")
    func insecure() throws {
        let configuration = try Self.load(["JIEKUN_INSECURE": "true"])
        #expect(configuration.insecure)
        #expect(configuration.warnings.contains { $0.hasPrefix("listen.requests: INSECURE") })
        #expect(configuration.warnings.contains { $0.contains("keys.secret is not used") })
    }

    @Test("A relative path from the environment is relative to the current directory, from the file to its folder")
    func relativePaths() throws {
        let fromFile = try Self.load(
            [:],
            yaml: ConfigurationValidationTests.base.replacingOccurrences(
                of: "store: /var/lib/jiekun/housing.sqlite", with: "store: data/housing.sqlite"))
        #expect(fromFile.store == "/etc/jiekun/data/housing.sqlite")
        let fromEnvironment = try Self.load(["JIEKUN_STORE": "data/housing.sqlite"])
        let expected = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("data/housing.sqlite").standardizedFileURL.path
        #expect(fromEnvironment.store == expected)
    }

    @Test("A key missing from the file can come from the environment")
    func missingKeyFromEnvironment() throws {
        let yaml = ConfigurationValidationTests.base.replacingOccurrences(
            of: "keys:\n  secret: /etc/jiekun/keys/housing.key\n", with: "")
        let configuration = try Self.load(["JIEKUN_KEYS_SECRET": "/etc/jiekun/keys/housing.key"], yaml: yaml)
        #expect(configuration.secretKeyFile == "/etc/jiekun/keys/housing.key")
    }

    @Test("An invalid override is reported with its variable")
    func invalidOverride() throws {
        let error = try #require(throws: AgencyConfigurationError.self) {
            try Self.load(["JIEKUN_DECISIONMODE": "sometimes", "JIEKUN_LISTEN_REPLAY": "tcp://0.0.0.0"])
        }
        #expect(error.keyPaths == ["decisionMode", "listen.replay"])
        #expect(error.issues.map(\.environmentVariable) == ["JIEKUN_DECISIONMODE", "JIEKUN_LISTEN_REPLAY"])
        #expect("\(error)".contains("  JIEKUN_DECISIONMODE (environment): decisionMode: \"sometimes\" is not"))
    }

    @Test("An unknown JIEKUN_ variable is ignored with a warning; other variables are not read")
    func unknownVariable() throws {
        let configuration = try Self.load(["JIEKUN_STOER": "/x.sqlite", "HOME": "/root"])
        #expect(configuration.store == "/var/lib/jiekun/housing.sqlite")
        #expect(configuration.warnings.contains { $0.hasPrefix("JIEKUN_STOER is not a configuration override") })
        #expect(!configuration.warnings.contains { $0.contains("HOME") })
    }

    @Test("--config FILE and --config=FILE name the file; anything else is refused")
    func commandLine() throws {
        let file = RuntimeTestKit.deployFolder.appendingPathComponent("local/housing.yaml").path
        for arguments in [["housing", "--config", file], ["housing", "--config=\(file)"]] {
            let configuration = try AgencyConfiguration.load(arguments: arguments, environment: [:])
            #expect(configuration.agency == .housing)
        }
        for arguments in [["housing"], ["housing", "--config"], ["housing", "--verbose", "--config", file]] {
            let error = try #require(throws: AgencyConfigurationError.self) {
                try AgencyConfiguration.load(arguments: arguments, environment: [:])
            }
            #expect("\(error)".contains("usage: housing --config FILE"))
        }
    }
}
