/// A security configuration the fabric refuses: an invalid key, a conflicting ZAP domain, plain TCP without the
/// `insecure` switch (DESIGN "Security").
///
/// Each error carries a stable ``code`` (for tests, logs and operators' runbooks) and a ``message`` meant for the
/// person who must fix the configuration. Messages never contain a secret key.
public struct FabricSecurityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code, such as `security.zap.conflicting_domain`.
    public let code: String

    /// What is wrong and how to fix it.
    public let message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: The explanation for the person fixing the configuration.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// `"<code>: <message>"`.
    public var description: String {
        "\(code): \(message)"
    }

    /// A ZAP domain that is empty or longer than libzmq's 255 bytes.
    static func invalidDomain(_ domain: String) -> FabricSecurityError {
        FabricSecurityError(
            code: "security.zap.invalid_domain",
            message: "a ZAP domain has 1 to 255 bytes of UTF-8, not \(domain.utf8.count) (\"\(domain.prefix(40))\")"
        )
    }

    /// An admitted public key that is not 40 Z85 characters.
    static func invalidPublicKey(fingerprint: String, domain: String) -> FabricSecurityError {
        FabricSecurityError(
            code: "security.zap.invalid_public_key",
            message: "the key \(fingerprint) admitted in ZAP domain \"\(domain)\" is not a CURVE public key "
                + "(40 Z85 characters)"
        )
    }

    /// An admitted peer name that is empty or too long to be a ZAP user id.
    static func invalidPeerName(fingerprint: String, domain: String) -> FabricSecurityError {
        FabricSecurityError(
            code: "security.zap.invalid_peer_name",
            message: "the key \(fingerprint) in ZAP domain \"\(domain)\" needs a peer name of 1 to 255 bytes"
        )
    }

    /// A domain registered again with another list of admitted keys.
    static func conflictingDomain(_ domain: String) -> FabricSecurityError {
        FabricSecurityError(
            code: "security.zap.conflicting_domain",
            message: "ZAP domain \"\(domain)\" is already registered with other admitted keys; give each endpoint "
                + "its own domain, or call ZAPAuthenticator.replaceAdmitted(_:for:) to rotate keys on purpose"
        )
    }

    /// An endpoint whose transport the fabric does not know.
    static func invalidEndpoint(_ endpoint: String) -> FabricSecurityError {
        FabricSecurityError(
            code: "security.endpoint.invalid",
            message: "\"\(endpoint)\" is not a ZeroMQ endpoint (transport://address)"
        )
    }

    /// A network endpoint configured without CURVE and without the insecure switch.
    static func plainNetworkEndpoint(_ endpoint: String) -> FabricSecurityError {
        FabricSecurityError(
            code: "security.endpoint.plain_network",
            message: "\(endpoint) is a network endpoint without CURVE; configure its keys, or set `insecure: true` "
                + "to run it unencrypted and unauthenticated (never in production)"
        )
    }
}
