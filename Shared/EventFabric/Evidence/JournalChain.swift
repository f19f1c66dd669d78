/// The hash chain of a feed's journal: every entry carries the hash of the previous entry of its feed, so that an
/// entry edited, deleted, inserted or moved breaks the chain from that position on, and a signed head (one hash)
/// vouches for every entry before it.
///
/// The encoding, fixed (version `jiekun.chain.1`; `H` is the store's ``EvidenceSuite`` hash, SHA-256 or SM3;
/// integers are big-endian; strings are UTF-8):
/// - `h₀ = H("jiekun.chain.1" ‖ 0x00 ‖ incarnation ‖ 0x00 ‖ feed)`, the feed's start;
/// - `dₙ = H(the event's stored bytes)`, the entry's digest;
/// - `hₙ = H(hₙ₋₁ ‖ sequence as 8 bytes ‖ length of incarnation as 4 bytes ‖ incarnation ‖ dₙ)`, stored with entry
///   `n` in `journal.chain`.
///
/// The event's stored bytes are the JSON sent on the wire and in replay (with its `sequence` and `incarnation`
/// extensions), so a subscriber or an auditor holding them can recompute the chain. Chaining the digest rather
/// than the bytes lets an evidence file link one household's events to a signed head with the digests of the
/// other entries in between, without their contents (``EvidenceFile``).
public enum JournalChain {
    /// The version label hashed into every feed's start.
    public static let version = "jiekun.chain.1"

    /// A feed's start, `h₀`.
    ///
    /// - Parameters:
    ///   - feed: The feed's name.
    ///   - incarnation: The publishing store's incarnation.
    ///   - suite: The store's suite.
    /// - Returns: 32 bytes.
    public static func start(feed: String, incarnation: String, suite: EvidenceSuite) -> [UInt8] {
        var hasher = EvidenceSuite.Hasher(suite: suite)
        hasher.update(Array(version.utf8))
        hasher.update(CollectionOfOne(0))
        hasher.update(Array(incarnation.utf8))
        hasher.update(CollectionOfOne(0))
        hasher.update(Array(feed.utf8))
        return hasher.finalize()
    }

    /// The hash of entry `sequence`, `hₙ`, after `previous` (`hₙ₋₁`).
    ///
    /// - Parameters:
    ///   - previous: The previous entry's hash, or the feed's ``start(feed:incarnation:suite:)``.
    ///   - sequence: The entry's sequence.
    ///   - incarnation: The publishing store's incarnation.
    ///   - payload: The event's stored bytes.
    ///   - suite: The store's suite.
    /// - Returns: 32 bytes.
    public static func link(
        after previous: [UInt8], sequence: UInt64, incarnation: String, payload: [UInt8], suite: EvidenceSuite
    ) -> [UInt8] {
        link(after: previous, sequence: sequence, incarnation: incarnation, digest: suite.hash(payload), suite: suite)
    }

    /// The hash of entry `sequence` from its digest `dₙ` (an evidence file's proof carries digests only).
    ///
    /// - Parameters:
    ///   - previous: The previous entry's hash, or the feed's start.
    ///   - sequence: The entry's sequence.
    ///   - incarnation: The publishing store's incarnation.
    ///   - digest: The hash of the event's stored bytes.
    ///   - suite: The store's suite.
    /// - Returns: 32 bytes.
    public static func link(
        after previous: [UInt8], sequence: UInt64, incarnation: String, digest: [UInt8], suite: EvidenceSuite
    ) -> [UInt8] {
        var hasher = EvidenceSuite.Hasher(suite: suite)
        hasher.update(previous)
        hasher.update(bigEndian(sequence))
        let incarnationBytes = Array(incarnation.utf8)
        hasher.update(bigEndian(UInt32(incarnationBytes.count)))
        hasher.update(incarnationBytes)
        hasher.update(digest)
        return hasher.finalize()
    }

    /// The big-endian bytes of an integer.
    ///
    /// - Parameter value: The integer.
    /// - Returns: Its bytes, most significant first.
    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Lower-case hexadecimal.
    ///
    /// - Parameter bytes: The bytes.
    /// - Returns: Two digits per byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses lower- or upper-case hexadecimal.
    ///
    /// - Parameter text: The text.
    /// - Returns: The bytes, or `nil` if it is not an even count of hexadecimal digits.
    public static func bytes(hex text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        func value(_ character: UInt8) -> UInt8? {
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = value(characters[index]), let low = value(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
