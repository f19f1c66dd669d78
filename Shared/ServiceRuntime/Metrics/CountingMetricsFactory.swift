import Metrics

/// A swift-metrics factory that counts every `Counter` increment in a ``Counters`` registry, and forwards every
/// metric to another factory (a Prometheus exporter, or nothing).
///
/// ```swift
/// let counters = Counters()
/// MetricsSystem.bootstrap(CountingMetricsFactory(counters: counters))   // in main, once
/// // or, without touching the process's metrics (tests):
/// let subscriber = FeedSubscriber(…, metricsFactory: CountingMetricsFactory(counters: counters), …)
/// ```
public struct CountingMetricsFactory: MetricsFactory {
    /// Where counter increments are counted.
    public let counters: Counters
    /// Where every metric also goes.
    public let upstream: any MetricsFactory

    /// Creates a factory.
    ///
    /// - Parameters:
    ///   - counters: Where counter increments are counted.
    ///   - upstream: Where every metric also goes; nowhere by default.
    public init(counters: Counters, forwardingTo upstream: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.counters = counters
        self.upstream = upstream
    }

    /// A counter counted in ``counters`` and in the upstream factory.
    ///
    /// - Parameters:
    ///   - label: The counter's label.
    ///   - dimensions: Its dimensions.
    /// - Returns: The handler.
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        CountingCounterHandler(
            key: Counters.Key(label: label, dimensions: dimensions), counters: counters,
            inner: upstream.makeCounter(label: label, dimensions: dimensions)
        )
    }

    /// The upstream factory's floating-point counter.
    ///
    /// - Parameters:
    ///   - label: The counter's label.
    ///   - dimensions: Its dimensions.
    /// - Returns: The handler.
    public func makeFloatingPointCounter(
        label: String, dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        upstream.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    /// The upstream factory's meter.
    ///
    /// - Parameters:
    ///   - label: The meter's label.
    ///   - dimensions: Its dimensions.
    /// - Returns: The handler.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        upstream.makeMeter(label: label, dimensions: dimensions)
    }

    /// The upstream factory's recorder.
    ///
    /// - Parameters:
    ///   - label: The recorder's label.
    ///   - dimensions: Its dimensions.
    ///   - aggregate: Whether values are aggregated.
    /// - Returns: The handler.
    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        upstream.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    /// The upstream factory's timer.
    ///
    /// - Parameters:
    ///   - label: The timer's label.
    ///   - dimensions: Its dimensions.
    /// - Returns: The handler.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        upstream.makeTimer(label: label, dimensions: dimensions)
    }

    /// Releases a counter upstream (its count stays in ``counters``).
    ///
    /// - Parameter handler: The handler.
    public func destroyCounter(_ handler: any CounterHandler) {
        if let counting = handler as? CountingCounterHandler { upstream.destroyCounter(counting.inner) }
    }

    /// Releases a floating-point counter upstream.
    ///
    /// - Parameter handler: The handler.
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        upstream.destroyFloatingPointCounter(handler)
    }

    /// Releases a meter upstream.
    ///
    /// - Parameter handler: The handler.
    public func destroyMeter(_ handler: any MeterHandler) {
        upstream.destroyMeter(handler)
    }

    /// Releases a recorder upstream.
    ///
    /// - Parameter handler: The handler.
    public func destroyRecorder(_ handler: any RecorderHandler) {
        upstream.destroyRecorder(handler)
    }

    /// Releases a timer upstream.
    ///
    /// - Parameter handler: The handler.
    public func destroyTimer(_ handler: any TimerHandler) {
        upstream.destroyTimer(handler)
    }
}

/// Bootstraps the process's swift-metrics so that every counter is also counted in a ``Counters`` registry.
public enum MetricsBootstrap {
    /// Bootstraps `MetricsSystem` with a ``CountingMetricsFactory``. Call it once, in `main` (swift-metrics refuses a
    /// second bootstrap).
    ///
    /// - Parameters:
    ///   - counters: The registry the ``StatusReport`` reads.
    ///   - upstream: Where every metric also goes; nowhere by default.
    public static func bootstrap(
        counters: Counters, forwardingTo upstream: any MetricsFactory = NOOPMetricsHandler.instance
    ) {
        MetricsSystem.bootstrap(CountingMetricsFactory(counters: counters, forwardingTo: upstream))
    }
}

/// Counts in the registry and forwards to the upstream handler.
private final class CountingCounterHandler: CounterHandler {
    let key: Counters.Key
    let counters: Counters
    let inner: any CounterHandler

    init(key: Counters.Key, counters: Counters, inner: any CounterHandler) {
        self.key = key
        self.counters = counters
        self.inner = inner
    }

    func increment(by amount: Int64) {
        counters.increment(key, by: amount)
        inner.increment(by: amount)
    }

    func reset() {
        counters.reset(key)
        inner.reset()
    }
}
