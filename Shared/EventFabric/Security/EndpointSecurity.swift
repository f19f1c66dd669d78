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
