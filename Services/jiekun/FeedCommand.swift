import ArgumentParser
import EventFabric
import Foundation
import Logging

/// `jiekun feed …`: the feeds as a store sees them, for operators after an incident (docs/OPERATIONS.md,
/// "Restoring an agency from a backup").
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "A store's feed positions, and the resync of a feed after a restore from a backup.",
        subcommands: [
            FeedPositionsCommand.self, FeedFenceCommand.self, FeedResumeCommand.self, FeedHeadsCommand.self,
        ])

    /// Opens a store for a resync command (its service stopped), quietly.
    ///
    /// - Parameter path: The store's SQLite file, which must exist.
    /// - Returns: The store.
    /// - Throws: ``ExitCode`` 1 after saying why, when it cannot be opened.
    static func openStore(_ path: String) throws -> EventStore {
        guard FileManager.default.fileExists(atPath: path) else {
            Terminal.error("no store at \(path)")
            throw ExitCode(1)
        }
        var logger = Logger(label: "jiekun.feed")
        logger.logLevel = .error
        do {
            return try EventStore(path: path, logger: logger)
        } catch {
            Terminal.error("cannot open the store \(path): \(error)")
            throw ExitCode(1)
        }
    }
}

/// `jiekun feed fence STORE --feed F --through N`: at a publisher restored from a backup (service stopped), fills
/// the positions its consumers applied but its journal lost with fence entries, so that the feed continues after
/// them (docs/OPERATIONS.md, "Restoring an agency from a backup").
struct FeedFenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fence",
        abstract: "At a restored publisher (stopped): fence the positions of a feed that its journal lost.",
        discussion: """
            Give --through the highest cursor of the feed's consumers (jiekun feed positions at each). The \
            consumers skip the fenced positions without applying anything; what the lost events carried is to be \
            entered again.
            """)

    @Argument(help: "The publisher's store file (its service stopped).")
    var store: String

    @Option(help: "The feed to fence.")
    var feed: String

    @Option(help: "The last position to fence: the highest cursor of the feed's consumers.")
    var through: UInt64

    func run() throws {
        let opened = try FeedCommand.openStore(store)
        let fenced = try opened.fence(feed, through: through)
        var output = Terminal.standardOutput
        defer { output.flush() }
        if let first = fenced.first, let last = fenced.last {
            output.write(
                "fenced \(feed) \(first)…\(last) (\(fenced.count) positions): head \(opened.incarnation)/\(last)\n")
        } else {
            output.write("\(feed) already reaches \(through): nothing fenced\n")
        }
    }
}

/// `jiekun feed resume STORE --feed F --head INCARNATION/SEQUENCE`: at a consumer (service stopped), resumes a
/// stopped feed once its publisher's journal reaches the cursor again under the cursor's incarnation.
struct FeedResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "At a consumer (stopped): resume a stopped feed once its publisher's head reaches the cursor.",
        discussion: """
            Give --head the publisher's head as jiekun feed positions (or fence) prints it. Refused when the head \
            is of another incarnation or before the cursor: resuming then would skip or mistake events.
            """)

    @Argument(help: "The consumer's store file (its service stopped).")
    var store: String

    @Option(help: "The consumed feed (its local name).")
    var feed: String

    @Option(help: "The publisher's head now, INCARNATION/SEQUENCE.")
    var head: String

    func run() throws {
        let parts = head.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let sequence = UInt64(parts[1]), !parts[0].isEmpty else {
            Terminal.error("--head must be INCARNATION/SEQUENCE, as jiekun feed positions prints it")
            throw ExitCode(64)
        }
        let opened = try FeedCommand.openStore(store)
        do {
            try opened.resume(feed, head: (parts[0], sequence))
        } catch let error as ResyncError {
            Terminal.error("not resumed: \(error)")
            throw ExitCode(1)
        }
        var output = Terminal.standardOutput
        defer { output.flush() }
        output.write("resumed \(feed): the service applies it from its cursor at its next start\n")
    }
}

/// `jiekun feed positions STORE`: a store's incarnation, the head of each feed it publishes and its cursor on
/// each feed it consumes, read without changing the store (running service or stopped).
struct FeedPositionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "positions",
        abstract: "Show a store's incarnation, its journal's heads and its cursors (read-only).",
        discussion: """
            A position is INCARNATION/SEQUENCE. After a restore from a backup, a consumer's feed whose cursor is \
            beyond its publisher's head (or of another incarnation) is stopped and listed DIVERGED: the range \
            from the head to the cursor was lost from the publisher's journal. Exits with status 3 when a \
            consumed feed is DIVERGED.
            """)

    @Argument(help: "The store's SQLite file (of a running or a stopped service).")
    var store: String

    func run() throws {
        let positions: StorePositions
        do {
            positions = try StorePositions.read(path: store)
        } catch {
            Terminal.error("cannot read the store \(store): \(error)")
            throw ExitCode(1)
        }
        var output = Terminal.standardOutput
        defer { output.flush() }
        let incarnation = positions.incarnation ?? "-"
        output.write("store \(store): incarnation \(incarnation)\n")
        for (feed, head) in positions.heads.sorted(by: { $0.key < $1.key }) {
            output.write("  publishes " + feed.padded(32) + "head \(incarnation)/\(head)\n")
        }
        for (feed, cursor) in positions.cursors.sorted(by: { $0.key < $1.key }) {
            output.write("  consumes  " + feed.padded(32) + "cursor \(cursor.incarnation ?? "-")/\(cursor.sequence)")
            output.write(cursor.divergence.map { "  DIVERGED: \($0)\n" } ?? "\n")
        }
        if !positions.diverged.isEmpty {
            output.flush()
            Terminal.error("a feed this store consumes diverged (restore procedure: docs/OPERATIONS.md)")
            throw ExitCode(StatusCommand.divergedExitCode)
        }
    }
}
