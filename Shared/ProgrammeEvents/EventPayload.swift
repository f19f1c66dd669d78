import Foundation
import HouseholdDomain
import StreamingJSON

/// The `data` of one Jiekun event: a Codable payload with its CloudEvents `type` (DESIGN "Events").
///
/// The event fabric wraps a payload in a CloudEvents envelope whose `type` is ``type`` and whose `subject` is
/// ``fileNumber``. A type string names a version of the payload: fields may be added (consumers ignore what they do
/// not know), but a change that breaks a consumer takes a new type string (`household.registered.v2`).
/// Source: DESIGN "Events"; policy §4.1 (one file, one plan).
public protocol EventPayload: Codable, Sendable, Hashable {
    /// The CloudEvents `type`, also the ZeroMQ topic frame: a versioned noun in the past tense, such as
    /// `household.registered`.
    static var type: String { get }

    /// The household file the event is about (档案编号): the envelope's `subject`.
    var fileNumber: String { get }
}

/// Every event type of the programme, with its payload type: the list the services and the AsyncAPI test read.
///
/// Source: DESIGN "Events"; policy §4.1, §4.2, §2.3.
public enum EventCatalogue {
    /// The payload types, in the order of the event life cycle (registration to exit), then the budget's.
    public static let payloads: [any EventPayload.Type] = [
        HouseholdRegistered.self, HouseholdUpdated.self, HouseholdClosed.self, MeasuresDecided.self,
        MeasuresDelivered.self, SupportRequested.self, SupportProvided.self, HouseholdExitReady.self,
        BudgetAppropriated.self,
    ]

    /// The event type strings, in the order of ``payloads``.
    public static let types: [String] = payloads.map { $0.type }

    /// The payload type of an event type string.
    ///
    /// - Parameter type: a CloudEvents `type`, such as `measure.decided`.
    /// - Returns: the payload type, or `nil` for a type the programme does not know (refuse and count it).
    public static func payload(ofType type: String) -> (any EventPayload.Type)? {
        payloads.first { $0.type == type }
    }

    /// Decodes the `data` of an event of a known type.
    ///
    /// - Parameters:
    ///   - type: the event's CloudEvents `type`.
    ///   - data: the UTF-8 JSON of the event's `data` object.
    /// - Returns: the payload, or `nil` when the type is unknown.
    /// - Throws: `DecodingError` when the data does not match the type's payload (refuse and count it).
    public static func decode(type: String, data: Data) throws -> (any EventPayload)? {
        guard let payloadType = payload(ofType: type) else { return nil }
        return try EventCoding.makeDecoder().decode(payloadType, from: data)
    }
}

/// The JSON coding of event payloads, as ``WireJSON`` configures it for payloads: keys in the payload's declaration
/// order (the same payload always gives the same bytes, which the journal keeps and replays verbatim) and unescaped
/// slashes, written by ``StreamingJSONEncoder``; read with ``StreamingJSONDecoder``, which takes keys in any order
/// and finds them at once in that order.
///
/// Dates are `YYYY-MM-DD` strings (``LocalDate``) and money is a two-decimal string (``Yuan``) whatever the
/// encoder's strategies, so the default strategies apply. Source: DESIGN "Events".
public enum EventCoding {
    /// A new encoder for payloads.
    ///
    /// - Returns: a ``StreamingJSONEncoder``.
    public static func makeEncoder() -> StreamingJSONEncoder { WireJSON.payloadEncoder }

    /// A new decoder for payloads.
    ///
    /// - Returns: a ``StreamingJSONDecoder``.
    public static func makeDecoder() -> StreamingJSONDecoder { WireJSON.payloadDecoder }

    /// Encodes a payload as the JSON of an event's `data`.
    ///
    /// - Parameter payload: the payload.
    /// - Returns: the UTF-8 JSON object.
    /// - Throws: `EncodingError` (not expected for the programme's payloads).
    public static func encode(_ payload: some EventPayload) throws -> Data {
        Data(try makeEncoder().encode(payload))
    }
}

/// Checks shared by the payloads' decoders: a measure id belongs to the event's file (policy §4.1, one file).
enum MeasureIDCheck {
    /// Whether `measureID` is `FILE/CODE` or `FILE/CODE/MEMBER` for `fileNumber` (and `code`, when given).
    static func belongs(_ measureID: String, to fileNumber: String, code: Measure.Code? = nil) -> Bool {
        guard measureID.hasPrefix(fileNumber + "/") else { return false }
        let rest = measureID.dropFirst(fileNumber.count + 1).split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(rest.count), let found = Measure.Code(rawValue: String(rest[0])) else { return false }
        if let code, found != code { return false }
        if rest.count == 2 {
            guard let member = Int(rest[1]), member >= 1, found.isPerChild else { return false }
        }
        return true
    }

    /// Throws a `DecodingError` when the list is empty or one of its measure ids is not of the file.
    static func check<Key: CodingKey>(
        _ items: [(id: String, code: Measure.Code?)], fileNumber: String, key: Key,
        in container: KeyedDecodingContainer<Key>
    ) throws {
        guard !items.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "an event carries at least one item")
        }
        for item in items where !belongs(item.id, to: fileNumber, code: item.code) {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "measure id \(item.id) is not a measure of file \(fileNumber)")
        }
    }
}
