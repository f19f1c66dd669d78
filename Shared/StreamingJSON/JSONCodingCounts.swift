import Synchronization

/// How many documents this process's ``StreamingJSONEncoder`` wrote and ``StreamingJSONDecoder`` read since it
/// started (event payloads and the JSON the stores keep; not the CloudEvents envelopes, which the fabric scans and
/// writes itself): what a service's `status` reports as its JSON work. One relaxed atomic add per document, no lock.
public enum JSONCodingCounts {
    private static let encodeCount = Atomic<Int>(0)
    private static let decodeCount = Atomic<Int>(0)

    /// Documents encoded.
    public static var encodes: Int { encodeCount.load(ordering: .relaxed) }

    /// Documents decoded (including those refused as not JSON).
    public static var decodes: Int { decodeCount.load(ordering: .relaxed) }

    /// Counts a document encoded.
    static func countEncode() { encodeCount.wrappingAdd(1, ordering: .relaxed) }

    /// Counts a document decoded.
    static func countDecode() { decodeCount.wrappingAdd(1, ordering: .relaxed) }
}
