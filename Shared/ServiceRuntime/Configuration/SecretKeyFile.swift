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
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count == CurveKeyPair.z85KeyLength, let pair = try? CurveKeyPair(secretKey: text) else {
            throw Failure(
                message: "the secret key file \(path) does not hold a CURVE secret key (40 Z85 characters, as "
                    + "written by `jiekun keys generate`)"
            )
        }
        return pair
    }
}
