import Foundation
import HouseholdDomain
import Logging

extension Logger.MetadataValue {
    /// An identity number masked to its first 6 and last 4 characters (`530102********1314`), as
    /// `IdentityNumber.mask` does; shorter texts are masked whole.
    ///
    /// - Parameter text: The number, or any text that may be one.
    /// - Returns: The masked value.
    public static func maskedIdentityNumber(_ text: some StringProtocol) -> Logger.MetadataValue {
        .string(IdentityNumber.mask(text))
    }

    /// A person's name masked to its first character (`张*`, `欧阳**` becomes `欧***`); a one-character name is
    /// masked whole.
    ///
    /// - Parameter name: The name.
    /// - Returns: The masked value.
    public static func maskedName(_ name: some StringProtocol) -> Logger.MetadataValue {
        let characters = Array(name.trimmingCharacters(in: .whitespaces))
        guard characters.count > 1 else { return .string(String(repeating: "*", count: characters.count)) }
        return .string(String(characters[0]) + String(repeating: "*", count: characters.count - 1))
    }
}

extension Logger.Metadata {
    /// The metadata naming a household file: `household.file` (the file id is not personal data).
    ///
    /// - Parameter file: The household's file id (`KM-2017-0001`).
    /// - Returns: The metadata.
    public static func household(file: String) -> Logger.Metadata {
        ["household.file": .string(file)]
    }

    /// The metadata naming a person, masked: `person.id` and `person.name`.
    ///
    /// - Parameters:
    ///   - identityNumber: The person's identity number.
    ///   - name: The person's name.
    /// - Returns: The masked metadata.
    public static func person(identityNumber: some StringProtocol, name: some StringProtocol) -> Logger.Metadata {
        ["person.id": .maskedIdentityNumber(identityNumber), "person.name": .maskedName(name)]
    }

    /// The metadata naming an event of a feed: `feed.name` and `feed.sequence`.
    ///
    /// - Parameters:
    ///   - name: The feed's name.
    ///   - sequence: The event's sequence in the feed.
    /// - Returns: The metadata.
    public static func feed(_ name: String, sequence: UInt64) -> Logger.Metadata {
        ["feed.name": .string(name), "feed.sequence": .stringConvertible(sequence)]
    }
}
