import ZeroMQ

/// How one ZeroMQ endpoint is secured (DESIGN "Security").
///
/// Every TCP endpoint uses CURVE; the bound side is the CURVE server and a ZAP handler of our own admits only the
/// public keys listed for its domain. `plain` is for `inproc://` and `ipc://` endpoints in tests, or TCP when the
/// configuration says `insecure: true` in words (the service then warns at start).
public enum EndpointSecurity: Sendable, Hashable {
    /// CURVE server (a bound socket): this side's key pair, the ZAP domain of the endpoint, and the clients
    /// admitted, public key (40 Z85 characters) → peer name (the ZAP user id handlers see, e.g. `housing`).
    case curveServer(keyPair: CurveKeyPair, domain: String, admitted: [String: String])
    /// CURVE client (a connecting socket): this side's key pair and the server's public key (Z85).
    case curveClient(keyPair: CurveKeyPair, serverPublicKey: String)
    /// No encryption and no authentication.
    case plain
}

extension EndpointSecurity {
    /// The transports that carry traffic between hosts, where `.plain` would be unencrypted and unauthenticated.
    static let networkTransports: Set<String> = ["tcp", "ws", "wss", "pgm", "epgm", "norm", "tipc", "udp", "vmci"]

    /// The transports that stay on this host (`inproc://` within the process, `ipc://` a local socket file).
    static let localTransports: Set<String> = ["inproc", "ipc"]

    /// Checks that this security suits `endpoint`, as a service does for each endpoint of its configuration
    /// before binding or connecting.
    ///
    /// - `.plain` on a network transport (`tcp://`, …) is refused unless `insecure` is `true`, in which case the
    ///   returned warning must be logged at start (DESIGN "Security": plain TCP only when the configuration says
    ///   `insecure: true`).
    /// - `.curveServer` on `inproc://` is accepted with a warning: libzmq applies no security mechanism there.
    /// - `.curveServer` admitting no key is accepted with a warning: every client will be refused.
    ///
    /// - Parameters:
    ///   - endpoint: `transport://address`, such as `tcp://0.0.0.0:7101`.
    ///   - insecure: The configuration's explicit switch allowing plain network endpoints.
    /// - Returns: A warning to log at start, or `nil` when the pair is secure as configured.
    /// - Throws: ``FabricSecurityError`` `security.endpoint.invalid` for an endpoint without a known transport,
    ///   `security.endpoint.plain_network` for plain network traffic without `insecure`,
    ///   `security.zap.invalid_domain` for a CURVE server without a valid ZAP domain.
    public func validate(endpoint: String, insecure: Bool) throws -> String? {
        guard let separator = endpoint.firstRange(of: "://"), !endpoint[separator.upperBound...].isEmpty else {
            throw FabricSecurityError.invalidEndpoint(endpoint)
        }
        let transport = endpoint[..<separator.lowerBound].lowercased()
        let isNetwork = Self.networkTransports.contains(transport)
        guard isNetwork || Self.localTransports.contains(transport) else {
            throw FabricSecurityError.invalidEndpoint(endpoint)
        }
        switch self {
        case .plain:
            guard isNetwork else { return nil }
            guard insecure else { throw FabricSecurityError.plainNetworkEndpoint(endpoint) }
            return "INSECURE: \(endpoint) runs without CURVE (no encryption, no authentication) because the "
                + "configuration says `insecure: true`; never do this in production"
        case .curveServer(_, let domain, let admitted):
            guard (1...255).contains(domain.utf8.count) else { throw FabricSecurityError.invalidDomain(domain) }
            if transport == "inproc" {
                return "\(endpoint): CURVE has no effect on inproc:// endpoints"
            }
            if admitted.isEmpty {
                return "\(endpoint) admits no CURVE key in ZAP domain \"\(domain)\": every client will be refused"
            }
            return nil
        case .curveClient:
            return transport == "inproc" ? "\(endpoint): CURVE has no effect on inproc:// endpoints" : nil
        }
    }
}
