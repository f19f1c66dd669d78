import EventFabric

/// A fabric component running on a thread of its own (never the Swift concurrency pool) that ends when its
/// ``FabricContext`` is shut down: a ``FeedPublisher``, a ``FeedSubscriber``, a ``RequestServer``, the context's
/// ``ZAPAuthenticator``. ``AgencyService`` watches and stops them.
public protocol FabricComponent: Sendable {
    /// Whether the component's thread is still running.
    var isRunning: Bool { get }

    /// Blocks the calling thread until the component's thread has ended, after ``FabricContext/shutdown()``.
    ///
    /// Never call it from the concurrency pool: ``AgencyService`` calls it from a thread of its own.
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread ended in time.
    func waitUntilStopped(timeout: Duration) -> Bool
}

extension FeedPublisher: FabricComponent {
    /// Whether the publisher's thread is still running (`false` before ``FeedPublisher/start()``).
    public var isRunning: Bool { !join(timeout: .zero) }

    /// Waits until the publisher's thread has ended (``FeedPublisher/join(timeout:)``).
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread ended in time.
    public func waitUntilStopped(timeout: Duration) -> Bool { join(timeout: timeout) }
}

extension FeedSubscriber: FabricComponent {
    /// Whether the subscriber's thread is still running (`false` before ``FeedSubscriber/start()``).
    public var isRunning: Bool { !join(timeout: .zero) }

    /// Waits until the subscriber's thread has ended (``FeedSubscriber/join(timeout:)``).
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread ended in time.
    public func waitUntilStopped(timeout: Duration) -> Bool { join(timeout: timeout) }
}

extension RequestServer: FabricComponent {
    /// Stops the server if the context is still running, and waits until its thread has ended
    /// (``RequestServer/stop(timeout:)``).
    ///
    /// - Parameter timeout: The longest wait.
    /// - Returns: Whether the thread ended in time.
    public func waitUntilStopped(timeout: Duration) -> Bool { stop(timeout: timeout) }
}

extension ZAPAuthenticator: FabricComponent {}
