import Foundation
import StreamingJSON
import Testing

/// The streaming encoder writes what Foundation's `JSONEncoder` writes, up to the order of keys: keys come in the
/// order the value encodes them.
@Suite("Streaming JSON encoder")
struct StreamingJSONEncoderTests {
    struct Inner: Codable, Equatable {
        var label: String
        var values: [Int]
    }

    enum Outcome: Codable, Equatable {
        case delivered(effectiveOn: String)
        case refused(department: String, reason: String)
        case pending
    }

    struct Money: Codable, Equatable {
        var fen: Int64
        init(fen: Int64) { self.fen = fen }
        init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            fen = Int64(text.replacingOccurrences(of: ".", with: ""))!
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(String(format: "%d.%02d", fen / 100, fen % 100))
        }
    }

    struct Everything: Codable, Equatable {
        var text: String
        var chinese: String
        var flag: Bool
        var small: Int8
        var big: UInt64
        var negative: Int
        var ratio: Double
        var optionalPresent: String?
        var optionalAbsent: String?
        var inner: Inner
        var inners: [Inner]
        var nested: [[String]]
        var outcomes: [Outcome]
        var money: Money
        var empty: [String]
        var dictionary: [String: Int]
    }

    static let sample = Everything(
        text: "quote \" backslash \\ slash / newline \n tab \t bell \u{07} end",
        chinese: "张某，昆明市五华区 🏠", flag: true, small: -7, big: UInt64.max, negative: -1_234_567_890, ratio: 1.5,
        optionalPresent: "here", optionalAbsent: nil,
        inner: Inner(label: "a", values: [1, 2, 3]),
        inners: [Inner(label: "b", values: []), Inner(label: "c", values: [0])],
        nested: [["x"], [], ["y", "z"]],
        outcomes: [
            .delivered(effectiveOn: "2017-06-13"), .refused(department: "housing", reason: "no unit"), .pending,
        ],
        money: Money(fen: 6_000), empty: [], dictionary: ["one": 1])

    /// Parses JSON into Foundation objects, to compare two documents whatever their key order.
    static func object(_ bytes: some Collection<UInt8>) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? NSObject)
    }

    @Test("the same document as JSONEncoder, and it decodes back to the same value")
    func sameDocument() throws {
        let streamed = try StreamingJSONEncoder().encode(Self.sample)
        let foundation = try JSONEncoder().encode(Self.sample)
        #expect(try Self.object(streamed) == Self.object(foundation))
        #expect(try JSONDecoder().decode(Everything.self, from: Data(streamed)) == Self.sample)
    }

    @Test("keys in the order encoded, no whitespace, optional nil left out, slashes and non-ASCII as they are")
    func exactBytes() throws {
        let inner = try StreamingJSONEncoder().encode(Inner(label: "a/b \"c\"", values: [10, -2]))
        #expect(String(decoding: inner, as: UTF8.self) == #"{"label":"a/b \"c\"","values":[10,-2]}"#)
        let outcome = try StreamingJSONEncoder().encode([Outcome.delivered(effectiveOn: "2017-06-13"), .pending])
        #expect(
            String(decoding: outcome, as: UTF8.self)
                == #"[{"delivered":{"effectiveOn":"2017-06-13"}},{"pending":{}}]"#)
        struct Optionals: Encodable {
            var present: Int? = 1
            var absent: Int?
        }
        #expect(String(decoding: try StreamingJSONEncoder().encode(Optionals()), as: UTF8.self) == #"{"present":1}"#)
        #expect(String(decoding: try StreamingJSONEncoder().encode("云南 \u{1F}"), as: UTF8.self) == #""云南 \u001f""#)
        #expect(String(decoding: try StreamingJSONEncoder().encode(Money(fen: 5)), as: UTF8.self) == #""0.05""#)
        struct Nothing: Encodable {}
        #expect(String(decoding: try StreamingJSONEncoder().encode(Nothing()), as: UTF8.self) == "{}")
        #expect(String(decoding: try StreamingJSONEncoder().encode([Int]()), as: UTF8.self) == "[]")
        #expect(String(decoding: try StreamingJSONEncoder().encode(Int64.min), as: UTF8.self) == "-9223372036854775808")
    }

    @Test("a non-finite number is refused, as by JSONEncoder")
    func nonFinite() {
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try StreamingJSONEncoder().encode(["x": Double.infinity]) }
    }
}
