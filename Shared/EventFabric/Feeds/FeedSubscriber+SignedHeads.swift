import Foundation
import GRDB
import Logging
import Metrics

extension FeedSubscriber {
    /// How often an unchanged valid head is written to `signed_heads` again: every 60 s (a head with a new
    /// sequence or incarnation is written at once).
    static let signedHeadRefresh = Duration.seconds(60)

    /// Checks the signed head a heartbeat carries against the publisher's known key, and keeps it when valid.
    ///
    /// Without a configured key nothing is checked (a publisher from before signed heads). With one, an unsigned
    /// heartbeat, a head signed by another key, a bad signature, a head that does not match its heartbeat, a head
    /// older than one held (a replayed old head) and another hash signed for the position of the head held (a
    /// rewritten journal) are alarms: logged at error level naming the feed and the
    /// publisher, counted in the statistics (`jiekun status`), never kept. The feed itself goes on: the events'
    /// own checks (incarnation, sequence) still hold, and the operator decides.
    ///
    /// - Parameters:
    ///   - head: The heartbeat's signed head, if any.
    ///   - latest: The heartbeat's latest sequence.
    ///   - incarnation: The heartbeat's incarnation.
    ///   - state: The upstream's state.
    func checkSignedHead(_ head: SignedHead?, latest: UInt64, incarnation: String?, state: UpstreamState) {
        guard let key = state.upstream.signingKey else { return }
        guard let head else {
            headAlarm(state, code: "unsigned", "a heartbeat without a signed head from a publisher with a signing key")
            return
        }
        guard head.feed == state.upstream.feed, head.sequence == latest,
            incarnation == nil || head.incarnation == incarnation
        else {
            headAlarm(state, code: "mismatch", "a signed head that does not match its heartbeat (feed or position)")
            return
        }
        guard head.key == key else {
            headAlarm(state, code: "unknown-key", "a head signed by a key that is not the publisher's (peers.signing)")
            return
        }
        guard head.hasValidSignature else {
            headAlarm(state, code: "bad-signature", "a signed head whose signature is not valid")
            return
        }
        if !state.heldHeadLoaded {
            state.heldHeadLoaded = true
            state.heldHead = try? latestStoredHead(of: state.upstream.feed)
        }
        if let held = state.heldHead, held.incarnation == head.incarnation, held.sequence == head.sequence,
            held.chain != head.chain
        {
            headAlarm(
                state, code: "rewritten",
                "the publisher signed another hash for position \(head.sequence) than it signed at \(held.time): its "
                    + "journal was rewritten")
            return
        }
        if let held = state.heldHead, head.time >= held.time, head.isOlder(than: held) {
            // Signed later for an earlier position: the journal itself went back (a restore); the feed's own check
            // stops it when its cursor is beyond the head.
            headAlarm(
                state, code: "backwards",
                "the publisher's signed head went back from \(held.sequence) to \(head.sequence): its journal went "
                    + "backwards (restored from a backup?)")
            return
        }
        if let held = state.heldHead, head.isOlder(than: held) {
            headAlarm(
                state, code: "replayed",
                "an old signed head replayed (\(head.sequence) at \(head.time), one of \(held.sequence) at "
                    + "\(held.time) is held)")
            return
        }
        state.heldHead = head
        updateStatistics(state) { $0.signedHeads += 1 }
        let now = ContinuousClock.now
        if let stored = state.storedHead, stored.head.sequence == head.sequence,
            stored.head.incarnation == head.incarnation, now - stored.at < Self.signedHeadRefresh
        {
            return
        }
        do {
            try keep(head)
            state.storedHead = (head, now)
        } catch {
            logger.error(
                "cannot keep a signed head in the store",
                metadata: metadata(state.upstream, endpoint: state.upstream.endpoint).merging(
                    ["error.description": "\(error)"], uniquingKeysWith: { $1 }))
        }
    }

    /// Counts and logs a refused signed head (one log line per problem and minute per upstream).
    ///
    /// - Parameters:
    ///   - state: The upstream's state.
    ///   - code: The problem's code.
    ///   - detail: What was found.
    private func headAlarm(_ state: UpstreamState, code: String, _ detail: String) {
        updateStatistics(state) { statistics in
            statistics.headAlarms += 1
            statistics.headAlarm = code
        }
        Counter(label: "jiekun.heads.refused", dimensions: [("feed", state.upstream.name)], factory: metrics)
            .increment()
        let now = ContinuousClock.now
        if let last = state.lastHeadAlarm, last.code == code, now - last.at < Self.signedHeadRefresh { return }
        state.lastHeadAlarm = (code, now)
        var metadata = metadata(state.upstream, endpoint: state.upstream.endpoint)
        metadata["head.problem"] = "\(code)"
        logger.error("signed head refused: \(detail)", metadata: metadata)
    }

    /// Writes a valid signed head to `signed_heads`.
    ///
    /// - Parameter head: The head.
    /// - Throws: `DatabaseError`.
    private func keep(_ head: SignedHead) throws {
        try store.writer.write { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO signed_heads
                        (feed, publisher, incarnation, sequence, chain, time, suite, key, signature, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    head.feed, head.publisher, head.incarnation, Int64(head.sequence), Data(head.chain), head.time,
                    head.key.suite.rawValue, Data(head.key.bytes).base64EncodedString(), Data(head.signature),
                    CloudEvent.timestamp(),
                ])
        }
    }

    /// The newest signed head kept for a feed.
    ///
    /// - Parameter feed: The feed's name at its publisher.
    /// - Returns: The head, if any.
    /// - Throws: `DatabaseError`.
    private func latestStoredHead(of feed: String) throws -> SignedHead? {
        try store.writer.read { db in
            try JournalVerifier.storedHeads(in: db, feed: feed, newest: 1).first
        }
    }
}
