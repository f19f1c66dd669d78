/// The escapes of a JSON string (RFC 8259 §7), undone once for the decoder and the envelope's scanner.
package enum JSONEscapes {
    /// An escape that is not one of the RFC's, or a `\u` escape that names no Unicode scalar.
    package struct Invalid: Error {
        /// The escape's offset from the start of the string's content, in bytes.
        package var offset: Int
        /// What is wrong with it.
        package var reason: String
    }

    /// The UTF-8 of a string's content (the bytes between its quotes) with its escapes replaced: `\"`, `\\`, `\/`,
    /// `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX`, a surrogate pair joined into one scalar.
    ///
    /// - Parameter raw: The content, whose every backslash is followed by at least one byte.
    /// - Returns: The text's UTF-8 (the other bytes are copied as they are: checking them is the caller's part).
    /// - Throws: ``Invalid``.
    package static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(Invalid) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        func hex4(at position: Int) throws(Invalid) -> UInt32 {
            guard position + 4 <= raw.count else { throw Invalid(offset: position, reason: "a short \\u escape") }
            guard let value = hexValue(in: raw, at: position) else {
                throw Invalid(offset: position, reason: "a \\u escape that is not hexadecimal")
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let escape = raw[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var value = try hex4(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(value) {
                    guard index + 1 < raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u")
                    else { throw Invalid(offset: index, reason: "a high surrogate without its low surrogate") }
                    let low = try hex4(at: index + 2)
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw Invalid(offset: index, reason: "a high surrogate without its low surrogate")
                    }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                guard let scalar = Unicode.Scalar(value) else {
                    throw Invalid(offset: index - 6, reason: "a lone low surrogate in a \\u escape")
                }
                UTF8.encode(scalar) { out.append($0) }
            default:
                throw Invalid(offset: index - 1, reason: "an escape the RFC does not define")
            }
        }
        return out
    }

    /// The value of the four hexadecimal digits of a `\u` escape at `position`.
    ///
    /// - Parameters:
    ///   - bytes: The text.
    ///   - position: The first digit's position.
    /// - Returns: The value, or `nil` when the text ends before four bytes or one is not a hexadecimal digit.
    package static func hexValue(in bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> UInt32? {
        guard position >= 0, position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
