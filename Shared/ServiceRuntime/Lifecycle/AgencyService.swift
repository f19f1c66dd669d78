import Dispatch
import EventFabric
import Foundation
import Logging
import ServiceLifecycle

/// Runs an agency's fabric components as one swift-service-lifecycle `Service`.
///
/// The components (feed publisher, subscriber, request server) run on threads of their own, never on the Swift
/// concurrency pool. ``run()``:
/// 1. logs the configuration's warnings, then starts them on a thread of its own with the `start` closure (binding is blocking work), and logs the ready
///    line (``ReadySummary/line``) at info level;
/// 2. waits, without holding a thread, for graceful shutdown (SIGTERM, SIGINT, or
///    `ServiceGroup.triggerGracefulShutdown()`), for cancellation, or for a component to stop on its own (checked
///    every ``checkInterval``);
/// 3. calls ``FabricContext/shutdown()``, which makes every blocked call return `ETERM`, and waits for the
///    threads to end — from a thread of its own, resuming the task through a continuation — at most
///    ``stopTimeout``.
///
/// The service owns its ``FabricContext``: it is shut down however ``run()`` ends. A component that stopped on its
/// own makes ``run()`` throw ``AgencyServiceError``, so that the service group ends and the process exits with a
/// failure status for its supervisor (systemd) to restart it.
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

        /// Creates the outcome of a start.
        ///
        /// - Parameters:
        ///   - components: The components started.
        ///   - summary: The endpoints they serve.
        public init(components: [Component], summary: ReadySummary) {
            self.components = components
            self.summary = summary
        }
    }

    /// Starts the components: runs on a thread of its own, may block (binding, opening the store).
    public typealias Start = @Sendable () throws -> Started

    /// The process's fabric context, shut down when ``run()`` ends.
    public let fabric: FabricContext
    /// The longest wait for the threads to end after the context is shut down.
    public let stopTimeout: Duration
    /// How often ``run()`` checks that every component is still running.
    public let checkInterval: Duration
    private let logger: Logger
    private let warnings: [String]
    private let start: Start

    /// Creates the service; ``run()`` starts it.
    ///
    /// - Parameters:
    ///   - fabric: The process's fabric context; the service shuts it down when it stops.
    ///   - logger: For the ready line, the stop, and a component that stopped on its own.
    ///   - stopTimeout: The longest wait for the threads to end (5 s).
    ///   - checkInterval: How often to check the components (500 ms).
    ///   - warnings: Logged at warning level before starting: the configuration's
    ///     ``AgencyConfiguration/warnings`` (`INSECURE` endpoints, example keys).
    ///   - start: Starts the components (on a thread of its own) and says what they serve.
    public init(
        fabric: FabricContext,
        logger: Logger,
        stopTimeout: Duration = .seconds(5),
        checkInterval: Duration = .milliseconds(500),
        warnings: [String] = [],
        start: @escaping Start
    ) {
        self.fabric = fabric
        self.logger = logger
        self.warnings = warnings
        self.stopTimeout = stopTimeout
        self.checkInterval = checkInterval
        self.start = start
    }

    /// `AgencyService`: what the service group logs, without the struct's fields.
    public var description: String { "AgencyService" }

    /// Starts the components, waits for shutdown, stops them.
    ///
    /// - Throws: What `start` threw (the context is shut down first), or ``AgencyServiceError`` when a component
    ///   stopped on its own. Graceful shutdown and cancellation end it without an error.
    public func run() async throws {
        for warning in warnings { logger.warning("\(warning)") }
        let started: Started
        do {
            started = try await Self.onThread(named: "jiekun-start", start)
        } catch {
            logger.error("jiekun failed to start", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            await stop([.init(name: "ZAP handler", component: fabric.authenticator)])
            throw error
        }
        logger.info("\(started.summary.line)")

        let components =
            started.components + [.init(name: "ZAP handler", component: fabric.authenticator)]
        let ended = await waitForShutdown(watching: components)
        if let ended {
            logger.error(
                "jiekun \(started.summary.agency): a component stopped on its own; stopping the service",
                metadata: ["component": "\(ended)"]
            )
        } else {
            logger.info("jiekun \(started.summary.agency) stopping")
        }
        await stop(components)
        if let ended { throw AgencyServiceError.componentStopped(ended) }
    }

    /// Waits for graceful shutdown, cancellation, or a component that stops on its own.
    ///
    /// - Parameter components: The components to watch.
    /// - Returns: The name of a component that stopped on its own, or `nil` for a shutdown or a cancellation.
    private func waitForShutdown(watching components: [Started.Component]) async -> String? {
        let interval = checkInterval
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                try? await gracefulShutdown()
                return nil
            }
            group.addTask {
                while !Task.isCancelled {
                    if let ended = components.first(where: { !$0.component.isRunning }) { return ended.name }
                    try? await Task.sleep(for: interval)
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Shuts the context down and waits, from a thread, for the components' threads to end.
    ///
    /// - Parameter components: The components to wait for.
    private func stop(_ components: [Started.Component]) async {
        fabric.shutdown()
        let timeout = stopTimeout
        let lingering: [String] =
            (try? await Self.onThread(named: "jiekun-stop") {
                let deadline = ContinuousClock.now + timeout
                return components.compactMap { entry in
                    let remaining = max(.zero, deadline - ContinuousClock.now)
                    return entry.component.waitUntilStopped(timeout: remaining) ? nil : entry.name
                }
            }) ?? []
        if lingering.isEmpty {
            logger.info("jiekun stopped")
        } else {
            logger.warning(
                "jiekun stopped, but some threads did not end in time",
                metadata: ["components": "\(lingering.joined(separator: ", "))", "timeout": "\(timeout)"]
            )
        }
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
