/// An amount of money in yuan, held exactly as a whole number of fen (1 yuan = 100 fen).
///
/// Never a floating-point number: every comparison of policy §3 is exact.
/// Text form: `"1200.00"` (always two decimals; negative amounts carry a leading `-`).
public struct Yuan: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The amount in fen.
    public var fen: Int64

    /// Creates an amount from a whole number of fen.
    public init(fen: Int64) { self.fen = fen }

    /// Creates an amount from a whole number of yuan.
    public init(yuan: Int64) { self.fen = yuan * 100 }

    /// Zero yuan.
    public static let zero = Yuan(fen: 0)

    /// Parses a plain decimal amount: digits, optionally a point and one or two decimals (`1200`, `1200.5`,
    /// `1200.00`). No sign, no grouping, no exponent.
    ///
    /// - Parameter text: the amount as written.
    /// - Returns: the amount, or `nil` when `text` is not such a number (negative amounts and amounts with more
    ///   than two decimals are `nil`; ``Yuan/ParseFailure`` tells which).
    public init?(_ text: some StringProtocol) {
        guard case .success(let value) = Yuan.parse(text) else { return nil }
        self = value
    }

    /// Why a text is not an amount.
    public enum ParseFailure: Error, Sendable, Equatable {
        /// Not a decimal number.
        case notANumber
        /// A number below zero.
        case negative
        /// More than two decimals.
        case tooManyDecimals
        /// More than 15 integer digits.
        case tooLarge
    }

    /// Parses an amount, telling why it failed.
    ///
    /// - Parameter text: the amount as written, e.g. `"1200.50"`.
    /// - Returns: the amount or the reason it is not one.
    public static func parse(_ text: some StringProtocol) -> Result<Yuan, ParseFailure> {
        var utf8 = Substring(text).utf8[...]
        guard let first = utf8.first else { return .failure(.notANumber) }
        if first == UInt8(ascii: "-") {
            utf8 = utf8.dropFirst()
            if case .success = parseUnsigned(utf8) { return .failure(.negative) }
            return .failure(.notANumber)
        }
        if first == UInt8(ascii: "+") { return .failure(.notANumber) }
        return parseUnsigned(utf8)
    }

    private static func parseUnsigned(_ utf8: Substring.UTF8View.SubSequence) -> Result<Yuan, ParseFailure> {
        var whole: Int64 = 0
        var wholeDigits = 0
        var decimals: Int64 = 0
        var decimalDigits = 0
        var seenPoint = false
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte - UInt8(ascii: "0"))
                if seenPoint {
                    // Keep scanning past a third decimal so that "1.234x" is "not a number", not "too many decimals".
                    decimalDigits += 1
                    if decimalDigits <= 2 { decimals = decimals * 10 + digit }
                } else {
                    wholeDigits += 1
                    if wholeDigits > 15 { return .failure(.tooLarge) }
                    whole = whole * 10 + digit
                }
            case UInt8(ascii: "."):
                if seenPoint { return .failure(.notANumber) }
                seenPoint = true
            default:
                return .failure(.notANumber)
            }
        }
        if wholeDigits == 0 || (seenPoint && decimalDigits == 0) { return .failure(.notANumber) }
        if decimalDigits > 2 { return .failure(.tooManyDecimals) }
        if decimalDigits == 1 { decimals *= 10 }
        return .success(Yuan(fen: whole * 100 + decimals))
    }

    /// The amount with two decimals, e.g. `"1200.00"`, `"-0.50"`.
    public var description: String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    public static func < (lhs: Yuan, rhs: Yuan) -> Bool { lhs.fen < rhs.fen }
    public static func + (lhs: Yuan, rhs: Yuan) -> Yuan { Yuan(fen: lhs.fen + rhs.fen) }
    public static func - (lhs: Yuan, rhs: Yuan) -> Yuan { Yuan(fen: lhs.fen - rhs.fen) }
    public static func += (lhs: inout Yuan, rhs: Yuan) { lhs.fen += rhs.fen }
    public static func -= (lhs: inout Yuan, rhs: Yuan) { lhs.fen -= rhs.fen }
    /// The amount times a whole number (e.g. a standard per person times the household size).
    public static func * (lhs: Yuan, rhs: Int) -> Yuan { Yuan(fen: lhs.fen * Int64(rhs)) }

    /// The amount divided by a positive whole number, rounded half up to the fen (for display only: policy Part B
    /// compares `income` against `S × size`, never a rounded per-capita amount).
    ///
    /// - Parameter divisor: a positive whole number (a household size).
    /// - Returns: the quotient rounded half away from zero.
    public func divided(by divisor: Int) -> Yuan {
        precondition(divisor > 0, "divisor must be positive")
        let d = Int64(divisor)
        let q = fen / d
        let r = fen % d
        if r.magnitude * 2 >= d.magnitude { return Yuan(fen: fen < 0 ? q - 1 : q + 1) }
        return Yuan(fen: q)
    }

    // Codable as the two-decimal string, so JSON never carries a binary floating-point amount.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        var digits = Substring(text)
        let negative = digits.hasPrefix("-")
        if negative { digits = digits.dropFirst() }
        guard case .success(let value) = Yuan.parse(digits) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an amount in yuan with at most two decimals: \(text)")
        }
        self = negative ? Yuan(fen: -value.fen) : value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A non-negative multiple written as a decimal (`1.5`, `3`), kept as an exact fraction for comparisons.
///
/// Used for the policy multiples `k2` (policy §3.2) and the category-3 cap (policy §3.3).
public struct Multiple: Sendable, Hashable, CustomStringConvertible {
    /// Numerator of the multiple over ``denominator``.
    public let numerator: Int64
    /// A power of ten.
    public let denominator: Int64

    /// Creates the multiple `numerator / denominator`.
    public init(numerator: Int64, denominator: Int64 = 1) {
        precondition(denominator > 0 && numerator >= 0)
        self.numerator = numerator
        self.denominator = denominator
    }

    /// Parses `"1.5"`, `"2"`, `"1.25"` (up to four decimals).
    ///
    /// - Returns: `nil` for anything else (negative, exponent, more than four decimals).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0,
            parts[0].allSatisfy(\.isASCII)
        else { return nil }
        var numerator = whole
        var denominator: Int64 = 1
        if parts.count == 2 {
            let decimals = parts[1]
            guard (1...4).contains(decimals.count), decimals.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int64(decimals)
            else { return nil }
            for _ in 0..<decimals.count { denominator *= 10 }
            numerator = whole * denominator + value
        }
        self.init(numerator: numerator, denominator: denominator)
    }

    /// `amount × self`, exactly, as a fraction compared with another amount: is `lhs ≤ self × rhs`?
    public func bounds(_ lhs: Yuan, atMostTimes rhs: Yuan) -> Bool {
        lhs.fen * denominator <= rhs.fen * numerator
    }

    /// `self × amount` rounded half up to the fen (for display).
    public func times(_ amount: Yuan) -> Yuan {
        let product = amount.fen * numerator
        return Yuan(fen: (product * 2 + denominator) / (2 * denominator))
    }

    /// The multiple as written with the fewest decimals, e.g. `"1.5"`.
    public var description: String {
        if denominator == 1 { return "\(numerator)" }
        var decimals = String(numerator % denominator)
        var width = String(denominator).count - 1
        while decimals.count < width { decimals = "0" + decimals }
        while decimals.hasSuffix("0") && width > 0 {
            decimals.removeLast()
            width -= 1
        }
        return decimals.isEmpty ? "\(numerator / denominator)" : "\(numerator / denominator).\(decimals)"
    }
}
