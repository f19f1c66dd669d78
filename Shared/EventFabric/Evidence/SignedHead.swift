import Foundation

/// A publisher's signed statement of where one of its feeds stands: "feed F of publisher P, incarnation I, ends at
/// sequence N whose chain hash is H, at time T", signed with its signing key.
///
/// Publishers sign their heads in every heartbeat (``ReplayProtocol``); subscribers check them against the
/// publisher's known key and keep those they received (`signed_heads`); `jiekun verify` checks a journal against
/// them offline. One head vouches for every entry up to N through the chain (``JournalChain``).
///
/// The signed bytes (version `jiekun.head.1`), lines joined by `\n` (0x0A), UTF-8:
/// `jiekun.head.1`, feed, publisher, incarnation, sequence (20 decimal digits), hash (64 lower-case hexadecimal
/// digits), time (RFC 3339 UTC with milliseconds, `2017-03-05T08:00:00.000Z`), suite (`ed25519-sha256`).
///
/// JSON form (heartbeats, `jiekun feed heads`, evidence files): `{"feed", "publisher", "incarnation", "sequence"
/// (20 digits), "hash" (hex), "time", "suite", "key" (base64), "signature" (base64)}`.
public struct SignedHead: Sendable, Hashable, Codable {
    /// The version label, first line of the signed bytes.
    public static let version = "jiekun.head.1"

    /// The feed's name at its publisher.
    public var feed: String
    /// The publishing agency (`union-registry`).
    public var publisher: String
    /// The publishing store's incarnation.
    public var incarnation: String
    /// The feed's last sequence.
    public var sequence: UInt64
    /// The chain hash of that entry (the feed's start when the feed is empty).
    public var chain: [UInt8]
    /// When the head was signed: RFC 3339 UTC with milliseconds (compares in time order as text).
    public var time: String
    /// The signer's public key (its suite names the signature's algorithm).
    public var key: PublicSigningKey
    /// The signature over ``message``.
    public var signature: [UInt8]

    /// Signs a head.
    ///
    /// - Parameters:
    ///   - feed: The feed.
    ///   - publisher: The publishing agency.
    ///   - incarnation: The store's incarnation.
    ///   - sequence: The feed's last sequence.
    ///   - chain: Its chain hash.
    ///   - time: When; now by default.
    ///   - key: The publisher's signing key.
    /// - Returns: The signed head.
    /// - Throws: ``EvidenceCryptoError`` when signing fails.
    public static func sign(
        feed: String, publisher: String, incarnation: String, sequence: UInt64, chain: [UInt8],
        time: String = CloudEvent.timestamp(), key: SigningKey
    ) throws -> SignedHead {
        var head = SignedHead(
            feed: feed, publisher: publisher, incarnation: incarnation, sequence: sequence, chain: chain, time: time,
            key: key.publicKey, signature: [])
        head.signature = try key.sign(head.message)
        return head
    }

    /// The signed bytes.
    public var message: [UInt8] {
        let lines = [
            Self.version, feed, publisher, incarnation,
            String(decoding: CloudEvent.sequenceBytes(sequence), as: UTF8.self),
            JournalChain.hex(chain), time, key.suite.rawValue,
        ]
        return Array(lines.joined(separator: "\n").utf8)
    }

    /// Whether the signature is valid for the key the head carries (whether that key is the publisher's is the
    /// reader's check: compare ``key`` with the one configured).
    public var hasValidSignature: Bool { key.isValidSignature(signature, of: message) }

    /// Whether this head is older than `other` of the same feed: an earlier time, or a lower sequence in the same
    /// incarnation.
    ///
    /// - Parameter other: A head held.
    /// - Returns: Whether this one came before it.
    public func isOlder(than other: SignedHead) -> Bool {
        time < other.time || (incarnation == other.incarnation && sequence < other.sequence)
    }

    private enum CodingKeys: String, CodingKey {
        case feed, publisher, incarnation, sequence, hash, time, suite, key, signature
    }

    /// Reads the JSON form.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` when a field is missing or malformed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        feed = try container.decode(String.self, forKey: .feed)
        publisher = try container.decode(String.self, forKey: .publisher)
        incarnation = try container.decode(String.self, forKey: .incarnation)
        let sequenceText = try container.decode(String.self, forKey: .sequence)
        guard let sequence = UInt64(sequenceText) else {
            throw DecodingError.dataCorruptedError(forKey: .sequence, in: container, debugDescription: "not a sequence")
        }
        self.sequence = sequence
        guard let chain = JournalChain.bytes(hex: try container.decode(String.self, forKey: .hash)),
            chain.count == EvidenceSuite.hashLength
        else { throw DecodingError.dataCorruptedError(forKey: .hash, in: container, debugDescription: "not a hash") }
        self.chain = chain
        time = try container.decode(String.self, forKey: .time)
        let suiteName = try container.decode(String.self, forKey: .suite)
        guard let suite = EvidenceSuite(rawValue: suiteName),
            let keyBytes = Data(base64Encoded: try container.decode(String.self, forKey: .key)),
            let signature = Data(base64Encoded: try container.decode(String.self, forKey: .signature))
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .key, in: container, debugDescription: "unknown suite or malformed key or signature")
        }
        key = PublicSigningKey(suite: suite, bytes: Array(keyBytes))
        self.signature = Array(signature)
    }

    /// Writes the JSON form.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(feed, forKey: .feed)
        try container.encode(publisher, forKey: .publisher)
        try container.encode(incarnation, forKey: .incarnation)
        try container.encode(String(decoding: CloudEvent.sequenceBytes(sequence), as: UTF8.self), forKey: .sequence)
        try container.encode(JournalChain.hex(chain), forKey: .hash)
        try container.encode(time, forKey: .time)
        try container.encode(key.suite.rawValue, forKey: .suite)
        try container.encode(Data(key.bytes).base64EncodedString(), forKey: .key)
        try container.encode(Data(signature).base64EncodedString(), forKey: .signature)
    }

    /// Creates a head from its parts (read back from a store or a file; check it with ``hasValidSignature``).
    ///
    /// - Parameters:
    ///   - feed: The feed.
    ///   - publisher: The publishing agency.
    ///   - incarnation: The store's incarnation.
    ///   - sequence: The feed's last sequence.
    ///   - chain: Its chain hash.
    ///   - time: When it was signed.
    ///   - key: The signer's public key.
    ///   - signature: The signature.
    public init(
        feed: String, publisher: String, incarnation: String, sequence: UInt64, chain: [UInt8], time: String,
        key: PublicSigningKey, signature: [UInt8]
    ) {
        self.feed = feed
        self.publisher = publisher
        self.incarnation = incarnation
        self.sequence = sequence
        self.chain = chain
        self.time = time
        self.key = key
        self.signature = signature
    }
}
