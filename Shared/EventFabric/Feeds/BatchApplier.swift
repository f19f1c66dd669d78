import GRDB

/// Applies a batch of a ``FeedSubscriber``'s events in one write transaction with its cursor's advance: each event
/// once (its id recorded in `applied_events`), refused events recorded (`refused_events`), all committed together
/// or not at all.
///
/// Optimistically without a savepoint per event (they cost a third of the apply time); if a handler throws, the
/// whole transaction is rolled back and the batch runs again, each event in a savepoint, so that the handler's
/// failure refuses that event only. A failure of the store itself (disk full, I/O error, …) aborts the batch.
struct BatchApplier: Sendable {
    /// The subscriber's store.
    let store: EventStore
    /// Applies one event inside the transaction.
    let handler: FeedSubscriber.Handler

    /// Applies the items, consecutive from the upstream's cursor, and advances the cursor to the last one.
    ///
    /// - Parameters:
    ///   - items: The items, in sequence order.
    ///   - upstream: Their upstream.
    ///   - incarnation: The publisher's incarnation they were applied under, recorded with the cursor.
    /// - Returns: The batch's tally.
    /// - Throws: `DatabaseError` for a failure of the store itself: nothing is applied.
    func apply(_ items: [Item], from upstream: FeedSubscriber.Upstream, incarnation: String?) throws -> Outcome {
        guard let last = items.last else { return Outcome() }
        func run(isolated: Bool) throws -> Outcome {
            try store.writer.write { db in
                var outcome = Outcome()
                for item in items {
                    try apply(item, upstream: upstream, in: db, isolated: isolated, outcome: &outcome)
                }
                try store.cursors.advance(upstream.name, to: last.sequence, incarnation: incarnation, in: db)
                return outcome
            }
        }
        do {
            return try run(isolated: items.count == 1)
        } catch is HandlerFailure {
            return try run(isolated: true)
        }
    }

    /// Applies or refuses one item inside the batch's transaction.
    ///
    /// - Parameters:
    ///   - item: The item.
    ///   - upstream: Its upstream.
    ///   - db: The open write transaction.
    ///   - isolated: Whether to run the handler in a savepoint, so that its failure refuses this event only;
    ///     otherwise its failure throws ``HandlerFailure`` and the caller runs the batch again, isolated.
    ///   - outcome: The batch's tally.
    /// - Throws: `DatabaseError` for a failure of the store itself, which aborts the batch; ``HandlerFailure``.
    private func apply(
        _ item: Item,
        upstream: FeedSubscriber.Upstream,
        in db: Database,
        isolated: Bool,
        outcome: inout Outcome
    ) throws {
        func refuse(_ code: String, detail: String? = nil) throws {
            let refusal = EventStore.Refusal(
                feed: upstream.name, sequence: item.sequence, id: item.event?.id, type: item.event?.type,
                reason: detail.map { "\(code): \($0)" } ?? code)
            try EventStore.record(refusal, in: db)
            outcome.refusals.append(
                Outcome.Refused(sequence: item.sequence, id: item.event?.id, type: item.event?.type, code: code))
        }
        guard let event = item.event else {
            try refuse(item.refusal ?? "unknown")
            return
        }
        if event.type == ReplayProtocol.fenceType {
            // A position lost at the publisher and fenced by an operator: nothing to apply.
            outcome.fenced.append(item.sequence)
            return
        }
        if let accepted = upstream.acceptedTypes, !accepted.contains(event.type) {
            try refuse("type.unknown")
            return
        }
        var duplicate = false
        do {
            if isolated {
                try db.inSavepoint {
                    guard try EventStore.markApplied(event.id, in: db) else {
                        duplicate = true
                        return .commit
                    }
                    try handler(db, event)
                    return .commit
                }
            } else if try EventStore.markApplied(event.id, in: db) {
                try handler(db, event)
            } else {
                duplicate = true
            }
        } catch let error as DatabaseError where Self.isStoreFailure(error) {
            throw error
        } catch {
            guard isolated else { throw HandlerFailure() }
            try refuse("handler", detail: String(describing: error))
            return
        }
        if duplicate {
            try refuse("duplicate")
        } else {
            outcome.applied += 1
        }
    }

    /// Whether an SQLite error is a failure of the store itself (not of the handler's logic or data).
    ///
    /// - Parameter error: The error.
    /// - Returns: `true` for disk full, I/O errors, corruption, locking, out of memory, read-only, cannot open.
    static func isStoreFailure(_ error: DatabaseError) -> Bool {
        switch error.resultCode {
        case .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_BUSY, .SQLITE_LOCKED,
            .SQLITE_NOMEM, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PROTOCOL, .SQLITE_INTERRUPT, .SQLITE_ABORT:
            true
        default:
            false
        }
    }
}

extension BatchApplier {
    /// One event (or refused entry) queued for the next transaction.
    struct Item {
        /// Its position in the feed.
        var sequence: UInt64
        /// The event, or `nil` if it is refused already.
        var event: CloudEvent?
        /// The refusal code when `event` is `nil`.
        var refusal: String?
        /// Whether it came by replay.
        var replayed: Bool
    }

    /// The tally of one batch's transaction.
    struct Outcome {
        /// A refusal to count and log once committed.
        struct Refused {
            var sequence: UInt64
            var id: String?
            var type: String?
            var code: String
        }

        /// Events applied.
        var applied = 0
        /// Refusals recorded.
        var refusals: [Refused] = []
        /// The fenced positions passed (``ReplayProtocol/fenceType``), in order.
        var fenced: [UInt64] = []
    }
}

/// A handler threw in a batch run without savepoints: the batch runs again with one savepoint per event.
private struct HandlerFailure: Error {}
