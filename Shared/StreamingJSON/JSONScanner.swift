/// The package's one strict JSON reader over a byte buffer (RFC 8259): the tokens of ``StreamingJSONDecoder``'s
/// parser and the envelope's single pass over an event (module EventFabric) are read here.
///
/// It validates everything it passes over — structure, numbers, literals, string escapes and UTF-8 — and never
/// traps: every problem is an ``InvalidJSON``. Nesting is limited (``maximumDepth``) so that hostile input
/// cannot exhaust the stack. Values a reader does not need (the envelope's `data` object, unknown extensions) are
/// skipped without building anything.
package struct JSONScanner {
    /// The deepest nesting of arrays and objects accepted (a document nested deeper is refused, not read with a
    /// deep stack).
    package static let maximumDepth = 512

    /// Why a text is not JSON.
    package struct InvalidJSON: Error, Equatable {
        /// The offset of the first byte that is wrong.
        package var offset: Int
        /// What is wrong there.
        package var reason: String
        /// Whether it is a string's bytes that are not UTF-8 (rather than a syntax error).
        package var isNotUTF8 = false
    }

    /// The text being read.
    package let bytes: UnsafeBufferPointer<UInt8>

    /// The position of the next byte to read.
    package var index = 0

    /// Creates a scanner at the start of `bytes`.
    ///
    /// - Parameter bytes: The JSON text; must outlive the scanner.
    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Checks that `bytes` are exactly one JSON value, with optional whitespace around it.
    ///
    /// - Parameter bytes: The text.
    /// - Throws: ``InvalidJSON`` for the first problem.
    package static func validate(_ bytes: [UInt8]) throws(InvalidJSON) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(InvalidJSON) in
            var scanner = JSONScanner(buffer)
            scanner.skipWhitespace()
            try scanner.skipValue()
            scanner.skipWhitespace()
            guard scanner.isAtEnd else { throw scanner.invalid("text after the JSON value") }
        }
    }

    /// Whether every byte was read.
    package var isAtEnd: Bool { index >= bytes.count }

    /// The next byte, or `nil` at the end.
    package var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// The error for a syntax problem at the current position.
    ///
    /// - Parameter reason: What is wrong.
    package func invalid(_ reason: String) -> InvalidJSON { InvalidJSON(offset: index, reason: reason) }

    /// The error for a syntax problem at the current position, when the reason is only that JSON does not go on so.
    package var syntaxError: InvalidJSON { invalid("a character JSON does not allow here") }

    /// Skips spaces, tabs, line feeds and carriage returns.
    package mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Reads one expected byte.
    ///
    /// - Parameter byte: The byte required at this position.
    /// - Throws: ``InvalidJSON`` if another byte (or the end) is found.
    package mutating func expect(_ byte: UInt8) throws(InvalidJSON) {
        guard index < bytes.count, bytes[index] == byte else { throw syntaxError }
        index += 1
    }

    /// Reads a string token, validating its escapes and UTF-8, starting at its opening quote.
    ///
    /// - Returns: The range of the raw content between the quotes, and whether it holds escapes.
    /// - Throws: ``InvalidJSON``.
    package mutating func scanString() throws(InvalidJSON) -> (content: Range<Int>, escaped: Bool) {
        try expect(UInt8(ascii: "\""))
        let start = index
        var escaped = false
        while index < bytes.count {
            skipPlainASCII()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return (start..<index, escaped)
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                try scanEscape()
            } else if byte < 0x20 {
                throw invalid("a control character inside a string (it must be escaped)")
            } else if byte < 0x80 {
                index += 1
            } else {
                try scanMultibyteScalar()
            }
        }
        throw invalid("a string without its closing quote")
    }

    /// Reads a string token and returns its decoded text.
    ///
    /// - Returns: The string's value.
    /// - Throws: As ``scanString()``.
    package mutating func readString() throws(InvalidJSON) -> String {
        let (content, escaped) = try scanString()
        return try decodeString(content, escaped: escaped)
    }

    /// Decodes the raw content of a string token already validated by ``scanString()``.
    ///
    /// - Parameters:
    ///   - content: The range between the quotes.
    ///   - escaped: Whether it holds escapes.
    /// - Returns: The text.
    /// - Throws: ``InvalidJSON`` for an escape that names no Unicode scalar.
    package func decodeString(_ content: Range<Int>, escaped: Bool) throws(InvalidJSON) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[content])
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        do {
            return String(decoding: try JSONEscapes.unescape(raw), as: UTF8.self)
        } catch {
            throw InvalidJSON(offset: content.lowerBound + error.offset, reason: error.reason)
        }
    }

    /// Skips one JSON value of any kind, validating it.
    ///
    /// - Parameter depth: The nesting depth of the value.
    /// - Throws: ``InvalidJSON``.
    package mutating func skipValue(depth: Int = 0) throws(InvalidJSON) {
        guard depth < Self.maximumDepth else { throw invalid("values nested too deep") }
        guard let byte = peek else { throw invalid("the end of the text where a value was expected") }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                _ = try scanString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let next = peek else { throw syntaxError }
                index += 1
                if next == UInt8(ascii: "}") { return }
                guard next == UInt8(ascii: ",") else {
                    throw InvalidJSON(offset: index - 1, reason: "a character where a comma or the end was expected")
                }
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let next = peek else { throw syntaxError }
                index += 1
                if next == UInt8(ascii: "]") { return }
                guard next == UInt8(ascii: ",") else {
                    throw InvalidJSON(offset: index - 1, reason: "a character where a comma or the end was expected")
                }
            }
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
        case UInt8(ascii: "f"):
            try expectLiteral("false")
        case UInt8(ascii: "n"):
            try expectLiteral("null")
        default:
            try scanNumber()
        }
    }

    /// Reads a literal (`true`, `false`, `null`).
    ///
    /// - Parameter literal: The literal expected.
    /// - Throws: ``InvalidJSON`` if the bytes differ.
    package mutating func expectLiteral(_ literal: StaticString) throws(InvalidJSON) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count,
            (0..<count).allSatisfy({ bytes[index + $0] == literal.utf8Start[$0] })
        else { throw invalid("a word that is not true, false or null") }
        index += count
    }

    /// Reads a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    ///
    /// - Returns: Whether it has a fraction or an exponent.
    /// - Throws: ``InvalidJSON`` for anything else.
    @discardableResult
    package mutating func scanNumber() throws(InvalidJSON) -> Bool {
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { throw invalid("a character that does not start a JSON value") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        var fractional = false
        if peek == UInt8(ascii: ".") {
            index += 1
            fractional = true
            guard let digit = peek, isDigit(digit) else { throw invalid("a decimal point without digits after it") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            fractional = true
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek, isDigit(digit) else { throw invalid("an exponent without digits") }
            skipDigits()
        }
        return fractional
    }

    // MARK: Helpers

    /// The error for bytes at the current position that are not UTF-8.
    private var notUTF8: InvalidJSON {
        InvalidJSON(offset: index, reason: "a string that is not UTF-8", isNotUTF8: true)
    }

    /// Skips, eight bytes at a time, string content that needs no attention: stops at or before the first word
    /// holding a quote, a backslash, a control character or a non-ASCII byte (SWAR: "SIMD within a register").
    private mutating func skipPlainASCII() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special =
                (word & highs)  // non-ASCII
                | ((word &- ones &* 0x20) & ~word & highs)  // a byte below 0x20 (may flag more: then go slowly)
                | ((quote &- ones) & ~quote & highs)  // a quote
                | ((backslash &- ones) & ~backslash & highs)  // a backslash
            if special != 0 { return }
            index += 8
        }
    }

    /// Skips decimal digits.
    private mutating func skipDigits() {
        while let byte = peek, isDigit(byte) { index += 1 }
    }

    /// Whether a byte is an ASCII decimal digit.
    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Validates one escape sequence at the current position (a backslash), including surrogate pairs.
    private mutating func scanEscape() throws(InvalidJSON) {
        guard index + 1 < bytes.count else { throw syntaxError }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            guard let value = JSONEscapes.hexValue(in: bytes, at: index + 2) else { throw syntaxError }
            index += 6
            if (0xDC00...0xDFFF).contains(value) {
                throw InvalidJSON(offset: index - 6, reason: "a lone low surrogate")
            }  // lone low surrogate
            if (0xD800...0xDBFF).contains(value) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"),
                    let low = JSONEscapes.hexValue(in: bytes, at: index + 2), (0xDC00...0xDFFF).contains(low)
                else { throw syntaxError }
                index += 6
            }
        default:
            throw syntaxError
        }
    }

    /// Validates one multi-byte UTF-8 sequence at the current position (Unicode 15 table 3-7: no overlongs, no
    /// surrogates, nothing above U+10FFFF).
    private mutating func scanMultibyteScalar() throws(InvalidJSON) {
        let lead = bytes[index]
        let count: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0:
            count = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED:
            count = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            count = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: count = 4
        case 0xF4:
            count = 4
            secondRange = 0x80...0x8F
        default: throw notUTF8
        }
        guard index + count <= bytes.count, secondRange.contains(bytes[index + 1]) else { throw notUTF8 }
        for offset in 2..<count where bytes[index + offset] & 0xC0 != 0x80 {
            throw notUTF8
        }
        index += count
    }
}
