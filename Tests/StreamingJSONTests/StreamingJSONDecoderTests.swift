import Foundation
import StreamingJSON
import Testing

/// The streaming decoder reads what Foundation's `JSONDecoder` reads, and refuses what it refuses, with the same
/// kinds of `DecodingError`.
@Suite("Streaming JSON decoder")
struct StreamingJSONDecoderTests {
    typealias Everything = StreamingJSONEncoderTests.Everything

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try StreamingJSONDecoder().decode(type, from: Array(text.utf8))
    }

    @Test("reads back what either encoder wrote, equal to what JSONDecoder reads")
    func roundTrip() throws {
        let sample = StreamingJSONEncoderTests.sample
        for bytes in [try StreamingJSONEncoder().encode(sample), Array(try JSONEncoder().encode(sample))] {
            let streamed = try StreamingJSONDecoder().decode(Everything.self, from: bytes)
            #expect(streamed == sample)
            #expect(streamed == (try JSONDecoder().decode(Everything.self, from: Data(bytes))))
        }
    }

    struct Record: Decodable, Equatable {
        var a: Int
        var b: String?
        var c: [Double]
        var d: Bool
    }

    @Test("members in any order, with whitespace, unknown members skipped, a missing optional is nil")
    func anyOrder() throws {
        let text = """
             { "zz" : {"nested": [1, {"x": null}]}, "d":false , "c" : [ 1 , -2.5e3, 0.125, 1E2 ],\t"a":\n42 }
            """
        let expected = Record(a: 42, b: nil, c: [1, -2_500, 0.125, 100], d: false)
        #expect(try Self.decode(Record.self, text) == expected)
        #expect(try JSONDecoder().decode(Record.self, from: Data(text.utf8)) == expected)
        #expect(try Self.decode(Record.self, #"{"a":1,"b":null,"c":[],"d":true}"#) == Record(a: 1, c: [], d: true))
    }

    @Test("escapes, surrogate pairs and non-ASCII text")
    func strings() throws {
        let text = #"["\"\\\/\b\f\n\r\t", "\u0041\u00e9\u4e91", "\ud83c\udfe0", "云南 🏠", ""]"#
        let expected = ["\"\\/\u{08}\u{0C}\n\r\t", "Aé云", "🏠", "云南 🏠", ""]
        #expect(try Self.decode([String].self, text) == expected)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == expected)
        // An escaped key still matches.
        #expect(try Self.decode([String: Int].self, #"{"\u0061":1}"#) == ["a": 1])
        #expect(try Self.decode(Record.self, #"{"\u0061":1,"c":[],"d":true}"#).a == 1)
    }

    @Test("integers at the edges of their types, and numbers that do not fit")
    func integers() throws {
        #expect(
            try Self.decode([Int64].self, "[-9223372036854775808, 9223372036854775807, 0, -0]")
                == [Int64.min, Int64.max, 0, 0])
        #expect(try Self.decode(UInt64.self, "18446744073709551615") == UInt64.max)
        #expect(try Self.decode(Int8.self, "-128") == -128)
        #expect(try Self.decode(Int.self, "1e2") == 100)
        for (text, type) in [
            ("128", Int8.self as any Decodable.Type), ("-1", UInt.self), ("18446744073709551616", UInt64.self),
            ("9223372036854775808", Int.self), ("1.5", Int.self), ("1e400", Double.self),
        ] {
            #expect(throws: DecodingError.self, "\(text) as \(type)") {
                try StreamingJSONDecoder().decode(type, from: Array(text.utf8))
            }
            #expect(throws: DecodingError.self, "JSONDecoder: \(text) as \(type)") {
                try JSONDecoder().decode(type, from: Data(text.utf8))
            }
        }
    }

    @Test("the kinds of DecodingError, with the coding path")
    func errors() throws {
        func path(_ error: DecodingError) -> String {
            let context: DecodingError.Context
            switch error {
            case .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                context = c
            @unknown default: return "?"
            }
            return context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        func caught(_ text: String) -> DecodingError? {
            do {
                _ = try Self.decode([Record].self, text)
                return nil
            } catch {
                return error as? DecodingError
            }
        }
        let missing = try #require(caught(#"[{"a":1,"c":[],"d":true},{"c":[],"d":true}]"#))
        guard case .keyNotFound(let key, _) = missing else {
            Issue.record("\(missing)")
            return
        }
        #expect(key.stringValue == "a")
        #expect(path(missing) == "1")

        let mismatch = try #require(caught(#"[{"a":1,"c":[1,"x"],"d":true}]"#))
        guard case .typeMismatch = mismatch else {
            Issue.record("\(mismatch)")
            return
        }
        #expect(path(mismatch) == "0.c.1")

        let null = try #require(caught(#"[{"a":null,"c":[],"d":true}]"#))
        guard case .valueNotFound = null else {
            Issue.record("\(null)")
            return
        }
        #expect(path(null) == "0.a")

        let notObject = try #require(caught(#"[[]]"#))
        guard case .typeMismatch = notObject else {
            Issue.record("\(notObject)")
            return
        }

        let corrupt = try #require(caught(#"[{"a":1,"c":[],"d":tru}]"#))
        guard case .dataCorrupted(let context) = corrupt else {
            Issue.record("\(corrupt)")
            return
        }
        #expect(context.debugDescription.contains("at byte 19"))
    }

    @Test("text that is not JSON is refused, as JSONDecoder refuses it")
    func notJSON() throws {
        let documents = [
            "", " ", "[1,]", #"{"a":1,}"#, "[1 2]", #"{"a" 1}"#, #"{a:1}"#, "01", "-", "1.", "1e", ".5", "+1",
            #""open"#, "\"tab\t\"", #""\x""#, #""\u12""#, #""\ud800""#, #""\udc00""#, "[1]x", "[1]]", "nul", "True",
            "{", "[", #"{"a":1"#, "[" + String(repeating: "[", count: 600) + String(repeating: "]", count: 601),
        ]
        for document in documents {
            #expect(throws: DecodingError.self, "\(document.prefix(20))") {
                try StreamingJSONDecoder().decode(String.self, from: Array(document.utf8))
            }
            // Foundation refuses each as well (for the same reason or because it is not a String).
            #expect(throws: (any Error).self, "JSONDecoder: \(document.prefix(20))") {
                try JSONDecoder().decode(String.self, from: Data(document.utf8))
            }
        }
        // Bytes that are not UTF-8 inside a string that is read.
        #expect(throws: DecodingError.self) {
            try StreamingJSONDecoder().decode(String.self, from: [0x22, 0xFF, 0xFE, 0x22])
        }
    }

    @Test("unkeyed containers: nil elements, the end, nested arrays")
    func unkeyed() throws {
        #expect(try Self.decode([Int?].self, "[1,null,3]") == [1, nil, 3])
        #expect(try Self.decode([[Int]].self, "[[],[1],[2,3]]") == [[], [1], [2, 3]])
        struct Pair: Decodable, Equatable {
            var first: Int
            var second: String
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                first = try container.decode(Int.self)
                second = try container.decode(String.self)
                #expect(container.isAtEnd)
                #expect(throws: DecodingError.self) { try container.decode(Int.self) }
            }
        }
        #expect(try Self.decode(Pair.self, #"[7,"x"]"#).first == 7)
    }
}
