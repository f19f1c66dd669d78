import Foundation
import ProgrammeEvents
import StreamingJSON

/// How the desks keep JSON values in their tables (households, decisions awaiting support, requests): the
/// events' coding (``EventCoding``), so what a desk stores reads like what it received.
enum DeskCoding {
    /// The JSON of a value, as stored.
    ///
    /// - Throws: `EncodingError`.
    static func encode(_ value: some Encodable) throws -> Data { Data(try EventCoding.makeEncoder().encode(value)) }

    /// A value from its stored JSON.
    ///
    /// - Throws: `DecodingError`.
    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        try EventCoding.makeDecoder().decode(type, from: data)
    }
}
