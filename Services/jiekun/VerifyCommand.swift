import ArgumentParser
import EventFabric
import Foundation
import HouseholdDomain
import ServiceRuntime

/// `jiekun verify STORE|EVIDENCE [--feed F] [--heads FILE] [--key KEY]`: checks a journal's hash chain and signed
/// heads, or an evidence file, offline (docs/SECURITY.md, "Tamper-evident journals").
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a store's journal (hash chain, signed heads) or an evidence file, offline.",
        discussion: """
            For a store: every feed's chain is recomputed and every signed head the store keeps is checked; with \
            --heads (a subscriber's store file, or the JSON lines of jiekun feed heads) the heads of this store's \
            feeds are checked against its journal too. Every problem is named by feed and sequence: edited, \
            deleted, moved (reordered or inserted), diverged (rewritten after a head was signed), truncated, \
            signature. For an evidence file (jiekun evidence): its events are linked to its signed heads. Exits 0 \
            when nothing is found, 4 when something is, 1 when the file cannot be read.
            """)

    /// The exit status when a problem is found.
    static let foundExitCode: Int32 = 4

    @Argument(help: "A store's SQLite file (of a running or stopped service), or an evidence file.")
    var file: String

    @Option(help: "Only this feed of the journal.")
    var feed: String?

    @Option(help: "Signed heads a peer holds: a subscriber's store file, or JSON lines from `jiekun feed heads`.")
    var heads: String?

    @Option(
        help: "The publisher's public signing key (SUITE:BASE64, its .signing.pub): heads by another key are named.")
    var key: String?

    func run() throws {
        var trustedKey: PublicSigningKey?
        if let key {
            let text = (try? String(contentsOfFile: key, encoding: .utf8)) ?? key
            guard let parsed = PublicSigningKey(text: text) else {
                Terminal.error("--key is neither a public signing key nor a file holding one (SUITE:BASE64)")
                throw ExitCode(64)
            }
            trustedKey = parsed
        }
        guard let head = FileManager.default.contents(atPath: file)?.prefix(16) else {
            Terminal.error("cannot read \(file)")
            throw ExitCode(1)
        }
        if head.starts(with: Array("SQLite format 3".utf8)) {
            try verifyStore(trustedKey: trustedKey)
        } else {
            try verifyEvidence(trustedKey: trustedKey)
        }
    }

    /// Checks a store.
    ///
    /// - Parameter trustedKey: The publisher's key, if given.
    /// - Throws: `ExitCode`.
    private func verifyStore(trustedKey: PublicSigningKey?) throws {
        let peerHeads = try heads.map(Self.readHeads) ?? []
        let report: JournalVerifier.Report
        do {
            report = try JournalVerifier.verify(path: file, feed: feed, peerHeads: peerHeads, trustedKey: trustedKey)
        } catch {
            Terminal.error("cannot verify \(file): \(error)")
            throw ExitCode(1)
        }
        var output = Terminal.standardOutput
        defer { output.flush() }
        output.write("store \(file): incarnation \(report.incarnation), suite \(report.suite)\n")
        for summary in report.feeds {
            output.write("  feed " + summary.feed.padded(32) + "\(summary.entries) entries, last \(summary.last)\n")
        }
        output.write("  signed heads checked: \(report.headsChecked)\n")
        guard !report.isIntact else {
            output.write("intact: every chain links and every signed head holds\n")
            return
        }
        output.flush()
        for finding in report.findings { Terminal.error("\(finding)") }
        throw ExitCode(Self.foundExitCode)
    }

    /// Checks an evidence file.
    ///
    /// - Parameter trustedKey: The agency's key, if given.
    /// - Throws: `ExitCode`.
    private func verifyEvidence(trustedKey: PublicSigningKey?) throws {
        let evidence: EvidenceFile
        do {
            evidence = try JSONDecoder().decode(EvidenceFile.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            Terminal.error("\(file) is neither a store nor an evidence file (jiekun evidence): \(error)")
            throw ExitCode(1)
        }
        let check = evidence.check(trustedKey: trustedKey)
        var output = Terminal.standardOutput
        defer { output.flush() }
        output.write(
            "evidence of household \(evidence.household) from \(evidence.publisher) (incarnation "
                + "\(evidence.incarnation), suite \(evidence.suite)), made \(evidence.made)\n")
        for proof in evidence.feeds {
            output.write(
                "  feed " + proof.feed.padded(32)
                    + "\(check.events[proof.feed] ?? 0) events, head \(proof.head.sequence) signed "
                    + "\(proof.head.time) by \(proof.head.key)\n")
        }
        if trustedKey == nil {
            output.write("  (no --key given: compare the signing key above with the agency's published one)\n")
        }
        guard check.findings.isEmpty else {
            output.flush()
            for finding in check.findings { Terminal.error("\(finding)") }
            throw ExitCode(Self.foundExitCode)
        }
        output.write("proven: every event links to a validly signed head\n")
    }

    /// Reads signed heads from a store file or from JSON lines.
    ///
    /// - Parameter path: The file.
    /// - Returns: The heads.
    /// - Throws: `ExitCode(1)` when it cannot be read.
    static func readHeads(_ path: String) throws -> [SignedHead] {
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.error("cannot read the heads file \(path)")
            throw ExitCode(1)
        }
        if data.starts(with: Array("SQLite format 3".utf8)) {
            do {
                return try JournalVerifier.storedHeads(path: path)
            } catch {
                Terminal.error("cannot read the signed heads of the store \(path): \(error)")
                throw ExitCode(1)
            }
        }
        var heads: [SignedHead] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated()
        where !line.allSatisfy(\.isWhitespace) {
            guard let head = try? JSONDecoder().decode(SignedHead.self, from: Data(line.utf8)) else {
                Terminal.error("\(path):\(index + 1): not a signed head (JSON lines of jiekun feed heads)")
                throw ExitCode(1)
            }
            heads.append(head)
        }
        return heads
    }
}

/// `jiekun evidence --household F --config FILE --output FILE`: one household's events from an agency's journal,
/// with the chain proof and signed heads, for an auditor (`jiekun verify EVIDENCE`).
struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Write one household's events from an agency's journal with their proof, for an auditor.",
        discussion: """
            The file holds the household's events as the journal does (personal data: written with mode 0600, for \
            auditors only), the digests of the other entries between them and the feed's head, and each feed's \
            head signed now with the agency's signing key (keys.signing). Check it with jiekun verify FILE.
            """)

    @Option(help: "The household's file number (档案编号).")
    var household: String

    @Option(help: "The agency's configuration file (its store and keys.signing).")
    var config: String

    @Option(help: "The evidence file to write (never overwritten).")
    var output: String

    func run() throws {
        let configuration: AgencyConfiguration
        do {
            configuration = try AgencyConfiguration.load(file: config)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(78)
        }
        guard let key = configuration.signingKey else {
            Terminal.error("\(config) has no keys.signing: the heads cannot be signed (jiekun keys generate)")
            throw ExitCode(78)
        }
        guard !FileManager.default.fileExists(atPath: output) else {
            Terminal.error("\(output) exists; it is never overwritten")
            throw ExitCode(1)
        }
        let evidence: EvidenceFile
        do {
            evidence = try EvidenceFile.make(
                household: household, store: configuration.store, publisher: configuration.agency.rawValue, key: key)
        } catch {
            Terminal.error("cannot read the journal of \(configuration.store): \(error)")
            throw ExitCode(1)
        }
        guard !evidence.feeds.isEmpty else {
            Terminal.error("the journal of \(configuration.agency.rawValue) has no event of household \(household)")
            throw ExitCode(1)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard
            let data = try? encoder.encode(evidence),
            FileManager.default.createFile(atPath: output, contents: data, attributes: [.posixPermissions: 0o600])
        else {
            Terminal.error("cannot write \(output)")
            throw ExitCode(1)
        }
        var out = Terminal.standardOutput
        defer { out.flush() }
        let events = evidence.check().events.values.reduce(0, +)
        out.write(
            "wrote \(output) (mode 0600, personal data: for auditors only): \(events) events of household "
                + "\(household) in \(evidence.feeds.count) feeds, heads signed by \(key.publicKey)\n")
    }
}

/// `jiekun feed heads STORE | --config FILE [--own]`: signed heads as JSON lines, for `jiekun verify --heads`.
struct FeedHeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heads",
        abstract: "Print signed heads as JSON lines: those an agency received and kept, or its own, signed now.",
        discussion: """
            With STORE, or --config FILE (the agency's store): the signed heads its subscriber received from its \
            publishers and kept; give them to jiekun verify --heads against the publisher's store. With --config \
            FILE --own: the heads of the agency's own feeds, signed now with its keys.signing.
            """)

    @Argument(help: "A store's SQLite file (read-only).")
    var store: String?

    @Option(help: "An agency's configuration: the heads kept in its store (or, with --own, its own heads).")
    var config: String?

    @Flag(help: "With --config: the agency's own feeds' heads, signed now with its keys.signing.")
    var own = false

    func validate() throws {
        guard (store == nil) != (config == nil) else { throw ValidationError("give either STORE or --config") }
        guard !own || config != nil else { throw ValidationError("--own goes with --config") }
    }

    func run() throws {
        let heads: [SignedHead]
        if own {
            heads = try ownHeads()
        } else {
            let path: String
            if let store {
                path = store
            } else {
                do {
                    path = try AgencyConfiguration.load(file: config ?? "", options: .init(readsSecretKey: false)).store
                } catch {
                    Terminal.error("\(error)")
                    throw ExitCode(78)
                }
            }
            do {
                heads = try JournalVerifier.storedHeads(path: path)
            } catch {
                Terminal.error("cannot read the store \(path): \(error)")
                throw ExitCode(1)
            }
        }
        var output = Terminal.standardOutput
        defer { output.flush() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for head in heads {
            guard let line = try? encoder.encode(head) else { continue }
            output.write(String(decoding: line, as: UTF8.self) + "\n")
        }
    }

    /// The agency's own feeds' heads, signed now.
    ///
    /// - Returns: The heads.
    /// - Throws: `ExitCode`.
    private func ownHeads() throws -> [SignedHead] {
        let configuration: AgencyConfiguration
        do {
            configuration = try AgencyConfiguration.load(file: config ?? "")
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(78)
        }
        guard let key = configuration.signingKey else {
            Terminal.error("\(config ?? "") has no keys.signing: the heads cannot be signed")
            throw ExitCode(78)
        }
        do {
            return try SignedHead.current(
                store: configuration.store, publisher: configuration.agency.rawValue, key: key)
        } catch {
            Terminal.error("cannot read the journal of \(configuration.store): \(error)")
            throw ExitCode(1)
        }
    }
}
