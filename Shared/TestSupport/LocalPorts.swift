import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ports for tests that run services on loopback with `deploy/local`'s configurations moved by a port offset: an
/// offset whose ports are free now, so that test runs at the same time on one machine (several worktrees, a
/// developer's own `jiekun demo`) do not take each other's ports.
public enum LocalPorts {
    /// No offset has all its ports free.
    public struct Exhausted: Error, CustomStringConvertible {
        /// Which ports were tried.
        public var description: String
    }

    /// The offsets tried: 1,000 to 25,000 in steps of 1,000. A step of 1,000 keeps two offsets' ports apart
    /// (`deploy/local`'s span 7100–7710); the highest ports stay below 32768, where Linux's ephemeral range starts
    /// (an outgoing connection may hold a port there at any time); 0 is the local stack's own.
    public static let candidateOffsets = Array(stride(from: 1_000, through: 25_000, by: 1_000))

    /// The loopback TCP ports of `deploy/local`'s configurations (fabric endpoints and workbench addresses), read from
    /// the files, in ascending order.
    ///
    /// - Throws: A file system error when `deploy/local` cannot be read.
    public static func deployLocal() throws -> [Int] {
        let folder = Fixtures.packageRoot.appendingPathComponent("deploy/local")
        var ports: Set<Int> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".yaml") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)[...]
            for scheme in ["tcp", "http"] {
                var rest = text
                while let marker = rest.range(of: "\(scheme)://127.0.0.1:") {
                    rest = rest[marker.upperBound...]
                    if let port = Int(rest.prefix(while: \.isNumber)) { ports.insert(port) }
                }
            }
        }
        return ports.sorted()
    }

    /// An offset of ``candidateOffsets`` under which every port of ``deployLocal()`` is free now.
    ///
    /// The offsets are tried in random order, so that two runs starting together rarely try the same one; a port
    /// found free may still be taken by another run before the caller's services bind it, in that moment only.
    /// - Throws: ``Exhausted`` when every offset has a port in use; a file system error from ``deployLocal()``.
    public static func freeOffset() throws -> Int {
        let ports = try deployLocal()
        for offset in candidateOffsets.shuffled() where ports.allSatisfy({ isFree($0 + offset) }) {
            return offset
        }
        throw Exhausted(
            description: "every offset of \(candidateOffsets.first!)…\(candidateOffsets.last!) has a port of "
                + "deploy/local in use")
    }

    /// Whether a loopback TCP port can be bound and listened on now, as libzmq binds it (`SO_REUSEADDR`: a port
    /// whose last connections are closing, in `TIME_WAIT`, is free).
    ///
    /// - Parameter port: The port.
    public static func isFree(_ port: Int) -> Bool {
        guard let port = UInt16(exactly: port), let bound = bindLoopback(port: port, reusingAddress: true) else {
            return false
        }
        defer { close(bound.descriptor) }
        return listen(bound.descriptor, 1) == 0
    }

    /// Binds a plain TCP socket to a loopback port, without listening.
    ///
    /// - Parameters:
    ///   - port: The port, or 0 for one the system picks.
    ///   - reusingAddress: Whether to set `SO_REUSEADDR` first.
    /// - Returns: The socket's descriptor (the caller closes it) and the port bound, or `nil` with `errno` set.
    public static func bindLoopback(port: UInt16, reusingAddress: Bool) -> (descriptor: Int32, port: UInt16)? {
        #if canImport(Glibc)
            let streamType = Int32(SOCK_STREAM.rawValue)
        #else
            let streamType = SOCK_STREAM
        #endif
        let descriptor = socket(AF_INET, streamType, 0)
        guard descriptor >= 0 else { return nil }
        var reuse: Int32 = 1
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let reusing =
            !reusingAddress
            || setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0
        let bound =
            reusing
            && withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
                }
            }
        guard bound else {
            let error = errno
            close(descriptor)
            errno = error
            return nil
        }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }
}
