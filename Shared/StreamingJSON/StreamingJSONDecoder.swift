import Foundation

/// Decodes `Decodable` values from JSON, reading members in place instead of building a dictionary per object.
///
/// Why not Foundation's `JSONDecoder`: for each object it builds a `[String: value]` dictionary before the type reads
/// a single member, which makes decoding the largest cost of applying an event after the database (15–20 % of a
/// service's time under `perf`). This decoder checks the document in one pass into a flat list of values (a tape),
/// then hands out containers that read from the tape. A keyed container looks for the next key where the last one
/// was found, so members written in declaration order (as ``StreamingJSONEncoder`` writes them) are found at once;
/// members in any other order are found too.
///
/// What it reads (RFC 8259): one value with optional whitespace around it; strings with every escape of the RFC,
/// `\u` surrogate pairs included; every string's escapes and UTF-8 are checked, read or not (the document is
/// checked whole by ``JSONScanner``, the package's one JSON validator, before any value is read); numbers in the RFC's grammar, read into
/// the asked type only if they fit exactly (`Double` and `Float` to the nearest value); `null` for `decodeNil` and
/// for absent optionals. Objects and arrays nest at most ``maximumDepth`` deep. When a key occurs twice in one
/// object, the first is read. `Date`, `Data` and `URL` are not special-cased: they decode as their own `Decodable`
/// conformance says (the programme's payloads carry none), and `userInfo` is empty.
///
/// Errors are Foundation's `DecodingError`s with the coding path: `dataCorrupted` for text that is not JSON (with
/// the byte offset) or a number that does not fit, `keyNotFound`, `valueNotFound` for `null` where a value is
/// required, `typeMismatch` for a value of another kind.
public struct StreamingJSONDecoder: Sendable {
    /// How deep objects and arrays may nest (a document nested deeper is refused, not read with a deep stack).
    public static let maximumDepth = JSONScanner.maximumDepth

    /// Creates a decoder.
    public init() {}

    /// Decodes a value from UTF-8 JSON.
    ///
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The UTF-8 JSON text.
    /// - Returns: The value.
    /// - Throws: `DecodingError` (see the type's description).
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        JSONCodingCounts.countDecode()
        let tape: JSONTape
        do {
            tape = try JSONTape(parsing: bytes)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "Not valid JSON: \(error.reason) at byte \(error.offset)."))
        }
        return try JSONValueDecoder(tape: tape, node: 0, parent: nil, key: nil).decode(type)
    }

    /// Decodes a value from UTF-8 JSON held in `Data`.
    ///
    /// - Throws: `DecodingError` (see the type's description).
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decode(type, from: [UInt8](data))
    }
}

// MARK: - The tape

/// One JSON value of a document, in document order (a container is followed by its contents).
struct JSONNode {
    enum Kind: UInt8 { case object, array, string, number, `true`, `false`, null }
    var kind: Kind
    /// For a string, whether it holds an escape; for a number, whether it has a fraction or an exponent.
    var flag = false
    /// Strings and numbers: the first byte (a string's after its opening quote). Containers: their element count.
    var start: Int
    /// Strings and numbers: the byte after the last (a string's closing quote). Containers: the index of the node
    /// after their last descendant.
    var end: Int
}

/// A checked document: its bytes and its values.
final class JSONTape: Sendable {
    let bytes: [UInt8]
    let nodes: [JSONNode]

    init(parsing bytes: [UInt8]) throws(JSONScanner.InvalidJSON) {
        self.bytes = bytes
        var parser = JSONParser(count: bytes.count)
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONScanner.InvalidJSON) in try parser.parseDocument(buffer)
        }
        nodes = parser.nodes
    }

    /// The index of the node after `index` and its descendants.
    @inline(__always) func next(after index: Int) -> Int {
        let node = nodes[index]
        switch node.kind {
        case .object, .array: return node.end
        default: return index + 1
        }
    }

    /// Whether the string node at `index` is exactly `key`.
    func string(at index: Int, equals key: String) -> Bool {
        let node = nodes[index]
        if node.flag { return (try? string(at: index)) == key }
        var key = key
        return key.withUTF8 { wanted in
            guard wanted.count == node.end - node.start else { return false }
            return bytes.withUnsafeBufferPointer { all in
                wanted.count == 0 || memcmp(wanted.baseAddress!, all.baseAddress! + node.start, wanted.count) == 0
            }
        }
    }

    /// The string node at `index`, unescaped (its UTF-8 and escapes were checked by the parser).
    ///
    /// - Throws: ``JSONScanner/InvalidJSON`` when an escape is not one of the RFC's (not expected: the parser
    ///   refuses such a document).
    func string(at index: Int) throws -> String {
        let node = nodes[index]
        return try bytes.withUnsafeBufferPointer { all in
            let raw = UnsafeBufferPointer(rebasing: all[node.start..<node.end])
            guard node.flag else { return String(decoding: raw, as: UTF8.self) }
            return String(decoding: try Self.unescape(raw, at: node.start), as: UTF8.self)
        }
    }

    /// The integer node at `index` (digits with an optional minus, checked by the parser), or `nil` when it does
    /// not fit in `I`.
    func integer<I: FixedWidthInteger>(at index: Int, as type: I.Type) -> I? {
        let node = nodes[index]
        return bytes.withUnsafeBufferPointer { all -> I? in
            var position = node.start
            let negative = all[position] == UInt8(ascii: "-")
            if negative { position += 1 }
            var magnitude: UInt64 = 0
            while position < node.end {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(all[position] - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                magnitude = sum
                position += 1
            }
            if !negative { return I(exactly: magnitude) }
            if magnitude == 0 { return 0 }
            guard I.isSigned, magnitude - 1 <= UInt64(Int64.max) else { return nil }
            return I(exactly: -Int64(magnitude - 1) - 1)
        }
    }

    /// The text of the number node at `index` (ASCII, checked by the parser).
    func numberText(at index: Int) -> Substring {
        let node = nodes[index]
        return Substring(decoding: bytes[node.start..<node.end], as: UTF8.self)
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> [UInt8] {
        do {
            return try JSONEscapes.unescape(raw)
        } catch {
            throw JSONScanner.InvalidJSON(offset: offset + error.offset, reason: error.reason)
        }
    }
}

/// Checks a document and lays its values out as nodes; the tokens are read and checked by ``JSONScanner``.
private struct JSONParser {
    var nodes: [JSONNode] = []

    init(count: Int) { nodes.reserveCapacity(count / 8 + 4) }

    mutating func parseDocument(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONScanner.InvalidJSON) {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        try parseValue(&scanner, depth: 0)
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.invalid("text after the JSON value") }
    }

    private mutating func parseValue(_ scanner: inout JSONScanner, depth: Int) throws(JSONScanner.InvalidJSON) {
        guard let byte = scanner.peek else { throw scanner.invalid("the end of the text where a value was expected") }
        let start = scanner.index
        switch byte {
        case UInt8(ascii: "{"): try parseContainer(&scanner, kind: .object, closer: UInt8(ascii: "}"), depth: depth)
        case UInt8(ascii: "["): try parseContainer(&scanner, kind: .array, closer: UInt8(ascii: "]"), depth: depth)
        case UInt8(ascii: "\""):
            let (content, escaped) = try scanner.scanString()
            nodes.append(JSONNode(kind: .string, flag: escaped, start: content.lowerBound, end: content.upperBound))
        case UInt8(ascii: "t"):
            try scanner.expectLiteral("true")
            nodes.append(JSONNode(kind: .true, start: start, end: scanner.index))
        case UInt8(ascii: "f"):
            try scanner.expectLiteral("false")
            nodes.append(JSONNode(kind: .false, start: start, end: scanner.index))
        case UInt8(ascii: "n"):
            try scanner.expectLiteral("null")
            nodes.append(JSONNode(kind: .null, start: start, end: scanner.index))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let fractional = try scanner.scanNumber()
            nodes.append(JSONNode(kind: .number, flag: fractional, start: start, end: scanner.index))
        default: throw scanner.invalid("a character that does not start a JSON value")
        }
    }

    private mutating func parseContainer(
        _ scanner: inout JSONScanner, kind: JSONNode.Kind, closer: UInt8, depth: Int
    ) throws(JSONScanner.InvalidJSON) {
        guard depth < JSONScanner.maximumDepth else { throw scanner.invalid("values nested too deep") }
        let index = nodes.count
        nodes.append(JSONNode(kind: kind, start: 0, end: 0))
        scanner.index += 1
        scanner.skipWhitespace()
        var count = 0
        if scanner.peek == closer {
            scanner.index += 1
        } else {
            while true {
                if kind == .object {
                    guard scanner.peek == UInt8(ascii: "\"") else {
                        throw scanner.invalid("an object member that does not start with a string key")
                    }
                    let (content, escaped) = try scanner.scanString()
                    nodes.append(
                        JSONNode(kind: .string, flag: escaped, start: content.lowerBound, end: content.upperBound))
                    scanner.skipWhitespace()
                    guard scanner.peek == UInt8(ascii: ":") else {
                        throw scanner.invalid("a key without a colon after it")
                    }
                    scanner.index += 1
                    scanner.skipWhitespace()
                }
                try parseValue(&scanner, depth: depth + 1)
                count += 1
                scanner.skipWhitespace()
                guard let next = scanner.peek else {
                    throw scanner.invalid("the end of the text inside an object or array")
                }
                if next == UInt8(ascii: ",") {
                    scanner.index += 1
                    scanner.skipWhitespace()
                } else if next == closer {
                    scanner.index += 1
                    break
                } else {
                    throw scanner.invalid("a character where a comma or the end of the object or array was expected")
                }
            }
        }
        nodes[index].start = count
        nodes[index].end = nodes.count
    }
}

// MARK: - Decoders and containers

/// The `Decoder` handed to one value's `init(from:)`.
struct JSONValueDecoder: Decoder {
    let tape: JSONTape
    let node: Int
    /// The coding path of the container holding the value.
    let parent: JSONCodingPath?
    /// The value's key in that container (`nil` for the top-level value). The path is only built when the value
    /// opens a container or an error names it.
    let key: JSONKey?

    var codingPath: [any CodingKey] { JSONCodingPath.keys(of: .extending(parent, with: key)) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try expect(.object, for: [String: Any].self)
        return KeyedDecodingContainer(
            JSONKeyedContainer<Key>(tape: tape, object: node, path: .extending(parent, with: key)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try expect(.array, for: [Any].self)
        return JSONUnkeyedContainer(tape: tape, array: node, path: .extending(parent, with: key))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    private func expect(_ kind: JSONNode.Kind, for type: Any.Type) throws {
        let found = tape.nodes[node].kind
        guard found == kind else { throw mismatch(type, found: found) }
    }

    func mismatch(_ type: Any.Type, found: JSONNode.Kind) -> DecodingError {
        if found == .null {
            return .valueNotFound(
                type, .init(codingPath: codingPath, debugDescription: "Expected \(type) but found null instead."))
        }
        return .typeMismatch(
            type, .init(codingPath: codingPath, debugDescription: "Expected \(type) but found \(found.name) instead."))
    }

    func corrupted(_ description: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: description))
    }

    /// Decodes any value at this decoder's node.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try decodeString() as! T
        case is Int.Type: return try decodeInteger(Int.self) as! T
        case is Bool.Type: return try decodeBool() as! T
        case is Double.Type: return try decodeFloatingPoint(Double.self) as! T
        default: return try T(from: self)
        }
    }

    func decodeString() throws -> String {
        let found = tape.nodes[node].kind
        guard found == .string else { throw mismatch(String.self, found: found) }
        do {
            return try tape.string(at: node)
        } catch let error as JSONScanner.InvalidJSON {
            throw corrupted("The string at byte \(error.offset) holds \(error.reason).")
        }
    }

    func decodeBool() throws -> Bool {
        switch tape.nodes[node].kind {
        case .true: return true
        case .false: return false
        case let found: throw mismatch(Bool.self, found: found)
        }
    }

    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let number = tape.nodes[node]
        guard number.kind == .number else { throw mismatch(type, found: number.kind) }
        if !number.flag, let value = tape.integer(at: node, as: type) { return value }
        let text = tape.numberText(at: node)
        if number.flag, let double = Double(text), let value = I(exactly: double) { return value }
        throw corrupted("The number \(text) does not fit in \(type).")
    }

    func decodeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ type: F.Type) throws -> F {
        let number = tape.nodes[node]
        guard number.kind == .number else { throw mismatch(type, found: number.kind) }
        let text = tape.numberText(at: node)
        guard let value = F(String(text)), value.isFinite else {
            throw corrupted("The number \(text) does not fit in \(type).")
        }
        return value
    }
}

extension JSONNode.Kind {
    var name: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .true, .false: "a boolean"
        case .null: "null"
        }
    }
}

extension JSONValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { tape.nodes[node].kind == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decodeFloatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try decodeFloatingPoint(type) }
    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
}

/// An object's members, found from where the previous key was found.
final class JSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let tape: JSONTape
    let object: Int
    let path: JSONCodingPath?
    /// The node of the last key found (the first place to look for the next key: the same one again for
    /// `decodeIfPresent`, else usually the one after it).
    @exclusivity(unchecked) private var hint: Int

    init(tape: JSONTape, object: Int, path: JSONCodingPath?) {
        self.tape = tape
        self.object = object
        self.path = path
        hint = object + 1
    }

    var codingPath: [any CodingKey] { JSONCodingPath.keys(of: path) }

    var allKeys: [Key] {
        var keys: [Key] = []
        var index = object + 1
        let end = tape.nodes[object].end
        while index < end {
            if let name = try? tape.string(at: index), let key = Key(stringValue: name) { keys.append(key) }
            index = tape.next(after: index + 1)
        }
        return keys
    }

    /// The node of the value of `key`, or `nil` when the object has no such member.
    private func valueNode(_ key: Key) -> Int? {
        let name = key.stringValue
        if let found = find(name, from: hint, to: tape.nodes[object].end) ?? find(name, from: object + 1, to: hint) {
            hint = found
            return found + 1
        }
        return nil
    }

    /// The node of the key `name` among the members whose keys lie in `from..<to`.
    private func find(_ name: String, from: Int, to: Int) -> Int? {
        var index = from
        while index < to {
            if tape.string(at: index, equals: name) { return index }
            index = tape.next(after: index + 1)
        }
        return nil
    }

    private func decoder(for key: Key) throws -> JSONValueDecoder {
        guard let node = valueNode(key) else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: codingPath,
                    debugDescription: "No value associated with key \(key.stringValue) (\"\(key.stringValue)\")."))
        }
        return JSONValueDecoder(tape: tape, node: node, parent: path, key: JSONKey(key))
    }

    func contains(_ key: Key) -> Bool { valueNode(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { try decoder(for: key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(for: key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(for: key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder(for: key).decodeFloatingPoint(type)
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(for: key).decodeFloatingPoint(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(for: key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(for: key).decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(for: key).decode(type) }

    /// The member's decoder, or `nil` when the member is absent or `null` (one lookup instead of three).
    private func presentDecoder(for key: Key) -> JSONValueDecoder? {
        guard let node = valueNode(key), tape.nodes[node].kind != .null else { return nil }
        return JSONValueDecoder(tape: tape, node: node, parent: path, key: JSONKey(key))
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try presentDecoder(for: key)?.decodeString()
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try presentDecoder(for: key)?.decodeInteger(type)
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try presentDecoder(for: key)?.decodeBool()
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try presentDecoder(for: key)?.decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        guard let key = Key(stringValue: "super") else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "The key type has no key named super."))
        }
        return try decoder(for: key)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(for: key) }
}

/// An array's elements, in order.
struct JSONUnkeyedContainer: UnkeyedDecodingContainer {
    let tape: JSONTape
    let path: JSONCodingPath?
    let count: Int?
    private(set) var currentIndex = 0
    /// The node of the next element.
    private var node: Int

    init(tape: JSONTape, array: Int, path: JSONCodingPath?) {
        self.tape = tape
        self.path = path
        count = tape.nodes[array].start
        node = array + 1
    }

    var codingPath: [any CodingKey] { JSONCodingPath.keys(of: path) }
    var isAtEnd: Bool { currentIndex >= count! }

    /// The decoder of the next element, moving past it.
    private mutating func next(_ type: Any.Type) throws -> JSONValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: codingPath + [JSONKey(index: currentIndex)],
                    debugDescription: "Unkeyed container is at end."))
        }
        let decoder = JSONValueDecoder(tape: tape, node: node, parent: path, key: JSONKey(index: currentIndex))
        node = tape.next(after: node)
        currentIndex += 1
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Never.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end."))
        }
        guard tape.nodes[node].kind == .null else { return false }
        node += 1
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next(type).decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type).decodeFloatingPoint(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type).decodeFloatingPoint(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).decodeInteger(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next((any Decoder).self) }
}
