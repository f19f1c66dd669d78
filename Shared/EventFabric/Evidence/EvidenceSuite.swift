import COpenSSL
import Crypto
import Foundation

/// The hash and signature algorithms of a store's evidence (its journal's hash chain, the signed heads of its
/// feeds), named in the store (`store_identity.evidence_suite`), in every signed head and in every evidence file.
///
/// - `ed25519-sha256` (the default): SHA-256 (FIPS 180-4) chains, Ed25519 (RFC 8032) signatures, by swift-crypto.
/// - `sm2-sm3`: SM3 (GB/T 32905-2016) chains, SM2 signatures (GB/T 32918.2-2016, with SM3 and the standard's
///   default identity `1234567812345678`), by the system's OpenSSL 3 libcrypto: what the commercial-cryptography
///   assessment (密评, GB/T 39786-2021) asks of a Chinese government system.
///
/// Both hashes are 32 bytes. Everything outside this type uses only ``hash(_:)``, ``SigningKey`` and
/// ``PublicSigningKey``, so a third suite is one more case here.
public enum EvidenceSuite: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// SHA-256 and Ed25519.
    case ed25519SHA256 = "ed25519-sha256"
    /// SM3 and SM2.
    case sm2SM3 = "sm2-sm3"

    /// The suite of a new store and of a new key when none is asked for.
    public static let standard = EvidenceSuite.ed25519SHA256

    /// The length of a hash, in bytes (both suites: 32).
    public static let hashLength = 32

    public var description: String { rawValue }

    /// A hash of `bytes` under the suite: SHA-256 or SM3.
    ///
    /// - Parameter bytes: The bytes.
    /// - Returns: 32 bytes.
    public func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = Hasher(suite: self)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// An incremental hash under a suite (the chain hashes several parts without copying them together).
    public struct Hasher {
        /// SHA-256's state, for `ed25519-sha256`.
        private var sha256: SHA256?
        /// SM3's input so far, for `sm2-sm3` (hashed at ``finalize()``; entries are at most 1 MiB).
        private var sm3Input: [UInt8]?

        /// Starts a hash.
        ///
        /// - Parameter suite: The suite whose hash to compute.
        public init(suite: EvidenceSuite) {
            switch suite {
            case .ed25519SHA256: sha256 = SHA256()
            case .sm2SM3: sm3Input = []
            }
        }

        /// Adds bytes.
        ///
        /// - Parameter bytes: The bytes.
        public mutating func update(_ bytes: some Collection<UInt8>) {
            if sha256 != nil {
                sha256!.update(data: Array(bytes))
            } else {
                sm3Input!.append(contentsOf: bytes)
            }
        }

        /// The hash of everything added.
        ///
        /// - Returns: 32 bytes.
        public func finalize() -> [UInt8] {
            if let sha256 { return Array(sha256.finalize()) }
            return OpenSSLSM.sm3(sm3Input ?? [])
        }
    }
}

/// A signing key of one agency instance (beside its CURVE key, made by `jiekun keys generate`): signs its feeds'
/// heads. Never logged; its file is mode 0600.
///
/// Text form (the key file): `SUITE:BASE64`, the secret being Ed25519's 32-byte seed or SM2's PKCS #8 DER.
public struct SigningKey: Sendable, Hashable {
    /// The suite the key signs under.
    public let suite: EvidenceSuite
    /// The secret bytes.
    private let secret: [UInt8]
    /// The public key.
    public let publicKey: PublicSigningKey

    /// Makes a new key.
    ///
    /// - Parameter suite: The suite.
    /// - Returns: The key.
    /// - Throws: ``EvidenceCryptoError`` when OpenSSL fails to make an SM2 key.
    public static func generate(_ suite: EvidenceSuite = .standard) throws -> SigningKey {
        switch suite {
        case .ed25519SHA256:
            return try SigningKey(suite: suite, secret: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
        case .sm2SM3:
            return try SigningKey(suite: suite, secret: OpenSSLSM.generateSM2())
        }
    }

    /// Reads a key from its secret bytes.
    ///
    /// - Parameters:
    ///   - suite: The suite.
    ///   - secret: The secret bytes.
    /// - Throws: ``EvidenceCryptoError/badKey`` when they are not a key of the suite.
    public init(suite: EvidenceSuite, secret: [UInt8]) throws {
        self.suite = suite
        self.secret = secret
        switch suite {
        case .ed25519SHA256:
            guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret) else {
                throw EvidenceCryptoError.badKey
            }
            publicKey = PublicSigningKey(suite: suite, bytes: Array(key.publicKey.rawRepresentation))
        case .sm2SM3:
            publicKey = PublicSigningKey(suite: suite, bytes: try OpenSSLSM.publicKey(ofPrivate: secret))
        }
    }

    /// Reads a key file's text (`SUITE:BASE64`).
    ///
    /// - Parameter text: The file's text; surrounding white space is ignored.
    /// - Throws: ``EvidenceCryptoError/badKey``.
    public init(text: String) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = text.firstIndex(of: ":"), let suite = EvidenceSuite(rawValue: String(text[..<colon])),
            let secret = Data(base64Encoded: String(text[text.index(after: colon)...]))
        else { throw EvidenceCryptoError.badKey }
        try self.init(suite: suite, secret: Array(secret))
    }

    /// The key file's text: `SUITE:BASE64` (secret: never print or log it).
    public var secretText: String { "\(suite.rawValue):\(Data(secret).base64EncodedString())" }

    /// Signs a message.
    ///
    /// - Parameter message: The bytes to sign.
    /// - Returns: The signature (Ed25519: 64 bytes; SM2: DER, about 71).
    /// - Throws: ``EvidenceCryptoError`` when the library fails.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch suite {
        case .ed25519SHA256:
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: secret)
            return Array(try key.signature(for: message))
        case .sm2SM3:
            return try OpenSSLSM.sign(message, privateKey: secret)
        }
    }
}

/// A public signing key, as listed in a configuration's `peers.signing` and carried in signed heads.
///
/// Text form: `SUITE:BASE64` (Ed25519: the 32-byte key; SM2: SubjectPublicKeyInfo DER).
public struct PublicSigningKey: Sendable, Hashable, CustomStringConvertible {
    /// The suite.
    public var suite: EvidenceSuite
    /// The key's bytes.
    public var bytes: [UInt8]

    /// Creates a public key.
    ///
    /// - Parameters:
    ///   - suite: The suite.
    ///   - bytes: The key's bytes.
    public init(suite: EvidenceSuite, bytes: [UInt8]) {
        self.suite = suite
        self.bytes = bytes
    }

    /// Parses the text form `SUITE:BASE64`.
    ///
    /// - Parameter text: The text; surrounding white space is ignored.
    public init?(text: String) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let colon = text.firstIndex(of: ":"), let suite = EvidenceSuite(rawValue: String(text[..<colon])),
            let bytes = Data(base64Encoded: String(text[text.index(after: colon)...])), !bytes.isEmpty
        else { return nil }
        self.init(suite: suite, bytes: Array(bytes))
    }

    /// The text form: `SUITE:BASE64`.
    public var description: String { "\(suite.rawValue):\(Data(bytes).base64EncodedString())" }

    /// Whether `signature` is this key's over `message`.
    ///
    /// - Parameters:
    ///   - signature: The signature.
    ///   - message: The signed bytes.
    /// - Returns: `true` only for a valid signature.
    public func isValidSignature(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        switch suite {
        case .ed25519SHA256:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else { return false }
            return key.isValidSignature(signature, for: message)
        case .sm2SM3:
            return OpenSSLSM.verify(signature, of: message, publicKey: bytes)
        }
    }
}

/// A failure of the evidence cryptography.
public enum EvidenceCryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The bytes or text are not a key of the suite named.
    case badKey
    /// OpenSSL failed; carries the step and OpenSSL's message.
    case openSSL(String)

    public var description: String {
        switch self {
        case .badKey: "not a signing key (expected SUITE:BASE64 as `jiekun keys generate` writes it)"
        case .openSSL(let message): "OpenSSL: \(message)"
        }
    }
}

/// SM2 and SM3 through OpenSSL 3's EVP interface.
enum OpenSSLSM {
    /// The SM2 identity (GB/T 32918.2 `ID_A`) both signer and verifier use: the standard's default.
    static let identity: [UInt8] = Array("1234567812345678".utf8)

    /// The last OpenSSL error as an ``EvidenceCryptoError``.
    ///
    /// - Parameter step: What was being done.
    /// - Returns: The error.
    static func failure(_ step: String) -> EvidenceCryptoError {
        let code = ERR_get_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return .openSSL("\(step): \(message)")
    }

    /// SM3 of `bytes` (GB/T 32905).
    ///
    /// - Parameter bytes: The message.
    /// - Returns: 32 bytes.
    static func sm3(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = bytes.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &digest, &length, EVP_sm3(), nil)
        }
        precondition(done == 1 && length == 32, "OpenSSL's SM3 is unavailable")
        return Array(digest.prefix(Int(length)))
    }

    /// A new SM2 private key, as PKCS #8 DER.
    ///
    /// - Returns: The DER.
    /// - Throws: ``EvidenceCryptoError/openSSL(_:)``.
    static func generateSM2() throws -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "SM2", nil) else { throw failure("SM2 context") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_generate(context, &key) == 1, let key else {
            throw failure("SM2 key generation")
        }
        defer { EVP_PKEY_free(key) }
        return try der { i2d_PrivateKey(key, $0) }
    }

    /// Encodes with an OpenSSL `i2d_` function.
    ///
    /// - Parameter encode: Calls the function with the output pointer (`nil`: the length only).
    /// - Returns: The DER.
    /// - Throws: ``EvidenceCryptoError/openSSL(_:)``.
    private static func der(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) throws
        -> [UInt8]
    {
        let length = encode(nil)
        guard length > 0 else { throw failure("DER encoding") }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return encode(&cursor)
        }
        guard written == length else { throw failure("DER encoding") }
        return bytes
    }

    /// Reads a private key (PKCS #8 or SEC 1 DER) as an SM2 key.
    ///
    /// - Parameter der: The DER.
    /// - Returns: The key; the caller frees it.
    /// - Throws: ``EvidenceCryptoError/badKey``.
    private static func privateKey(_ der: [UInt8]) throws -> OpaquePointer {
        let key = der.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let key else { throw EvidenceCryptoError.badKey }
        guard EVP_PKEY_is_a(key, "SM2") == 1 else {
            EVP_PKEY_free(key)
            throw EvidenceCryptoError.badKey
        }
        return key
    }

    /// The SubjectPublicKeyInfo DER of an SM2 private key.
    ///
    /// - Parameter secret: The private key's DER.
    /// - Returns: The public key's DER.
    /// - Throws: ``EvidenceCryptoError``.
    static func publicKey(ofPrivate secret: [UInt8]) throws -> [UInt8] {
        let key = try privateKey(secret)
        defer { EVP_PKEY_free(key) }
        return try der { i2d_PUBKEY(key, $0) }
    }

    /// Runs a digest-sign or digest-verify with SM3 and the SM2 identity.
    ///
    /// - Parameters:
    ///   - key: The key.
    ///   - verifying: Whether to verify (else sign).
    ///   - body: Given the message-digest context, set up; returns whether it succeeded.
    /// - Returns: What `body` returned, `false` if the set-up failed.
    private static func withSM2Context(_ key: OpaquePointer, verifying: Bool, _ body: (OpaquePointer) -> Bool) -> Bool {
        guard let digest = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(digest) }
        guard let context = EVP_PKEY_CTX_new(key, nil) else { return false }
        let identitySet = identity.withUnsafeBytes {
            EVP_PKEY_CTX_set1_id(context, $0.baseAddress, Int32($0.count))
        }
        guard identitySet > 0 else {
            EVP_PKEY_CTX_free(context)
            return false
        }
        // The message-digest context uses the key context but leaves freeing it to its owner (OpenSSL sets
        // EVP_MD_CTX_FLAG_KEEP_PKEY_CTX).
        EVP_MD_CTX_set_pkey_ctx(digest, context)
        defer { EVP_PKEY_CTX_free(context) }
        let initialised =
            verifying
            ? EVP_DigestVerifyInit(digest, nil, EVP_sm3(), nil, key)
            : EVP_DigestSignInit(digest, nil, EVP_sm3(), nil, key)
        guard initialised == 1 else { return false }
        return body(digest)
    }

    /// An SM2 signature (DER) of `message` with SM3 and the standard identity.
    ///
    /// - Parameters:
    ///   - message: The message.
    ///   - secret: The private key's DER.
    /// - Returns: The signature.
    /// - Throws: ``EvidenceCryptoError``.
    static func sign(_ message: [UInt8], privateKey secret: [UInt8]) throws -> [UInt8] {
        let key = try privateKey(secret)
        defer { EVP_PKEY_free(key) }
        var signature = [UInt8](repeating: 0, count: 80)
        var length = signature.count
        let signed = withSM2Context(key, verifying: false) { digest in
            message.withUnsafeBufferPointer { input in
                EVP_DigestSign(digest, &signature, &length, input.baseAddress, input.count) == 1
            }
        }
        guard signed else { throw failure("SM2 signature") }
        return Array(signature.prefix(length))
    }

    /// Whether `signature` is a valid SM2 signature of an already computed digest `e` (the primitive of
    /// GB/T 32918.2 §7 without the `Z_A` step): checks the primitive against OpenSSL's published test vectors.
    ///
    /// - Parameters:
    ///   - signature: The DER signature.
    ///   - digest: The 32-byte digest signed.
    ///   - publicKey: The public key's DER.
    /// - Returns: Whether it is valid.
    static func verify(_ signature: [UInt8], ofDigest digest: [UInt8], publicKey: [UInt8]) -> Bool {
        let key = publicKey.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_PKEY_CTX_new(key, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify_init(context) == 1, EVP_PKEY_CTX_set_signature_md(context, EVP_sm3()) == 1 else {
            return false
        }
        let valid = EVP_PKEY_verify(context, signature, signature.count, digest, digest.count) == 1
        ERR_clear_error()
        return valid
    }

    /// Whether `signature` is a valid SM2 signature of `message` by the key `publicKey` (SubjectPublicKeyInfo DER).
    ///
    /// - Parameters:
    ///   - signature: The DER signature.
    ///   - message: The message.
    ///   - publicKey: The public key's DER.
    /// - Returns: Whether it is valid.
    static func verify(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        let key = publicKey.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else { return false }
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_is_a(key, "SM2") == 1 else { return false }
        let valid = withSM2Context(key, verifying: true) { digest in
            signature.withUnsafeBufferPointer { signatureBytes in
                message.withUnsafeBufferPointer { input in
                    EVP_DigestVerify(
                        digest, signatureBytes.baseAddress, signatureBytes.count, input.baseAddress, input.count) == 1
                }
            }
        }
        ERR_clear_error()
        return valid
    }
}
