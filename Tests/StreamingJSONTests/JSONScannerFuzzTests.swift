import Foundation
import StreamingJSON
import TestSupport
import Testing

/// The package's one JSON validator (``JSONScanner``, which ``StreamingJSONDecoder`` parses with) under seeded
/// random input: random bytes and mutated valid documents. It must never crash, must accept every valid document
/// it is given, and must never accept what Foundation's `JSONSerialization` refuses (RFC 8259, fragments allowed).
@Suite("JSON validator fuzzing (seeded)")
struct JSONScannerFuzzTests {
    /// Any JSON value, to decode a document of unknown shape with ``StreamingJSONDecoder``.
    indirect enum AnyJSON: Decodable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([AnyJSON])
        case object([String: AnyJSON])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([AnyJSON].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: AnyJSON].self))
            }
        }
    }

    static let numbers = ["0", "-0", "7", "-12", "3.25", "-0.5", "1e5", "2E-3", "6.02e+23", "123456789012", "0.0001"]
    static let stringPieces = [
        "a", "Zz", " ", "张三", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u00e9", "\\u4E2D", "\\ud83d\\ude00",
        "KM-2017",
    ]
    static let blanks = ["", " ", "\n", "\t", "\r\n"]

    /// A random valid JSON text.
    static func document(depth: Int = 0, using random: inout SeededGenerator) -> String {
        let blank = blanks.randomElement(using: &random)!
        let choice = depth >= 4 ? Int.random(in: 0..<4, using: &random) : Int.random(in: 0..<6, using: &random)
        switch choice {
        case 0: return blank + numbers.randomElement(using: &random)!
        case 1: return ["true", "false", "null"].randomElement(using: &random)!
        case 2, 3:
            let pieces = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                stringPieces.randomElement(using: &random)!
            }
            return "\"" + pieces.joined() + "\"" + blank
        case 4:
            let elements = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                document(depth: depth + 1, using: &random)
            }
            return "[" + blank + elements.joined(separator: ",") + "]"
        default:
            let members = (0..<Int.random(in: 0...4, using: &random)).map { index in
                "\"k\(index)\"" + blank + ":" + document(depth: depth + 1, using: &random)
            }
            return "{" + members.joined(separator: "," + blank) + blank + "}"
        }
    }

    /// Bytes that matter to a JSON reader, and some that never may appear raw.
    static let interesting: [UInt8] =
        Array("{}[]:,\"\\ tfnule+-.0123456789Eu/".utf8) + [
            0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xED, 0xF4, 0xFF,
        ]

    /// A valid document changed in one to three places: a byte replaced, inserted or deleted, or the end cut off.
    static func mutated(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            let byte = interesting.randomElement(using: &random)!
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !bytes.isEmpty: bytes[position] = byte
            case 1: bytes.insert(byte, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    /// Whether the package's validator accepts `bytes`, and whether its decoder reads them as any JSON value.
    static func verdicts(_ bytes: [UInt8]) -> (scanner: Bool, decoder: Bool) {
        let scanner = (try? JSONScanner.validate(bytes)) != nil
        let decoder = (try? StreamingJSONDecoder().decode(AnyJSON.self, from: bytes)) != nil
        return (scanner, decoder)
    }

    /// Whether Foundation accepts `bytes` as JSON.
    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    @Test("valid documents are accepted by the validator, the decoder and Foundation alike")
    func validDocuments() {
        var random = SeededGenerator(seed: 2017)
        for _ in 0..<1_000 {
            let text = Self.document(using: &random)
            let bytes = Array(text.utf8)
            let verdicts = Self.verdicts(bytes)
            #expect(verdicts.scanner && verdicts.decoder, "refused a valid document: \(text)")
            #expect(Self.foundationAccepts(bytes), "Foundation refused a generated document: \(text)")
        }
    }

    @Test("mutated valid documents: no crash, nothing accepted that Foundation refuses")
    func mutatedDocuments() {
        var random = SeededGenerator(seed: 20)
        var refused = 0
        for _ in 0..<3_000 {
            let bytes = Self.mutated(Array(Self.document(using: &random).utf8), using: &random)
            let verdicts = Self.verdicts(bytes)
            if verdicts.scanner {
                #expect(Self.foundationAccepts(bytes), "accepted invalid JSON: \(Self.shown(bytes))")
            } else {
                refused += 1
            }
            #expect(!verdicts.decoder || verdicts.scanner, "the decoder read what the validator refuses")
        }
        #expect(refused > 1_000, "the mutations must break most documents, or the test checks little")
    }

    @Test("random bytes: no crash, nothing accepted that Foundation refuses")
    func randomBytes() {
        var random = SeededGenerator(seed: 530_100)
        for _ in 0..<3_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in
                Bool.random(using: &random)
                    ? Self.interesting.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            let verdicts = Self.verdicts(bytes)
            if verdicts.scanner {
                #expect(Self.foundationAccepts(bytes), "accepted invalid JSON: \(Self.shown(bytes))")
            }
            #expect(!verdicts.decoder || verdicts.scanner, "the decoder read what the validator refuses")
        }
    }

    /// The bytes as hexadecimal, for a failure message.
    static func shown(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16) }.joined(separator: " ")
    }
}
