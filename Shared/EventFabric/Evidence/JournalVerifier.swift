import Foundation
import GRDB

/// Checks a store's journal offline (`jiekun verify STORE`): every feed's hash chain, the signed heads the store
/// holds, and signed heads of its feeds that a peer holds.
///
/// What is found, each named by feed and sequence:
/// - an entry whose stored hash does not follow from its bytes and the previous entry's hash (`edited`: its bytes
///   were changed, or the previous entry's hash was recomputed after its own bytes were changed);
/// - a missing sequence (`deleted`), an entry whose event names another sequence or incarnation (`moved`:
///   reordered or inserted);
/// - a signed head whose signature is not valid, or whose hash differs from the journal's at its sequence
///   (`diverged`: the journal was rewritten after the head was signed), or that lies beyond the journal's end
///   (`truncated`).
///
/// The store is opened read-only; a running service's store can be verified (WAL).
public struct JournalVerifier {
    /// One problem found.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        /// The feed.
        public var feed: String
        /// The journal position, when the problem has one.
        public var sequence: UInt64?
        /// A short code: `edited`, `deleted`, `moved`, `unchained`, `signature`, `diverged`, `truncated`.
        public var code: String
        /// What was found, for the operator.
        public var detail: String

        public var description: String {
            let position = sequence.map { " #\($0)" } ?? ""
            return "\(feed)\(position): \(code): \(detail)"
        }
    }

    /// The outcome.
    public struct Report: Sendable, Hashable {
        /// The store's suite.
        public var suite: EvidenceSuite
        /// The store's incarnation.
        public var incarnation: String
        /// The feeds checked, by name.
        public var feeds: [FeedSummary] = []
        /// Signed heads checked against the journal (own feeds) or for their signature only (upstream feeds).
        public var headsChecked = 0
        /// The problems found; empty when the journal is intact.
        public var findings: [Finding] = []

        /// Whether nothing was found.
        public var isIntact: Bool { findings.isEmpty }
    }

    /// One feed's summary.
    public struct FeedSummary: Sendable, Hashable {
        /// The feed.
        public var feed: String
        /// Its entries checked.
        public var entries: Int
        /// Its last sequence.
        public var last: UInt64
    }

    /// Opens a store file read-only.
    ///
    /// - Parameter path: The SQLite file.
    /// - Returns: The queue.
    /// - Throws: `DatabaseError`.
    static func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(EventStore.busyTimeout)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Verifies a store.
    ///
    /// - Parameters:
    ///   - path: The store's SQLite file.
    ///   - feed: Only this feed of the journal (the stored heads are still checked); all by default.
    ///   - peerHeads: Signed heads a peer holds (``SignedHead``): those of this store's feeds and incarnation are
    ///     checked against its journal, the others ignored.
    ///   - trustedKey: The publisher's known signing key, when given: a head signed by another key is a finding.
    /// - Returns: The report.
    /// - Throws: `DatabaseError`; ``EvidenceStoreError`` when the store has no chain (made before it).
    public static func verify(
        path: String, feed: String? = nil, peerHeads: [SignedHead] = [], trustedKey: PublicSigningKey? = nil
    ) throws -> Report {
        let queue = try open(path)
        return try queue.read { db in
            guard try db.columns(in: "journal").contains(where: { $0.name == "chain" }) else {
                throw EvidenceStoreError.notChained(path)
            }
            let identity = try Row.fetchOne(db, sql: "SELECT incarnation, evidence_suite FROM store_identity")
            let incarnation: String = identity?[0] ?? ""
            let suiteName: String = identity?[1] ?? ""
            guard let suite = EvidenceSuite(rawValue: suiteName) else {
                throw EvidenceStoreError.unknownSuite(suiteName)
            }
            var report = Report(suite: suite, incarnation: incarnation)
            let feeds =
                try feed.map { [$0] } ?? String.fetchAll(db, sql: "SELECT DISTINCT feed FROM journal ORDER BY feed")
            var chains: [String: [UInt64: [UInt8]]] = [:]
            for name in feeds {
                let (summary, findings, chain) = try verifyFeed(
                    name, incarnation: incarnation, suite: suite, in: db)
                report.feeds.append(summary)
                report.findings += findings
                chains[name] = chain
            }
            // Heads this store received from its upstreams: their signatures.
            for head in try storedHeads(in: db) {
                report.headsChecked += 1
                if !head.hasValidSignature {
                    report.findings.append(
                        Finding(
                            feed: head.feed, sequence: head.sequence, code: "signature",
                            detail: "a signed head of \(head.publisher) kept in this store has an invalid signature"))
                }
            }
            // Heads of this store's own feeds, as a peer holds them: signature and consistency with the chain.
            for head in peerHeads where head.incarnation == incarnation && (feed == nil || head.feed == feed) {
                report.headsChecked += 1
                report.findings += check(
                    head, against: chains[head.feed] ?? [:],
                    start: JournalChain.start(
                        feed: head.feed, incarnation: incarnation, suite: suite), trustedKey: trustedKey)
            }
            return report
        }
    }

    /// Checks a head of this journal's feed.
    ///
    /// - Parameters:
    ///   - head: The head.
    ///   - chain: The feed's stored hashes by sequence.
    ///   - start: The feed's start hash (a head of an empty feed).
    ///   - trustedKey: The publisher's known key, if given.
    /// - Returns: The findings.
    static func check(
        _ head: SignedHead, against chain: [UInt64: [UInt8]], start: [UInt8], trustedKey: PublicSigningKey?
    ) -> [Finding] {
        var findings: [Finding] = []
        if !head.hasValidSignature {
            findings.append(
                Finding(
                    feed: head.feed, sequence: head.sequence, code: "signature",
                    detail: "the signed head of \(head.time) has an invalid signature"))
        } else if let trustedKey, trustedKey != head.key {
            findings.append(
                Finding(
                    feed: head.feed, sequence: head.sequence, code: "signature",
                    detail: "the signed head of \(head.time) is signed by another key than the publisher's"))
        }
        let stored = head.sequence == 0 ? start : chain[head.sequence]
        if let stored {
            if stored != head.chain {
                findings.append(
                    Finding(
                        feed: head.feed, sequence: head.sequence, code: "diverged",
                        detail: "the journal's hash differs from the one signed at \(head.time): the journal was "
                            + "rewritten at or before this position after it was signed"))
            }
        } else {
            let last = chain.keys.max() ?? 0
            findings.append(
                Finding(
                    feed: head.feed, sequence: head.sequence, code: "truncated",
                    detail: "the journal ends at \(last), before this position signed at \(head.time)"))
        }
        return findings
    }

    /// Walks one feed's chain.
    ///
    /// - Parameters:
    ///   - feed: The feed.
    ///   - incarnation: The store's incarnation.
    ///   - suite: The store's suite.
    ///   - db: A reading connection.
    /// - Returns: The summary, the findings, and the stored hash of every entry by sequence.
    /// - Throws: `DatabaseError`.
    static func verifyFeed(_ feed: String, incarnation: String, suite: EvidenceSuite, in db: Database) throws -> (
        FeedSummary, [Finding], [UInt64: [UInt8]]
    ) {
        var findings: [Finding] = []
        var chain: [UInt64: [UInt8]] = [:]
        var previous = JournalChain.start(feed: feed, incarnation: incarnation, suite: suite)
        var expected: UInt64 = 1
        var count = 0
        var last: UInt64 = 0
        var previousBroken = false
        let rows = try Row.fetchCursor(
            db, sql: "SELECT sequence, payload, chain FROM journal WHERE feed = ? ORDER BY sequence", arguments: [feed])
        while let row = try rows.next() {
            let sequence = UInt64(row[0] as Int64)
            let payload = try row.withUnsafeData(atIndex: 1) { data in data.map { [UInt8]($0) } ?? [] }
            let stored = (row[2] as Data?).map(Array.init)
            count += 1
            last = sequence
            if sequence > expected {
                let missing = expected == sequence - 1 ? "\(expected)" : "\(expected)–\(sequence - 1)"
                findings.append(
                    Finding(
                        feed: feed, sequence: expected, code: "deleted",
                        detail: "entries \(missing) are missing from the journal"))
                previousBroken = true
            }
            expected = sequence + 1
            if let event = try? CloudEvent(json: payload),
                event.sequence != sequence || (event.incarnation != nil && event.incarnation != incarnation)
            {
                findings.append(
                    Finding(
                        feed: feed, sequence: sequence, code: "moved",
                        detail: "the stored event names sequence \(event.sequence.map(String.init) ?? "none") of "
                            + "incarnation \(event.incarnation ?? "none"): reordered or inserted"))
            }
            guard let stored, stored.count == EvidenceSuite.hashLength else {
                findings.append(
                    Finding(feed: feed, sequence: sequence, code: "unchained", detail: "the entry has no chain hash"))
                previousBroken = true
                continue
            }
            chain[sequence] = stored
            let recomputed = JournalChain.link(
                after: previous, sequence: sequence, incarnation: incarnation, payload: payload, suite: suite)
            if recomputed != stored && !previousBroken {
                // A changed entry breaks here; an entry whose hash was recomputed after a change breaks the next.
                findings.append(
                    Finding(
                        feed: feed, sequence: sequence, code: "edited",
                        detail: "the entry's hash does not follow from its bytes and the previous entry's hash: "
                            + "this entry, or the hash of the one before it, was changed after it was journaled"))
            }
            previousBroken = false
            previous = stored
        }
        return (FeedSummary(feed: feed, entries: count, last: last), findings, chain)
    }

    /// The signed heads a store keeps (`signed_heads`), oldest first.
    ///
    /// - Parameters:
    ///   - db: A reading connection.
    ///   - feed: Only this feed's; all by default.
    ///   - newest: Only the newest so many, newest first.
    /// - Returns: The heads; empty for a store without the table.
    /// - Throws: `DatabaseError`.
    static func storedHeads(in db: Database, feed: String? = nil, newest: Int? = nil) throws -> [SignedHead] {
        guard try db.tableExists("signed_heads") else { return [] }
        let filter = feed == nil ? "" : "WHERE feed = ?"
        let order = newest.map { "ORDER BY time DESC, sequence DESC LIMIT \($0)" } ?? "ORDER BY time, feed, sequence"
        return try Row.fetchAll(
            db,
            sql: """
                SELECT feed, publisher, incarnation, sequence, chain, time, suite, key, signature
                FROM signed_heads \(filter) \(order)
                """, arguments: feed.map { StatementArguments([$0]) } ?? StatementArguments()
        ).compactMap { row in
            guard let suite = EvidenceSuite(rawValue: row[6]), let key = Data(base64Encoded: row[7] as String) else {
                return nil
            }
            return SignedHead(
                feed: row[0], publisher: row[1], incarnation: row[2], sequence: UInt64(row[3] as Int64),
                chain: Array(row[4] as Data), time: row[5], key: PublicSigningKey(suite: suite, bytes: Array(key)),
                signature: Array(row[8] as Data))
        }
    }

    /// Reads the signed heads a store keeps, from its file (`jiekun feed heads`, `jiekun verify --heads STORE`).
    ///
    /// - Parameter path: The store's SQLite file.
    /// - Returns: The heads, oldest first.
    /// - Throws: `DatabaseError`.
    public static func storedHeads(path: String) throws -> [SignedHead] {
        try open(path).read { db in try storedHeads(in: db) }
    }
}

extension SignedHead {
    /// The current head of every feed of a store's journal, signed now (`jiekun feed heads --config FILE --own`).
    ///
    /// - Parameters:
    ///   - path: The store's SQLite file (read-only).
    ///   - publisher: The agency's name.
    ///   - key: Its signing key.
    /// - Returns: One head per feed, by feed name.
    /// - Throws: `DatabaseError`, ``EvidenceStoreError``, ``EvidenceCryptoError``.
    public static func current(store path: String, publisher: String, key: SigningKey) throws -> [SignedHead] {
        let queue = try JournalVerifier.open(path)
        let rows = try queue.read { db -> (String, [Row]) in
            guard try db.columns(in: "journal").contains(where: { $0.name == "chain" }) else {
                throw EvidenceStoreError.notChained(path)
            }
            let incarnation = try String.fetchOne(db, sql: "SELECT incarnation FROM store_identity") ?? ""
            let heads = try Row.fetchAll(
                db,
                sql: """
                    SELECT feed, sequence, chain FROM journal AS j
                    WHERE sequence = (SELECT MAX(sequence) FROM journal WHERE feed = j.feed) ORDER BY feed
                    """)
            return (incarnation, heads)
        }
        return try rows.1.map { row in
            try SignedHead.sign(
                feed: row[0], publisher: publisher, incarnation: rows.0, sequence: UInt64(row[1] as Int64),
                chain: (row[2] as Data?).map(Array.init) ?? [], key: key)
        }
    }
}
