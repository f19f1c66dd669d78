/// A minimal reader of the XML that spreadsheet programs write in an `.xlsx` workbook: tags, their attributes and
/// the text between them, one token at a time, from bytes that may arrive in chunks.
///
/// It reads what Excel, WPS, LibreOffice and openpyxl write: elements with or without a namespace prefix (`<c>`,
/// `<x:c>`; names are compared without it), attributes in single or double quotes, the five named entities and
/// character references, comments, processing instructions and CDATA sections. It checks no well-formedness and
/// resolves no DTD: a workbook's parts have none. Why not `XMLParser`: it needs libxml2 at run time on Linux and
/// calls back per element, while the sheet's reader wants a loop it can stop at the end of a chunk.
struct XMLTokens {
    /// One token of the markup.
    enum Token: Equatable {
        /// `<name attributes>`; `empty` for `<name/>`. Ranges index the buffer given to ``next(in:from:)``.
        case open(name: Range<Int>, attributes: Range<Int>, empty: Bool)
        /// `</name>`.
        case close(name: Range<Int>)
        /// Text between tags, entities not yet decoded.
        case text(Range<Int>)
        /// The content of a CDATA section, taken as written.
        case cdata(Range<Int>)
        /// A comment, a processing instruction or a declaration.
        case other
    }

    private static let less = UInt8(ascii: "<")
    private static let greater = UInt8(ascii: ">")
    private static let slash = UInt8(ascii: "/")
    private static let colon = UInt8(ascii: ":")

    /// The token at `start`, and where the next one starts; `nil` when the buffer ends inside it (text counts as
    /// complete only once the `<` after it is in the buffer, unless `final`).
    static func next(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, final: Bool) -> (Token, Int)? {
        let end = buffer.count
        guard start < end else { return nil }
        if buffer[start] != less {
            var index = start
            while index < end && buffer[index] != less { index += 1 }
            guard index < end || final else { return nil }
            return (.text(start..<index), index)
        }
        guard start + 1 < end else { return nil }
        switch buffer[start + 1] {
        case UInt8(ascii: "?"):
            guard let close = find([UInt8(ascii: "?"), greater], in: buffer, from: start + 2) else { return nil }
            return (.other, close + 2)
        case UInt8(ascii: "!"):
            if matches(Array("<![CDATA[".utf8), in: buffer, at: start) {
                let content = start + 9
                guard let close = find(Array("]]>".utf8), in: buffer, from: content) else { return nil }
                return (.cdata(content..<close), close + 3)
            }
            if matches(Array("<!--".utf8), in: buffer, at: start) {
                guard let close = find(Array("-->".utf8), in: buffer, from: start + 4) else { return nil }
                return (.other, close + 3)
            }
            guard let close = find([greater], in: buffer, from: start + 2) else { return nil }
            return (.other, close + 1)
        case slash:
            guard let close = find([greater], in: buffer, from: start + 2) else { return nil }
            return (.close(name: localName(in: buffer, from: start + 2, to: close)), close + 1)
        default:
            // Up to the `>` outside quotes: an attribute value may hold `>`.
            var index = start + 1
            var quote: UInt8 = 0
            while index < end {
                let byte = buffer[index]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == greater {
                    break
                }
                index += 1
            }
            guard index < end else { return nil }
            let empty = buffer[index - 1] == slash
            var nameEnd = start + 1
            while nameEnd < index && !isSpace(buffer[nameEnd]) && buffer[nameEnd] != slash && buffer[nameEnd] != greater
            {
                nameEnd += 1
            }
            let name = localName(in: buffer, from: start + 1, to: nameEnd)
            return (.open(name: name, attributes: nameEnd..<(empty ? index - 1 : index), empty: empty), index + 1)
        }
    }

    /// Whether the bytes at `range` are `name` (ASCII).
    static func equals(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let bytes = name.utf8Start
        for offset in 0..<range.count where buffer[range.lowerBound + offset] != bytes[offset] { return false }
        return true
    }

    /// The value of the attribute whose local name is `name` (`r`, or `r:id` read as `id`), entities decoded.
    static func attribute(_ name: String, in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        var index = range.lowerBound
        let end = range.upperBound
        let wanted = Array(name.utf8)
        while index < end {
            while index < end && isSpace(buffer[index]) { index += 1 }
            let nameStart = index
            while index < end && buffer[index] != UInt8(ascii: "=") && !isSpace(buffer[index]) { index += 1 }
            let attributeName = localName(in: buffer, from: nameStart, to: index)
            while index < end && (isSpace(buffer[index]) || buffer[index] == UInt8(ascii: "=")) { index += 1 }
            guard index < end else { return nil }
            let quote = buffer[index]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return nil }
            index += 1
            let valueStart = index
            while index < end && buffer[index] != quote { index += 1 }
            if attributeName.elementsEqual(wanted, by: { buffer[$0] == $1 }) {
                return decodeText(buffer, valueStart..<index)
            }
            index += 1
        }
        return nil
    }

    /// The text at `range` with its entities and character references decoded, and Excel's `_xHHHH_` escapes
    /// (a character written as its UTF-16 code, e.g. `_x000D_` for a carriage return) undone.
    static func decodeText(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let slice = UnsafeBufferPointer(rebasing: buffer[range])
        guard slice.contains(UInt8(ascii: "&")) || slice.contains(UInt8(ascii: "_")) else {
            return String(decoding: slice, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(slice.count)
        var index = 0
        while index < slice.count {
            let byte = slice[index]
            if byte == UInt8(ascii: "&"), let semicolon = slice[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) {
                let entity = String(
                    decoding: UnsafeBufferPointer(rebasing: slice[(index + 1)..<semicolon]), as: UTF8.self)
                if let scalar = entityScalar(entity) {
                    bytes.append(contentsOf: String(Character(scalar)).utf8)
                    index = semicolon + 1
                    continue
                }
            }
            if byte == UInt8(ascii: "_"), index + 6 < slice.count, slice[index + 1] == UInt8(ascii: "x"),
                slice[index + 6] == UInt8(ascii: "_"),
                let code = UInt32(
                    String(decoding: UnsafeBufferPointer(rebasing: slice[(index + 2)..<(index + 6)]), as: UTF8.self),
                    radix: 16),
                let scalar = Unicode.Scalar(code)
            {
                bytes.append(contentsOf: String(Character(scalar)).utf8)
                index += 7
                continue
            }
            bytes.append(byte)
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func entityScalar(_ entity: String) -> Unicode.Scalar? {
        switch entity {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                return UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            }
            if entity.hasPrefix("#") { return UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            return nil
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The name in `start..<end` after its namespace prefix (the last `:`), spaces trimmed.
    private static func localName(in buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Range<Int> {
        var end = end
        while end > start && isSpace(buffer[end - 1]) { end -= 1 }
        var nameStart = start
        for index in start..<end where buffer[index] == colon { nameStart = index + 1 }
        return nameStart..<end
    }

    private static func matches(_ pattern: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start + pattern.count <= buffer.count else { return false }
        for offset in pattern.indices where buffer[start + offset] != pattern[offset] { return false }
        return true
    }

    private static func find(_ pattern: [UInt8], in buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + pattern.count <= buffer.count {
            if buffer[index] == pattern[0] && matches(pattern, in: buffer, at: index) { return index }
            index += 1
        }
        return nil
    }
}
