import Foundation
import GRDB
import Logging
import TestSupport
import Testing

@testable import EventFabric

/// The hash chain of journals, the two evidence suites, signed heads, `JournalVerifier` and evidence files
/// (docs/SECURITY.md, "Tamper-evident journals").
@Suite("Evidence: hash chains, suites, signed heads, verification")
struct EvidenceTests {
    static let logger = Logger(label: "test.evidence")

    /// An incarnation for the fixed vectors.
    static let incarnation = "0b7c4c4e-2f4a-4c1e-9d7e-1a2b3c4d5e6f"

    // MARK: Suites

    @Test("SM3 gives GB/T 32905's published digests of \"abc\" and of \"abcd\" × 16")
    func sm3Vectors() {
        #expect(
            JournalChain.hex(EvidenceSuite.sm2SM3.hash(Array("abc".utf8)))
                == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
        #expect(
            JournalChain.hex(EvidenceSuite.sm2SM3.hash(Array(String(repeating: "abcd", count: 16).utf8)))
                == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
        // SHA-256 of "abc" (FIPS 180-4, appendix B.1), the default suite's hash.
        #expect(
            JournalChain.hex(EvidenceSuite.ed25519SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// OpenSSL's SM2 test key `SM2_key1` (test/recipes/30-test_evp_data/evppkey_sm2.txt), public part as DER.
    static let openSSLKey1Public =
        "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEOToq2eJ+Q6yqq4WhnTuFWR4UQGFXF1rd03v3f/DK+e03/POotPVcA4UjJh/KZjav5qevoqFIKmBvXLOhiy4qHg=="

    @Test("SM2 verifies OpenSSL's published signatures of SM2_key1, and refuses one with a changed digest")
    func sm2OpenSSLVectors() throws {
        let key = try #require(Data(base64Encoded: Self.openSSLKey1Public)).map { $0 }
        let vectors = [
            (
                "D7AD397F6FFA5D4F7F11E7217F241607DC30618C236D2C09C1B9EA8FDADEE2E8",
                "3046022100AB1DB64DE7C40EDBDE6651C9B8EBDB804673DB836E5D5C7FE15DCF9ED2725037022100EBA714451FF69B0BB930B379E192E7CD5FA6E3C41C7FBD8303B799AB54A54621"
            ),
            (
                "B1139602C6ECC9E15E2F3F9C635A1AFE737058BC15387479C1EA0D0B3D90E9E5",
                "3045022100E6E0414EBD3A656C35602AF14AB20287DBF30D57AF75C49A188ED4B42391F22402202F54F277C606F4605E1CE9514947FFDDF94C67A539804A4ED17F852288BDBE2E"
            ),
        ]
        for (digestHex, signatureHex) in vectors {
            let digest = try #require(JournalChain.bytes(hex: digestHex))
            let signature = try #require(JournalChain.bytes(hex: signatureHex))
            #expect(OpenSSLSM.verify(signature, ofDigest: digest, publicKey: key))
            var changed = digest
            changed[0] ^= 1
            #expect(!OpenSSLSM.verify(signature, ofDigest: changed, publicKey: key))
        }
    }

    @Test(
        "Each suite signs and verifies; a changed message, another key or a changed signature is refused",
        arguments: EvidenceSuite.allCases)
    func signAndVerify(suite: EvidenceSuite) throws {
        let key = try SigningKey.generate(suite)
        let other = try SigningKey.generate(suite)
        let message = Array("jiekun.head.1\nhouseholds.housing".utf8)
        let signature = try key.sign(message)
        #expect(key.publicKey.isValidSignature(signature, of: message))
        #expect(!key.publicKey.isValidSignature(signature, of: message + [0x0a]))
        #expect(!other.publicKey.isValidSignature(signature, of: message))
        var changed = signature
        changed[changed.count - 1] ^= 1
        #expect(!key.publicKey.isValidSignature(changed, of: message))
        // The key files' text forms round-trip.
        let read = try SigningKey(text: key.secretText)
        #expect(read.publicKey == key.publicKey)
        #expect(PublicSigningKey(text: key.publicKey.description) == key.publicKey)
        #expect(key.publicKey.description.hasPrefix("\(suite.rawValue):"))
        #expect(throws: EvidenceCryptoError.badKey) { try SigningKey(text: "ed25519-sha256:AAAA") }
    }

    // MARK: The chain

    @Test("The chain's encoding: h₀ and h₁ of a fixed feed, incarnation and event, as computed independently")
    func chainVectors() {
        // Computed with Python's hashlib from the encoding documented in JournalChain.
        let feed = "households.housing"
        let payload = Array(#"{"x":1}"#.utf8)
        for (suite, start, first) in [
            (
                EvidenceSuite.ed25519SHA256, "f7321621bad81c3ba9b4067543236463d4cef63f2e3b1984e8c55ce6a14a2a6e",
                "b45c326f0591d7886be08b93fd79a83834e0e2ae3cd6bec96b73ac563ab3c13e"
            ),
            (
                EvidenceSuite.sm2SM3, "38cfd034d08cffb1ff177a5f680d21990aa3f0e487fd6fb8e495889910f74be4",
                "e070f3195e9bad8b828d7cd64c5d4c1a672be192c347d323dc4caccce64143c0"
            ),
        ] {
            let h0 = JournalChain.start(feed: feed, incarnation: Self.incarnation, suite: suite)
            #expect(JournalChain.hex(h0) == start)
            let h1 = JournalChain.link(
                after: h0, sequence: 1, incarnation: Self.incarnation, payload: payload, suite: suite)
            #expect(JournalChain.hex(h1) == first)
        }
    }

    /// A file store in a fresh folder with `count` events on `feed` (subjects `F1`, `F2`, … in turn).
    static func store(
        events count: Int, feed: String = "households.housing", subjects: Int = 3, suite: EvidenceSuite = .standard
    ) throws -> (EventStore, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("store.sqlite")
        let store = try EventStore(path: path.path, evidenceSuite: suite, logger: logger)
        let events = try (1...count).map { index in
            try CloudEvent(
                validating: CloudEvent.newID(), source: "/jiekun/union-registry", type: "jiekun.household.registered",
                subject: "F\(index % subjects + 1)", time: CloudEvent.timestamp(), effectiveDate: nil, sequence: nil,
                data: Array(#"{"n":\#(index)}"#.utf8))
        }
        try store.publish(events, on: feed)
        return (store, path)
    }

    @Test("A journal written by the store verifies intact, and each entry's hash is the documented link")
    func intact() throws {
        let (store, path) = try Self.store(events: 20)
        defer { try? FileManager.default.removeItem(at: path.deletingLastPathComponent()) }
        let report = try JournalVerifier.verify(path: path.path)
        #expect(report.isIntact, "\(report.findings)")
        #expect(report.feeds == [.init(feed: "households.housing", entries: 20, last: 20)])
        // Entry 1's stored hash is h₁ of its stored bytes.
        let (payload, chain) = try store.writer.read { db in
            let row = try #require(
                try Row.fetchOne(
                    db, sql: "SELECT payload, chain FROM journal WHERE feed = 'households.housing' AND sequence = 1"))
            return (Array(row[0] as Data), Array(row[1] as Data))
        }
        let start = JournalChain.start(feed: "households.housing", incarnation: store.incarnation, suite: .standard)
        #expect(
            chain
                == JournalChain.link(
                    after: start, sequence: 1, incarnation: store.incarnation, payload: payload, suite: .standard))
    }

    @Test("An edited, a deleted, a reordered and an appended forged row are each found and named by feed and sequence")
    func tampering() throws {
        let (store, path) = try Self.store(events: 12)
        defer { try? FileManager.default.removeItem(at: path.deletingLastPathComponent()) }
        let raw = try DatabaseQueue(path: path.path)
        try raw.write { db in
            // Edited: entry 3's bytes.
            try db.execute(
                sql: "UPDATE journal SET payload = CAST(REPLACE(CAST(payload AS TEXT), '\"n\":3', '\"n\":9') AS BLOB) "
                    + "WHERE feed = 'households.housing' AND sequence = 3")
            // Deleted: entry 6.
            try db.execute(sql: "DELETE FROM journal WHERE feed = 'households.housing' AND sequence = 6")
            // Reordered: entries 8 and 9 swap their events and hashes.
            try db.execute(
                sql: """
                    UPDATE journal SET sequence = -8 WHERE feed = 'households.housing' AND sequence = 8;
                    UPDATE journal SET sequence = 8 WHERE feed = 'households.housing' AND sequence = 9;
                    UPDATE journal SET sequence = 9 WHERE feed = 'households.housing' AND sequence = -8;
                    """)
            // Appended: a forged entry 13 copying entry 12's event and hash.
            try db.execute(
                sql: """
                    INSERT INTO journal (feed, sequence, id, type, subject, effective_date, payload, chain)
                    SELECT feed, 13, id || 'x', type, subject, effective_date, payload, chain FROM journal
                    WHERE feed = 'households.housing' AND sequence = 12
                    """)
        }
        _ = store
        let report = try JournalVerifier.verify(path: path.path)
        let named = Set(report.findings.map { "\($0.code)@\($0.sequence ?? 0)" })
        #expect(named.contains("edited@3"), "\(report.findings)")
        #expect(named.contains("deleted@6"), "\(report.findings)")
        #expect(named.contains("moved@8") && named.contains("moved@9"), "\(report.findings)")
        #expect(named.contains("moved@13") && named.contains("edited@13"), "\(report.findings)")
        #expect(!named.contains { $0.hasSuffix("@1") || $0.hasSuffix("@2") || $0.hasSuffix("@11") })
    }

    @Test("A journal rewritten with a recomputed chain passes the chain but not the heads a peer holds")
    func rewrittenAgainstHeads() throws {
        let (store, path) = try Self.store(events: 6)
        defer { try? FileManager.default.removeItem(at: path.deletingLastPathComponent()) }
        let key = try SigningKey.generate()
        let heads = try SignedHead.current(store: path.path, publisher: "union-registry", key: key)
        #expect(heads.map(\.sequence) == [6])
        #expect(try JournalVerifier.verify(path: path.path, peerHeads: heads, trustedKey: key.publicKey).isIntact)
        // A forger edits entry 4 and recomputes every hash from there on: the chain alone holds.
        let suite = store.evidenceSuite
        let incarnation = store.incarnation
        let raw = try DatabaseQueue(path: path.path)
        try raw.write { db in
            try db.execute(
                sql: "UPDATE journal SET payload = CAST(REPLACE(CAST(payload AS TEXT), '\"n\":4', '\"n\":7') AS BLOB) "
                    + "WHERE sequence = 4")
            var previous = Array(try Data.fetchOne(db, sql: "SELECT chain FROM journal WHERE sequence = 3")!)
            for sequence in 4...6 {
                let payload = Array(
                    try Data.fetchOne(db, sql: "SELECT payload FROM journal WHERE sequence = ?", arguments: [sequence])!
                )
                previous = JournalChain.link(
                    after: previous, sequence: UInt64(sequence), incarnation: incarnation, payload: payload,
                    suite: suite)
                try db.execute(
                    sql: "UPDATE journal SET chain = ? WHERE sequence = ?", arguments: [Data(previous), sequence])
            }
        }
        #expect(try JournalVerifier.verify(path: path.path).isIntact)
        let checked = try JournalVerifier.verify(path: path.path, peerHeads: heads, trustedKey: key.publicKey)
        #expect(checked.findings.map { "\($0.code)@\($0.sequence ?? 0)" } == ["diverged@6"])
        // A head beyond the journal's end: the journal was truncated after it was signed.
        try raw.write { db in try db.execute(sql: "DELETE FROM journal WHERE sequence = 6") }
        let truncated = try JournalVerifier.verify(path: path.path, peerHeads: heads)
        #expect(truncated.findings.map(\.code) == ["truncated"])
        // A head signed by another key than the publisher's.
        let stranger = try SigningKey.generate()
        let forged = try SignedHead.current(store: path.path, publisher: "union-registry", key: stranger)
        let byStranger = try JournalVerifier.verify(path: path.path, peerHeads: forged, trustedKey: key.publicKey)
        #expect(byStranger.findings.map(\.code) == ["signature"])
    }

    @Test("A store made before hash chains is chained when first opened, and verifies intact")
    func migration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        // The fabric's migrations up to eventfabric.v3, and two events journaled as that version stored them.
        let old = try DatabaseQueue(path: path)
        var migrator = DatabaseMigrator()
        EventStore.registerMigrations(&migrator)
        try migrator.migrate(old, upTo: "eventfabric.v3")
        let incarnation = try old.read { db in try String.fetchOne(db, sql: "SELECT incarnation FROM store_identity")! }
        try old.write { db in
            for sequence in 1...2 {
                let event = try CloudEvent(
                    validating: CloudEvent.newID(), source: "/jiekun/union-registry", type: "jiekun.test",
                    subject: "F1", time: CloudEvent.timestamp(), effectiveDate: nil, sequence: nil,
                    data: Array(#"{"n":1}"#.utf8)
                ).sequenced(UInt64(sequence), incarnation: incarnation)
                try db.execute(
                    sql: "INSERT INTO journal (feed, sequence, id, type, subject, payload) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        "households.housing", sequence, event.id, event.type, event.subject, Data(event.jsonBytes()),
                    ])
            }
        }
        try old.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(throws: EvidenceStoreError.notChained(path)) { try JournalVerifier.verify(path: path) }
        let store = try EventStore(path: path, logger: Self.logger)
        #expect(store.evidenceSuite == .ed25519SHA256)
        try store.publish(
            [
                try CloudEvent(
                    validating: CloudEvent.newID(), source: "/jiekun/union-registry", type: "jiekun.test",
                    subject: "F2",
                    time: CloudEvent.timestamp(), effectiveDate: nil, sequence: nil, data: Array(#"{"n":3}"#.utf8))
            ], on: "households.housing")
        let report = try JournalVerifier.verify(path: path)
        #expect(report.isIntact, "\(report.findings)")
        #expect(report.feeds.first?.entries == 3)
    }

    @Test(
        "An evidence file proves one household's events, in either suite; a changed event or digest is found",
        arguments: EvidenceSuite.allCases)
    func evidenceFile(suite: EvidenceSuite) throws {
        let (_, path) = try Self.store(events: 10, subjects: 3, suite: suite)
        defer { try? FileManager.default.removeItem(at: path.deletingLastPathComponent()) }
        let key = try SigningKey.generate(suite)
        // F2 is the subject of events 1, 4, 7 and 10 (index % 3 + 1).
        let evidence = try EvidenceFile.make(household: "F2", store: path.path, publisher: "union-registry", key: key)
        #expect(evidence.feeds.count == 1)
        #expect(evidence.feeds[0].first == 1 && evidence.feeds[0].entries.count == 10)
        #expect(evidence.feeds[0].entries.filter { $0.event != nil }.count == 4)
        #expect(!evidence.feeds[0].entries.contains { $0.event?.contains("\"F1\"") == true })
        let check = evidence.check(trustedKey: key.publicKey)
        #expect(check.findings.isEmpty, "\(check.findings)")
        #expect(check.events == ["households.housing": 4])
        // Round trip through JSON, as the file is written and read.
        let decoded = try JSONDecoder().decode(EvidenceFile.self, from: JSONEncoder().encode(evidence))
        #expect(decoded.check(trustedKey: key.publicKey).findings.isEmpty)
        var edited = evidence
        edited.feeds[0].entries[3].event = edited.feeds[0].entries[3].event?.replacingOccurrences(
            of: #""n":4"#, with: #""n":5"#)
        #expect(edited.check().findings.map(\.code) == ["diverged"])
        var dropped = evidence
        dropped.feeds[0].entries.remove(at: 5)
        #expect(dropped.check().findings.map(\.code).contains("diverged"))
        #expect(
            evidence.check(trustedKey: try SigningKey.generate(suite).publicKey).findings.map(\.code) == ["signature"])
    }
}
