import Synchronization

/// The process's counters, in memory and thread-safe: events applied, refused and replayed per feed, events
/// published, requests served. A ``StatusReport`` reads them, so that the demo (and an operator) can wait until
/// every event is applied everywhere instead of sleeping.
///
/// Fill it through swift-metrics: bootstrap the process's metrics with a ``CountingMetricsFactory`` (see
/// ``MetricsBootstrap``), or hand one to the fabric's components (`metricsFactory:`), and every `Counter` they
/// increment is also counted here under its label and dimensions. Or count directly with
/// ``increment(_:dimensions:by:)``.
public final class Counters: Sendable {
    /// The labels the fabric counts under, with the dimension that names the feed or the server.
    public enum Label {
        /// Events applied by a subscriber, dimension `feed`.
        public static let eventsApplied = "jiekun.events.applied"
        /// Events and messages refused by a subscriber, dimensions `feed` and `reason`.
        public static let eventsRefused = "jiekun.events.refused"
        /// Events a subscriber received by replay, dimension `feed`.
        public static let eventsReplayed = "jiekun.events.replayed"
        /// Events a publisher sent live, dimension `feed`.
        public static let eventsPublished = "jiekun.events.published"
        /// Entries the process appended to its journal, counted per commit (``Journal/observeCommits(_:)``), no
        /// dimension.
        public static let journalAppended = "jiekun.journal.appended"
        /// Bytes of the entries the process appended to its journal (each event's JSON as stored), no dimension.
        public static let journalBytes = "jiekun.journal.bytes"
        /// Rows the process's store inserted, updated and deleted on its writer connection, no dimension.
        public static let rowsWritten = "jiekun.rows.written"
        /// Transactions the process's store committed on its writer connection (a batch of applied events, a
        /// request, a publisher's bookkeeping), no dimension.
        public static let transactionsCommitted = "jiekun.transactions.committed"
        /// Requests executed by a request server, dimension `server`.
        public static let requestsExecuted = "jiekun.requests.executed"
        /// Retried requests answered from the store, dimension `server`.
        public static let requestsReplayed = "jiekun.requests.replayed"
        /// Malformed or conflicting requests refused, dimension `server`.
        public static let requestsRefused = "jiekun.requests.refused"
        /// Requests whose operation threw, dimension `server`.
        public static let requestsFailed = "jiekun.requests.failed"
        /// Requests for a business operation refused: the key is no enabled staff member's, or lacks the role.
        public static let requestsUnauthorised = "jiekun.requests.unauthorised"
        /// Households refused to a staff member because they lie outside the member's area.
        public static let requestsOutOfArea = "jiekun.requests.out_of_area"
        /// Decisions refused to an approver because they proposed the measure themselves (policy C.6).
        public static let requestsSelfApproval = "jiekun.requests.self_approval"
        /// Web logins done (the workbench).
        public static let webLogins = "jiekun.web.logins"
        /// Web logins refused, by `outcome`: `failed` (wrong id or password) or `locked`.
        public static let webLoginsRefused = "jiekun.web.logins_refused"
        /// Signed heads a subscriber refused (unknown key, bad signature, unsigned, replayed old head), dimension
        /// `feed` (``FeedSubscriber``).
        public static let headsRefused = "jiekun.heads.refused"
    }

    /// A counter's identity: its label and its dimensions, sorted by name.
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        /// The label, such as `jiekun.events.applied`.
        public var label: String
        /// The dimensions, sorted by name.
        public var dimensions: [Dimension]

        /// One dimension.
        public struct Dimension: Sendable, Hashable {
            /// The dimension's name, such as `feed`.
            public var name: String
            /// Its value, such as `households.housing`.
            public var value: String
        }

        /// Creates a key.
        ///
        /// - Parameters:
        ///   - label: The label.
        ///   - dimensions: The dimensions, in any order.
        public init(label: String, dimensions: [(String, String)] = []) {
            self.label = label
            self.dimensions = dimensions.map { Dimension(name: $0.0, value: $0.1) }.sorted { $0.name < $1.name }
        }

        /// The value of a dimension, if the key has it.
        ///
        /// - Parameter name: The dimension's name.
        /// - Returns: Its value.
        public func dimension(_ name: String) -> String? {
            dimensions.first { $0.name == name }?.value
        }

        /// `label{name=value,…}`.
        public var description: String {
            dimensions.isEmpty
                ? label : label + "{" + dimensions.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "}"
        }
    }

    private let values = Mutex<[Key: Int64]>([:])

    /// Creates an empty registry.
    public init() {}

    /// Adds to a counter.
    ///
    /// - Parameters:
    ///   - label: The counter's label.
    ///   - dimensions: Its dimensions.
    ///   - amount: How much to add (negative amounts are ignored, as swift-metrics counters do).
    public func increment(_ label: String, dimensions: [(String, String)] = [], by amount: Int64 = 1) {
        increment(Key(label: label, dimensions: dimensions), by: amount)
    }

    /// Adds to a counter.
    ///
    /// - Parameters:
    ///   - key: The counter.
    ///   - amount: How much to add (negative amounts are ignored).
    public func increment(_ key: Key, by amount: Int64 = 1) {
        guard amount > 0 else { return }
        values.withLock { values in
            let (sum, overflow) = values[key, default: 0].addingReportingOverflow(amount)
            values[key] = overflow ? .max : sum
        }
    }

    /// Sets a counter back to zero.
    ///
    /// - Parameter key: The counter.
    public func reset(_ key: Key) {
        values.withLock { $0[key] = 0 }
    }

    /// A counter's value.
    ///
    /// - Parameters:
    ///   - label: The counter's label.
    ///   - dimensions: Exactly its dimensions.
    /// - Returns: The value, 0 if never counted.
    public func value(_ label: String, dimensions: [(String, String)] = []) -> Int64 {
        let key = Key(label: label, dimensions: dimensions)
        return values.withLock { $0[key] ?? 0 }
    }

    /// The sum of every counter with a label whose dimension `name` is `value`, whatever its other dimensions
    /// (the refusals of a feed, all reasons together).
    ///
    /// - Parameters:
    ///   - label: The label.
    ///   - name: The dimension's name.
    ///   - value: The dimension's value.
    /// - Returns: The sum.
    public func total(_ label: String, where name: String, is value: String) -> Int64 {
        values.withLock { values in
            values.reduce(into: 0) { sum, entry in
                if entry.key.label == label, entry.key.dimension(name) == value { sum += entry.value }
            }
        }
    }

    /// Every counter and its value.
    ///
    /// - Returns: A copy of the registry.
    public func snapshot() -> [Key: Int64] {
        values.withLock { $0 }
    }
}
