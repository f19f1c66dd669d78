import Synchronization

/// How many CloudEvents envelopes this process wrote (``CloudEvent/jsonBytes()``: an event journaled, sent or
/// replayed) and read (``CloudEvent/init(json:)``, ``CloudEvent/decode(message:)``: an event received, or read back
/// from the journal) since it started: with ``StreamingJSON/JSONCodingCounts`` (the payloads), what a service's
/// `status` reports as its JSON work. One relaxed atomic add per envelope, no lock.
public enum EnvelopeCodingCounts {
    private static let encodeCount = Atomic<Int>(0)
    private static let decodeCount = Atomic<Int>(0)

    /// Envelopes written.
    public static var encodes: Int { encodeCount.load(ordering: .relaxed) }

    /// Envelopes read (including those refused as malformed).
    public static var decodes: Int { decodeCount.load(ordering: .relaxed) }

    /// Counts an envelope written.
    static func countEncode() { encodeCount.wrappingAdd(1, ordering: .relaxed) }

    /// Counts an envelope read.
    static func countDecode() { decodeCount.wrappingAdd(1, ordering: .relaxed) }
}
