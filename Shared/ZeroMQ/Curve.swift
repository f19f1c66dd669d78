import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A CURVE key pair (Curve25519), both keys as 40 characters of Z85.
///
/// Generate one with ``generate()``, or rebuild one from a stored secret key with ``init(secretKey:)``. The
/// ``description`` (and debug description, and mirror) never show the secret key, so a key pair may be logged.
public struct CurveKeyPair: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The length of a CURVE key in bytes.
    public static let binaryKeyLength = 32

    /// The length of a CURVE key in Z85 characters.
    public static let z85KeyLength = 40

    /// Whether `text` can be a CURVE key: 40 characters that Z85 decodes (to 32 bytes).
    public static func isZ85Key(_ text: String) -> Bool {
        text.utf8.count == z85KeyLength && (try? Z85.decode(text)) != nil
    }

    /// The public key, 40 Z85 characters; shared with peers.
    public let publicKey: String

    /// The secret key, 40 Z85 characters; never shown by ``description``.
    public let secretKey: String

    /// Creates a key pair from both keys, without checking that they match.
    ///
    /// - Parameters:
    ///   - publicKey: The public key in Z85.
    ///   - secretKey: The secret key in Z85.
    public init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Rebuilds a key pair from its secret key, deriving the public key (`zmq_curve_public`).
    ///
    /// - Parameter secretKey: The secret key in Z85.
    /// - Throws: ``ZMQError/invalidArgument`` unless the secret is 40 Z85 characters, ``ZMQError/notSupported``
    ///   if libzmq was built without CURVE.
    public init(secretKey: String) throws {
        self.init(publicKey: try Curve.publicKey(forSecretKey: secretKey), secretKey: secretKey)
    }

    /// Generates a new random key pair (`zmq_curve_keypair`).
    ///
    /// - Returns: The key pair.
    /// - Throws: ``ZMQError/notSupported`` if libzmq was built without CURVE.
    public static func generate() throws -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: z85KeyLength + 1)
        var secretKey = [CChar](repeating: 0, count: z85KeyLength + 1)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw ZMQError.last() }
        return CurveKeyPair(publicKey: Curve.string(publicKey), secretKey: Curve.string(secretKey))
    }

    /// The public key and a masked secret key.
    public var description: String {
        "CurveKeyPair(publicKey: \(publicKey), secretKey: <redacted>)"
    }

    /// The public key and a masked secret key, as ``description``.
    public var debugDescription: String {
        description
    }

    /// A mirror showing the public key only, so that `dump` does not print the secret either.
    public var customMirror: Mirror {
        Mirror(self, children: ["publicKey": publicKey, "secretKey": "<redacted>"])
    }
}

/// CURVE helpers of libzmq.
public enum Curve {
    /// Derives the public key of a secret key (`zmq_curve_public`).
    ///
    /// - Parameter secretKey: The secret key, 40 Z85 characters.
    /// - Returns: The public key, 40 Z85 characters.
    /// - Throws: ``ZMQError/invalidArgument`` unless the secret is 40 Z85 characters, ``ZMQError/notSupported``
    ///   if libzmq was built without CURVE.
    public static func publicKey(forSecretKey secretKey: String) throws -> String {
        guard CurveKeyPair.isZ85Key(secretKey) else {
            throw ZMQError(code: EINVAL, message: "a Z85 CURVE secret key has 40 valid Z85 characters")
        }
        var publicKey = [CChar](repeating: 0, count: CurveKeyPair.z85KeyLength + 1)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else { throw ZMQError.last() }
        return string(publicKey)
    }

    /// Reads a NUL-terminated C string.
    ///
    /// - Parameter characters: The characters, ending with a zero.
    /// - Returns: The text before the zero.
    static func string(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
