/// The unified social credit code of an employer, GB 32100-2015: 18 characters from `0-9A-HJ-NPQRTUWXY`
/// (no I, O, S, V, Z), the last a check character (modulo 31).
///
/// A wrong code is only a warning on import (formats: 统一社会信用代码), so this type just checks.
public enum CreditCode {
    /// The 31 characters of the code, in value order.
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// What is wrong with a code.
    public enum Failure: Error, Sendable, Equatable {
        /// Not 18 characters.
        case wrongLength(Int)
        /// A character outside the code's alphabet.
        case invalidCharacter
        /// The check character is not the one the first 17 give.
        case wrongCheckCharacter(expected: Character)
    }

    /// Checks a code.
    ///
    /// - Parameter text: the code as written (uppercase letters; lowercase letters are invalid characters).
    /// - Returns: `nil` when the code is valid, else what is wrong.
    public static func validate(_ text: some StringProtocol) -> Failure? {
        let bytes = Array(text.utf8)
        guard bytes.count == 18 else { return .wrongLength(text.count) }
        var values: [Int] = []
        values.reserveCapacity(18)
        for byte in bytes {
            guard let value = alphabet.firstIndex(of: byte) else { return .invalidCharacter }
            values.append(value)
        }
        var sum = 0
        for index in 0..<17 { sum += values[index] * weights[index] }
        let expected = (31 - sum % 31) % 31
        guard values[17] == expected else {
            return .wrongCheckCharacter(expected: Character(Unicode.Scalar(alphabet[expected])))
        }
        return nil
    }

    /// The check character that completes the first 17 characters of a code (GB 32100-2015: the weighted sum of
    /// their values, weights 3^i mod 31, subtracted from 31, modulo 31).
    ///
    /// - Parameter text: the first 17 characters.
    /// - Returns: the check character, or `nil` when `text` is not 17 characters of the code's alphabet.
    public static func checkCharacter(for text: some StringProtocol) -> Character? {
        let bytes = Array(text.utf8)
        guard bytes.count == 17 else { return nil }
        var sum = 0
        for (index, byte) in bytes.enumerated() {
            guard let value = alphabet.firstIndex(of: byte) else { return nil }
            sum += value * weights[index]
        }
        return Character(Unicode.Scalar(alphabet[(31 - sum % 31) % 31]))
    }
}
