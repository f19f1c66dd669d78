import ArgumentParser
import EventFabric
import Foundation

/// `jiekun feed …`: the feeds as a store sees them, for operators after an incident (docs/OPERATIONS.md,
/// "Restoring an agency from a backup").
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Show a store's feed positions: its incarnation, the heads of its journal, its cursors.",
        subcommands: [FeedPositionsCommand.self])
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
