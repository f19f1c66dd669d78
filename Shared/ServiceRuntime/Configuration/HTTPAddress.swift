/// The address the workbench's web server binds (`listen.http`): `http://HOST:PORT`, a host name, an IPv4 address
/// or an `[IPv6]` address and a port from 1 to 65535.
///
/// Only plain HTTP is served: TLS is terminated by a reverse proxy in front of the service (docs/OPERATIONS.md,
/// "The workbench"), so `https://` is refused with that reason rather than served without a certificate.
public struct HTTPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Why a text is not an address.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var description: String
    }

    /// The host to bind (`127.0.0.1`, `0.0.0.0`, `::1` without brackets).
    public var host: String
    /// The port.
    public var port: Int

    /// Parses `http://HOST:PORT`.
    ///
    /// - Parameter text: The configuration's value.
    /// - Throws: ``Problem`` saying what is wrong.
    public init(_ text: String) throws(Problem) {
        if text.hasPrefix("https://") {
            throw Problem(
                description: "https is not served by the service itself: bind http on loopback and terminate TLS at "
                    + "a reverse proxy (docs/OPERATIONS.md)")
        }
        guard text.hasPrefix("http://") else { throw Problem(description: "no http://") }
        var address = text.dropFirst("http://".count)
        if address.hasSuffix("/") { address = address.dropLast() }
        guard !address.contains(where: \.isWhitespace), !address.contains("/") else {
            throw Problem(description: "only http://host:port, without a path or spaces")
        }
        guard let colon = address.lastIndex(of: ":") else { throw Problem(description: "no :port") }
        var host = address[..<colon]
        let port = address[address.index(after: colon)...]
        guard !host.isEmpty else { throw Problem(description: "no host") }
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 else {
                throw Problem(description: "an IPv6 address goes in [brackets]")
            }
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            throw Problem(description: "an IPv6 address goes in [brackets]")
        }
        guard port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port), (1...65_535).contains(number)
        else { throw Problem(description: "the port must be 1 to 65535") }
        self.host = String(host)
        self.port = number
    }

    /// `http://127.0.0.1:7590` (an IPv6 host in brackets).
    public var description: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }
}

/// The workbench's address could not be bound: the same explanation, key first, as an ``EndpointBindError`` of a
/// fabric endpoint (`listen.http: http://127.0.0.1:7590 is in use`).
public struct HTTPBindError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The address as configured.
    public var address: HTTPAddress
    /// Whether another socket holds the port (`EADDRINUSE`).
    public var isAddressInUse: Bool
    /// The system's reason, when it is not that.
    public var reason: String

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - address: The address.
    ///   - isAddressInUse: Whether the port is in use.
    ///   - reason: The system's reason otherwise.
    public init(address: HTTPAddress, isAddressInUse: Bool, reason: String = "") {
        self.address = address
        self.isAddressInUse = isAddressInUse
        self.reason = reason
    }

    /// The configuration key that sets the address.
    public var configurationKey: String { "listen.http" }

    /// `http://127.0.0.1:7590 is in use`, or `cannot bind http://…: <reason>`.
    public var description: String {
        isAddressInUse ? "\(address) is in use" : "cannot bind \(address): \(reason)"
    }

    /// The error as an operator reads it, key first: `listen.http: http://127.0.0.1:7590 is in use`.
    public var explanation: String { "\(configurationKey): \(self)" }
}
