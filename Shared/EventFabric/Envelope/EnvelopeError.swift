/// Why a message is not a valid Jiekun CloudEvent (DESIGN "Events", "Security": bad input is refused, never fatal).
///
/// Decoding an envelope never traps: every malformed input becomes one of these values. ``reason`` is a stable,
/// low-cardinality code for metrics (`jiekun.events.refused`, dimension `reason`) and for the `refused_events`
/// table; ``description`` explains the problem to the person who must fix the sender, and never quotes attribute
/// values or data (they may hold personal data).
public enum EnvelopeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message does not have the two frames topic + event JSON; carries the number of frames received.
    case frameCount(Int)
    /// The topic frame is not the event's `type`, so SUB prefix filters would misroute it.
    case topicMismatch
    /// The bytes are not valid UTF-8.
    case notUTF8
    /// The bytes are not well-formed JSON; carries the byte offset where the problem was found.
    case invalidJSON(offset: Int)
    /// The JSON text is not an object.
    case notAnObject
    /// A required attribute is absent (or `null`); carries the attribute's name.
    case missingAttribute(String)
    /// A required attribute is the empty string; carries the attribute's name.
    case emptyAttribute(String)
    /// An attribute has the wrong JSON type (e.g. a number where a string is required); carries its name.
    case wrongType(attribute: String)
    /// An attribute appears twice in the object; carries its name.
    case duplicateAttribute(String)
    /// An attribute's name is not a valid CloudEvents attribute name (lower-case letters and digits).
    case invalidAttributeName
    /// `specversion` is not `"1.0"`.
    case unsupportedSpecVersion
    /// `datacontenttype` is not `"application/json"`.
    case unsupportedContentType
    /// An attribute's value breaks its format (control characters in `id`, `source` not a URI-reference, …);
    /// carries the attribute's name.
    case invalidAttribute(String)
    /// The `sequence` extension is not 20 decimal digits.
    case badSequence
    /// The `effectivedate` extension is not a valid `YYYY-MM-DD` date.
    case badEffectiveDate
    /// The `time` attribute is not an RFC 3339 timestamp.
    case badTime
    /// `data` is not a JSON object (or the event carries `data_base64`).
    case dataNotObject
    /// The message is larger than the receiver accepts; carries its size in bytes.
    case oversized(Int)

    /// A stable code for metrics and the refusal record, such as `frames`, `json` or `attribute.missing`.
    public var reason: String {
        switch self {
        case .frameCount: "frames"
        case .topicMismatch: "topic"
        case .notUTF8: "utf8"
        case .invalidJSON: "json"
        case .notAnObject: "json.not_object"
        case .missingAttribute: "attribute.missing"
        case .emptyAttribute: "attribute.empty"
        case .wrongType: "attribute.type"
        case .duplicateAttribute: "attribute.duplicate"
        case .invalidAttributeName: "attribute.name"
        case .unsupportedSpecVersion: "specversion"
        case .unsupportedContentType: "datacontenttype"
        case .invalidAttribute: "attribute.invalid"
        case .badSequence: "sequence"
        case .badEffectiveDate: "effectivedate"
        case .badTime: "time"
        case .dataNotObject: "data"
        case .oversized: "oversized"
        }
    }

    /// An explanation naming the problem (and the attribute concerned), without any value from the message.
    public var description: String {
        switch self {
        case .frameCount(let count): "expected 2 frames (topic, event JSON), got \(count)"
        case .topicMismatch: "the topic frame differs from the event's type"
        case .notUTF8: "the event is not valid UTF-8"
        case .invalidJSON(let offset): "the event is not well-formed JSON (at byte \(offset))"
        case .notAnObject: "the event JSON is not an object"
        case .missingAttribute(let name): "the required attribute '\(name)' is missing"
        case .emptyAttribute(let name): "the attribute '\(name)' is empty"
        case .wrongType(let name): "the attribute '\(name)' has the wrong JSON type"
        case .duplicateAttribute(let name): "the attribute '\(name)' appears twice"
        case .invalidAttributeName: "an attribute name is not lower-case letters and digits"
        case .unsupportedSpecVersion: "specversion must be \"1.0\""
        case .unsupportedContentType: "datacontenttype must be \"application/json\""
        case .invalidAttribute(let name): "the attribute '\(name)' is malformed"
        case .badSequence: "the sequence extension must be 20 decimal digits"
        case .badEffectiveDate: "the effectivedate extension must be a valid YYYY-MM-DD date"
        case .badTime: "time must be an RFC 3339 timestamp"
        case .dataNotObject: "data must be a JSON object"
        case .oversized(let size): "the message is too large (\(size) bytes)"
        }
    }
}
