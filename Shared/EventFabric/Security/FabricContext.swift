import Logging
import Metrics
import ZeroMQ

/// One process's ZeroMQ context with the settings Jiekun puts on every socket, and the ZAP handler that admits the
/// CURVE clients of each bound endpoint (DESIGN "Security").
///
/// Thread-safe. Every socket made here has a finite linger (so shutdown never hangs), a maximum message size (so a
/// peer cannot exhaust memory) and its endpoint security applied.
///
/// The context's ``authenticator`` (a ``ZAPAuthenticator`` on a thread of its own) starts in the initialiser,
/// before any socket can bind, and stops at ``shutdown()``. Call ``shutdown()`` when the service stops: it is what
/// ends the ZAP thread and lets the context terminate.
public final class FabricContext: Sendable {
    /// The ZeroMQ context (thread-safe).
    public let context: Context
    /// The ZAP handler of the context, admitting the keys registered for each CURVE server endpoint.
    public let authenticator: ZAPAuthenticator
    /// Limits applied to every socket.
    public let limits: SocketLimits
    private let logger: Logger

    /// Limits applied to every socket of the fabric.
    public struct SocketLimits: Sendable, Hashable {
        /// `ZMQ_MAXMSGSIZE` on every socket, bytes: a larger message is refused and the peer disconnected.
        public var maxMessageSize: Int64
        /// `ZMQ_LINGER`: how long closing waits for unsent messages.
        public var linger: Duration

        /// 16 MiB, 200 ms.
        public init(maxMessageSize: Int64 = 16 << 20, linger: Duration = .milliseconds(200)) {
            self.maxMessageSize = maxMessageSize
            self.linger = linger
        }
    }

    /// Creates the context and starts its ZAP handler.
    ///
    /// - Parameters:
    ///   - limits: applied to every socket.
    ///   - logger: for refusals and security warnings.
    ///   - metricsFactory: the factory of the ZAP refusal counters; `nil` uses the process's `MetricsSystem`.
    /// - Throws: ``ZMQError`` when libzmq cannot create the context or bind the ZAP endpoint.
    public init(
        limits: SocketLimits = SocketLimits(),
        logger: Logger,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws {
        let context = try Context()
        do {
            self.authenticator = try ZAPAuthenticator(context: context, logger: logger, metricsFactory: metricsFactory)
        } catch {
            context.shutdown()
            throw error
        }
        self.context = context
        self.limits = limits
        self.logger = logger
    }

    /// Makes a socket with the fabric's limits and `security` applied; the caller then binds or connects it.
    ///
    /// For ``EndpointSecurity/curveServer(keyPair:domain:admitted:)`` the socket becomes a CURVE server in the
    /// given ZAP domain with domain enforcement on (`ZMQ_ZAP_ENFORCE_DOMAIN`), so that a missing ZAP handler
    /// refuses rather than admits; the admitted keys are registered with ``authenticator`` for that domain first
    /// (see ``ZAPAuthenticator/register(domain:admitted:)``).
    /// - Parameters:
    ///   - type: the socket type.
    ///   - security: how the endpoint is secured.
    /// - Returns: the socket, to be owned by one thread.
    /// - Throws: ``ZMQError``; ``FabricSecurityError`` for an invalid admitted key or a domain already registered
    ///   with other keys.
    public func socket(_ type: SocketType, security: EndpointSecurity) throws -> Socket {
        if case .curveServer(_, let domain, let admitted) = security {
            try authenticator.register(domain: domain, admitted: admitted)
        }
        let socket = try context.socket(type)
        do {
            try socket.setLinger(limits.linger)
            try socket.setMaxMessageSize(limits.maxMessageSize)
            switch security {
            case .curveServer(let keyPair, let domain, _):
                try socket.setZAPDomain(domain)
                try socket.setZAPEnforceDomain(true)
                try socket.setCurveServer(true)
                try socket.setCurveSecretKey(keyPair.secretKey)
            case .curveClient(let keyPair, let serverPublicKey):
                try socket.setCurvePublicKey(keyPair.publicKey)
                try socket.setCurveSecretKey(keyPair.secretKey)
                try socket.setCurveServerKey(serverPublicKey)
            case .plain:
                break
            }
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Unblocks every blocked call on the context's sockets with ETERM (`zmq_ctx_shutdown`); threads then close
    /// their sockets and end, the ZAP handler's included. Safe to call from any thread, more than once.
    public func shutdown() { context.shutdown() }
}
