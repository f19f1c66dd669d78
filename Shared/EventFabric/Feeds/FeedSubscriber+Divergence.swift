import GRDB
import Logging
import Metrics

/// How a subscriber notices a publisher whose journal is not the one its cursor was applied from (a store restored
/// from an older copy, or made anew): it checks every head it hears against the cursor and, on a mismatch, stops
/// applying that feed alone and says so (docs/ARCHITECTURE.md, "Durable before visible").
extension FeedSubscriber {
    /// Checks a publisher's head (from a heartbeat, a replay reply or an event) against the cursor, adopting the
    /// publisher's incarnation when the cursor has none yet.
    ///
    /// - Parameters:
    ///   - incarnation: The publisher's incarnation; `nil` or empty when unknown (nothing to check).
    ///   - latest: The publisher's latest sequence.
    ///   - judgingLatest: Whether `latest` is the journal's end read after the cursor's events were sent (a replay
    ///     reply): one below the cursor then means the journal went backwards.
    ///   - state: The upstream's state.
    ///   - via: What carried the head, for the log.
    /// - Returns: Whether the feed may go on.
    func acceptsHead(
        incarnation: String?, latest: UInt64, judgingLatest: Bool, state: UpstreamState, via: String
    ) -> Bool {
        guard state.divergence == nil else { return false }
        guard let incarnation, !incarnation.isEmpty else { return true }
        if let known = state.incarnation, known != incarnation {
            diverge(state, reason: "another incarnation", incarnation: incarnation, latest: latest, via: via)
            return false
        }
        if judgingLatest && latest < state.cursor {
            diverge(state, reason: "journal behind the cursor", incarnation: incarnation, latest: latest, via: via)
            return false
        }
        if state.incarnation == nil {
            let cursor = state.cursor
            do {
                try store.writer.write { db in
                    try store.cursors.advance(state.upstream.name, to: cursor, incarnation: incarnation, in: db)
                }
            } catch {
                // Recorded with the next batch's cursor advance instead.
                logger.warning(
                    "cannot record the publisher's incarnation yet",
                    metadata: ["feed.name": "\(state.upstream.name)", "error.description": "\(error)"])
            }
            state.incarnation = incarnation
            updateStatistics(state) { $0.incarnation = incarnation }
        }
        return true
    }

    /// Stops applying a feed whose publisher's journal is not the one the cursor was applied from: drops what is
    /// queued, asks nothing more, records why in the cursor, and says so loudly.
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - reason: `another incarnation` or `journal behind the cursor`.
    ///   - incarnation: The publisher's incarnation heard.
    ///   - latest: The publisher's sequence heard.
    ///   - via: What carried it (`heartbeat`, `replay`, `event`).
    func diverge(_ state: UpstreamState, reason: String, incarnation: String, latest: UInt64, via: String) {
        state.batch = []
        state.batchStarted = nil
        state.replay = .live
        let divergence =
            "\(reason): the publisher is at \(incarnation)/\(latest) (\(via)), "
            + "the cursor at \(state.incarnation ?? "-")/\(state.cursor)"
        state.divergence = divergence
        do {
            try store.writer.write { db in try store.cursors.setDivergence(state.upstream.name, divergence, in: db) }
        } catch {
            logger.error(
                "cannot record that a feed stopped; it stays stopped until this process ends",
                metadata: ["feed.name": "\(state.upstream.name)", "error.description": "\(error)"])
        }
        var fields = metadata(state.upstream, endpoint: state.upstream.endpoint)
        fields["feed.cursor"] = "\(state.cursor)"
        fields["feed.cursor.incarnation"] = "\(state.incarnation ?? "-")"
        fields["publisher.latest"] = "\(latest)"
        fields["publisher.incarnation"] = "\(incarnation)"
        fields["feed.divergence"] = "\(reason)"
        let message =
            "feed stopped: the publisher's journal is not the one this cursor was applied from (\(reason)); "
            + "nothing more of it is applied until it is resynced (OPERATIONS, restore from backup)"
        logger.error("\(message)", metadata: fields)
        // Shown last, once it is recorded and logged.
        state.divergedGauge.record(1)
        updateStatistics(state) { $0.divergence = divergence }
    }
}
