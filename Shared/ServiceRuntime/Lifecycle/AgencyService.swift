import EventFabric
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Runs an agency's fabric components, each a ``FabricService``, in one `ServiceGroup`.
///
/// The components (feed publisher, subscriber, request server, the store's WAL checkpointer) run on threads of their
/// own, never on the Swift concurrency pool. ``run()``:
/// 1. logs the configuration's warnings, then starts them on a thread of its own with the `start` closure (binding
///    is blocking work), and logs the ready line (``ReadySummary/line``) at info level;
/// 2. runs one `ServiceGroup`: the context (its ZAP handler) first, then the components in the order `start` gave
///    them. The group ends on SIGTERM or SIGINT, on `triggerGracefulShutdown()` of a group it runs in, or on
///    cancellation; it stops the components one by one in reverse order — the request server first, the ZAP
///    handler last — each finishing the work in hand, at most ``stopTimeout`` in all before the context is shut
///    down under them;
/// 3. shuts the ``FabricContext`` down, however the group ended.
///
/// A component that stopped on its own (its thread ended, a socket failure) stops the others and makes ``run()``
/// throw ``AgencyServiceError``, so that the process exits with a failure status for its supervisor (systemd) to
/// restart it.
public struct AgencyService: Service, CustomStringConvertible {
    /// What the `start` closure started.
    public struct Started: Sendable {
        /// One component, named for logs.
        public struct Component: Sendable {
            /// The component's name in logs (`feed publisher`).
            public var name: String
            /// The component.
            public var component: any FabricComponent

            /// Creates a named component.
            ///
            /// - Parameters:
            ///   - name: The name in logs.
            ///   - component: The component.
            public init(name: String, component: any FabricComponent) {
                self.name = name
                self.component = component
            }
        }

        /// The components started, each running on its thread.
        public var components: [Component]
        /// The endpoints they serve, for the ready line.
        public var summary: ReadySummary
        /// Services run on the Swift concurrency pool in the same group, after the components (the workbench's
        /// web server): started last, stopped first.
        public var services: [any Service]

        /// Creates the outcome of a start.
        ///
        /// - Parameters:
        ///   - components: The components started.
        ///   - summary: The endpoints they serve.
        ///   - services: Services run in the same group after the components.
        public init(components: [Component], summary: ReadySummary, services: [any Service] = []) {
            self.components = components
            self.summary = summary
            self.services = services
        }
    }

    /// Starts the components: runs on a thread of its own, may block (binding, opening the store).
    public typealias Start = @Sendable () throws -> Started

    /// The process's fabric context, shut down when ``run()`` ends.
    public let fabric: FabricContext
    /// The longest graceful shutdown of the components, after which the context is shut down under them.
    public let stopTimeout: Duration
    private let logger: Logger
    private let warnings: [String]
    private let start: Start

    /// Creates the service; ``run()`` starts it.
    ///
    /// - Parameters:
    ///   - fabric: The process's fabric context; the service shuts it down when it stops.
    ///   - logger: For the ready line, the stop, and a component that stopped on its own.
    ///   - stopTimeout: The longest graceful shutdown of the components (5 s).
    ///   - warnings: Logged at warning level before starting: the configuration's
    ///     ``AgencyConfiguration/warnings`` (`INSECURE` endpoints, example keys).
    ///   - start: Starts the components (on a thread of its own) and says what they serve.
    public init(
        fabric: FabricContext,
        logger: Logger,
        stopTimeout: Duration = .seconds(5),
        warnings: [String] = [],
        start: @escaping Start
    ) {
        self.fabric = fabric
        self.logger = logger
        self.warnings = warnings
        self.stopTimeout = stopTimeout
        self.start = start
    }

    /// `AgencyService`: what the service group logs, without the struct's fields.
    public var description: String { "AgencyService" }

    /// Starts the components, runs them until shutdown, stops them.
    ///
    /// - Throws: What `start` threw (the context is shut down first), or ``AgencyServiceError`` when a component
    ///   stopped on its own. Graceful shutdown and cancellation end it without an error.
    public func run() async throws {
        for warning in warnings { logger.warning("\(warning)") }
        let started: Started
        do {
            started = try await Self.onThread(named: "jiekun-start", start)
        } catch {
            var metadata: Logger.Metadata = ["error.type": "\(String(reflecting: type(of: error)))"]
            if let error = error as? EndpointBindError { metadata["error.description"] = "\(error.explanation)" }
            if let error = error as? HTTPBindError { metadata["error.description"] = "\(error.explanation)" }
            logger.error("jiekun failed to start", metadata: metadata)
            fabric.shutdown()
            await fabric.joined()
            throw error
        }
        logger.info("\(started.summary.line)")

        let logger = logger
        let notice = StoppingNotice(logger: logger, agency: started.summary.agency)
        let components = [Started.Component(name: "ZAP handler", component: fabric)] + started.components
        let services =
            components.map { entry in
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: FabricService(
                        name: entry.name, component: entry.component, fabric: fabric, logger: logger,
                        onShutdown: notice.log),
                    successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            }
            + started.services.map { service in
                ServiceGroupConfiguration.ServiceConfiguration(
                    service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            }
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = stopTimeout
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
        } catch {
            fabric.shutdown()
            await fabric.joined()
            throw error
        }
        fabric.shutdown()
        logger.info("jiekun stopped")
    }

    /// Runs blocking work on a new thread and suspends, without holding a thread of the pool, until it is done.
    ///
    /// - Parameters:
    ///   - name: The thread's name.
    ///   - body: The work.
    /// - Returns: What the work returned.
    /// - Throws: What the work threw.
    static func onThread<Value: Sendable>(
        named name: String, _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }
}

/// Logs "jiekun <agency> stopping" once, when a graceful shutdown reaches the first component.
private final class StoppingNotice: Sendable {
    private let logged = Atomic<Bool>(false)
    private let logger: Logger
    private let agency: String

    init(logger: Logger, agency: String) {
        self.logger = logger
        self.agency = agency
    }

    func log() {
        guard !logged.exchange(true, ordering: .acquiringAndReleasing) else { return }
        logger.info("jiekun \(agency) stopping")
    }
}

/// Why an ``AgencyService`` ended with an error.
public enum AgencyServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A component's thread ended while the service was running (a socket failure): the process should exit and be
    /// restarted.
    case componentStopped(String)

    /// What happened.
    public var description: String {
        switch self {
        case .componentStopped(let name):
            "the \(name) stopped on its own while the service was running; see the log lines before this one"
        }
    }
}
