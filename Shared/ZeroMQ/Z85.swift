import CZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Z85, ZeroMQ's printable encoding of binary data (RFC 32): 5 characters for every 4 bytes.
///
/// CURVE keys are 32 bytes, or 40 characters of Z85. Both directions use libzmq's `zmq_z85_encode` and
/// `zmq_z85_decode`, after checking the lengths they require.
public enum Z85 {
    /// Encodes bytes as Z85 text (`zmq_z85_encode`).
    ///
    /// - Parameter bytes: The data; its length must be a multiple of 4.
    /// - Returns: The Z85 text, 5 characters for every 4 bytes.
    /// - Throws: ``ZMQError/invalidArgument`` if the length is not a multiple of 4.
    public static func encode(_ bytes: some Collection<UInt8>) throws -> String {
        let data = Array(bytes)
        guard data.count.isMultiple(of: 4) else {
            throw ZMQError(code: EINVAL, message: "Z85 encodes a multiple of 4 bytes, not \(data.count) bytes")
        }
        guard !data.isEmpty else { return "" }
        var text = [CChar](repeating: 0, count: data.count / 4 * 5 + 1)
        let encoded = data.withUnsafeBufferPointer { data in
            text.withUnsafeMutableBufferPointer { text in
                zmq_z85_encode(text.baseAddress, data.baseAddress, data.count) != nil
            }
        }
        guard encoded else { throw ZMQError.last() }
        return String(decoding: text.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Decodes Z85 text into bytes (`zmq_z85_decode`).
    ///
    /// - Parameter text: The Z85 text; its length must be a multiple of 5.
    /// - Returns: The data, 4 bytes for every 5 characters.
    /// - Throws: ``ZMQError/invalidArgument`` if the length is not a multiple of 5 or a character is not Z85.
    public static func decode(_ text: String) throws -> [UInt8] {
        let characters = Array(text.utf8)
        guard characters.count.isMultiple(of: 5) else {
            throw ZMQError(code: EINVAL, message: "Z85 decodes a multiple of 5 characters, not \(characters.count)")
        }
        guard !characters.contains(0) else {
            throw ZMQError(code: EINVAL, message: "Z85 text cannot contain a NUL character")
        }
        guard !characters.isEmpty else { return [] }
        var data = [UInt8](repeating: 0, count: characters.count / 5 * 4)
        let decoded = (characters + [0]).withUnsafeBufferPointer { characters in
            characters.withMemoryRebound(to: CChar.self) { characters in
                data.withUnsafeMutableBufferPointer { data in
                    zmq_z85_decode(data.baseAddress, characters.baseAddress) != nil
                }
            }
        }
        guard decoded else {
            throw ZMQError(code: EINVAL, message: "\"\(text)\" is not valid Z85 text")
        }
        return data
    }
}
