import StreamingJSON

extension CloudEvent {
    // MARK: Encoding

    /// The event in CloudEvents structured JSON mode (frame 2 of the wire message).
    ///
    /// Attributes come in a fixed order, absent optional attributes are left out, and ``data`` is copied verbatim.
    ///
    /// - Returns: The UTF-8 bytes of the event's JSON object.
    public func jsonBytes() -> [UInt8] {
        EnvelopeCodingCounts.countEncode()
        var output: [UInt8] = []
        output.reserveCapacity(data.count + 160 + id.utf8.count + source.utf8.count + type.utf8.count)
        output.append(contentsOf: #"{"specversion":"1.0","id":"#.utf8)
        Self.appendString(id, to: &output)
        output.append(contentsOf: #","source":"#.utf8)
        Self.appendString(source, to: &output)
        output.append(contentsOf: #","type":"#.utf8)
        Self.appendString(type, to: &output)
        if let subject {
            output.append(contentsOf: #","subject":"#.utf8)
            Self.appendString(subject, to: &output)
        }
        if let time {
            output.append(contentsOf: #","time":"#.utf8)
            Self.appendString(time, to: &output)
        }
        output.append(contentsOf: #","datacontenttype":"application/json""#.utf8)
        if let sequence {
            output.append(contentsOf: #","sequence":""#.utf8)
            output.append(contentsOf: Self.sequenceBytes(sequence))
            output.append(UInt8(ascii: "\""))
        }
        if let incarnation {
            output.append(contentsOf: #","incarnation":"#.utf8)
            Self.appendString(incarnation, to: &output)
        }
        if let effectiveDate {
            output.append(contentsOf: #","effectivedate":"#.utf8)
            Self.appendString(effectiveDate, to: &output)
        }
        output.append(contentsOf: #","data":"#.utf8)
        output.append(contentsOf: data)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// The event as a two-frame ZeroMQ message: the topic (``type``) and ``jsonBytes()``.
    ///
    /// - Returns: The frames.
    public func message() -> [[UInt8]] {
        [Array(type.utf8), jsonBytes()]
    }

    /// Appends a JSON string token, escaping quotes, backslashes and control characters.
    ///
    /// - Parameters:
    ///   - value: The string.
    ///   - output: The buffer to append to.
    static func appendString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Most attribute values need no escape: copy them whole.
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            output.append(contentsOf: value.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    // MARK: Decoding

    /// Decodes an event from its structured-mode JSON, strictly.
    ///
    /// Required: `specversion` (`"1.0"`), `id`, `source`, `type` (non-empty strings) and `data` (a JSON object).
    /// Optional: `subject`, `time` (RFC 3339), `datacontenttype` (`"application/json"`), `sequence` (20 digits),
    /// `incarnation` (lower-case letters, digits and `-`, at most 64), `effectivedate` (`YYYY-MM-DD`); `null`
    /// counts as absent. Other extension attributes must have lower-case
    /// alphanumeric names and scalar values; they are ignored. Duplicate attributes, `data_base64`, trailing bytes
    /// and invalid UTF-8 are refused.
    ///
    /// - Parameter json: The UTF-8 bytes of the event's JSON object.
    /// - Throws: ``EnvelopeError`` naming the problem.
    public init(json: some Collection<UInt8>) throws(EnvelopeError) {
        let result =
            json.withContiguousStorageIfAvailable(Self.parse)
            ?? Array(json).withUnsafeBufferPointer(Self.parse)
        self = try result.get()
    }

    /// Decodes a two-frame wire message (topic, event JSON), checking that the topic is the event's type.
    ///
    /// - Parameter frames: The frames received.
    /// - Returns: The event, or the reason it is refused.
    public static func decode(message frames: [[UInt8]]) -> Result<CloudEvent, EnvelopeError> {
        guard frames.count == 2 else { return .failure(.frameCount(frames.count)) }
        let result = frames[1].withUnsafeBufferPointer(parse)
        if case .success(let event) = result, !frames[0].elementsEqual(event.type.utf8) {
            return .failure(.topicMismatch)
        }
        return result
    }

    /// The attributes the decoder knows; the raw value indexes the values read and the bit of `seen`.
    private enum Known: Int {
        case specversion
        case id
        case source
        case type
        case subject
        case time
        case datacontenttype
        case sequence
        case effectivedate
        case incarnation
        case data
        case dataBase64

        /// The attribute's bit, for detecting duplicates.
        var bit: UInt16 { 1 << UInt16(rawValue) }

        /// The attribute's name in the JSON object.
        var name: String {
            switch self {
            case .specversion: "specversion"
            case .id: "id"
            case .source: "source"
            case .type: "type"
            case .subject: "subject"
            case .time: "time"
            case .datacontenttype: "datacontenttype"
            case .sequence: "sequence"
            case .effectivedate: "effectivedate"
            case .incarnation: "incarnation"
            case .data: "data"
            case .dataBase64: "data_base64"
            }
        }

        /// Recognises a member name.
        ///
        /// - Parameter name: The member's name.
        init?(name: String) {
            switch name {
            case "specversion": self = .specversion
            case "id": self = .id
            case "source": self = .source
            case "type": self = .type
            case "subject": self = .subject
            case "time": self = .time
            case "datacontenttype": self = .datacontenttype
            case "sequence": self = .sequence
            case "effectivedate": self = .effectivedate
            case "incarnation": self = .incarnation
            case "data": self = .data
            case "data_base64": self = .dataBase64
            default: return nil
            }
        }
    }

    /// Parses an event from a buffer.
    ///
    /// - Parameter buffer: The JSON text.
    /// - Returns: The event, or the reason it is refused.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<CloudEvent, EnvelopeError> {
        EnvelopeCodingCounts.countDecode()
        do {
            return .success(try parseThrowing(buffer))
        } catch let error as JSONScanner.InvalidJSON {
            return .failure(error.isNotUTF8 ? .notUTF8 : .invalidJSON(offset: error.offset))
        } catch {
            return .failure(error as? EnvelopeError ?? .invalidJSON(offset: 0))
        }
    }

    /// Parses an event from a buffer.
    ///
    /// - Parameter buffer: The JSON text.
    /// - Returns: The event.
    /// - Throws: ``EnvelopeError`` naming the problem, or ``JSONScanner/InvalidJSON`` for text that is not JSON.
    private static func parseThrowing(_ buffer: UnsafeBufferPointer<UInt8>) throws -> CloudEvent {
        var scanner = JSONScanner(buffer)
        scanner.skipWhitespace()
        guard let first = scanner.peek else { throw EnvelopeError.invalidJSON(offset: 0) }
        guard first == UInt8(ascii: "{") else {
            // Tell "valid JSON but not an object" from garbage.
            try scanner.skipValue()
            scanner.skipWhitespace()
            guard scanner.isAtEnd else { throw scanner.syntaxError }
            throw EnvelopeError.notAnObject
        }
        scanner.index += 1
        var seen: UInt16 = 0
        var extensions: Set<String> = []
        var values = Values()
        var dataRange: Range<Int>?
        scanner.skipWhitespace()
        if scanner.peek == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            members: while true {
                scanner.skipWhitespace()
                let name = try scanner.readString()
                scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: ":"))
                scanner.skipWhitespace()
                if let known = Known(name: name) {
                    guard seen & known.bit == 0 else { throw EnvelopeError.duplicateAttribute(known.name) }
                    seen |= known.bit
                    switch known {
                    case .data:
                        let start = scanner.index
                        try scanner.skipValue()
                        dataRange = start..<scanner.index
                    case .dataBase64:
                        try scanner.skipValue()
                    default:
                        if scanner.peek == UInt8(ascii: "\"") {
                            values[known] = try scanner.readString()
                        } else if scanner.peek == UInt8(ascii: "n") {
                            try scanner.expectLiteral("null")
                        } else {
                            try scanner.skipValue()
                            throw EnvelopeError.wrongType(attribute: known.name)
                        }
                    }
                } else {
                    try readExtension(named: name, with: &scanner, seen: &extensions)
                }
                scanner.skipWhitespace()
                guard let next = scanner.peek else { throw scanner.syntaxError }
                scanner.index += 1
                switch next {
                case UInt8(ascii: "}"): break members
                case UInt8(ascii: ","): continue
                default: throw EnvelopeError.invalidJSON(offset: scanner.index - 1)
                }
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.syntaxError }
        return try build(values: values, data: dataRange, hasBase64: seen & Known.dataBase64.bit != 0, buffer)
    }

    /// The string attributes read, by ``Known`` (a fixed array: no hashing on the hot path).
    private struct Values {
        /// One slot per ``Known`` case.
        private var slots = [String?](repeating: nil, count: 12)

        /// The value of an attribute, if read.
        subscript(_ attribute: Known) -> String? {
            get { slots[attribute.rawValue] }
            set { slots[attribute.rawValue] = newValue }
        }
    }

    /// Validates an unknown member: a CloudEvents extension with a lower-case alphanumeric name and a scalar value.
    ///
    /// - Parameters:
    ///   - name: The member's name.
    ///   - scanner: The scanner, at the member's value.
    ///   - seen: The extension names already read, to refuse duplicates.
    /// - Throws: ``EnvelopeError`` for an invalid name, a duplicate, or an object or array value;
    ///   ``JSONScanner/InvalidJSON`` for text that is not JSON.
    private static func readExtension(
        named name: String,
        with scanner: inout JSONScanner,
        seen: inout Set<String>
    ) throws {
        let validName =
            !name.isEmpty
            && name.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 &- 48 < 10 }
        guard validName else { throw EnvelopeError.invalidAttributeName }
        guard seen.insert(name).inserted else { throw EnvelopeError.duplicateAttribute("extension") }
        let first = scanner.peek
        try scanner.skipValue()
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            throw EnvelopeError.wrongType(attribute: "extension")
        }
    }

    /// Checks the attributes read and builds the event.
    ///
    /// - Parameters:
    ///   - values: The string attributes read.
    ///   - data: Where the `data` value is in the buffer.
    ///   - hasBase64: Whether `data_base64` was present.
    ///   - buffer: The JSON text.
    /// - Returns: The event.
    /// - Throws: ``EnvelopeError`` for the first missing or invalid attribute.
    private static func build(
        values: Values,
        data: Range<Int>?,
        hasBase64: Bool,
        _ buffer: UnsafeBufferPointer<UInt8>
    ) throws(EnvelopeError) -> CloudEvent {
        guard let specVersion = values[.specversion] else { throw .missingAttribute("specversion") }
        guard specVersion == Self.specVersion else { throw .unsupportedSpecVersion }
        guard let id = values[.id] else { throw .missingAttribute("id") }
        guard let source = values[.source] else { throw .missingAttribute("source") }
        guard let type = values[.type] else { throw .missingAttribute("type") }
        if let contentType = values[.datacontenttype], contentType != Self.dataContentType {
            throw .unsupportedContentType
        }
        guard !hasBase64 else { throw .dataNotObject }
        guard let data else { throw .missingAttribute("data") }
        guard buffer[data.lowerBound] == UInt8(ascii: "{") else { throw .dataNotObject }
        var sequence: UInt64?
        if let text = values[.sequence] {
            guard let value = parseSequence(text.utf8) else { throw .badSequence }
            sequence = value
        }
        return try CloudEvent(
            validating: id, source: source, type: type, subject: values[.subject], time: values[.time],
            effectiveDate: values[.effectivedate], sequence: sequence, incarnation: values[.incarnation],
            data: Array(buffer[data]))
    }
}
