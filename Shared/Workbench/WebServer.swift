import Foundation
import Hummingbird
import ServiceLifecycle
import ServiceRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The workbench's Hummingbird application as a service of the agency's service group: stops with the group, and
/// reports an address it cannot bind as ``ServiceRuntime/HTTPBindError`` naming `listen.http`.
public struct WebServer: Service {
    let application: Application<RouterResponder<BasicRequestContext>>
    /// The address served.
    public let address: HTTPAddress
    /// Set once the server listens: a failure before is a failure to bind.
    let listening: Listening

    /// Whether the server listens.
    final class Listening: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// Whether the address can be bound now (checked before the service starts, so that a port in use stops the
    /// start with the same clear error as a fabric endpoint's).
    ///
    /// - Throws: ``ServiceRuntime/HTTPBindError``.
    public func checkBindable() throws {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPBindError(
                address: address, isAddressInUse: false, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else {
            throw HTTPBindError(address: address, isAddressInUse: false, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var yes: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 || listen(descriptor, 1) != 0 {
            let code = errno
            throw HTTPBindError(
                address: address, isAddressInUse: code == EADDRINUSE, reason: String(cString: strerror(code)))
        }
    }

    /// Runs the server until the group shuts down.
    ///
    /// - Throws: ``ServiceRuntime/HTTPBindError`` when the address cannot be bound.
    public func run() async throws {
        try checkBindable()
        do {
            try await application.run()
        } catch {
            // A failure before the server listened is a failure to bind; after, it is the server's own.
            guard !listening.value.load(ordering: .acquiring), !(error is CancellationError) else { throw error }
            throw HTTPBindError(address: address, isAddressInUse: false, reason: "\(type(of: error))")
        }
    }
}
