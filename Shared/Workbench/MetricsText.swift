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
        var families: [String: (label: String, entries: [(Counters.Key, Int64)])] = [:]
        for (key, value) in counters.snapshot() {
            families[name(key.label), default: (key.label, [])].entries.append((key, value))
        }
        for (family, content) in families.sorted(by: { $0.key < $1.key }) {
            let descriptor = MetricNameDescriptor(
                metricName: family, unitName: "total", helpText: "the counter \(content.label) (jiekun status)")
            let labelNames = Set(content.entries.flatMap { $0.0.dimensions.map { name($0.name) } }).sorted()
            for (key, value) in content.entries {
                let labels = labelNames.map { labelName in
                    (labelName, key.dimensions.first(where: { name($0.name) == labelName })?.value ?? "")
                }
                let counter =
                    labels.isEmpty
                    ? registry.makeCounter(descriptor: descriptor)
                    : registry.makeCounter(descriptor: descriptor, labels: labels)
                counter.increment(by: value)
            }
        }
        func gauge(_ name: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
        }
        registry.makeGauge(descriptor: gauge("jiekun_ready", "1 when every consumed feed has caught up (/ready)"))
            .set(to: readiness.ready ? 1 : 0)
        let cursor = gauge("jiekun_feed_cursor", "the last sequence applied of a consumed feed")
        let latest = gauge("jiekun_feed_publisher_latest", "the publisher's latest sequence, as last heard")
        let caughtUp = gauge("jiekun_feed_caught_up", "1 when the feed's cursor is at the publisher's latest")
        for feed in readiness.feeds {
            let labels = [("feed", feed.name)]
            registry.makeGauge(descriptor: cursor, labels: labels).set(to: Double(feed.cursor))
            registry.makeGauge(descriptor: latest, labels: labels).set(to: Double(feed.publisherLatest))
            registry.makeGauge(descriptor: caughtUp, labels: labels).set(to: feed.state == .caughtUp ? 1 : 0)
        }
        return registry.emitToString()
    }

    /// A metric or label name: letters, digits and `_` only.
    static func name(_ label: String) -> String {
        String(label.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}
