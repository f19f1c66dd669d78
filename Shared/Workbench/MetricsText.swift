import Prometheus
import ServiceRuntime

/// `/metrics`: the service's counters in the Prometheus text format (swift-prometheus), read at each scrape from
/// the ``ServiceRuntime/Counters`` registry that the process's swift-metrics counters and the fabric's counting
/// factory (``ServiceRuntime/CountingMetricsFactory``) already feed — the same figures `jiekun status` shows —
/// and the feeds' readiness as gauges.
///
/// Names: the counter's label with `.` and `-` as `_`, and `_total` (`jiekun.events.applied` →
/// `jiekun_events_applied_total{feed="…"}`). A family whose counters carry different dimensions gets every
/// dimension on every counter, empty where a counter has none (the format wants one label set per family).
public enum MetricsText {
    /// The exposition.
    ///
    /// - Parameters:
    ///   - counters: The process's counters.
    ///   - readiness: The feeds' readiness.
    /// - Returns: The text (`text/plain; version=0.0.4`).
    public static func render(counters: Counters, readiness: Readiness) -> String {
        let registry = PrometheusCollectorRegistry()
        var families: [String: [(Counters.Key, Int64)]] = [:]
        for (key, value) in counters.snapshot() {
            families[name(key.label) + "_total", default: []].append((key, value))
        }
        for (family, entries) in families.sorted(by: { $0.key < $1.key }) {
            let labelNames = Set(entries.flatMap { $0.0.dimensions.map { name($0.name) } }).sorted()
            for (key, value) in entries {
                let labels = labelNames.map { labelName in
                    (labelName, key.dimensions.first(where: { name($0.name) == labelName })?.value ?? "")
                }
                let counter =
                    labels.isEmpty
                    ? registry.makeCounter(name: family) : registry.makeCounter(name: family, labels: labels)
                counter.increment(by: value)
            }
        }
        registry.makeGauge(name: "jiekun_ready").set(to: readiness.ready ? 1 : 0)
        for feed in readiness.feeds {
            registry.makeGauge(name: "jiekun_feed_cursor", labels: [("feed", feed.name)]).set(
                to: Double(feed.cursor))
            registry.makeGauge(name: "jiekun_feed_publisher_latest", labels: [("feed", feed.name)]).set(
                to: Double(feed.publisherLatest))
            registry.makeGauge(name: "jiekun_feed_caught_up", labels: [("feed", feed.name)]).set(
                to: feed.state == .caughtUp ? 1 : 0)
        }
        return registry.emitToString()
    }

    /// A metric or label name: letters, digits and `_` only.
    static func name(_ label: String) -> String {
        String(label.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}
