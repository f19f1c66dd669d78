import Foundation

/// How every JSON that crosses the wire is written and read: the one place that configures it.
///
/// Two kinds, for two needs:
/// - **Bodies** — request and reply bodies, a service's status, the coordinator's report, `jiekun`'s `--json`
///   output: keys sorted (the same value always gives the same bytes, whatever its type's declaration order),
///   slashes unescaped (measure ids such as `KM-2017-0001/relief.dibao` stay readable), dates in ISO 8601. Written
///   and read with Foundation's coders: a body is read once, so their cost does not matter.
/// - **Event payloads** — an event's `data`, which the journal keeps and replays verbatim and every agency reads:
///   keys in declaration order, slashes unescaped, written by ``StreamingJSONEncoder`` and read by
///   ``StreamingJSONDecoder`` (their own documentation says why: a service encodes and decodes millions).
public enum WireJSON {
    /// Encodes a body.
    ///
    /// - Parameter value: The body.
    /// - Returns: The UTF-8 JSON.
    /// - Throws: `EncodingError`.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(value))
    }

    /// Decodes a body.
    ///
    /// - Parameters:
    ///   - type: The body's type.
    ///   - bytes: The UTF-8 JSON.
    /// - Returns: The body.
    /// - Throws: `DecodingError`.
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: some Collection<UInt8>) throws -> Value
    {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(bytes))
    }

    /// The encoder of event payloads.
    public static let payloadEncoder = StreamingJSONEncoder()

    /// The decoder of event payloads.
    public static let payloadDecoder = StreamingJSONDecoder()
}
