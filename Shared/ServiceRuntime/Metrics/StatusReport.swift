import EventFabric
import Foundation
import StreamingJSON

/// What one agency instance has done since it started, answered to a `status` request as JSON: the demo and the
/// operators wait on it ("every event applied everywhere") instead of sleeping.
///
/// ```json
/// {"agency":"housing","started":"2025-03-01T08:00:00Z",
///  "feeds":{"households.housing":{"applied":120,"published":0,"refused":1,"replayed":40},
///           "outcomes.housing":{"applied":0,"published":118,"refused":0,"replayed":0}},
///  "requests":{"requests":{"executed":3,"failed":0,"outOfArea":0,"refused":0,"replayed":0,"selfApprovals":0,
///                           "unauthorised":0}},
///  "journal":{"outcomes.housing":118},"cursors":{"households.housing":121},
///  "journaled":118,"journaledBytes":94400,"rowsWritten":1210,"transactions":130,"jsonEncodes":240,"jsonDecodes":410,
///  "envelopeEncodes":118,"envelopeDecodes":121}
/// ```
///
/// Counts since the start come from ``Counters``; `journal` (the latest sequence of each published feed) and
/// `cursors` (the last sequence applied of each consumed feed) come from the store and survive restarts: a
/// consumer has caught up with a feed when its cursor equals the publisher's journal sequence. `journaled` and
/// `journaledBytes` count the entries appended to the journal since the start and their JSON bytes, `rowsWritten`
/// the rows the store's writer inserted, updated and deleted, `transactions` the transactions it committed,
/// `jsonEncodes` and `jsonDecodes` the documents the process's streaming JSON coders wrote and read
/// (``JSONCodingCounts``), `envelopeEncodes` and `envelopeDecodes` the CloudEvents envelopes it wrote and read
/// (``EnvelopeCodingCounts``); each absent in a report of an older service. A feed's `duplicates` are the events
/// among its `refused` that were applied before (their id already recorded). `diverged` lists
/// the consumed feeds the subscriber stopped applying because their publisher's journal went backwards or was
/// replaced (``Cursors/Position/divergence``); `jiekun status` shows them and fails.
public struct StatusReport: Codable, Sendable, Hashable {
    /// The request operation answered with a report.
    public static let operation = "status"

    /// The counts of one feed, as publisher or as subscriber.
    public struct FeedCounts: Codable, Sendable, Hashable {
        /// Events sent live (publisher).
        public var published: Int64
        /// Events applied (subscriber).
        public var applied: Int64
        /// Events and messages refused, every reason (subscriber).
        public var refused: Int64
        /// Events received by replay (subscriber).
        public var replayed: Int64
        /// Signed heads refused (subscriber): an alarm (docs/SECURITY.md); `nil` when none or from an older
        /// service.
        public var headsRefused: Int64?
        /// Of the events refused, those already applied (an id applied before: a re-delivery skipped); `nil` when
        /// none or from an older service.
        public var duplicates: Int64?

        /// Creates counts.
        ///
        /// - Parameters:
        ///   - published: Events sent live.
        ///   - applied: Events applied.
        ///   - refused: Events refused.
        ///   - replayed: Events received by replay.
        public init(published: Int64 = 0, applied: Int64 = 0, refused: Int64 = 0, replayed: Int64 = 0) {
            self.published = published
            self.applied = applied
            self.refused = refused
            self.replayed = replayed
        }
    }

    /// The counts of one request server.
    public struct RequestCounts: Codable, Sendable, Hashable {
        /// Requests executed.
        public var executed: Int64
        /// Retries answered from the store.
        public var replayed: Int64
        /// Requests refused (malformed, number reused).
        public var refused: Int64
        /// Requests whose operation failed.
        public var failed: Int64
        /// Business operations refused to a key that is no enabled staff member's or lacks the role (among
        /// ``executed``: the refusal is the operation's answer).
        public var unauthorised: Int64
        /// Households refused to staff as outside their area.
        public var outOfArea: Int64
        /// Decisions refused to an approver on their own proposal (maker-checker, policy C.6).
        public var selfApprovals: Int64

        /// Creates counts.
        ///
        /// - Parameters:
        ///   - executed: Requests executed.
        ///   - replayed: Retries answered from the store.
        ///   - refused: Requests refused.
        ///   - failed: Requests failed.
        ///   - unauthorised: Business operations refused to the asker's key.
        ///   - outOfArea: Households refused as outside the asker's area.
        ///   - selfApprovals: Decisions refused to an approver on their own proposal.
        public init(
            executed: Int64 = 0, replayed: Int64 = 0, refused: Int64 = 0, failed: Int64 = 0, unauthorised: Int64 = 0,
            outOfArea: Int64 = 0, selfApprovals: Int64 = 0
        ) {
            self.executed = executed
            self.replayed = replayed
            self.refused = refused
            self.failed = failed
            self.unauthorised = unauthorised
            self.outOfArea = outOfArea
            self.selfApprovals = selfApprovals
        }

        /// Reads counts; a report without the staff counts (an older service) has them at 0.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            executed = try container.decode(Int64.self, forKey: .executed)
            replayed = try container.decode(Int64.self, forKey: .replayed)
            refused = try container.decode(Int64.self, forKey: .refused)
            failed = try container.decode(Int64.self, forKey: .failed)
            unauthorised = try container.decodeIfPresent(Int64.self, forKey: .unauthorised) ?? 0
            outOfArea = try container.decodeIfPresent(Int64.self, forKey: .outOfArea) ?? 0
            selfApprovals = try container.decodeIfPresent(Int64.self, forKey: .selfApprovals) ?? 0
        }
    }

    /// The agency (`housing`).
    public var agency: String
    /// When the instance started.
    public var started: Date
    /// Feed name → its counts since the start.
    public var feeds: [String: FeedCounts]
    /// Request server name → its counts since the start.
    public var requests: [String: RequestCounts]
    /// Published feed → the latest sequence in the journal, if the store was given.
    public var journal: [String: UInt64]?
    /// Consumed feed → the last sequence applied (the cursor), if the store was given.
    public var cursors: [String: UInt64]?
    /// The store's incarnation (``EventStore/incarnation``): with a `journal` sequence, a feed's head.
    public var incarnation: String?
    /// Consumed feed → why it stopped (its publisher's head against the cursor), for the feeds that diverged;
    /// `nil` or empty when none did.
    public var diverged: [String: String]?

    /// Entries appended to the journal since the start, every feed; `nil` from an older service.
    public var journaled: Int64?
    /// Bytes of those entries (each event's JSON as stored); `nil` from an older service.
    public var journaledBytes: Int64?
    /// Rows the store's writer inserted, updated and deleted since the start; `nil` from an older service.
    public var rowsWritten: Int64?
    /// Transactions the store's writer committed since the start (``Counters/Label/transactionsCommitted``); `nil`
    /// from an older service.
    public var transactions: Int64?
    /// Documents the process's streaming JSON encoder wrote since the start (payloads, stored JSON;
    /// ``JSONCodingCounts``), set by ``handler(agency:started:counters:store:publishedFeeds:consumedFeeds:next:)``;
    /// `nil` otherwise and from an older service.
    public var jsonEncodes: Int64?
    /// Documents its streaming JSON decoder read since the start, as ``jsonEncodes``.
    public var jsonDecodes: Int64?
    /// CloudEvents envelopes the process wrote since the start (``EnvelopeCodingCounts``), set by
    /// ``handler(agency:started:counters:store:publishedFeeds:consumedFeeds:next:)``; `nil` otherwise and from an
    /// older service.
    public var envelopeEncodes: Int64?
    /// CloudEvents envelopes it read since the start, as ``envelopeEncodes``.
    public var envelopeDecodes: Int64?

    /// Published feed → the chain hash (hexadecimal) of its latest entry (``JournalChain``); `nil` from an older
    /// service.
    public var journalChains: [String: String]?
    /// Consumed feed → the publisher's incarnation its cursor was applied under, once heard.
    public var cursorIncarnations: [String: String]?
    /// Consumed feed → the newest signed heads the subscriber kept (at most ``heldHeadsReported``), newest first.
    public var heldHeads: [String: [HeldHead]]?
    /// The chain hashes a request asked for (body `{"chains": {FEED: [SEQUENCE, …]}}`, `jiekun reconcile`):
    /// published feed → sequence (decimal) → hash (hexadecimal); positions beyond the journal are left out.
    public var chains: [String: [String: String]]?

    /// The refusal reason of an event already applied (the subscriber's `duplicate`).
    public static let duplicateReason = "duplicate"

    /// The most signed heads per consumed feed a report lists.
    public static let heldHeadsReported = 32

    /// A signed head a subscriber kept, as a report lists it.
    public struct HeldHead: Codable, Sendable, Hashable {
        /// The publisher's incarnation.
        public var incarnation: String
        /// The position.
        public var sequence: UInt64
        /// The chain hash signed for it, hexadecimal.
        public var hash: String
        /// When it was signed.
        public var time: String
    }

    /// The body of a status request asking for chain hashes.
    public struct ChainQuery: Codable, Sendable, Hashable {
        /// Published feed → the sequences wanted.
        public var chains: [String: [UInt64]]

        /// Creates a query.
        ///
        /// - Parameter chains: Feed → sequences.
        public init(chains: [String: [UInt64]]) {
            self.chains = chains
        }
    }

    /// Whether a consumed feed stopped: the instance is not ready (`jiekun status` fails).
    public var isDiverged: Bool { !(diverged ?? [:]).isEmpty }

    /// Creates a report from the counters.
    ///
    /// - Parameters:
    ///   - agency: The agency.
    ///   - started: When the instance started.
    ///   - counters: The process's counters.
    ///   - journal: Published feed → latest journal sequence, if known.
    ///   - cursors: Consumed feed → cursor, if known.
    ///   - diverged: Consumed feed → why it stopped, for the feeds that diverged.
    public init(
        agency: String,
        started: Date,
        counters: Counters,
        journal: [String: UInt64]? = nil,
        cursors: [String: UInt64]? = nil,
        diverged: [String: String]? = nil
    ) {
        self.agency = agency
        self.started = started
        self.journal = journal
        self.cursors = cursors
        self.diverged = diverged
        journaled = counters.value(Counters.Label.journalAppended)
        journaledBytes = counters.value(Counters.Label.journalBytes)
        rowsWritten = counters.value(Counters.Label.rowsWritten)
        transactions = counters.value(Counters.Label.transactionsCommitted)
        var feeds: [String: FeedCounts] = [:]
        var requests: [String: RequestCounts] = [:]
        for (key, value) in counters.snapshot() {
            if let feed = key.dimension("feed") {
                switch key.label {
                case Counters.Label.eventsPublished: feeds[feed, default: FeedCounts()].published += value
                case Counters.Label.eventsApplied: feeds[feed, default: FeedCounts()].applied += value
                case Counters.Label.eventsRefused:
                    feeds[feed, default: FeedCounts()].refused += value
                    if key.dimension("reason") == Self.duplicateReason {
                        feeds[feed, default: FeedCounts()].duplicates = (feeds[feed]?.duplicates ?? 0) + value
                    }
                case Counters.Label.eventsReplayed: feeds[feed, default: FeedCounts()].replayed += value
                case Counters.Label.headsRefused:
                    feeds[feed, default: FeedCounts()].headsRefused =
                        (feeds[feed]?.headsRefused ?? 0) + value
                default: break
                }
            } else if let server = key.dimension("server") {
                switch key.label {
                case Counters.Label.requestsExecuted: requests[server, default: RequestCounts()].executed += value
                case Counters.Label.requestsReplayed: requests[server, default: RequestCounts()].replayed += value
                case Counters.Label.requestsRefused: requests[server, default: RequestCounts()].refused += value
                case Counters.Label.requestsFailed: requests[server, default: RequestCounts()].failed += value
                case Counters.Label.requestsUnauthorised:
                    requests[server, default: RequestCounts()].unauthorised += value
                case Counters.Label.requestsOutOfArea: requests[server, default: RequestCounts()].outOfArea += value
                case Counters.Label.requestsSelfApproval:
                    requests[server, default: RequestCounts()].selfApprovals += value
                default: break
                }
            }
        }
        // A feed known only from the store is listed too, with zero counts since the start.
        for feed in Array((journal ?? [:]).keys) + Array((cursors ?? [:]).keys) where feeds[feed] == nil {
            feeds[feed] = FeedCounts()
        }
        self.feeds = feeds
        self.requests = requests
    }

    /// The report as JSON (``WireJSON``: sorted keys, dates in ISO 8601).
    ///
    /// - Returns: The JSON bytes.
    /// - Throws: `EncodingError` (not expected).
    public func json() throws -> [UInt8] {
        try WireJSON.encode(self)
    }

    /// Reads a report from its JSON.
    ///
    /// - Parameter json: The bytes of ``json()``.
    /// - Returns: The report.
    /// - Throws: `DecodingError` for anything else.
    public static func decode(_ json: some Collection<UInt8>) throws -> StatusReport {
        try WireJSON.decode(StatusReport.self, from: json)
    }

    /// A request handler answering ``operation`` with a report that also reads the store's journal and cursors,
    /// and every other operation with `next` (or a refusal).
    ///
    /// - Parameters:
    ///   - agency: The agency.
    ///   - started: When the instance started.
    ///   - counters: The process's counters.
    ///   - store: The service's store, for the journal's latest sequences and the cursors.
    ///   - publishedFeeds: The feeds whose latest journal sequence to report.
    ///   - consumedFeeds: The feeds it consumes (the subscriber's upstream names): each has a cursor in the
    ///     report, 0 before anything of it was applied — so that "every cursor equals its journal" cannot hold
    ///     for a consumer that has not started yet — and, when given, only these have one.
    ///   - next: The service's own operations, if any.
    /// - Returns: The handler to give the ``RequestServer``.
    public static func handler(
        agency: String,
        started: Date,
        counters: Counters,
        store: EventStore,
        publishedFeeds: [String],
        consumedFeeds: [String] = [],
        next: RequestServer.Handler? = nil
    ) -> RequestServer.Handler {
        { request, db in
            guard request.operation == operation else {
                if let next { return try next(request, db) }
                let reason = #"{"reason":"unknown operation"}"#
                return .refused(Array(reason.utf8))
            }
            var journal: [String: UInt64] = [:]
            for feed in publishedFeeds { journal[feed] = try store.journal.latestSequence(of: feed, in: db) }
            var positions = try store.cursors.positions(in: db)
            if !consumedFeeds.isEmpty {
                // Only the feeds it consumes now: a store kept from an earlier feed table still holds cursors of
                // feeds it no longer reads, which would never catch up.
                positions = positions.filter { consumedFeeds.contains($0.key) }
            }
            var cursors = positions.mapValues(\.sequence)
            for feed in consumedFeeds where cursors[feed] == nil { cursors[feed] = 0 }
            let diverged = positions.compactMapValues(\.divergence)
            var report = StatusReport(
                agency: agency, started: started, counters: counters, journal: journal, cursors: cursors,
                diverged: diverged.isEmpty ? nil : diverged
            )
            report.incarnation = store.incarnation
            let asked = request.body.isEmpty ? nil : try? WireJSON.decode(ChainQuery.self, from: request.body)
            report.add(
                try store.evidence(
                    publishedHeads: journal, consumedFeeds: Array(cursors.keys), heldLimit: heldHeadsReported,
                    asked: asked?.chains ?? [:], in: db))
            report.cursorIncarnations = positions.compactMapValues(\.incarnation)
            report.jsonEncodes = Int64(JSONCodingCounts.encodes)
            report.jsonDecodes = Int64(JSONCodingCounts.decodes)
            report.envelopeEncodes = Int64(EnvelopeCodingCounts.encodes)
            report.envelopeDecodes = Int64(EnvelopeCodingCounts.decodes)
            return .ok(try report.json())
        }
    }
}

extension StatusReport {
    /// Adds the chain hashes of the published feeds' heads, the signed heads kept for the consumed feeds, and the
    /// hashes a request body asks for (``ChainQuery``).
    ///
    /// - Parameters:
    ///   - evidence: What the store holds (``EventStore/evidence(publishedHeads:consumedFeeds:heldLimit:asked:in:)``).
    mutating func add(_ evidence: EventStore.Evidence) {
        journalChains = evidence.journalChains.mapValues(JournalChain.hex)
        let held = evidence.heldHeads.mapValues { heads in
            heads.map {
                HeldHead(
                    incarnation: $0.incarnation, sequence: $0.sequence, hash: JournalChain.hex($0.chain), time: $0.time)
            }
        }
        heldHeads = held.filter { !$0.value.isEmpty }
        if !evidence.asked.isEmpty {
            chains = evidence.asked.mapValues { positions in
                Dictionary(uniqueKeysWithValues: positions.map { (String($0.key), JournalChain.hex($0.value)) })
            }
        }
    }
}
