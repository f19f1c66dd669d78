import EventFabric

/// A fabric component whose blocking libzmq or SQLite loop runs on a thread of its own (never the Swift concurrency
/// pool): a ``FeedPublisher`` with its replay server, a ``FeedSubscriber``, a ``RequestServer``, a store's
/// ``WALCheckpointer``, and the ``FabricContext`` itself (its ZAP handler). ``AgencyService`` runs each one as a
/// ``FabricService``.
public protocol FabricComponent: Sendable {
    /// Suspends, without holding a thread of the pool, until the component's thread has ended.
    func joined() async

    /// Asks the component's thread to end (it finishes the work in hand, closes its sockets) and returns at once.
    func requestStop()
}

extension FeedPublisher: FabricComponent {}

extension FeedSubscriber: FabricComponent {}

extension RequestServer: FabricComponent {}

extension WALCheckpointer: FabricComponent {}

extension FabricContext: FabricComponent {
    /// Suspends until the context's ZAP handler thread has ended.
    public func joined() async { await authenticator.joined() }

    /// Shuts the context down (``shutdown()``): every blocked call of its sockets returns `ETERM`, the ZAP handler
    /// ends. Run first in the service group, it is shut down last, once every component has stopped.
    public func requestStop() { shutdown() }
}
