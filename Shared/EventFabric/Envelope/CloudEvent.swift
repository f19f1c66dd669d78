import Foundation
import StreamingJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One Jiekun event: a CloudEvents 1.0 event in structured JSON mode (DESIGN "Events").
///
/// On the wire an event is a two-frame ZeroMQ message (``message()``): frame 1 is the topic, the event's
/// ``type`` (so that SUB prefix filters work), frame 2 is the event's JSON (``jsonBytes()``):
///
/// ```json
/// {"specversion":"1.0","id":"7f0c…","source":"/jiekun/union-registry","type":"household.registered",
///  "subject":"530102-2024-000123","time":"2024-03-01T08:00:00Z","datacontenttype":"application/json",
///  "sequence":"00000000000000000042","incarnation":"3b5f…","effectivedate":"2024-03-01","data":{…}}
/// ```
///
/// - ``sequence`` is the CloudEvents `sequence` extension: the event's position in its feed's journal, written
///   as 20 zero-padded decimal digits so that the strings sort in order. The journal assigns it
///   (``Journal/append(_:to:in:)``); an event not yet journaled has none.
/// - ``incarnation`` is the `incarnation` extension: the publishing store's incarnation
///   (``EventStore/incarnation``), set by the journal with the sequence. A feed position is (incarnation,
///   sequence): a subscriber never takes an event of another incarnation for the one it applied at that sequence.
/// - ``effectiveDate`` is the `effectivedate` extension: the business date (`YYYY-MM-DD`) reports count by,
///   never the wall clock.
/// - ``data`` holds the payload's JSON object as raw bytes: a publisher encodes its payload once, a replay sends
///   the journaled bytes verbatim, and a handler decodes its typed payload with ``decodeData(as:using:)``.
///
/// Every initializer validates the attributes, and decoding (``init(json:)``, ``decode(message:)``) is strict and
/// total: malformed input of any kind is an ``EnvelopeError`` value, never a trap. Other extension attributes
/// received are validated and ignored.
public struct CloudEvent: Sendable, Hashable {
    /// The only `specversion` accepted and written: `"1.0"`.
    public static let specVersion = "1.0"

    /// The only `datacontenttype` accepted and written: `"application/json"`.
    public static let dataContentType = "application/json"

    /// The number of digits of the `sequence` extension on the wire: 20, enough for any `UInt64`.
    public static let sequenceWidth = 20

    /// The `id` attribute: unique within the ``source`` (Jiekun uses lower-case UUIDs, unique across feeds).
    public let id: String

    /// The `source` attribute: a URI-reference naming the producer, such as `/jiekun/union-registry`.
    public let source: String

    /// The `type` attribute, also the topic frame: a versioned past-tense noun such as `household.registered`.
    public let type: String

    /// The `subject` attribute: the household file id the event is about, if any.
    public let subject: String?

    /// The `time` attribute: when the occurrence happened, as an RFC 3339 timestamp, if given.
    public let time: String?

    /// The `effectivedate` extension: the business date (`YYYY-MM-DD`) reports count by, if any.
    public let effectiveDate: String?

    /// The `sequence` extension: the event's position in its feed's journal, or `nil` before journaling.
    public let sequence: UInt64?

    /// The `incarnation` extension: the publishing store's incarnation (``EventStore/incarnation``), or `nil`
    /// before journaling. At most ``incarnationMaxLength`` characters, lower-case letters, digits and `-`.
    public let incarnation: String?

    /// The longest ``incarnation`` accepted: 64 characters (a UUID has 36).
    public static let incarnationMaxLength = 64

    /// The `data` member: the UTF-8 bytes of one JSON object, kept verbatim.
    public let data: [UInt8]

    /// Creates an event from its attributes and the raw JSON of its data, validating everything.
    ///
    /// - Parameters:
    ///   - id: The event id; a new lower-case UUID by default.
    ///   - source: The producer's URI-reference, such as `/jiekun/union-registry`.
    ///   - type: The event type, such as `household.registered`.
    ///   - subject: The household file id, if any.
    ///   - time: An RFC 3339 timestamp (see ``timestamp(_:)``), if any.
    ///   - effectiveDate: The business date, `YYYY-MM-DD`, if any.
    ///   - sequence: The journal position; leave `nil`, the journal assigns it.
    ///   - data: The UTF-8 bytes of a JSON object.
    /// - Throws: ``EnvelopeError`` naming the first invalid attribute (``EnvelopeError/dataNotObject`` if `data` is
    ///   not one well-formed JSON object).
    public init(
        id: String = CloudEvent.newID(),
        source: String,
        type: String,
        subject: String? = nil,
        time: String? = nil,
        effectiveDate: String? = nil,
        sequence: UInt64? = nil,
        data: some Collection<UInt8>
    ) throws(EnvelopeError) {
        let bytes = Array(data)
        try Self.validateObject(bytes)
        try self.init(
            validating: id, source: source, type: type, subject: subject, time: time, effectiveDate: effectiveDate,
            sequence: sequence, data: bytes)
    }

    /// Creates an event whose data is a payload encoded once as JSON (``StreamingJSONEncoder``).
    ///
    /// - Parameters:
    ///   - id: The event id; a new time-ordered UUID by default (``newID(at:)``).
    ///   - source: The producer's URI-reference, such as `/jiekun/union-registry`.
    ///   - type: The event type, such as `household.registered`.
    ///   - subject: The household file id, if any.
    ///   - time: An RFC 3339 timestamp (see ``timestamp(_:)``), if any.
    ///   - effectiveDate: The business date, `YYYY-MM-DD`, if any.
    ///   - payload: The data; it must encode as a JSON object (a struct or a dictionary).
    ///   - encoder: The encoder to use.
    /// - Throws: `EncodingError` if the payload cannot be encoded, ``EnvelopeError`` for an invalid attribute or a
    ///   payload that is not an object.
    public init(
        id: String = CloudEvent.newID(),
        source: String,
        type: String,
        subject: String? = nil,
        time: String? = nil,
        effectiveDate: String? = nil,
        payload: some Encodable,
        encoder: StreamingJSONEncoder = WireJSON.payloadEncoder
    ) throws {
        let data = try encoder.encode(payload)
        try self.init(
            id: id, source: source, type: type, subject: subject, time: time, effectiveDate: effectiveDate,
            data: data)
    }

    /// Creates an event from attributes, validating them but not `data` (already validated by the caller).
    ///
    /// - Parameters:
    ///   - id: The `id`.
    ///   - source: The `source`.
    ///   - type: The `type`.
    ///   - subject: The `subject`.
    ///   - time: The `time`.
    ///   - effectiveDate: The `effectivedate`.
    ///   - sequence: The `sequence`.
    ///   - incarnation: The `incarnation`.
    ///   - data: A well-formed JSON object.
    /// - Throws: ``EnvelopeError`` for the first invalid attribute.
    init(
        validating id: String,
        source: String,
        type: String,
        subject: String?,
        time: String?,
        effectiveDate: String?,
        sequence: UInt64?,
        incarnation: String? = nil,
        data: [UInt8]
    ) throws(EnvelopeError) {
        try Self.validateText(id, attribute: "id")
        try Self.validateText(type, attribute: "type")
        guard !source.isEmpty else { throw .emptyAttribute("source") }
        guard Self.isURIReference(source) else { throw .invalidAttribute("source") }
        if let subject { try Self.validateText(subject, attribute: "subject") }
        if let time, !Self.isRFC3339(time) { throw .badTime }
        if let effectiveDate, !Self.isDate(effectiveDate) { throw .badEffectiveDate }
        if let incarnation, !Self.isIncarnation(incarnation) { throw .invalidAttribute("incarnation") }
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.effectiveDate = effectiveDate
        self.sequence = sequence
        self.incarnation = incarnation
        self.data = data
    }

    /// The same event at another journal position.
    ///
    /// - Parameters:
    ///   - sequence: The journal position.
    ///   - incarnation: The publishing store's incarnation; the event's own (if any) when `nil`. It must be valid
    ///     (``EventStore/incarnation`` is).
    /// - Returns: A copy with ``sequence`` (and ``incarnation``) set.
    public func sequenced(_ sequence: UInt64, incarnation: String? = nil) -> CloudEvent {
        CloudEvent(copying: self, sequence: sequence, incarnation: incarnation ?? self.incarnation)
    }

    /// Whether a text is a valid ``incarnation``: 1 to ``incarnationMaxLength`` lower-case letters, digits and `-`.
    ///
    /// - Parameter text: The text.
    /// - Returns: Whether it is valid.
    static func isIncarnation(_ text: String) -> Bool {
        (1...incarnationMaxLength).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 &- 48 < 10 || $0 == UInt8(ascii: "-")
            }
    }

    /// Copies an event, replacing its position.
    ///
    /// - Parameters:
    ///   - event: The event to copy (already valid).
    ///   - sequence: The new sequence.
    ///   - incarnation: The new incarnation.
    private init(copying event: CloudEvent, sequence: UInt64?, incarnation: String?) {
        id = event.id
        source = event.source
        type = event.type
        subject = event.subject
        time = event.time
        effectiveDate = event.effectiveDate
        data = event.data
        self.sequence = sequence
        self.incarnation = incarnation
    }

    /// Decodes the data as a typed payload.
    ///
    /// - Parameters:
    ///   - type: The payload's type.
    ///   - decoder: The decoder to use.
    /// - Returns: The payload.
    /// - Throws: `DecodingError` if the data is not JSON or does not match the type.
    public func decodeData<Payload: Decodable>(
        as type: Payload.Type = Payload.self,
        using decoder: StreamingJSONDecoder = WireJSON.payloadDecoder
    ) throws -> Payload {
        try decoder.decode(type, from: data)
    }

    // MARK: Helpers for producers

    /// A new event id: a lower-case time-ordered UUID (version 7, RFC 9562 §5.7) — 48 bits of Unix time in
    /// milliseconds, then 74 random bits.
    ///
    /// Why version 7 and not a random (version 4) UUID: ids made one after the other sort together, so a
    /// subscriber's `applied_events` index grows at its end instead of at random pages; and the random bits come
    /// from `arc4random_buf` in one call, where Foundation's `UUID()` on Linux opens `/dev/urandom` for every id.
    /// - Parameter date: The instant of the id; now by default.
    /// - Returns: The id, such as `019a6f3c-5e21-7b4d-9c1f-2e8a4d6b0c3f`.
    public static func newID(at date: Date = Date()) -> String {
        let random = randomWords()
        let milliseconds = UInt64(max(0, (date.timeIntervalSince1970 * 1000).rounded(.down)))
        let high = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (random.0 & 0x0FFF)
        let low = random.1 & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, word) in [high, low].enumerated() {
            for nibble in (0..<16).reversed() {
                let position = index * 16 + 15 - nibble
                if position == 8 || position == 12 || position == 16 || position == 20 {
                    text.append(UInt8(ascii: "-"))
                }
                text.append(digits[Int(word >> UInt64(nibble * 4) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// 128 random bits in one call of the C library's `arc4random_buf` (a cryptographic generator seeded by the
    /// system), where `SystemRandomNumberGenerator` makes a `getrandom` system call per 64 bits, calls that would
    /// take 1 % of every service's processor time.
    ///
    /// - Returns: Two random words.
    private static func randomWords() -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { buffer in
            if let base = buffer.baseAddress { arc4random_buf(base, buffer.count) }
        }
        return words
    }

    /// Formats an instant as an RFC 3339 timestamp in UTC with milliseconds, for the `time` attribute.
    ///
    /// - Parameter date: The instant; now by default.
    /// - Returns: The timestamp, such as `2024-03-01T08:00:00.000Z`.
    public static func timestamp(_ date: Date = Date()) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
        var remainder = Int(milliseconds - Int64(seconds) * 1000)
        if remainder < 0 {
            remainder += 1000
            seconds -= 1
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(remainder), 3))Z"
    }

    /// Writes a sequence as the `sequence` extension does: 20 zero-padded decimal digits.
    ///
    /// - Parameter sequence: The journal position.
    /// - Returns: The digits, such as `00000000000000000042`.
    public static func sequenceString(_ sequence: UInt64) -> String {
        String(decoding: sequenceBytes(sequence), as: UTF8.self)
    }

    /// Reads the `sequence` extension's format: exactly 20 decimal digits.
    ///
    /// - Parameter text: The digits.
    /// - Returns: The sequence, or `nil` if the text is not 20 digits or exceeds `UInt64.max`.
    public static func parseSequence(_ text: some Collection<UInt8>) -> UInt64? {
        guard text.count == sequenceWidth else { return nil }
        var value: UInt64 = 0
        for byte in text {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// The 20 ASCII digits of a sequence.
    ///
    /// - Parameter sequence: The journal position.
    /// - Returns: The digits' bytes.
    static func sequenceBytes(_ sequence: UInt64) -> [UInt8] {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: sequenceWidth)
        var value = sequence
        var position = sequenceWidth - 1
        while value > 0 {
            digits[position] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
            position -= 1
        }
        return digits
    }

    // MARK: Validation

    /// Checks that `bytes` are exactly one well-formed JSON object (whitespace around it allowed).
    ///
    /// - Parameter bytes: The JSON text.
    /// - Throws: ``EnvelopeError/dataNotObject`` otherwise.
    static func validateObject(_ bytes: [UInt8]) throws(EnvelopeError) {
        let valid = bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            scanner.skipWhitespace()
            guard scanner.peek == UInt8(ascii: "{") else { return false }
            do { try scanner.skipValue() } catch { return false }
            scanner.skipWhitespace()
            return scanner.isAtEnd
        }
        guard valid else { throw .dataNotObject }
    }

    /// Checks a required text attribute: present, not empty, no control characters.
    ///
    /// - Parameters:
    ///   - value: The attribute's value.
    ///   - attribute: Its name, for the error.
    /// - Throws: ``EnvelopeError/emptyAttribute(_:)``, ``EnvelopeError/invalidAttribute(_:)``.
    static func validateText(_ value: String, attribute: String) throws(EnvelopeError) {
        guard !value.isEmpty else { throw .emptyAttribute(attribute) }
        for byte in value.utf8 where byte < 0x20 || byte == 0x7F {
            throw .invalidAttribute(attribute)
        }
    }

    /// Whether a string is an RFC 3986 URI-reference: ASCII letters, digits and the unreserved, reserved and `%`
    /// characters only (no space, no control or non-ASCII character).
    ///
    /// - Parameter value: The string.
    /// - Returns: Whether it may be a URI-reference.
    static func isURIReference(_ value: String) -> Bool {
        value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "-._~:/?#[]@!$&'()*+,;=%".utf8.contains(byte)
            }
        }
    }

    /// Whether a string is a valid calendar date `YYYY-MM-DD` (proleptic Gregorian, year 0001–9999).
    ///
    /// - Parameter value: The string.
    /// - Returns: Whether it is a date.
    static func isDate(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 10 else { return false }
        return parseDate(bytes[...]) != nil
    }

    /// Reads `YYYY-MM-DD` from the first ten bytes of a slice.
    ///
    /// - Parameter bytes: The bytes, at least ten.
    /// - Returns: The year, month and day, or `nil` if they are not a valid date.
    private static func parseDate(_ bytes: ArraySlice<UInt8>) -> (year: Int, month: Int, day: Int)? {
        let start = bytes.startIndex
        guard bytes.count >= 10, bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
            let year = number(bytes[start..<start + 4]), let month = number(bytes[start + 5..<start + 7]),
            let day = number(bytes[start + 8..<start + 10]), year >= 1, (1...12).contains(month)
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        return (year, month, day)
    }

    /// Whether a string is an RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    ///
    /// - Parameter value: The string.
    /// - Returns: Whether it is a timestamp.
    static func isRFC3339(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 20, parseDate(bytes[...]) != nil,
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]),
            let second = number(bytes[17..<19]), hour < 24, minute < 60, second <= 60
        else { return false }
        var position = 19
        if bytes[position] == UInt8(ascii: ".") {
            position += 1
            let digitsStart = position
            while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 { position += 1 }
            guard position > digitsStart else { return false }
        }
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            return position + 1 == bytes.count
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard position + 6 == bytes.count, bytes[position + 3] == UInt8(ascii: ":"),
                let offsetHour = number(bytes[position + 1..<position + 3]),
                let offsetMinute = number(bytes[position + 4..<position + 6])
            else { return false }
            return offsetHour < 24 && offsetMinute < 60
        default:
            return false
        }
    }

    /// Reads a run of ASCII decimal digits.
    ///
    /// - Parameter digits: The bytes.
    /// - Returns: Their value, or `nil` if a byte is not a digit.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
}
