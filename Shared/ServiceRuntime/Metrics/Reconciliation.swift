import EventFabric

/// Where every consumer of every feed stands against its publisher, from the agencies' status reports
/// (`jiekun reconcile`, the check an operator runs after any incident).
///
/// For each feed a publisher reports (`journal`) and each agency that consumes it (`cursors`):
/// - **in step**: the cursor is the publisher's head, under its incarnation;
/// - **behind by N**: the cursor is N positions before the head;
/// - **diverged at K**: the consumer applied a position K that the publisher's journal no longer holds as it
///   was — K is beyond the journal's end (it went backwards), the incarnation differs (the store was made anew),
///   or the hash of a head the consumer kept, signed by the publisher, differs from the journal's hash at K now
///   (the journal was rewritten). K is the first position known to differ.
///
/// Hashes are compared at the positions of the signed heads the consumer kept (at most
/// ``StatusReport/heldHeadsReported`` per feed), asked of the publisher through a status request
/// (``StatusReport/ChainQuery``).
public enum Reconciliation {
    /// One consumer's state on one feed.
    public enum State: Sendable, Hashable, CustomStringConvertible {
        /// The cursor is the head.
        case inStep
        /// The cursor is so many positions before the head.
        case behind(UInt64)
        /// The consumer applied position K differently from the publisher's journal now; carries why.
        case diverged(at: UInt64, String)

        public var description: String {
            switch self {
            case .inStep: "in step"
            case .behind(let count): "behind by \(count)"
            case .diverged(let position, let why): "DIVERGED at position \(position) (\(why))"
            }
        }
    }

    /// One line of the reconciliation.
    public struct Line: Sendable, Hashable {
        /// The feed.
        public var feed: String
        /// Its publisher.
        public var publisher: String
        /// The consuming agency.
        public var consumer: String
        /// The publisher's head (last sequence).
        public var head: UInt64
        /// The consumer's cursor.
        public var cursor: UInt64
        /// The state.
        public var state: State
    }

    /// The positions whose hash to ask each publisher: the signed heads its consumers kept, of its incarnation
    /// and within its journal.
    ///
    /// - Parameter statuses: Agency → its status report.
    /// - Returns: Publisher → feed → sequences.
    public static func questions(_ statuses: [String: StatusReport]) -> [String: [String: [UInt64]]] {
        var questions: [String: [String: [UInt64]]] = [:]
        for (publisher, report) in statuses {
            for (feed, head) in report.journal ?? [:] {
                var sequences: Set<UInt64> = []
                for (_, consumer) in statuses {
                    for held in consumer.heldHeads?[feed] ?? []
                    where held.incarnation == report.incarnation && held.sequence <= head {
                        sequences.insert(held.sequence)
                    }
                }
                if !sequences.isEmpty { questions[publisher, default: [:]][feed] = sequences.sorted() }
            }
        }
        return questions
    }

    /// Reconciles.
    ///
    /// - Parameters:
    ///   - statuses: Agency → its status report.
    ///   - answers: Publisher → its status report answering ``questions(_:)`` (its ``StatusReport/chains``).
    /// - Returns: One line per feed and consumer, by feed then consumer.
    public static func lines(statuses: [String: StatusReport], answers: [String: StatusReport] = [:]) -> [Line] {
        var lines: [Line] = []
        for (publisher, report) in statuses {
            for (feed, head) in report.journal ?? [:] {
                for (consumer, consumed) in statuses where consumer != publisher {
                    guard let cursor = consumed.cursors?[feed] else { continue }
                    let state = judge(
                        feed: feed, head: head, publisher: report, cursor: cursor, consumer: consumed,
                        chains: answers[publisher]?.chains?[feed] ?? [:])
                    lines.append(
                        Line(
                            feed: feed, publisher: publisher, consumer: consumer, head: head, cursor: cursor,
                            state: state))
                }
            }
        }
        return lines.sorted { ($0.feed, $0.consumer) < ($1.feed, $1.consumer) }
    }

    /// Judges one consumer of one feed.
    ///
    /// - Parameters:
    ///   - feed: The feed.
    ///   - head: The publisher's head.
    ///   - publisher: The publisher's report.
    ///   - cursor: The consumer's cursor.
    ///   - consumer: The consumer's report.
    ///   - chains: The publisher's hashes at the positions asked (sequence in decimal → hex).
    /// - Returns: The state.
    static func judge(
        feed: String, head: UInt64, publisher: StatusReport, cursor: UInt64, consumer: StatusReport,
        chains: [String: String]
    ) -> State {
        if let incarnation = consumer.cursorIncarnations?[feed], let current = publisher.incarnation,
            incarnation != current, cursor > 0
        {
            return .diverged(at: 1, "applied under incarnation \(incarnation), the publisher is now \(current)")
        }
        let held = (consumer.heldHeads?[feed] ?? []).filter { $0.incarnation == publisher.incarnation }
        let differing = held.filter { kept in chains[String(kept.sequence)].map { $0 != kept.hash } ?? false }
        if let first = differing.map(\.sequence).min() {
            let agreeing = held.filter { $0.sequence < first && chains[String($0.sequence)] == $0.hash }
            let after = agreeing.map(\.sequence).max().map { ", same hash at \($0)" } ?? ""
            return .diverged(at: first, "the hash signed for it differs from the journal's now\(after)")
        }
        if cursor > head {
            return .diverged(at: head + 1, "the publisher's journal ends at \(head)")
        }
        if let why = consumer.diverged?[feed] {
            return .diverged(at: cursor, "the consumer stopped the feed: \(why)")
        }
        return cursor == head ? .inStep : .behind(head - cursor)
    }
}
