import Dispatch
import Foundation
import GRDB
import Logging
import Metrics
import Synchronization
import ZeroMQ

/// The server side of request/reply: a ROUTER on a thread of its own that executes each command or query once,
/// stores its reply, and answers retries from the store (DESIGN "Nothing lost", "Lazy Pirate").
///
/// ## Wire frames
/// Every frame is UTF-8 text except the bodies, which are bytes (JSON in practice).
///
/// Client → server (the client's DEALER sends five frames; the ROUTER prefixes the connection's routing id):
///
/// | # | frame | content |
/// |---|---|---|
/// | 0 | version | `JKREQ1` |
/// | 1 | client id | the client's stable id, 1 to 128 bytes, such as `jiekun-cli-3f2a9c0d41b7` |
/// | 2 | request number | decimal ASCII, 1 to `Int64.max`, increasing per client; a retry repeats it |
/// | 3 | operation | 1 to 64 bytes, such as `household.register` |
/// | 4 | body | the operation's argument, possibly empty |
///
/// Server → client: `JKREP1`, the client id and the request number as received, the status (`ok`, `error` or
/// `refused`, see ``ServiceReply/Status``), and the body. A malformed request (wrong frame count, unknown
/// version tag, invalid client id or operation, a request number that is not a positive decimal) is refused:
/// counted, logged, answered `refused` with a JSON reason (its id frames echoed when they are short enough), and
/// never stops the server.
///
/// ## Executed once
/// For each well-formed request the server opens one write transaction on its store: if the `replies` table
/// (``ReplyStore``) holds the request's reply, that reply is sent again; otherwise the handler runs with the
/// transaction's `Database` and its reply is inserted before the commit. Executing the operation and storing
/// its reply thus commit together, so a request retried after a lost reply, a client timeout or a server crash
/// and restart is executed once. A request number reused for another operation is refused. If the handler
/// throws, the transaction rolls back (nothing executed, nothing stored) and the client gets `error`; a retry
/// executes it afresh. A store that is full (`SQLITE_FULL`) answers `error` with ``Options/storeOwner``'s store "is
/// full (disk)", and the log names the cause.
///
/// The reply is sent once the transaction's commit has returned: on an ``EventStore``
/// (``EventStore/Durability/synced``) that is after its `fsync`, so a client told "done" is never told so of a
/// command a power cut could undo.
///
/// Queries (``Options/queries``, operations that only read, such as `status` or a report) are the exception: they
/// run in a read transaction on a reading connection, so they never wait for nor hold up the writer (a service
/// applying events), and their replies are not stored — a retried query is simply answered anew.
///
/// ## Sockets
/// - ROUTER with `ZMQ_ROUTER_MANDATORY` and non-blocking sends: a reply to a client that vanished
///   (`EHOSTUNREACH`) or stopped reading (`EAGAIN` at the high-water mark) is logged and dropped, never blocking
///   the server.
/// - High-water marks (``Options/receiveHighWaterMark``, ``Options/sendHighWaterMark``): 100 messages per
///   connection each way. A Lazy Pirate client has one request in flight, so 100 only fills up for a misbehaving
///   peer, whose further messages then wait in its own queue (TCP pushes back) instead of the server's memory.
/// - Maximum request size (``Options/maxMessageSize``): 1 MiB by default. Commands and queries are small JSON
///   documents. A larger request, up to four times the limit (``Options/transportMessageSize``), is read and
///   refused with a reply naming its size and the limit; beyond that libzmq disconnects the sender before reading
///   it (the client then times out), so that no peer can make the server hold an unbounded message.
/// - ZMTP heartbeats (``Options/heartbeatInterval``) so that a client host that died without closing its
///   connection is noticed and its queue freed.
///
/// ## Threads
/// The ROUTER is created and bound in ``init(fabric:endpoint:security:store:options:logger:handler:)``, then
/// handed over to a `Thread` of its own that alone uses it (never the Swift concurrency pool). The handler runs
/// on that thread, one request at a time. ``stop(timeout:)`` or ``FabricContext/shutdown()`` ends it.
public final class RequestServer: Sendable {
    /// The handler executing one operation: gets the request (with its authenticated ``ServiceRequest/peer``) and
    /// the `Database` of the write transaction that will also store its reply; returns the reply.
    ///
    /// Runs on the server's thread. Return ``ServiceReply/error(_:)`` or ``ServiceReply/refused(_:)`` for an
    /// operation its rules refuse: that decision is stored like a success. Throw only for an unexpected failure:
    /// the transaction then rolls back.
    public typealias Handler = @Sendable (ServiceRequest, Database) throws -> ServiceReply

    /// The server's settings; the defaults suit commands and queries of a province's services.
    public struct Options: Sendable {
        /// The server's name in logs and in the metrics' `server` dimension, such as `intake`.
        public var name: String
        /// The largest request accepted, bytes: a larger one is refused with a reply naming the limit.
        public var maxMessageSize: Int64
        /// Whose store a full-disk reply names (`the union` → "the union's store is full (disk)").
        public var storeOwner: String
        /// `ZMQ_RCVHWM`, messages queued per client connection before TCP pushes back.
        public var receiveHighWaterMark: Int
        /// `ZMQ_SNDHWM`, replies queued per client connection; beyond it replies are dropped.
        public var sendHighWaterMark: Int
        /// `ZMQ_HEARTBEAT_IVL` (and three times it as `ZMQ_HEARTBEAT_TIMEOUT`), or `nil` for no heartbeats.
        public var heartbeatInterval: Duration?
        /// The operations that only read: run in a read transaction, their replies not stored.
        public var queries: Set<String>
        /// Test hook: returns `true` to drop the reply of a request after it was executed and stored, as if the
        /// network lost it.
        package var dropsReply: (@Sendable (ServiceRequest) -> Bool)?

        /// Creates options.
        ///
        /// - Parameters:
        ///   - name: The server's name in logs and metrics.
        ///   - maxMessageSize: The largest request accepted, bytes (1 MiB).
        ///   - receiveHighWaterMark: Requests queued per connection (100).
        ///   - sendHighWaterMark: Replies queued per connection (100).
        ///   - heartbeatInterval: The ZMTP heartbeat interval (10 s), or `nil`.
        ///   - queries: The operations that only read (none).
        ///   - storeOwner: Whose store a full-disk reply names ("the service").
        public init(
            name: String = "requests",
            maxMessageSize: Int64 = 1 << 20,
            receiveHighWaterMark: Int = 100,
            sendHighWaterMark: Int = 100,
            heartbeatInterval: Duration? = .seconds(10),
            queries: Set<String> = [],
            storeOwner: String = "the service"
        ) {
            self.name = name
            self.maxMessageSize = maxMessageSize
            self.receiveHighWaterMark = receiveHighWaterMark
            self.sendHighWaterMark = sendHighWaterMark
            self.heartbeatInterval = heartbeatInterval
            self.queries = queries
            self.storeOwner = storeOwner
        }

        /// `ZMQ_MAXMSGSIZE` of the ROUTER, bytes: four times ``maxMessageSize``. A request up to it is read and
        /// answered (refused when it is over ``maxMessageSize``); a larger one disconnects its sender unread.
        public var transportMessageSize: Int64 {
            guard maxMessageSize > 0 else { return -1 }
            let (product, overflow) = maxMessageSize.multipliedReportingOverflow(by: 4)
            return overflow ? Int64.max : product
        }
    }

    /// What the server did since it started.
    public struct Statistics: Sendable, Hashable {
        /// Requests whose operation was executed (the handler ran and its reply was stored).
        public var executed = 0
        /// Retried requests answered from the store.
        public var replayed = 0
        /// Malformed requests, and request numbers reused for another operation, refused.
        public var refused = 0
        /// Requests whose handler threw (rolled back, answered `error`).
        public var failed = 0
        /// Replies dropped because the client vanished or stopped reading.
        public var repliesDropped = 0
    }

    /// The endpoint bound, with the port the system chose, for clients to connect to.
    public let endpoint: String

    /// The settings.
    public let options: Options

    /// The counters.
    private let counts = Mutex(Statistics())

    /// Set by ``stop(timeout:)``.
    private let stopRequested = Atomic<Bool>(false)

    /// Whether the thread is serving.
    private let running = Atomic<Bool>(true)

    /// Signalled once when the thread ends.
    private let stopped = DispatchSemaphore(value: 0)

    /// Left when the thread ends, for ``joined()``.
    private let finished = DispatchGroup()

    /// The `inproc://` endpoint ``stop(timeout:)`` wakes the thread through.
    private let controlEndpoint: String

    /// The context the sockets belong to.
    private let context: Context

    /// The service's store.
    private let store: any DatabaseWriter

    /// The operations.
    private let handler: Handler

    /// For refusals, dropped replies and failures.
    private let logger: Logger

    /// `jiekun.requests.{executed,replayed,refused,failed}` and `jiekun.replies.dropped`, dimension `server`.
    private let metrics: Counters

    /// The swift-metrics counters of the server.
    private struct Counters: Sendable {
        let executed: Counter
        let replayed: Counter
        let refused: Counter
        let failed: Counter
        let dropped: Counter

        init(server: String) {
            let dimensions = [("server", server)]
            executed = Counter(label: "jiekun.requests.executed", dimensions: dimensions)
            replayed = Counter(label: "jiekun.requests.replayed", dimensions: dimensions)
            refused = Counter(label: "jiekun.requests.refused", dimensions: dimensions)
            failed = Counter(label: "jiekun.requests.failed", dimensions: dimensions)
            dropped = Counter(label: "jiekun.replies.dropped", dimensions: dimensions)
        }
    }

    /// Makes the server numbers of ``controlEndpoint`` unique in the process.
    private static let serverCounter = Atomic<Int>(0)

    /// Binds the ROUTER and starts serving on a thread of its own.
    ///
    /// When this returns, the endpoint is bound and requests are queued for the thread.
    ///
    /// - Parameters:
    ///   - fabric: The process's fabric context (its ZAP handler admits the clients of a CURVE endpoint).
    ///   - endpoint: Where to bind, such as `tcp://0.0.0.0:7101` or `tcp://127.0.0.1:*`.
    ///   - security: Usually ``EndpointSecurity/curveServer(keyPair:domain:admitted:)``.
    ///   - store: The service's SQLite store, migrated with ``registerMigrations(_:)``.
    ///   - options: Limits, high-water marks, name.
    ///   - logger: For refusals, dropped replies and failures.
    ///   - handler: Executes one operation in the store's write transaction.
    /// - Throws: ``EndpointBindError`` if the endpoint cannot be bound (a port in use), ``ZeroMQ/ZMQError`` if the
    ///   socket cannot be made, ``FabricSecurityError`` for an invalid
    ///   security, ``RequestServerError`` if the store lacks the `replies` table, or a GRDB error reading it.
    public init(
        fabric: FabricContext,
        endpoint: String,
        security: EndpointSecurity,
        store: any DatabaseWriter,
        options: Options = Options(),
        logger: Logger,
        handler: @escaping Handler
    ) throws {
        guard try store.read(ReplyStore.isInstalled) else { throw RequestServerError.repliesTableMissing }
        let number = Self.serverCounter.add(1, ordering: .relaxed).newValue
        self.controlEndpoint = "inproc://jiekun-request-server-\(number)-control"
        self.context = fabric.context
        self.store = store
        self.options = options
        self.handler = handler
        self.logger = logger
        self.metrics = Counters(server: options.name)

        let router = try fabric.socket(.router, security: security)
        let control: Socket
        do {
            try router.setRouterMandatory(true)
            try router.setMaxMessageSize(options.transportMessageSize)
            try router.setReceiveHighWaterMark(options.receiveHighWaterMark)
            try router.setSendHighWaterMark(options.sendHighWaterMark)
            if let interval = options.heartbeatInterval {
                try router.setHeartbeatInterval(interval)
                try router.setHeartbeatTimeout(interval * 3)
            }
            self.endpoint = try EndpointBindError.bind(router, to: endpoint, as: .requests)
            control = try fabric.context.socket(.pull)
            do {
                try control.setLinger(.zero)
                try control.bind(controlEndpoint)
            } catch {
                control.close()
                throw error
            }
        } catch {
            router.close()
            throw error
        }
        logger.info(
            "Request server listening",
            metadata: ["server": "\(options.name)", "server.endpoint": "\(self.endpoint)"]
        )
        // Both sockets are handed over to the thread, which alone uses them from now on.
        finished.enter()
        let thread = Thread { [self] in
            serve(router: router, control: control)
            finished.leave()
        }
        thread.name = "jiekun-requests-\(options.name)"
        thread.start()
    }

    /// Registers the migration of the `replies` table (``ReplyStore/registerMigrations(_:)``).
    ///
    /// - Parameter migrator: The service store's migrator.
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        ReplyStore.registerMigrations(&migrator)
    }

    /// What the server did since it started.
    public var statistics: Statistics {
        counts.withLock { $0 }
    }

    /// Whether the server's thread is still serving.
    public var isRunning: Bool {
        running.load(ordering: .acquiring)
    }

    /// Stops serving: the thread finishes the request in hand, unbinds the endpoint (waiting until its listening
    /// socket is closed, so the port can be bound again at once), closes the ROUTER and ends.
    ///
    /// Blocks the calling thread: do not call it from the Swift concurrency pool. Calling it again, or after the
    /// fabric context was shut down, only waits.
    ///
    /// - Parameter timeout: The longest wait for the thread to end.
    /// - Returns: Whether the thread ended in time.
    @discardableResult
    public func stop(timeout: Duration = .seconds(5)) -> Bool {
        requestStop()
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        guard stopped.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return false }
        stopped.signal()  // let other waiters through
        return true
    }

    /// Asks the thread to stop as ``stop(timeout:)`` does, and returns at once; ``joined()`` waits for it.
    public func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        if let wake = try? context.socket(.push) {
            try? wake.setLinger(.milliseconds(100))
            if (try? wake.connect(controlEndpoint)) != nil {
                try? wake.send([UInt8](), flags: .dontWait)
            }
            wake.close()
        }
    }

    /// Suspends until the server's thread has ended, without blocking a thread of the concurrency pool.
    public func joined() async {
        await finished.left()
    }

    // MARK: Serving

    /// The thread's loop.
    ///
    /// - Parameters:
    ///   - router: The bound ROUTER, owned by this thread.
    ///   - control: The PULL that ``stop(timeout:)`` wakes the thread through.
    private func serve(router: Socket, control: Socket) {
        defer {
            router.close()
            control.close()
            running.store(false, ordering: .releasing)
            stopped.signal()
            logger.info("Request server stopped", metadata: ["server": "\(options.name)"])
        }
        var poller = Poller()
        poller.register(router, for: .readable)
        poller.register(control, for: .readable)
        do {
            while !stopRequested.load(ordering: .acquiring) {
                // The timeout only bounds how long a lost wake-up could delay a stop.
                let ready = try poller.poll(timeout: .milliseconds(500))
                guard ready.contains(where: { $0.socket === router }) else { continue }
                // Serve what is queued, a bounded batch at a time, so a stop is noticed under load.
                for _ in 0..<100 {
                    guard let message = try router.receiveMessage(timeout: .zero) else { break }
                    try handle(message, router: router)
                }
            }
        } catch ZMQError.contextTerminated {
            return
        } catch {
            logger.error("Request server stopped on a socket failure", metadata: ["error": "\(error)"])
            return
        }
        unbind(router)
    }

    /// Unbinds the endpoint and waits (briefly) until libzmq's I/O thread has closed the listening socket.
    ///
    /// - Parameter router: The ROUTER.
    private func unbind(_ router: Socket) {
        let monitor = try? router.monitor(events: .closed)
        defer { monitor?.close() }
        guard (try? router.unbind(endpoint)) != nil else { return }
        _ = try? monitor?.receive(timeout: .seconds(1)) { $0.kind == .closed }
    }

    /// Answers one message.
    ///
    /// - Parameters:
    ///   - message: The routing id and the request's frames, with the connection's user id.
    ///   - router: The ROUTER.
    /// - Throws: ``ZeroMQ/ZMQError/contextTerminated`` to end the loop.
    private func handle(_ message: ReceivedMessage, router: Socket) throws {
        let routingID = message.frames[0]
        let payload = message.frames.dropFirst()
        let size = payload.reduce(0) { $0 + Int64($1.count) }
        if size > options.maxMessageSize {
            let reason =
                "the request is \(Self.mebibytes(size)) (\(size) bytes), over this service's limit of "
                + "\(Self.mebibytes(options.maxMessageSize)) (\(options.maxMessageSize) bytes): send it in smaller parts"
            try refuse(
                message, as: "over the size limit", reason: reason, router: router,
                metadata: ["request.bytes": "\(size)", "request.limit": "\(options.maxMessageSize)"])
            return
        }
        let request: ServiceRequest
        do {
            request = try RequestWire.request(from: payload, peer: message.userID)
        } catch let malformed as RequestWire.Malformed {
            try refuse(
                message, as: "malformed", reason: malformed.reason, router: router,
                metadata: ["request.frames": "\(payload.count)", "reason": "\(malformed.reason)"])
            return
        }

        let reply = execute(request)
        if let dropsReply = options.dropsReply, dropsReply(request) {
            logger.debug("Reply dropped by the test hook", metadata: metadata(of: request))
            return
        }
        try send(
            reply, to: routingID, clientID: Array(request.clientID.utf8), number: Array(String(request.number).utf8),
            router: router, request: request
        )
    }

    /// Counts, logs and answers `refused` to a request that is not executed, echoing its id frames when they are
    /// short enough for the client to match the reply.
    ///
    /// - Parameters:
    ///   - message: The request as received.
    ///   - kind: What is wrong, for the log line (`malformed`).
    ///   - reason: Why, for the client.
    ///   - router: The ROUTER.
    ///   - metadata: The log line's details, besides the server and the peer.
    /// - Throws: ``ZeroMQ/ZMQError/contextTerminated`` to end the loop.
    private func refuse(
        _ message: ReceivedMessage, as kind: String, reason: String, router: Socket, metadata: Logger.Metadata
    ) throws {
        count(\.refused, metrics.refused)
        var details: Logger.Metadata = ["server": "\(options.name)", "request.peer": "\(message.userID ?? "-")"]
        details.merge(metadata) { $1 }
        logger.warning("Request refused: \(kind)", metadata: details)
        let routingID = message.frames[0]
        let frames = Array(message.frames.dropFirst())
        let clientID = frames.count > 1 && frames[1].count <= RequestWire.maxClientIDLength ? frames[1] : []
        let number = frames.count > 2 && frames[2].count <= RequestWire.maxNumberDigits ? frames[2] : []
        let reply = ServiceReply.refused(Self.reason(reason))
        try send(reply, to: routingID, clientID: clientID, number: number, router: router, request: nil)
    }

    /// A size in MiB for a reply: `32 MiB`, `47.7 MiB`.
    ///
    /// - Parameter bytes: The size in bytes.
    /// - Returns: The size in mebibytes, with one decimal unless whole.
    package static func mebibytes(_ bytes: Int64) -> String {
        let mebibyte: Int64 = 1 << 20
        if bytes % mebibyte == 0 { return "\(bytes / mebibyte) MiB" }
        let tenths = (bytes * 10 + mebibyte / 2) / mebibyte
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    /// The outcome of one transaction.
    private enum Outcome {
        case executed
        case replayed
        case conflict
    }

    /// Executes a request once, or finds its stored reply, in one write transaction.
    ///
    /// - Parameter request: The request.
    /// - Returns: The reply to send.
    private func execute(_ request: ServiceRequest) -> ServiceReply {
        do {
            if options.queries.contains(request.operation) {
                let reply = try store.read { db in try handler(request, db) }
                count(\.executed, metrics.executed)
                return reply
            }
            let (reply, outcome) = try store.write { db -> (ServiceReply, Outcome) in
                if let stored = try ReplyStore.storedReply(db, clientID: request.clientID, number: request.number) {
                    guard stored.operation == request.operation else {
                        return (.refused(Self.reason("request number reused for another operation")), .conflict)
                    }
                    return (stored.reply, .replayed)
                }
                let reply = try handler(request, db)
                try ReplyStore.store(db, reply: reply, for: request, at: Date())
                return (reply, .executed)
            }
            switch outcome {
            case .executed:
                count(\.executed, metrics.executed)
            case .replayed:
                count(\.replayed, metrics.replayed)
                logger.debug("Retried request answered from the store", metadata: metadata(of: request))
            case .conflict:
                count(\.refused, metrics.refused)
                logger.warning("Request refused: number reused for another operation", metadata: metadata(of: request))
            }
            return reply
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            // The disk (or the store's size limit) is full: say so, to the client and in the log.
            count(\.failed, metrics.failed)
            var metadata = metadata(of: request)
            metadata["error.type"] = "\(String(reflecting: type(of: error)))"
            metadata["error.cause"] = "\(error.resultCode)"
            logger.error(
                "Request failed: the store is full (disk); its transaction was rolled back", metadata: metadata)
            return .error(Self.reason("\(options.storeOwner)'s store is full (disk)"))
        } catch {
            // The error's text may carry personal data from the request: log its type (and SQLite's code) only.
            count(\.failed, metrics.failed)
            var metadata = metadata(of: request)
            metadata["error.type"] = "\(String(reflecting: type(of: error)))"
            if let error = error as? DatabaseError { metadata["error.cause"] = "\(error.resultCode)" }
            logger.warning("Request failed; its transaction was rolled back", metadata: metadata)
            return .error(Self.reason("the operation failed"))
        }
    }

    /// Sends a reply without blocking; a reply that cannot be sent is logged and dropped.
    ///
    /// - Parameters:
    ///   - reply: The reply.
    ///   - routingID: The client connection's routing id.
    ///   - clientID: The client id frame to echo.
    ///   - number: The request number frame to echo.
    ///   - router: The ROUTER.
    ///   - request: The request, for the log, if it was well-formed.
    /// - Throws: ``ZeroMQ/ZMQError/contextTerminated`` to end the loop.
    private func send(
        _ reply: ServiceReply,
        to routingID: [UInt8],
        clientID: [UInt8],
        number: [UInt8],
        router: Socket,
        request: ServiceRequest?
    ) throws {
        do {
            try router.send(
                [routingID] + RequestWire.frames(of: reply, clientID: clientID, number: number), flags: .dontWait
            )
        } catch ZMQError.contextTerminated {
            throw ZMQError.contextTerminated
        } catch {
            count(\.repliesDropped, metrics.dropped)
            var metadata = request.map(metadata(of:)) ?? ["server": "\(options.name)"]
            metadata["error"] = "\(error)"
            logger.warning("Reply dropped: the client is gone or not reading", metadata: metadata)
        }
    }

    /// Counts an event in ``statistics`` and in its swift-metrics counter.
    ///
    /// - Parameters:
    ///   - field: The statistics field.
    ///   - counter: The metrics counter.
    private func count(_ field: WritableKeyPath<Statistics, Int>, _ counter: Counter) {
        counts.withLock { $0[keyPath: field] += 1 }
        counter.increment()
    }

    /// The log metadata of a request (ids and operation only, never its body).
    ///
    /// - Parameter request: The request.
    /// - Returns: The metadata.
    private func metadata(of request: ServiceRequest) -> Logger.Metadata {
        [
            "server": "\(options.name)", "request.client": "\(request.clientID)",
            "request.number": "\(request.number)", "request.operation": "\(request.operation)",
            "request.peer": "\(request.peer ?? "-")",
        ]
    }

    /// The JSON body of a server-made refusal or error: `{"reason":"…"}`.
    ///
    /// - Parameter reason: A short reason without personal data.
    /// - Returns: The body.
    static func reason(_ reason: String) -> [UInt8] {
        let object = ["reason": reason]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { Array($0) } ?? []
    }
}

/// A ``RequestServer`` that cannot start.
public enum RequestServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The store has no `replies` table: ``RequestServer/registerMigrations(_:)`` was not part of its migrator.
    case repliesTableMissing

    /// What to fix.
    public var description: String {
        switch self {
        case .repliesTableMissing:
            "the store has no `replies` table: register RequestServer.registerMigrations(_:) in its migrator"
        }
    }
}
