import Foundation
import HummingbirdBcrypt

/// Staff passwords for the workbench: bcrypt hashes (hummingbird-auth's `Bcrypt`), cost ``cost``. The store keeps
/// the hash only (``AgencyDesks/StaffRegister/setPasswordHash(_:of:by:at:in:)``); a password is never logged.
public enum StaffPasswords {
    /// The bcrypt cost of new hashes: 2¹² rounds (a few hundred milliseconds on one core).
    public static let cost: UInt8 = 12
    /// The shortest password accepted.
    public static let minimumLength = 10
    /// A hash verified when the staff id is unknown or has no password, so that a wrong id takes as long as a wrong
    /// password (the hash of a random text nobody knows).
    static let decoy = Bcrypt.hash("jiekun-decoy-\(WebSessions.randomToken(bytes: 8))", cost: cost)

    /// Why a password is refused.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, Chinese first.
        public var description: String
    }

    /// Hashes a new password.
    ///
    /// - Parameters:
    ///   - password: The password (at least ``minimumLength`` characters).
    ///   - cost: The bcrypt cost (tests use a lower one).
    /// - Returns: The hash to store.
    /// - Throws: ``Refusal`` for a password too short.
    public static func hash(_ password: String, cost: UInt8 = cost) throws(Refusal) -> String {
        guard password.count >= minimumLength else {
            throw Refusal(
                description: "密码至少需要 \(minimumLength) 个字符 (a password has at least \(minimumLength) characters)")
        }
        return Bcrypt.hash(password, cost: cost)
    }

    /// Whether a password matches a stored hash; with no hash, verifies against ``decoy`` and returns `false`.
    ///
    /// - Parameters:
    ///   - password: The password typed.
    ///   - hash: The stored hash, or `nil`.
    /// - Returns: Whether it matches.
    public static func verify(_ password: String, against hash: String?) -> Bool {
        guard let hash else {
            _ = Bcrypt.verify(password, hash: decoy)
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    /// ``verify(_:against:)`` on a thread of its own: a bcrypt verification takes hundreds of milliseconds of
    /// processor time, which would otherwise hold a thread of the web server's event loops or of the Swift
    /// concurrency pool.
    ///
    /// - Parameters:
    ///   - password: The password typed.
    ///   - hash: The stored hash, or `nil`.
    /// - Returns: Whether it matches.
    public static func verifyOffPool(_ password: String, against hash: String?) async -> Bool {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: verify(password, against: hash)) }
            thread.name = "jiekun-bcrypt"
            thread.start()
        }
    }
}
