import AgencyDesks
import ArgumentParser
import EventFabric
import Foundation
import Logging
import ServiceRuntime
import ZeroMQ

/// The options of every command that talks to a running service: its request endpoint and, for CURVE, the
/// server's public key and the operator's secret key file.
struct ServiceEndpoint: ParsableArguments {
    @Option(help: "The service's request endpoint, such as tcp://127.0.0.1:7101.")
    var endpoint: String

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

    @Option(help: "Seconds to wait for each attempt's reply.")
    var timeout: Int = 30

    func validate() throws {
        guard (serverKey == nil) == (key == nil) else {
            throw ValidationError("--server-key and --key go together (CURVE), or neither (plain, local stack only)")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1 second") }
        if let key, key.hasSuffix(".pub") {
            throw ValidationError(
                "--key \(key) is a public key file: give your secret key file (the .key file that jiekun keys "
                    + "generate made next to it)")
        }
        guard ["tcp://", "ipc://"].contains(where: endpoint.hasPrefix) else {
            throw ValidationError(
                "--endpoint \(endpoint) needs its transport, such as tcp://127.0.0.1:7101 (host and port after tcp://)")
        }
        if let serverKey, !CurveKeyPair.isZ85Key(serverKey) {
            throw ValidationError(
                "--server-key must be a CURVE public key: 40 Z85 characters (the agency's .pub file), not "
                    + "\(serverKey.utf8.count) characters")
        }
    }

    /// Sends one request and returns the body of an `ok` reply; prints the reason and exits 1 otherwise.
    ///
    /// - Parameters:
    ///   - operation: The operation.
    ///   - body: Its JSON body.
    ///   - command: The command's name, for messages.
    /// - Returns: The reply's body.
    func request(_ operation: String, body: [UInt8] = [], command: String) throws -> [UInt8] {
        let logger = Logger(label: "jiekun.cli") { _ in
            var handler = StreamLogHandler.standardError(label: "jiekun")
            handler.logLevel = .warning
            return handler
        }
        let reply: ServiceReply
        do {
            let security: EndpointSecurity
            if let serverKey, let key {
                security = .curveClient(keyPair: try SecretKeyFile.read(path: key), serverPublicKey: serverKey)
            } else {
                security = .plain
            }
            let fabric = try FabricContext(logger: logger)
            defer { fabric.shutdown() }
            let client = try RequestClient(
                fabric: fabric, endpoint: endpoint, security: security,
                options: .init(timeout: .seconds(timeout), retries: 2, retriesUnconnected: false), logger: logger)
            defer { client.close() }
            reply = try client.request(operation, body: body)
        } catch let error as RequestHandshakeError {
            Terminal.error("\(command): \(error)\(hint(for: error))")
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
    /// - Parameter error: The refusal.
    /// - Returns: The hint, starting with `; `.
    func hint(for error: RequestHandshakeError) -> String {
        switch error.reason {
        case .mechanismMismatch where serverKey == nil:
            "; this command used no keys: give --server-key (the agency's .pub file) and --key (your secret key "
                + "file, from jiekun keys generate)"
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
