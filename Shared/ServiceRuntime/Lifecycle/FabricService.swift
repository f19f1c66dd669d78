import EventFabric
import Logging
import ServiceLifecycle
import Synchronization

/// One ``FabricComponent`` as a swift-service-lifecycle `Service`: ``run()`` suspends until the component's thread
/// ends, without holding a thread of the concurrency pool.
///
/// - Graceful shutdown asks the component to stop (``FabricComponent/requestStop()``): it finishes the work in
///   hand, closes its sockets, and ``run()`` returns.
/// - Cancellation (a graceful shutdown that overran its time, or a cancelled task) asks the component to stop and
///   shuts the whole ``FabricContext`` down: every blocked libzmq call returns `ETERM` and every component's thread
///   ends at once.
/// - A thread that ends on its own, while nobody asked (a socket failure), makes ``run()`` throw
///   ``AgencyServiceError/componentStopped(_:)``: the service group then shuts the others down and the process
///   exits with a failure status, for its supervisor (systemd) to restart it.
public struct FabricService: Service, CustomStringConvertible {
    /// The component's name in logs (`feed publisher`).
    public let name: String
    /// The component.
    public let component: any FabricComponent
    /// The context shut down on cancellation.
    private let fabric: FabricContext
    private let logger: Logger
    private let onShutdown: @Sendable () -> Void

    /// Creates the service of a component.
    ///
    /// - Parameters:
    ///   - name: The component's name in logs.
    ///   - component: The component, already started.
    ///   - fabric: The context its sockets belong to, shut down on cancellation.
    ///   - logger: For a component that stopped on its own.
    ///   - onShutdown: Called when a graceful shutdown reaches the service (before the component is asked to stop).
    public init(
        name: String, component: any FabricComponent, fabric: FabricContext, logger: Logger,
        onShutdown: @escaping @Sendable () -> Void = {}
    ) {
        self.name = name
        self.component = component
        self.fabric = fabric
        self.logger = logger
        self.onShutdown = onShutdown
    }

    /// The component's name, for the service group's logs.
    public var description: String { name }

    /// Suspends until the component's thread has ended.
    ///
    /// - Throws: ``AgencyServiceError/componentStopped(_:)`` when the thread ended without a graceful shutdown or
    ///   a cancellation asking it to.
    public func run() async throws {
        let asked = Asked()
        let component = component
        let fabric = fabric
        let onShutdown = onShutdown
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await component.joined()
            } onGracefulShutdown: {
                asked.value.store(true, ordering: .releasing)
                onShutdown()
                component.requestStop()
            }
        } onCancel: {
            asked.value.store(true, ordering: .releasing)
            component.requestStop()  // what the context does not reach: the WAL checkpointer
            fabric.shutdown()
        }
        guard asked.value.load(ordering: .acquiring) else {
            logger.error("a component stopped on its own; stopping the service", metadata: ["component": "\(name)"])
            throw AgencyServiceError.componentStopped(name)
        }
    }
}

/// Whether a ``FabricService``'s component was asked to stop.
private final class Asked: Sendable {
    let value = Atomic<Bool>(false)
}
