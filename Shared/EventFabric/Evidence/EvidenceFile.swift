import Foundation
import GRDB

/// One household's events from an agency's journal, with what an auditor needs to check offline that the agency
/// published exactly these (`jiekun evidence`, `jiekun verify EVIDENCE`).
///
/// Per feed that carries an event of the household: the chain hash before its first such event (`from`), then
/// every entry from there to the feed's head — the household's events whole (their stored bytes, as sent), every
/// other entry only by its digest `dₙ` (``JournalChain``: the other households' data stays out) — and the head
/// signed by the agency's signing key. Recomputing the chain from `from` through the entries must give the signed
/// head's hash; the hash being collision-resistant, no other events could.
///
/// The file holds personal data as the journal does (the events whole): it is written with mode 0600 and is for
/// auditors only.
///
/// JSON: `{"format": "jiekun.evidence.1", "suite", "publisher", "incarnation", "household", "made", "feeds":
/// [{"feed", "from" (hex), "first" (sequence), "entries": [{"event": JSON text} or {"digest": hex}], "head":
/// SignedHead}]}`.
public struct EvidenceFile: Sendable, Hashable, Codable {
    /// The format's name and version.
    public static let formatName = "jiekun.evidence.1"

    /// One feed's proof.
    public struct FeedProof: Sendable, Hashable, Codable {
        /// The feed.
        public var feed: String
        /// The chain hash before ``first``, hexadecimal.
        public var from: String
        /// The sequence of the first entry listed.
        public var first: UInt64
        /// The entries from ``first`` to the head, consecutive.
        public var entries: [Entry]
        /// The feed's head, signed.
        public var head: SignedHead
    }

    /// One entry of a proof: the household's event whole, or another entry's digest.
    public struct Entry: Sendable, Hashable, Codable {
        /// The stored event (JSON text), for the household's events.
        public var event: String?
        /// `dₙ` in hexadecimal, for the others.
        public var digest: String?
    }

    /// ``formatName``.
    public var format: String
    /// The suite of the journal's chain.
    public var suite: String
    /// The agency whose journal it is.
    public var publisher: String
    /// Its store's incarnation.
    public var incarnation: String
    /// The household's file number (档案编号), the events' `subject`.
    public var household: String
    /// When the file was made.
    public var made: String
    /// The proofs, per feed.
    public var feeds: [FeedProof]

    /// Makes the evidence of a household from a store, signing each feed's current head.
    ///
    /// - Parameters:
    ///   - household: The file number.
    ///   - path: The agency's store file (read-only; the service may run).
    ///   - publisher: The agency's name.
    ///   - key: The agency's signing key.
    /// - Returns: The evidence; its `feeds` is empty when the journal has no event of the household.
    /// - Throws: `DatabaseError`, ``EvidenceStoreError``, ``EvidenceCryptoError``.
    public static func make(household: String, store path: String, publisher: String, key: SigningKey) throws
        -> EvidenceFile
    {
        let queue = try JournalVerifier.open(path)
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
            var proofs: [FeedProof] = []
            let firsts = try Row.fetchAll(
                db, sql: "SELECT feed, MIN(sequence) FROM journal WHERE subject = ? GROUP BY feed ORDER BY feed",
                arguments: [household])
            for row in firsts {
                let feed: String = row[0]
                let first = UInt64(row[1] as Int64)
                let from: [UInt8]
                if first == 1 {
                    from = JournalChain.start(feed: feed, incarnation: incarnation, suite: suite)
                } else {
                    guard
                        let stored = try Data.fetchOne(
                            db, sql: "SELECT chain FROM journal WHERE feed = ? AND sequence = ?",
                            arguments: [feed, Int64(first - 1)])
                    else { throw EvidenceStoreError.notChained(path) }
                    from = Array(stored)
                }
                var entries: [Entry] = []
                var last = first - 1
                var lastChain = from
                let rows = try Row.fetchCursor(
                    db,
                    sql: "SELECT sequence, subject, payload, chain FROM journal WHERE feed = ? AND sequence >= ? "
                        + "ORDER BY sequence", arguments: [feed, Int64(first)])
                while let entry = try rows.next() {
                    let payload = try entry.withUnsafeData(atIndex: 2) { data in data.map { [UInt8]($0) } ?? [] }
                    if (entry[1] as String?) == household {
                        entries.append(Entry(event: String(decoding: payload, as: UTF8.self), digest: nil))
                    } else {
                        entries.append(Entry(event: nil, digest: JournalChain.hex(suite.hash(payload))))
                    }
                    last = UInt64(entry[0] as Int64)
                    lastChain = (entry[3] as Data?).map(Array.init) ?? []
                }
                let head = try SignedHead.sign(
                    feed: feed, publisher: publisher, incarnation: incarnation, sequence: last, chain: lastChain,
                    key: key)
                proofs.append(
                    FeedProof(feed: feed, from: JournalChain.hex(from), first: first, entries: entries, head: head))
            }
            return EvidenceFile(
                format: formatName, suite: suite.rawValue, publisher: publisher, incarnation: incarnation,
                household: household, made: CloudEvent.timestamp(), feeds: proofs)
        }
    }

    /// What checking an evidence file found.
    public struct Check: Sendable, Hashable {
        /// The household's events proven, per feed.
        public var events: [String: Int] = [:]
        /// The problems, each naming its feed (and position); empty when the file proves its events.
        public var findings: [JournalVerifier.Finding] = []
    }

    /// Checks the file offline: every proof's chain reaches its signed head, every head's signature is valid
    /// (and by `trustedKey` when given), every event whole is the household's and names its sequence.
    ///
    /// - Parameter trustedKey: The agency's known signing key, if the auditor has it.
    /// - Returns: What was found.
    public func check(trustedKey: PublicSigningKey? = nil) -> Check {
        var check = Check()
        guard format == Self.formatName, let suite = EvidenceSuite(rawValue: suite) else {
            check.findings.append(
                JournalVerifier.Finding(
                    feed: "-", sequence: nil, code: "format", detail: "not a \(Self.formatName) file of a known suite"))
            return check
        }
        for proof in feeds {
            func finding(_ sequence: UInt64?, _ code: String, _ detail: String) {
                check.findings.append(
                    JournalVerifier.Finding(feed: proof.feed, sequence: sequence, code: code, detail: detail))
            }
            guard var chain = JournalChain.bytes(hex: proof.from), chain.count == EvidenceSuite.hashLength,
                proof.first >= 1
            else {
                finding(nil, "format", "the proof's start is not a hash")
                continue
            }
            var sequence = proof.first - 1
            var count = 0
            for entry in proof.entries {
                sequence += 1
                let digest: [UInt8]
                if let event = entry.event {
                    let bytes = Array(event.utf8)
                    digest = suite.hash(bytes)
                    if let decoded = try? CloudEvent(json: bytes) {
                        if decoded.subject != household {
                            finding(sequence, "moved", "an event of another household (\(decoded.subject ?? "-"))")
                        }
                        if decoded.sequence != sequence {
                            finding(sequence, "moved", "the event names sequence \(decoded.sequence ?? 0)")
                        }
                    } else {
                        finding(sequence, "format", "the event is not a valid CloudEvent")
                    }
                    count += 1
                } else if let hex = entry.digest, let bytes = JournalChain.bytes(hex: hex),
                    bytes.count == EvidenceSuite.hashLength
                {
                    digest = bytes
                } else {
                    finding(sequence, "format", "an entry with neither an event nor a digest")
                    digest = []
                }
                chain = JournalChain.link(
                    after: chain, sequence: sequence, incarnation: incarnation, digest: digest, suite: suite)
            }
            check.events[proof.feed] = count
            let head = proof.head
            if head.feed != proof.feed || head.incarnation != incarnation || head.publisher != publisher {
                finding(head.sequence, "mismatch", "the signed head is of another feed, incarnation or publisher")
            }
            if !head.hasValidSignature {
                finding(head.sequence, "signature", "the signed head's signature is not valid")
            } else if let trustedKey, trustedKey != head.key {
                finding(head.sequence, "signature", "the head is signed by another key than the agency's")
            }
            if head.sequence != sequence || head.chain != chain {
                finding(
                    head.sequence, "diverged",
                    "the chain through the entries (to \(sequence)) does not reach the signed head: an event or a "
                        + "digest was changed, added or left out")
            }
        }
        return check
    }
}
