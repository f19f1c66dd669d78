import EventFabric
import Foundation
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an agency's secret key file, as written by `jiekun keys generate` (DESIGN "Security": secret keys never
/// leave their host and are never logged).
///
/// The file holds the secret key in Z85 (40 characters) and a newline. It must be a regular file that only its
/// owner can read or write: a file whose mode gives the group or others any permission (`0640`, `0644`, …) is
/// refused, because anyone who can read it can impersonate the agency.
public enum SecretKeyFile {
    /// Why a secret key file was refused. The message names the file, never its content.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong and how to fix it.
        public var message: String

        /// Creates a failure.
        ///
        /// - Parameter message: What is wrong and how to fix it.
        public init(message: String) {
            self.message = message
        }

        /// The message.
        public var description: String { message }
    }

    /// Reads the key pair of a secret key file, after checking its permissions.
    ///
    /// - Parameter path: The file's path.
    /// - Returns: The key pair (the public key is derived from the secret).
    /// - Throws: ``Failure`` when the file is missing, not a regular file, readable or writable by the group or
    ///   others, or does not hold a CURVE secret key.
    public static func read(path: String) throws(Failure) -> CurveKeyPair {
        let text = try ownerOnlyText(path: path)
        guard text.utf8.count == CurveKeyPair.z85KeyLength, let pair = try? CurveKeyPair(secretKey: text) else {
            throw Failure(
                message: "the secret key file \(path) does not hold a CURVE secret key (40 Z85 characters, as "
                    + "written by `jiekun keys generate`)"
            )
        }
        return pair
    }

    /// Reads an agency's signing key file (`keys.signing`, `NAME.signing.key` of `jiekun keys generate`), with
    /// the same permission checks as ``read(path:)``.
    ///
    /// - Parameter path: The file's path.
    /// - Returns: The signing key.
    /// - Throws: ``Failure`` when the file is missing, readable by others, or not a signing key.
    public static func readSigningKey(path: String) throws(Failure) -> SigningKey {
        let text = try ownerOnlyText(path: path)
        guard let key = try? SigningKey(text: text) else {
            throw Failure(
                message: "the signing key file \(path) does not hold a signing key (SUITE:BASE64, as written by "
                    + "`jiekun keys generate`)"
            )
        }
        return key
    }

    /// The text of a key file that only its owner may use, trimmed.
    ///
    /// - Parameter path: The file's path.
    /// - Returns: The text.
    /// - Throws: ``Failure`` when it is missing, not a regular file, or open to the group or others.
    private static func ownerOnlyText(path: String) throws(Failure) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            let reason = String(cString: strerror(errno))
            throw Failure(
                message: "cannot read the secret key file \(path) (\(reason)); make one with "
                    + "`jiekun keys generate --agency NAME --output DIR`"
            )
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw Failure(message: "the secret key file \(path) is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw Failure(
                message: "the secret key file \(path) has mode \(String(permissions, radix: 8)): the group or others "
                    + "may use it, so anyone on this host could impersonate the agency; run `chmod 600 \(path)` "
                    + "(and make sure the service's user owns it)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(message: "cannot read the secret key file \(path) (permission denied?)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
