import Foundation

/// Encodes `Encodable` values as compact JSON, writing each value as it is encoded.
///
/// Why not Foundation's `JSONEncoder`: it first builds a tree of every value, then serializes the tree, and that
/// costs more than anything else a service does with an event (about 20 µs for a household view, of which the
/// union encodes six per household). This encoder writes straight into one byte buffer.
///
/// What it writes: objects with their keys in the order the type encodes them (declaration order for synthesized
/// conformances, so the same value always gives the same bytes), no whitespace, strings as UTF-8 with `"`, `\` and
/// control characters escaped (`/` is not), integers in decimal, `Double` and `Float` in their shortest form that
/// reads back exactly, `nil` from `encodeNil` as `null` (an optional property that is `nil` is left out, as with
/// `JSONEncoder`), and `{}` for a value that encodes nothing. `Date`, `Data` and `URL` are not special-cased: they
/// encode as their own `Encodable` conformance says (the programme's payloads carry none).
///
/// Containers must be used one after the other, as synthesized conformances do: once a value writes to its
/// container again, any nested container it opened before is closed.
public struct StreamingJSONEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// Encodes a value.
    ///
    /// - Parameter value: The value.
    /// - Returns: The UTF-8 JSON.
    /// - Throws: `EncodingError.invalidValue` for a non-finite floating-point number.
    public func encode(_ value: some Encodable) throws -> [UInt8] {
        JSONCodingCounts.countEncode()
        let writer = JSONStreamWriter()
        try writer.write(value, parent: nil, key: nil)
        return writer.bytes
    }
}

/// The buffer and the stack of open containers shared by every encoder and container of one encoding.
///
/// Its state is marked `@exclusivity(unchecked)`: it is only ever used by one encoding on one thread, and the
/// run-time exclusivity checks of a class's stored properties would take a fifth of the encoding time (`perf`).
final class JSONStreamWriter {
    @exclusivity(unchecked) var bytes: [UInt8] = []
    /// Open containers, innermost last: the byte that closes each and how many elements it holds so far.
    @exclusivity(unchecked) private var open: [(closer: UInt8, count: Int)] = []

    init() { bytes.reserveCapacity(1_024) }

    /// The depth a new container opened now gets.
    var depth: Int { open.count }

    /// Writes any value: primitives directly, others through their `encode(to:)`.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - parent: The coding path of the container holding it.
    ///   - key: Its key in that container (`nil` for the top-level value).
    func write<T: Encodable>(_ value: T, parent: JSONCodingPath?, key: JSONKey?) throws {
        // Compared by metatype, not cast: a failed `as` cast looks up conformances at run time.
        if T.self == String.self {
            writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Bool.self {
            writeRaw(unsafeBitCast(value, to: Bool.self) ? "true" : "false")
        } else if T.self == Int.self {
            writeInteger(unsafeBitCast(value, to: Int.self))
        } else if T.self == Int64.self {
            writeInteger(unsafeBitCast(value, to: Int64.self))
        } else if T.self == Double.self {
            try writeFloatingPoint(unsafeBitCast(value, to: Double.self), parent: parent, key: key)
        } else if T.self == Float.self {
            try writeFloatingPoint(unsafeBitCast(value, to: Float.self), parent: parent, key: key)
        } else if writeOtherInteger(value) {
            return
        } else {
            let base = open.count
            let encoder = StreamingValueEncoder(writer: self, base: base, path: .extending(parent, with: key))
            try value.encode(to: encoder)
            if !encoder.wrote { writeRaw("{}") }
            close(downTo: base)
        }
    }

    /// Writes `value` if it is one of the fixed-width integers other than `Int` and `Int64`.
    ///
    /// - Returns: Whether it was one.
    private func writeOtherInteger<T: Encodable>(_ value: T) -> Bool {
        func write<I: FixedWidthInteger>(as type: I.Type) -> Bool {
            guard T.self == I.self else { return false }
            writeInteger(unsafeBitCast(value, to: I.self))
            return true
        }
        return write(as: Int8.self) || write(as: Int16.self) || write(as: Int32.self) || write(as: UInt.self)
            || write(as: UInt8.self) || write(as: UInt16.self) || write(as: UInt32.self) || write(as: UInt64.self)
    }

    /// Opens a container at the current depth.
    func openContainer(_ opener: UInt8, closer: UInt8) {
        bytes.append(opener)
        open.append((closer, 0))
    }

    /// Closes the containers deeper than `depth`.
    func close(downTo depth: Int) {
        while open.count > depth { bytes.append(open.removeLast().closer) }
    }

    /// Starts the next element of the container at `index` (closing any container opened inside the previous one).
    func beginElement(ofContainerAt index: Int) {
        precondition(index < open.count, "StreamingJSONEncoder: a container was used after its value was encoded")
        close(downTo: index + 1)
        if open[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        open[index].count += 1
    }

    /// Starts a member `"key":` of the object at `index`.
    func beginMember(_ key: String, ofContainerAt index: Int) {
        beginElement(ofContainerAt: index)
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    func writeRaw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    func writeInteger(_ value: some BinaryInteger) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    func writeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: F, parent: JSONCodingPath?, key: JSONKey?
    ) throws {
        guard value.isFinite else {
            let codingPath = JSONCodingPath.keys(of: .extending(parent, with: key))
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not valid JSON"))
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case 0x22: writeRaw(#"\""#)
                case 0x5C: writeRaw(#"\\"#)
                case 0x0A: writeRaw(#"\n"#)
                case 0x0D: writeRaw(#"\r"#)
                case 0x09: writeRaw(#"\t"#)
                case 0x08: writeRaw(#"\b"#)
                case 0x0C: writeRaw(#"\f"#)
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    writeRaw(#"\u00"#)
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// The `Encoder` handed to one value's `encode(to:)`.
final class StreamingValueEncoder: Encoder {
    let writer: JSONStreamWriter
    /// The depth of the containers this value opens.
    let base: Int
    /// The value's coding path.
    let path: JSONCodingPath?
    var codingPath: [any CodingKey] { JSONCodingPath.keys(of: path) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// Whether the value wrote anything (a container, or a single value).
    @exclusivity(unchecked) var wrote = false

    init(writer: JSONStreamWriter, base: Int, path: JSONCodingPath?) {
        self.writer = writer
        self.base = base
        self.path = path
    }

    /// The index of this value's container, opening it on first use.
    private func containerIndex(opener: UInt8, closer: UInt8) -> Int {
        if !wrote {
            wrote = true
            writer.openContainer(opener, closer: closer)
        }
        return base
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let index = containerIndex(opener: UInt8(ascii: "{"), closer: UInt8(ascii: "}"))
        return KeyedEncodingContainer(StreamingKeyedContainer<Key>(writer: writer, index: index, path: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let index = containerIndex(opener: UInt8(ascii: "["), closer: UInt8(ascii: "]"))
        return StreamingUnkeyedContainer(writer: writer, index: index, path: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StreamingSingleValueContainer(encoder: self)
    }
}

struct StreamingKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONStreamWriter
    let index: Int
    /// The coding path of the object.
    let path: JSONCodingPath?
    var codingPath: [any CodingKey] { JSONCodingPath.keys(of: path) }

    /// Starts the member `key` and returns its key for a coding path.
    private func begin(_ key: Key) -> JSONKey {
        let name = key.stringValue
        writer.beginMember(name, ofContainerAt: index)
        return JSONKey(name: name, intValue: key.intValue)
    }

    mutating func encodeNil(forKey key: Key) throws {
        _ = begin(key)
        writer.writeRaw("null")
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        _ = begin(key)
        writer.writeString(value)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        _ = begin(key)
        writer.writeRaw(value ? "true" : "false")
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        _ = begin(key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        let member = begin(key)
        try writer.write(value, parent: path, key: member)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let member = begin(key)
        let nested = writer.depth
        writer.openContainer(UInt8(ascii: "{"), closer: UInt8(ascii: "}"))
        return KeyedEncodingContainer(
            StreamingKeyedContainer<NestedKey>(writer: writer, index: nested, path: .extending(path, with: member)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let member = begin(key)
        let nested = writer.depth
        writer.openContainer(UInt8(ascii: "["), closer: UInt8(ascii: "]"))
        return StreamingUnkeyedContainer(writer: writer, index: nested, path: .extending(path, with: member))
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(forKey: Key(stringValue: "super")!)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let member = begin(key)
        return StreamingValueEncoder(writer: writer, base: writer.depth, path: .extending(path, with: member))
    }
}

struct StreamingUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: JSONStreamWriter
    let index: Int
    /// The coding path of the array.
    let path: JSONCodingPath?
    var codingPath: [any CodingKey] { JSONCodingPath.keys(of: path) }
    private(set) var count = 0

    init(writer: JSONStreamWriter, index: Int, path: JSONCodingPath?) {
        self.writer = writer
        self.index = index
        self.path = path
    }

    /// Starts the next element and returns its key for a coding path.
    private mutating func begin() -> JSONKey {
        writer.beginElement(ofContainerAt: index)
        count += 1
        return JSONKey(index: count - 1)
    }

    mutating func encodeNil() throws {
        _ = begin()
        writer.writeRaw("null")
    }

    mutating func encode(_ value: String) throws {
        _ = begin()
        writer.writeString(value)
    }

    mutating func encode(_ value: some Encodable) throws {
        let element = begin()
        try writer.write(value, parent: path, key: element)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let element = begin()
        let nested = writer.depth
        writer.openContainer(UInt8(ascii: "{"), closer: UInt8(ascii: "}"))
        return KeyedEncodingContainer(
            StreamingKeyedContainer<NestedKey>(writer: writer, index: nested, path: .extending(path, with: element)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let element = begin()
        let nested = writer.depth
        writer.openContainer(UInt8(ascii: "["), closer: UInt8(ascii: "]"))
        return StreamingUnkeyedContainer(writer: writer, index: nested, path: .extending(path, with: element))
    }

    mutating func superEncoder() -> any Encoder {
        let element = begin()
        return StreamingValueEncoder(writer: writer, base: writer.depth, path: .extending(path, with: element))
    }
}

struct StreamingSingleValueContainer: SingleValueEncodingContainer {
    let encoder: StreamingValueEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func begin() {
        precondition(!encoder.wrote, "StreamingJSONEncoder: a single value container holds one value")
        encoder.wrote = true
    }

    mutating func encodeNil() throws {
        begin()
        encoder.writer.writeRaw("null")
    }

    mutating func encode(_ value: String) throws {
        begin()
        encoder.writer.writeString(value)
    }

    mutating func encode(_ value: Bool) throws {
        begin()
        encoder.writer.writeRaw(value ? "true" : "false")
    }

    mutating func encode(_ value: Int) throws {
        begin()
        encoder.writer.writeInteger(value)
    }

    mutating func encode(_ value: some Encodable) throws {
        begin()
        // The value takes this one's place: its path is this value's path.
        try encoder.writer.write(value, parent: encoder.path, key: nil)
    }
}
