import AgencyDesks
import ArgumentParser
import EventFabric
import Foundation
import HouseholdDomain
import Logging
import ServiceRuntime
import ZeroMQ

/// The options of every command that talks to a running service: its request endpoint and, for CURVE, the
/// server's public key and the operator's secret key file — given as options, or read from a profile
/// (``StaffProfile``: `--profile`, else `JIEKUN_PROFILE`, else the default file when `--endpoint` is not given).
/// An option given overrides the profile's value.
struct ServiceEndpoint: ParsableArguments {
    @Option(
        help: """
            The service's request endpoint, such as tcp://127.0.0.1:7101 (default: the profile's for the agency \
            addressed).
            """)
    var endpoint: String?

    @Option(
        help: """
            The service's CURVE public key (40 Z85 characters); with --key, the request uses CURVE. Write \
            --server-key=KEY: a key may start with '-'.
            """)
    var serverKey: String?

    @Option(
        help:
            "Your secret key file: a staff member's (jiekun staff add) or an operator's (jiekun keys generate); with --server-key."
    )
    var key: String?

    @Option(
        help: """
            A profile (配置): a NAME (~/.config/jiekun/NAME.yaml) or a FILE holding the endpoint, server key and key \
            file per agency (default: $JIEKUN_PROFILE, else ~/.config/jiekun/profile.yaml when --endpoint is not \
            given).
            """)
    var profile: String?

    @Option(help: "Seconds to wait for each attempt's reply.")
    var timeout: Int = 30

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
        if let key, key.hasSuffix(".pub") {
            throw ValidationError(
                "--key \(key) is a public key file: give your secret key file (the .key file that jiekun keys "
                    + "generate made next to it)")
        }
        if let endpoint, !["tcp://", "ipc://"].contains(where: endpoint.hasPrefix) {
            throw ValidationError(
                "--endpoint \(endpoint) needs its transport, such as tcp://127.0.0.1:7101 (host and port after tcp://)")
        }
        if let serverKey, !CurveKeyPair.isZ85Key(serverKey) {
            throw ValidationError(
                "--server-key must be a CURVE public key: 40 Z85 characters (the agency's .pub file), not "
                    + "\(serverKey.utf8.count) characters")
        }
    }

    /// The connection a request uses: the options given, the profile filling what they leave out.
    struct Resolved: Equatable {
        /// The request endpoint.
        var endpoint: String
        /// The server's public key, for CURVE.
        var serverKey: String?
        /// The secret key file, for CURVE.
        var key: String?
        /// The profile read, if any.
        var profileFile: String?
    }

    /// The profile in force: `--profile`, else `JIEKUN_PROFILE`, else the default file when it exists and no
    /// `--endpoint` was given.
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The profile, or `nil` when none applies.
    /// - Throws: ``StaffProfile/Failure`` when the profile named cannot be used.
    func loadProfile(environment: [String: String]) throws(StaffProfile.Failure) -> StaffProfile? {
        if let named = profile ?? environment[StaffProfile.environmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            return try StaffProfile(
                contentsOf: StaffProfile.file(named: named, environment: environment), environment: environment)
        }
        let file = StaffProfile.defaultFile(environment: environment)
        guard endpoint == nil, FileManager.default.fileExists(atPath: file) else { return nil }
        return try StaffProfile(contentsOf: file, environment: environment)
    }

    /// The connection to `agency`: each option given, else the profile's value.
    ///
    /// - Parameters:
    ///   - agency: The agency the command addresses, or `nil` for the profile's own agency.
    ///   - environment: The process environment.
    /// - Returns: The connection.
    /// - Throws: ``StaffProfile/Failure`` or `ValidationError` naming what is missing or wrong.
    func resolve(
        for agency: Agency?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Resolved {
        let profile = try loadProfile(environment: environment)
        let stored = profile?.connection(to: agency) ?? StaffProfile.Connection()
        let whom = (agency ?? profile?.agency).map { " for \($0.rawValue)" } ?? ""
        guard let endpoint = endpoint ?? stored.endpoint else {
            if let profile {
                throw StaffProfile.Failure(
                    description:
                        "profile \(profile.file) has no endpoint\(whom): add agencies.\((agency ?? profile.agency)?.rawValue ?? "AGENCY").endpoint "
                        + "(or endpoint), or give --endpoint")
            }
            throw ValidationError(
                "give --endpoint (and --server-key, --key for CURVE), or a profile: --profile NAME|FILE, "
                    + "\(StaffProfile.environmentVariable), or \(StaffProfile.defaultFile(environment: environment)) "
                    + "(docs/OPERATIONS.md, \"Profiles\")")
        }
        let resolved = Resolved(
            endpoint: endpoint, serverKey: serverKey ?? stored.serverKey, key: key ?? stored.key,
            profileFile: profile?.file)
        guard (resolved.serverKey == nil) == (resolved.key == nil) else {
            let missing =
                resolved.serverKey == nil ? "the server key (--server-key, serverKey)" : "your key (--key, key)"
            let source = profile.map { " (profile \($0.file)\(whom))" } ?? ""
            throw ValidationError(
                "--server-key and --key go together (CURVE), or neither (plain, local stack only): \(missing) is "
                    + "missing\(source)")
        }
        return resolved
    }

    /// Sends one request and returns the body of an `ok` reply; prints the reason and exits 1 otherwise.
    ///
    /// - Parameters:
    ///   - operation: The operation.
    ///   - body: Its JSON body.
    ///   - command: The command's name, for messages.
    ///   - agency: The agency addressed (its connection in the profile), or `nil` for the profile's own agency.
    /// - Returns: The reply's body.
    func request(_ operation: String, body: [UInt8] = [], command: String, at agency: Agency? = nil) throws -> [UInt8] {
        let connection: Resolved
        do {
            connection = try resolve(for: agency)
        } catch let failure as StaffProfile.Failure {
            Terminal.error("\(command): \(failure)")
            throw ExitCode(78)
        } catch let invalid as ValidationError {
            Terminal.error("\(command): \(invalid.message)")
            throw ExitCode(64)
        }
        let logger = Logger(label: "jiekun.cli") { _ in
            var handler = StreamLogHandler.standardError(label: "jiekun")
            handler.logLevel = .warning
            return handler
        }
        let reply: ServiceReply
        do {
            let security: EndpointSecurity
            if let serverKey = connection.serverKey, let key = connection.key {
                security = .curveClient(keyPair: try SecretKeyFile.read(path: key), serverPublicKey: serverKey)
            } else {
                security = .plain
            }
            let fabric = try FabricContext(logger: logger)
            defer { fabric.shutdown() }
            let client = try RequestClient(
                fabric: fabric, endpoint: connection.endpoint, security: security,
                options: .init(timeout: .seconds(timeout), retries: 2, retriesUnconnected: false), logger: logger)
            defer { client.close() }
            reply = try client.request(operation, body: body)
        } catch let error as RequestHandshakeError {
            Terminal.error("\(command): \(error)\(hint(for: error, usingKeys: connection.serverKey != nil))")
            throw ExitCode(2)
        } catch {
            Terminal.error("\(command): \(error)")
            throw ExitCode(2)
        }
        guard reply.status == .ok else {
            let reason =
                (try? MessageCoding.decode(ErrorReply.self, from: reply.body).reason)
                ?? String(decoding: reply.body, as: UTF8.self)
            let hint =
                reason == "unknown operation"
                ? " (this service does not take \(operation): is --endpoint the right agency's request endpoint?)" : ""
            Terminal.error("\(command): \(reply.status.rawValue): \(reason)\(hint)")
            throw ExitCode(1)
        }
        return reply.body
    }

    /// What the operator can do about a refused handshake, in this command's options.
    ///
    /// - Parameters:
    ///   - error: The refusal.
    ///   - usingKeys: Whether the request used CURVE.
    /// - Returns: The hint, starting with `; `.
    func hint(for error: RequestHandshakeError, usingKeys: Bool) -> String {
        switch error.reason {
        case .mechanismMismatch where !usingKeys:
            "; this command used no keys: give --server-key (the agency's .pub file) and --key (your secret key "
                + "file, from jiekun staff add or jiekun keys generate), or a profile holding them (--profile)"
        case .mechanismMismatch:
            "; this command used CURVE: leave out --server-key and --key for a plain local stack"
        case .refused:
            "; the agency admits its enabled staff (jiekun staff add, on the agency's host) and the operators listed "
                + "under peers.operators (docs/OPERATIONS.md) on its request endpoint only: is --endpoint that one?"
        case .protocolError, .closed:
            "; check that --server-key is this agency's public key (its .pub file) and --endpoint its request "
                + "endpoint"
        }
    }
}
