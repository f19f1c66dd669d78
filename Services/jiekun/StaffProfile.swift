import ArgumentParser
import Foundation
import HouseholdDomain
import Yams

/// A staff member's connection profile: for each agency they work with, its request endpoint, its CURVE public key
/// and the member's secret key file, so that commands need no connection options (`jiekun decide M approve`).
///
/// A profile is a YAML file (docs/OPERATIONS.md, "Profiles"):
///
/// ```yaml
/// agency: housing                 # the agency a command addresses when nothing else names one
/// key: keys/housing-0003.key      # the secret key file used wherever an agency names none
/// agencies:
///   housing:
///     endpoint: tcp://10.53.1.5:7105
///     serverKey: keys/housing.pub # the agency's public key: 40 Z85 characters or its .pub file
///   coordinator:
///     endpoint: tcp://10.53.1.9:7107
///     serverKey: "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
///     key: keys/coordinator-0002.key
/// ```
///
/// A profile with a single agency may put `endpoint`, `serverKey` and `key` at the top level instead of under
/// `agencies`. Relative paths are relative to the profile's folder; `~/` is the home folder.
struct StaffProfile: Equatable {
    /// How to reach one agency.
    struct Connection: Equatable {
        /// The request endpoint, such as `tcp://127.0.0.1:7101`.
        var endpoint: String?
        /// The agency's CURVE public key (40 Z85 characters), read from its `.pub` file when the profile names one.
        var serverKey: String?
        /// The secret key file, as an absolute path.
        var key: String?
    }

    /// The file the profile was read from, for messages.
    var file: String
    /// The agency a command addresses when neither its options nor its arguments name one.
    var agency: Agency?
    /// The top-level connection: used for an agency the profile does not list (and, for `key`, for every agency
    /// that names no key of its own).
    var fallback: Connection
    /// The connection per agency.
    var agencies: [Agency: Connection]

    /// The environment variable naming a profile (a name or a file), read when `--profile` is not given.
    static let environmentVariable = "JIEKUN_PROFILE"

    /// A profile that could not be used: the file and, when it is one key's fault, the key.
    struct Failure: Error, CustomStringConvertible {
        /// What is wrong, naming the file and the key.
        var description: String
    }

    /// The folder named profiles live in: `$XDG_CONFIG_HOME/jiekun`, else `~/.config/jiekun`.
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The folder's path.
    static func folder(environment: [String: String]) -> String {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return config + "/jiekun" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/jiekun"
    }

    /// The default profile file, read when neither `--profile` nor ``environmentVariable`` names one and the
    /// command gives no `--endpoint`: `<folder>/profile.yaml`.
    static func defaultFile(environment: [String: String]) -> String {
        folder(environment: environment) + "/profile.yaml"
    }

    /// The file a profile name or path stands for: a value with a `/` or ending in `.yaml`/`.yml` is a file;
    /// otherwise it names `<folder>/NAME.yaml`.
    ///
    /// - Parameters:
    ///   - nameOrFile: What `--profile` or ``environmentVariable`` says.
    ///   - environment: The process environment.
    /// - Returns: The file's path.
    static func file(named nameOrFile: String, environment: [String: String]) -> String {
        if nameOrFile.contains("/") || nameOrFile.hasSuffix(".yaml") || nameOrFile.hasSuffix(".yml") {
            return expand(nameOrFile, relativeTo: FileManager.default.currentDirectoryPath, environment: environment)
        }
        return folder(environment: environment) + "/\(nameOrFile).yaml"
    }

    /// A path with `~/` expanded and a relative path resolved against `folder`.
    static func expand(_ path: String, relativeTo folder: String, environment: [String: String]) -> String {
        if path.hasPrefix("~/") {
            return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst(1)
        }
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: folder).appendingPathComponent(path).standardizedFileURL.path
    }

    /// Reads a profile.
    ///
    /// - Parameters:
    ///   - file: The profile's path.
    ///   - environment: The process environment (for `~` and the home folder).
    /// - Throws: ``Failure`` naming the file (and the key) when it cannot be read, is not YAML, or a value is wrong.
    init(contentsOf file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Failure) {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: file) ? "it cannot be read as UTF-8 text" : "no such file"
            throw Failure(description: "profile \(file): \(reason) (配置文件无法读取)")
        }
        try self.init(yaml: text, file: file, environment: environment)
    }

    /// Reads a profile's text.
    ///
    /// - Parameters:
    ///   - yaml: The YAML text.
    ///   - file: Its path: relative paths inside are resolved against its folder; named in messages.
    ///   - environment: The process environment.
    /// - Throws: ``Failure`` naming the file and the key.
    init(yaml: String, file: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(Failure)
    {
        self.file = file
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw Failure(description: "profile \(file): not YAML (\(error))")
        }
        guard let mapping = root?.mapping else {
            throw Failure(description: "profile \(file): expected a mapping of keys (agency, key, agencies, …)")
        }
        func fail(_ key: String, _ message: String) -> Failure {
            Failure(description: "profile \(file), key \(key): \(message)")
        }
        func text(_ node: Node?, _ key: String) throws(Failure) -> String? {
            guard let node else { return nil }
            guard let scalar = node.scalar, !scalar.string.isEmpty else {
                throw fail(key, "expected text")
            }
            return scalar.string
        }
        func connection(_ mapping: Node.Mapping, prefix: String) throws(Failure) -> Connection {
            let known: Set<String> = ["endpoint", "serverKey", "key"]
            for (key, _) in mapping {
                guard let name = key.string, known.contains(name) || prefix.isEmpty else {
                    throw fail(prefix + (key.string ?? "?"), "unknown key (known: endpoint, serverKey, key)")
                }
            }
            var connection = Connection()
            if let endpoint = try text(mapping["endpoint"], prefix + "endpoint") {
                guard ["tcp://", "ipc://"].contains(where: endpoint.hasPrefix) else {
                    throw fail(prefix + "endpoint", "\(endpoint) needs its transport, such as tcp://127.0.0.1:7101")
                }
                connection.endpoint = endpoint
            }
            if let serverKey = try text(mapping["serverKey"], prefix + "serverKey") {
                connection.serverKey = try Self.serverKey(
                    serverKey, folder: folder, environment: environment,
                    fail: { message in fail(prefix + "serverKey", message) })
            }
            if let key = try text(mapping["key"], prefix + "key") {
                guard !key.hasSuffix(".pub") else {
                    throw fail(prefix + "key", "\(key) is a public key file: give the secret key file (.key)")
                }
                connection.key = Self.expand(key, relativeTo: folder, environment: environment)
            }
            return connection
        }
        let topLevel: Set<String> = ["agency", "agencies", "endpoint", "serverKey", "key"]
        for (key, _) in mapping where !topLevel.contains(key.string ?? "") {
            throw fail(
                key.string ?? "?", "unknown key (known: agency, key, endpoint, serverKey, agencies)")
        }
        if let name = try text(mapping["agency"], "agency") {
            guard let agency = Agency(rawValue: name) else {
                throw fail(
                    "agency", "\(name) is not an agency (\(Agency.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.agency = agency
        } else {
            agency = nil
        }
        var top = mapping
        top["agencies"] = nil
        top["agency"] = nil
        fallback = try connection(top, prefix: "")
        agencies = [:]
        if let node = mapping["agencies"] {
            guard let list = node.mapping else { throw fail("agencies", "expected a mapping of agency names") }
            for (key, value) in list {
                let name = key.string ?? "?"
                guard let agency = Agency(rawValue: name) else {
                    throw fail(
                        "agencies.\(name)", "not an agency (\(Agency.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                guard let entry = value.mapping else {
                    throw fail("agencies.\(name)", "expected a mapping with endpoint, serverKey, key")
                }
                agencies[agency] = try connection(entry, prefix: "agencies.\(name).")
            }
        }
    }

    /// A server key as the profile gives it: 40 Z85 characters, or the path of the agency's `.pub` file.
    private static func serverKey(
        _ value: String, folder: String, environment: [String: String], fail: (String) -> Failure
    ) throws(Failure) -> String {
        if value.utf8.count == 40 && !value.hasSuffix(".pub") { return value }
        let path = expand(value, relativeTo: folder, environment: environment)
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw fail(
                "neither a CURVE public key (40 Z85 characters) nor a readable .pub file (\(path))")
        }
        let key = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        guard key.utf8.count == 40 else {
            throw fail("\(path) does not hold a CURVE public key (40 Z85 characters)")
        }
        return key
    }

    /// The connection to `agency`: its own entry, with the top-level values filling what it leaves out.
    ///
    /// - Parameter agency: The agency addressed, or `nil` for ``agency`` (else the top level).
    /// - Returns: The connection, fields `nil` where the profile says nothing.
    func connection(to agency: Agency?) -> Connection {
        guard let agency = agency ?? self.agency, let entry = agencies[agency] else {
            return fallback
        }
        return Connection(
            endpoint: entry.endpoint ?? fallback.endpoint, serverKey: entry.serverKey ?? fallback.serverKey,
            key: entry.key ?? fallback.key)
    }
}

extension StaffProfile {
    /// The YAML of a profile listing each agency's connection (what `jiekun demo --keep-running` writes for its
    /// simulated staff).
    ///
    /// - Parameters:
    ///   - agency: The agency commands address when nothing names one.
    ///   - connections: Each agency's endpoint, server key and key file.
    /// - Returns: The text.
    static func yaml(agency: Agency, connections: [(Agency, Connection)]) -> String {
        var text = "agency: \(agency.rawValue)\nagencies:\n"
        for (agency, connection) in connections {
            text += "  \(agency.rawValue):\n"
            if let endpoint = connection.endpoint { text += "    endpoint: \(endpoint)\n" }
            if let serverKey = connection.serverKey { text += "    serverKey: \"\(serverKey)\"\n" }
            if let key = connection.key { text += "    key: \(key)\n" }
        }
        return text
    }
}

extension Agency {
    /// The agency an `--agency` option names, `nil` when none is given.
    ///
    /// - Parameter name: What was typed: an agency's name (`housing`, `union-registry`, `union`).
    /// - Returns: The agency, or `nil` for `nil`.
    /// - Throws: `ValidationError` listing the agencies.
    static func named(_ name: String?) throws -> Agency? {
        guard let name else { return nil }
        if name == "union" { return .union }
        guard let agency = Agency(rawValue: name) else {
            throw ValidationError(
                "--agency must be one of \(Agency.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
        }
        return agency
    }
}
