import EventFabric
import Foundation
import Testing

@Suite("CloudEvents envelope")
struct EnvelopeTests {
    /// A complete event with escapes, non-ASCII text and nested data.
    static func sample() throws -> CloudEvent {
        try CloudEvent(
            id: "7f0c0f1e-9a7b-4c55-8a7d-0c2b1e0f4b8e", source: "/jiekun/union-registry",
            type: "household.registered", subject: "530102-2024-000123", time: "2024-03-01T08:00:00.250+08:00",
            effectiveDate: "2024-02-29", sequence: 42,
            data: Array(#"{"name":"张三","note":"a \"quoted\"\nline","members":[1,2.5e3,true,null],"x":{}}"#.utf8))
    }

    @Test("encode then decode gives the same event (DESIGN Events: structured JSON mode, two frames)")
    func roundTrip() throws {
        let event = try Self.sample()
        let message = event.message()
        #expect(message.count == 2)
        #expect(message[0] == Array("household.registered".utf8))
        let decoded = try CloudEvent.decode(message: message).get()
        #expect(decoded == event)
        #expect(try CloudEvent(json: event.jsonBytes()) == event)
        let text = String(decoding: event.jsonBytes(), as: UTF8.self)
        #expect(text.contains(#""sequence":"00000000000000000042""#))
        #expect(text.contains(#""specversion":"1.0""#))
        #expect(text.contains(#""datacontenttype":"application/json""#))
    }

    @Test("minimal event: no subject, time, effective date or sequence")
    func minimal() throws {
        let event = try CloudEvent(id: "1", source: "/s", type: "t", data: Array("{}".utf8))
        let decoded = try CloudEvent(json: event.jsonBytes())
        #expect(decoded == event)
        #expect(decoded.sequence == nil && decoded.subject == nil && decoded.time == nil)
        #expect(decoded.effectiveDate == nil)
    }

    @Test("the sequence extension is 20 zero-padded digits and sorts in order")
    func sequenceFormat() {
        #expect(CloudEvent.sequenceString(0) == "00000000000000000000")
        #expect(CloudEvent.sequenceString(42) == "00000000000000000042")
        #expect(CloudEvent.sequenceString(.max) == "18446744073709551615")
        #expect(CloudEvent.sequenceString(9) < CloudEvent.sequenceString(10))
        #expect(CloudEvent.parseSequence(Array("00000000000000000042".utf8)) == 42)
        #expect(CloudEvent.parseSequence(Array("42".utf8)) == nil)
        #expect(CloudEvent.parseSequence(Array("99999999999999999999".utf8)) == nil)
    }

    struct Payload: Codable, Equatable {
        var name: String
        var members: Int
    }

    @Test("a payload is encoded once and decoded by the handler with decodeData(as:)")
    func typedPayload() throws {
        let event = try CloudEvent(
            source: "/jiekun/tests", type: "household.registered", payload: Payload(name: "李四", members: 3))
        let decoded = try CloudEvent(json: event.jsonBytes())
        #expect(try decoded.decodeData(as: Payload.self) == Payload(name: "李四", members: 3))
        #expect(event.id.count == 36)
        #expect(throws: EnvelopeError.dataNotObject) {
            try CloudEvent(source: "/s", type: "t", payload: [1, 2])
        }
    }

    @Test("event ids are version-7 UUIDs (RFC 9562): the time in their first 48 bits, unique, in time order")
    func eventIDs() throws {
        // 2024-03-01T08:00:00.250Z is 1709280000250 ms = 0x018d_f906_f8fa.
        let id = CloudEvent.newID(at: Date(timeIntervalSince1970: 1_709_280_000.250))
        #expect(id.count == 36)
        #expect(id.hasPrefix("018df906-f8fa-7"))  // the milliseconds, then version 7
        let parts = id.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
        #expect("89ab".contains(parts[3].first!))  // variant 10
        let later = CloudEvent.newID(at: Date(timeIntervalSince1970: 1_709_280_000.251))
        #expect(later.hasPrefix("018df906-f8fb-7"))
        #expect(id < later)
        let many = (0..<100_000).map { _ in CloudEvent.newID() }
        #expect(Set(many).count == many.count)
    }

    @Test("time helper writes RFC 3339 in UTC")
    func timestamp() throws {
        let text = CloudEvent.timestamp(Date(timeIntervalSince1970: 1_709_280_000.25))
        #expect(text == "2024-03-01T08:00:00.250Z")
        _ = try CloudEvent(source: "/s", type: "t", time: text, data: Array("{}".utf8))
    }

    /// A malformed input and the error it must give.
    struct Malformed: Sendable, CustomStringConvertible {
        let name: String
        let json: String
        let error: EnvelopeError
        var description: String { name }
    }

    static let valid =
        #"{"specversion":"1.0","id":"1","source":"/s","type":"t","sequence":"00000000000000000001","data":{}}"#

    static let malformed: [Malformed] = [
        Malformed(name: "empty input", json: "", error: .invalidJSON(offset: 0)),
        Malformed(name: "not JSON", json: "hello", error: .invalidJSON(offset: 0)),
        Malformed(name: "truncated", json: String(valid.dropLast(3)), error: .invalidJSON(offset: 96)),
        Malformed(name: "trailing garbage", json: valid + "x", error: .invalidJSON(offset: 99)),
        Malformed(name: "array", json: "[1,2]", error: .notAnObject),
        Malformed(name: "string", json: #""event""#, error: .notAnObject),
        Malformed(
            name: "missing specversion", json: #"{"id":"1","source":"/s","type":"t","data":{}}"#,
            error: .missingAttribute("specversion")),
        Malformed(
            name: "wrong specversion", json: #"{"specversion":"0.3","id":"1","source":"/s","type":"t","data":{}}"#,
            error: .unsupportedSpecVersion),
        Malformed(
            name: "missing id", json: #"{"specversion":"1.0","source":"/s","type":"t","data":{}}"#,
            error: .missingAttribute("id")),
        Malformed(
            name: "null id", json: #"{"specversion":"1.0","id":null,"source":"/s","type":"t","data":{}}"#,
            error: .missingAttribute("id")),
        Malformed(
            name: "empty id", json: #"{"specversion":"1.0","id":"","source":"/s","type":"t","data":{}}"#,
            error: .emptyAttribute("id")),
        Malformed(
            name: "missing source", json: #"{"specversion":"1.0","id":"1","type":"t","data":{}}"#,
            error: .missingAttribute("source")),
        Malformed(
            name: "source with a space",
            json: #"{"specversion":"1.0","id":"1","source":"/a b","type":"t","data":{}}"#,
            error: .invalidAttribute("source")),
        Malformed(
            name: "missing type", json: #"{"specversion":"1.0","id":"1","source":"/s","data":{}}"#,
            error: .missingAttribute("type")),
        Malformed(
            name: "numeric type", json: #"{"specversion":"1.0","id":"1","source":"/s","type":7,"data":{}}"#,
            error: .wrongType(attribute: "type")),
        Malformed(
            name: "object subject",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","subject":{},"data":{}}"#,
            error: .wrongType(attribute: "subject")),
        Malformed(
            name: "duplicate id", json: #"{"specversion":"1.0","id":"1","id":"2","source":"/s","type":"t","data":{}}"#,
            error: .duplicateAttribute("id")),
        Malformed(
            name: "missing data", json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t"}"#,
            error: .missingAttribute("data")),
        Malformed(
            name: "data is an array", json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":[1]}"#,
            error: .dataNotObject),
        Malformed(
            name: "data is a string", json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":"x"}"#,
            error: .dataNotObject),
        Malformed(
            name: "data_base64",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":"AA==","data":{}}"#,
            error: .dataNotObject),
        Malformed(
            name: "other content type",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/xml","data":{}}"#,
            error: .unsupportedContentType),
        Malformed(
            name: "short sequence",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","sequence":"42","data":{}}"#,
            error: .badSequence),
        Malformed(
            name: "numeric sequence",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","sequence":42,"data":{}}"#,
            error: .wrongType(attribute: "sequence")),
        Malformed(
            name: "sequence with a letter",
            json:
                #"{"specversion":"1.0","id":"1","source":"/s","type":"t","sequence":"0000000000000000004x","data":{}}"#,
            error: .badSequence),
        Malformed(
            name: "effectivedate 30 February",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","effectivedate":"2024-02-30","data":{}}"#,
            error: .badEffectiveDate),
        Malformed(
            name: "effectivedate with time",
            json:
                #"{"specversion":"1.0","id":"1","source":"/s","type":"t","effectivedate":"2024-02-01T00:00Z","data":{}}"#,
            error: .badEffectiveDate),
        Malformed(
            name: "time without offset",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"2024-03-01T08:00:00","data":{}}"#,
            error: .badTime),
        Malformed(
            name: "extension with capitals",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","Trace":"x","data":{}}"#,
            error: .invalidAttributeName),
        Malformed(
            name: "extension holding an object",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","trace":{"a":1},"data":{}}"#,
            error: .wrongType(attribute: "extension")),
        Malformed(
            name: "control character in a string",
            json: "{\"specversion\":\"1.0\",\"id\":\"a\u{01}b\",\"source\":\"/s\",\"type\":\"t\",\"data\":{}}",
            error: .invalidJSON(offset: 28)),
        Malformed(
            name: "bad escape", json: #"{"specversion":"1.0","id":"a\qb","source":"/s","type":"t","data":{}}"#,
            error: .invalidJSON(offset: 28)),
        Malformed(
            name: "lone surrogate escape",
            json: #"{"specversion":"1.0","id":"\ud800","source":"/s","type":"t","data":{}}"#,
            error: .invalidJSON(offset: 33)),
        Malformed(
            name: "bad number in data",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"n":01}}"#,
            error: .invalidJSON(offset: 62)),
        Malformed(
            name: "unterminated data",
            json: #"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"n":[1,2}}"#,
            error: .invalidJSON(offset: 66)),
    ]

    @Test(
        "every malformed event is an error value naming the problem (DESIGN Security: bad input is refused)",
        arguments: malformed)
    func malformedIsRefused(_ testCase: Malformed) {
        do {
            let event = try CloudEvent(json: Array(testCase.json.utf8))
            Issue.record("accepted a malformed event: \(event.id)")
        } catch {
            // A syntax error names its offset; the tests check the kind and that the offset lies in the text.
            if case .invalidJSON(let offset) = error, case .invalidJSON = testCase.error {
                #expect(offset >= 0 && offset <= testCase.json.utf8.count)
            } else {
                #expect(error == testCase.error)
            }
            #expect(!error.description.isEmpty)
        }
    }

    @Test("invalid UTF-8 is refused, in attributes and in data")
    func invalidUTF8() {
        let prefix = Array(#"{"specversion":"1.0","id":""#.utf8)
        let suffix = Array(#"","source":"/s","type":"t","data":{}}"#.utf8)
        for bad in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]] as [[UInt8]] {
            #expect(throws: EnvelopeError.notUTF8) { try CloudEvent(json: prefix + bad + suffix) }
        }
        let inData =
            Array(#"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"x":""#.utf8) + [0xFE]
            + Array(#""}}"#.utf8)
        #expect(throws: EnvelopeError.notUTF8) { try CloudEvent(json: inData) }
        let valid = prefix + Array("张三😀".utf8) + suffix
        #expect((try? CloudEvent(json: valid))?.id == "张三😀")
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000)
        let json = #"{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"a":"# + deep
        #expect(throws: EnvelopeError.self) { try CloudEvent(json: Array(json.utf8)) }
    }

    @Test("wire messages: frame count and topic are checked")
    func frames() throws {
        let event = try Self.sample()
        let json = event.jsonBytes()
        #expect(CloudEvent.decode(message: [json]).failure == .frameCount(1))
        #expect(CloudEvent.decode(message: [Array("household.registered".utf8), json, []]).failure == .frameCount(3))
        #expect(CloudEvent.decode(message: [Array("household".utf8), json]).failure == .topicMismatch)
        #expect(CloudEvent.decode(message: [[0xFF], json]).failure == .topicMismatch)
    }

    @Test("unknown extension attributes with scalar values are accepted and ignored")
    func extensions() throws {
        let json =
            #"{"specversion":"1.0","id":"1","source":"/s","type":"t","traceparent":"00-ab","n1":3.5,"#
            + #""flag":true,"dataschema":"https://x/y","data":{}}"#
        let event = try CloudEvent(json: Array(json.utf8))
        #expect(event.id == "1")
    }

    @Test("the incarnation extension: written after the sequence, read back, kept by sequenced(_:); invalid refused")
    func incarnation() throws {
        let incarnation = "9d2f6c1e-0a4b-4f3c-8e5d-7b1a2c3d4e5f"
        let event = try Self.sample().sequenced(43, incarnation: incarnation)
        let json = String(decoding: event.jsonBytes(), as: UTF8.self)
        #expect(json.contains(#""sequence":"00000000000000000043","incarnation":"\#(incarnation)","effectivedate""#))
        let decoded = try CloudEvent(json: event.jsonBytes())
        #expect(decoded == event)
        #expect(decoded.incarnation == incarnation)
        #expect(decoded.sequenced(44).incarnation == incarnation)
        #expect(try Self.sample().incarnation == nil)
        let long = "\"" + String(repeating: "a", count: 65) + "\""
        for bad in [#""Upper-Case""#, #""""#, #""a b""#, long, "7"] {
            let text = #"{"specversion":"1.0","id":"1","source":"/s","type":"t","incarnation":\#(bad),"data":{}}"#
            #expect(throws: EnvelopeError.self, "incarnation \(bad)") { try CloudEvent(json: Array(text.utf8)) }
        }
        let null = #"{"specversion":"1.0","id":"1","source":"/s","type":"t","incarnation":null,"data":{}}"#
        #expect(try CloudEvent(json: Array(null.utf8)).incarnation == nil)
    }

    @Test("attributes are validated when an event is made")
    func construction() {
        #expect(throws: EnvelopeError.emptyAttribute("id")) {
            try CloudEvent(id: "", source: "/s", type: "t", data: Array("{}".utf8))
        }
        #expect(throws: EnvelopeError.badEffectiveDate) {
            try CloudEvent(source: "/s", type: "t", effectiveDate: "2023-02-29", data: Array("{}".utf8))
        }
        #expect(throws: EnvelopeError.dataNotObject) {
            try CloudEvent(source: "/s", type: "t", data: Array("{} {}".utf8))
        }
        #expect((try? CloudEvent(source: "/s", type: "t", effectiveDate: "2024-02-29", data: Array("{}".utf8))) != nil)
    }
}

extension Result {
    /// The failure, if any.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
