/// A resident identity number of GB 11643-1999: 18 characters, the last an ISO 7064 MOD 11-2 check character.
///
/// Layout: 6-digit address code, 8-digit birth date `YYYYMMDD`, 3-digit sequence (odd for men, even for women),
/// check character `0`–`9` or `X`. A lowercase `x` is accepted and normalised to `X`.
///
/// Personal data: ``description`` masks it to the first 6 and last 4 characters (`530102********1314`); use
/// ``value`` only where the full number is needed (the union's own store, the feeds allowed to carry it).
public struct IdentityNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The full 18-character number, check character uppercase.
    public let value: String
    /// The date of birth encoded in the number.
    public let birthDate: LocalDate
    /// The sex encoded in the number (odd sequence digit: male).
    public let sex: Sex

    /// Why a text is not a valid identity number.
    public enum Failure: Error, Sendable, Equatable {
        /// Not 18 characters.
        case wrongLength(Int)
        /// A character other than a digit in the first 17, or other than a digit or `X` in the last.
        case invalidCharacter
        /// Characters 7–14 are not a real date.
        case invalidBirthDate
        /// The check character is not the one the first 17 digits give.
        case wrongCheckCharacter(expected: Character)
    }

    /// Validates and normalises an identity number.
    ///
    /// - Parameter text: the number as written; surrounding spaces are not accepted.
    /// - Returns: the number, or why it is not valid. A birth date after the filing date is not checked here
    ///   (the import checks it against the filing date).
    public static func parse(_ text: some StringProtocol) -> Result<IdentityNumber, Failure> {
        var bytes = Array(text.utf8)
        guard bytes.count == 18 else { return .failure(.wrongLength(text.count)) }
        if bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        for index in 0..<17 where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            return .failure(.invalidCharacter)
        }
        let last = bytes[17]
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(last) || last == UInt8(ascii: "X") else {
            return .failure(.invalidCharacter)
        }
        guard let birthDate = LocalDate(compact: bytes[6..<14]) else { return .failure(.invalidBirthDate) }
        let expected = checkCharacter(for: bytes[0..<17])
        guard last == expected else {
            return .failure(.wrongCheckCharacter(expected: Character(Unicode.Scalar(expected))))
        }
        let sequenceDigit = Int(bytes[16] - UInt8(ascii: "0"))
        return .success(
            IdentityNumber(
                value: String(decoding: bytes, as: UTF8.self), birthDate: birthDate,
                sex: sequenceDigit % 2 == 1 ? .male : .female))
    }

    /// Validates an identity number.
    ///
    /// - Returns: `nil` when ``parse(_:)`` fails.
    public init?(_ text: some StringProtocol) {
        guard case .success(let number) = IdentityNumber.parse(text) else { return nil }
        self = number
    }

    private init(value: String, birthDate: LocalDate, sex: Sex) {
        self.value = value
        self.birthDate = birthDate
        self.sex = sex
    }

    /// The ISO 7064 MOD 11-2 check character (ASCII) of the first 17 digits.
    ///
    /// - Parameter digits: 17 ASCII digits.
    /// - Returns: `0`–`9` or `X`, as an ASCII byte.
    public static func checkCharacter(for digits: ArraySlice<UInt8>) -> UInt8 {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (weight, byte) in zip(weights, digits) { sum += weight * Int(byte - UInt8(ascii: "0")) }
        let characters = Array("10X98765432".utf8)
        return characters[sum % 11]
    }

    /// The number masked to its first 6 and last 4 characters, e.g. `530102********1314`.
    public var masked: String { IdentityNumber.mask(value) }

    /// Masks any text that may be an identity number: the first 6 and last 4 characters stay, the rest become `*`.
    /// Texts of 10 characters or fewer are masked whole.
    public static func mask(_ text: some StringProtocol) -> String {
        let characters = Array(text)
        guard characters.count > 10 else { return String(repeating: "*", count: characters.count) }
        return String(characters.prefix(6)) + String(repeating: "*", count: characters.count - 10)
            + String(characters.suffix(4))
    }

    /// The masked form; never the full number.
    public var description: String { masked }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch IdentityNumber.parse(text) {
        case .success(let number): self = number
        case .failure:
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a valid identity number: \(IdentityNumber.mask(text))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Sex, as encoded in an identity number.
public enum Sex: String, Sendable, Hashable, Codable, CaseIterable {
    /// 男.
    case male
    /// 女.
    case female
}
