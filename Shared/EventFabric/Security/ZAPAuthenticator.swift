import Dispatch
import Foundation
import Logging
import Metrics
import Synchronization
import ZeroMQ

/// The fabric's ZAP handler (ZeroMQ RFC 27): admits a CURVE client only if its public key is listed for the ZAP
/// domain of the endpoint it connects to (DESIGN "Security").
///
/// libzmq asks the ZAP handler bound at ``endpoint`` in the *same context* about every CURVE handshake (and about
/// NULL handshakes on sockets with a ZAP domain). This handler owns a ROUTER bound there, on a `Thread` of its own
/// (never the Swift concurrency pool), and answers from a thread-safe registry of domains:
///
/// | request | status | user id |
/// |---|---|---|
/// | CURVE, registered domain, listed key | 200 | the key's peer name, such as `housing` |
/// | CURVE, registered domain, key not listed but known to the domain's lookup | 200 | the name the lookup gives |
/// | CURVE, registered domain, key neither listed nor known to the lookup | 400 | — |
/// | any mechanism, unregistered domain | 400 | — |
/// | NULL or PLAIN on a registered (CURVE) domain | 400 | — |
/// | malformed request | 500 | — |
///
/// The user id becomes the `User-Id` property of every message from that connection
/// (``ZeroMQ/ReceivedMessage/userID``), so a handler knows which agency sent it.
///
/// Plain sockets have no ZAP domain, and libzmq does not consult ZAP for a NULL handshake without a domain: they
/// never reach this handler. Every refusal is logged at warning level with the key's fingerprint
/// (``fingerprint(ofPublicKey:)``) and the domain, and counted: the swift-metrics counter `jiekun.zap.refused`
/// (dimension `domain`) and ``refusalCount(domain:)``.
///
/// CURVE server sockets also set `ZMQ_ZAP_ENFORCE_DOMAIN`, so that if this handler is missing (not bound, or
/// already stopped) libzmq refuses every client instead of admitting any key.
///
/// The handler starts in ``init(context:logger:metricsFactory:)`` and stops when the context is shut down
/// (`ETERM`); ``FabricContext`` does both.
public final class ZAPAuthenticator: Sendable {
    /// The endpoint libzmq sends ZAP requests to (RFC 27).
    public static let endpoint = "inproc://zeromq.zap.01"

    /// The registry and the counters, shared by the handler thread and the registering threads.
    private struct State {
        /// ZAP domain → (Z85 public key → peer name).
        var domains: [String: [String: String]] = [:]
        /// ZAP domain → refusals.
        var refusals: [String: Int] = [:]
        /// Admitted handshakes.
        var admissions = 0
        /// ZAP requests answered, admitted or not.
        var requests = 0
    }

    /// The registry and counters.
    private let state = Mutex(State())

    /// Finds the peer name of a key not listed for a domain, such as an agency's enabled staff in its store.
    public typealias KeyLookup = @Sendable (_ publicKey: String) -> String?

    /// ZAP domain → its lookup (``setLookup(_:for:)``).
    private let lookups = Mutex<[String: KeyLookup]>([:])

    /// Whether the handler thread is still serving.
    private let running = Atomic<Bool>(true)

    /// Signalled once by the handler thread when it ends.
    private let stopped = DispatchSemaphore(value: 0)

    /// Left when the handler thread ends, for ``joined()``.
    private let finished = DispatchGroup()

    /// For refusals (warning) and admissions (debug).
    private let logger: Logger

    /// The factory of the refusal counters, or `nil` for the process's `MetricsSystem`.
    private let metricsFactory: (any MetricsFactory)?

    /// Binds the ZAP endpoint in `context` and starts answering on a thread of its own.
    ///
    /// The endpoint is bound before this returns, so sockets bound afterwards are protected from their first
    /// connection. Only one ZAP handler can serve a context.
    ///
    /// - Parameters:
    ///   - context: The context whose CURVE sockets the handler serves.
    ///   - logger: For refusals (warning) and admissions (debug).
    ///   - metricsFactory: The factory of the `jiekun.zap.refused` counters; `nil` uses the process's
    ///     `MetricsSystem` (tests pass their own).
    /// - Throws: ``ZeroMQ/ZMQError/addressInUse`` if the context already has a ZAP handler,
    ///   ``ZeroMQ/ZMQError/contextTerminated`` if it is shut down.
    public init(context: Context, logger: Logger, metricsFactory: (any MetricsFactory)? = nil) throws {
        self.logger = logger
        self.metricsFactory = metricsFactory
        let socket = try context.socket(.router)
        do {
            try socket.setLinger(.zero)
            try socket.bind(Self.endpoint)
        } catch {
            socket.close()
            throw error
        }
        // The socket is handed over to the thread, which alone uses it from now on.
        finished.enter()
        let thread = Thread { [self] in
            serve(socket)
            finished.leave()
        }
        thread.name = "jiekun-zap"
        thread.start()
    }

    // MARK: Registry

    /// Admits `admitted` in `domain`, the ZAP domain of a CURVE server endpoint.
    ///
    /// Registering the same list again does nothing (a server restarted in-process); registering another list
    /// for a domain already known is refused, so that two endpoints cannot silently widen each other's access.
    /// Use ``replaceAdmitted(_:for:)`` to rotate keys on purpose.
    ///
    /// - Parameters:
    ///   - domain: The ZAP domain, 1 to 255 bytes.
    ///   - admitted: Public key (40 Z85 characters) → peer name (1 to 255 bytes), the user id handlers see.
    /// - Throws: ``FabricSecurityError`` (`security.zap.invalid_domain`, `…invalid_public_key`,
    ///   `…invalid_peer_name`, `…conflicting_domain`).
    public func register(domain: String, admitted: [String: String]) throws {
        let admitted = try Self.validated(admitted, domain: domain)
        try state.withLock { state in
            if let existing = state.domains[domain] {
                guard existing == admitted else { throw FabricSecurityError.conflictingDomain(domain) }
                return
            }
            state.domains[domain] = admitted
        }
        logger.debug(
            "ZAP domain registered",
            metadata: ["zap.domain": "\(domain)", "zap.admitted": "\(admitted.count)"]
        )
    }

    /// Replaces the keys admitted in `domain` (key rotation), registering the domain if it is new.
    ///
    /// Applies to handshakes from now on: connections already admitted stay open until they end.
    ///
    /// - Parameters:
    ///   - admitted: Public key (40 Z85 characters) → peer name.
    ///   - domain: The ZAP domain.
    /// - Throws: ``FabricSecurityError`` for an invalid domain, key or peer name.
    public func replaceAdmitted(_ admitted: [String: String], for domain: String) throws {
        let admitted = try Self.validated(admitted, domain: domain)
        state.withLock { $0.domains[domain] = admitted }
        logger.info(
            "ZAP domain's admitted keys replaced",
            metadata: ["zap.domain": "\(domain)", "zap.admitted": "\(admitted.count)"]
        )
    }

    /// Consults `lookup` for every key of a CURVE handshake in `domain` that the domain's list does not admit: a key
    /// it names is admitted with that peer name. The lookup runs on the handler's thread at each such handshake, so
    /// it must be quick (an indexed read) and reflects changes at once; `nil` removes it.
    ///
    /// - Parameters:
    ///   - lookup: Public key (canonical Z85) → peer name (1 to 255 bytes), or `nil` to refuse the key.
    ///   - domain: The ZAP domain.
    public func setLookup(_ lookup: KeyLookup?, for domain: String) {
        lookups.withLock { $0[domain] = lookup }
    }

    /// The keys admitted in `domain`.
    ///
    /// - Parameter domain: The ZAP domain.
    /// - Returns: Public key → peer name, or `nil` if the domain is not registered.
    public func admitted(in domain: String) -> [String: String]? {
        state.withLock { $0.domains[domain] }
    }

    // MARK: Counters

    /// The handshakes refused (status 400 or 500) since the handler started.
    ///
    /// - Parameter domain: Only the refusals in this ZAP domain, or `nil` for all of them.
    /// - Returns: The number of refusals.
    public func refusalCount(domain: String? = nil) -> Int {
        state.withLock { state in
            if let domain { return state.refusals[domain, default: 0] }
            return state.refusals.values.reduce(0, +)
        }
    }

    /// The handshakes admitted (status 200) since the handler started.
    public var admissionCount: Int {
        state.withLock { $0.admissions }
    }

    /// The ZAP requests answered since the handler started, admitted or not.
    public var requestCount: Int {
        state.withLock { $0.requests }
    }

    /// Whether the handler thread is still answering.
    public var isRunning: Bool {
        running.load(ordering: .acquiring)
    }

    /// Waits until the handler thread has ended, after the context was shut down.
    ///
    /// Blocks the calling thread: do not call it from the Swift concurrency pool.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread ended in time.
    public func waitUntilStopped(timeout: Duration) -> Bool {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        guard stopped.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return false }
        stopped.signal()  // let other waiters through
        return true
    }

    /// Suspends until the handler thread has ended (after the context was shut down), without blocking a thread of
    /// the concurrency pool.
    public func joined() async {
        await finished.left()
    }

    /// The short form of a public key used in logs: its first 8 Z85 characters and an ellipsis.
    ///
    /// Enough to tell keys apart in an operator's list, never a whole key (and never a secret one: only public
    /// keys reach the ZAP handler).
    ///
    /// - Parameter publicKey: The public key in Z85.
    /// - Returns: Such as `rq:rM>}U…`.
    public static func fingerprint(ofPublicKey publicKey: String) -> String {
        String(publicKey.prefix(8)) + "…"
    }

    // MARK: Serving

    /// The handler thread's loop: answers each request until the context is shut down.
    ///
    /// - Parameter socket: The ROUTER bound at ``endpoint``, owned by this thread.
    private func serve(_ socket: Socket) {
        defer {
            socket.close()
            running.store(false, ordering: .releasing)
            stopped.signal()
        }
        while true {
            let frames: [[UInt8]]
            do {
                frames = try socket.receive()
            } catch ZMQError.contextTerminated {
                logger.debug("ZAP handler stopped: the context was shut down")
                return
            } catch {
                logger.error("ZAP handler stopped on a receive failure", metadata: ["error": "\(error)"])
                return
            }
            // A ROUTER receives [routing id, empty delimiter, the request's frames…] from libzmq's ZAP client.
            guard frames.count >= 3, frames[1].isEmpty else {
                logger.warning("ZAP handler dropped a message without an envelope")
                continue
            }
            let reply = answer(Array(frames[2...]))
            do {
                try socket.send([frames[0], []] + reply, flags: .dontWait)
            } catch ZMQError.contextTerminated {
                return
            } catch {
                logger.warning("ZAP reply could not be sent", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Decides one ZAP request and counts the decision.
    ///
    /// - Parameter request: The request's frames: version, request id, domain, address, routing id, mechanism,
    ///   credentials (RFC 27).
    /// - Returns: The reply's frames: version, request id, status code, status text, user id, metadata.
    func answer(_ request: [[UInt8]]) -> [[UInt8]] {
        func reply(_ code: String, _ text: String, userID: String = "") -> [[UInt8]] {
            let requestID = request.count > 1 ? request[1] : []
            return [Array("1.0".utf8), requestID, Array(code.utf8), Array(text.utf8), Array(userID.utf8), []]
        }
        guard request.count >= 6, String(decoding: request[0], as: UTF8.self) == "1.0" else {
            refuse(domain: "", fingerprint: "-", address: "-", reason: "malformed ZAP request", status: 500)
            return reply("500", "malformed ZAP request")
        }
        let domain = String(decoding: request[2], as: UTF8.self)
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        let credentials = request[6...]

        guard let admitted = state.withLock({ $0.domains[domain] }) else {
            refuse(domain: domain, fingerprint: "-", address: address, reason: "unknown ZAP domain", status: 400)
            return reply("400", "unknown domain")
        }
        guard mechanism == "CURVE" else {
            refuse(
                domain: domain, fingerprint: "-", address: address,
                reason: "mechanism \(mechanism.prefix(16)) on a CURVE domain", status: 400
            )
            return reply("400", "CURVE required")
        }
        guard credentials.count == 1, let key = try? Z85.encode(credentials[credentials.startIndex]),
            key.utf8.count == CurveKeyPair.z85KeyLength
        else {
            refuse(
                domain: domain, fingerprint: "-", address: address, reason: "malformed CURVE credentials",
                status: 500
            )
            return reply("500", "malformed credentials")
        }
        let fingerprint = Self.fingerprint(ofPublicKey: key)
        let looked = admitted[key] == nil ? lookups.withLock({ $0[domain] })?(key) : nil
        guard let peer = admitted[key] ?? looked.flatMap({ (1...255).contains($0.utf8.count) ? $0 : nil }) else {
            refuse(domain: domain, fingerprint: fingerprint, address: address, reason: "key not admitted", status: 400)
            return reply("400", "key not admitted")
        }
        state.withLock { state in
            state.admissions += 1
            state.requests += 1
        }
        logger.debug(
            "ZAP admitted a CURVE client",
            metadata: ["zap.domain": "\(domain)", "zap.key": "\(fingerprint)", "zap.peer": "\(peer)"]
        )
        return reply("200", "OK", userID: peer)
    }

    /// Counts and logs a refusal.
    ///
    /// - Parameters:
    ///   - domain: The ZAP domain of the request.
    ///   - fingerprint: The client key's fingerprint, or `-` if there is none.
    ///   - address: The client's IP address.
    ///   - reason: Why it was refused.
    ///   - status: The ZAP status code returned.
    private func refuse(domain: String, fingerprint: String, address: String, reason: String, status: Int) {
        state.withLock { state in
            state.refusals[domain, default: 0] += 1
            state.requests += 1
        }
        let dimensions = [("domain", domain)]
        if let metricsFactory {
            Counter(label: "jiekun.zap.refused", dimensions: dimensions, factory: metricsFactory).increment()
        } else {
            Counter(label: "jiekun.zap.refused", dimensions: dimensions).increment()
        }
        logger.warning(
            "ZAP refused a client",
            metadata: [
                "zap.domain": "\(domain)",
                "zap.key": "\(fingerprint)",
                "zap.address": "\(address)",
                "zap.reason": "\(reason)",
                "zap.status": "\(status)",
            ]
        )
    }

    /// Checks and normalises a list of admitted keys.
    ///
    /// - Parameters:
    ///   - admitted: Public key → peer name.
    ///   - domain: The ZAP domain they are admitted in.
    /// - Returns: The same list, each key in canonical Z85.
    /// - Throws: ``FabricSecurityError`` for an invalid domain, key or peer name.
    private static func validated(_ admitted: [String: String], domain: String) throws -> [String: String] {
        guard (1...255).contains(domain.utf8.count) else { throw FabricSecurityError.invalidDomain(domain) }
        var normalised: [String: String] = [:]
        for (key, peer) in admitted {
            let fingerprint = Self.fingerprint(ofPublicKey: key)
            guard key.utf8.count == CurveKeyPair.z85KeyLength, let bytes = try? Z85.decode(key),
                let canonical = try? Z85.encode(bytes)
            else {
                throw FabricSecurityError.invalidPublicKey(fingerprint: fingerprint, domain: domain)
            }
            guard (1...255).contains(peer.utf8.count) else {
                throw FabricSecurityError.invalidPeerName(fingerprint: fingerprint, domain: domain)
            }
            normalised[canonical] = peer
        }
        return normalised
    }
}
