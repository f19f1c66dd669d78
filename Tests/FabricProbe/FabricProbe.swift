// A small process for the event fabric's tests: a publisher or subscriber that tests start, kill and restart.
//
//   fabric-probe publish   --store PATH --feed NAME --live ENDPOINT --replay ENDPOINT --total N
//                          [--batch B] [--batch-delay-ms D] [--heartbeat-ms H] [--id-prefix P]
//   fabric-probe subscribe --store PATH --feed NAME --live ENDPOINT --replay ENDPOINT
//                          [--batch B] [--handler-delay-us U] [--heartbeat-timeout-ms T]
//
// Both print `READY …` on stdout once their sockets are bound or connected, then progress lines (`PUBLISHED n`,
// `APPLIED n`), and on SIGTERM or SIGINT shut the fabric context down, join their threads and exit 0. A
// subscriber whose feed stopped (its publisher's journal went backwards or was replaced) prints `DIVERGED reason`
// once, then `HEARD n` as the count of heartbeats it received grows. The publisher names its events
// `<prefix>evt-<sequence>` (no prefix by default).
// The subscriber's handler inserts each event into `probe_applied(sequence, id)` — deliberately without a unique
// key, so that a double application would show.
import Dispatch
import EventFabric
import Foundation
import GRDB
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
enum FabricProbe {
    static func main() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else { fail("usage: fabric-probe publish|subscribe --option value …") }
        var options: [String: String] = [:]
        var index = 1
        while index + 1 < arguments.count {
            options[String(arguments[index].drop { $0 == "-" })] = arguments[index + 1]
            index += 2
        }
        let stop = StopSignal()
        do {
            switch command {
            case "publish": try publish(options, stop: stop)
            case "subscribe": try subscribe(options, stop: stop)
            default: fail("unknown command \(command)")
            }
        } catch {
            fail("fabric-probe: \(error)")
        }
        exit(0)
    }

    /// Publishes events numbered `evt-<sequence>` until the feed's journal holds `--total` events, then serves.
    static func publish(_ options: [String: String], stop: StopSignal) throws {
        let logger = Logger(label: "fabric-probe.publish")
        let feed = try option("feed", options)
        let total = UInt64(try option("total", options))!
        let batch = Int(options["batch"] ?? "100")!
        let batchDelay = Int(options["batch-delay-ms"] ?? "0")!
        let prefix = options["id-prefix"] ?? ""
        let store = try EventStore(path: try option("store", options), logger: logger)
        let context = try FabricContext(logger: logger)
        let publisher = FeedPublisher(
            store: store, context: context,
            configuration: .init(
                source: "/jiekun/fabric-probe",
                feeds: [.init(name: feed, endpoint: try option("live", options))],
                replayEndpoint: try option("replay", options),
                heartbeatInterval: .milliseconds(Int(options["heartbeat-ms"] ?? "100")!)),
            logger: logger)
        let endpoints = try publisher.start()
        say("READY live=\(endpoints.feeds[feed]!) replay=\(endpoints.replay)")
        var latest = try store.writer.read { db in try store.journal.latestSequence(of: feed, in: db) }
        while latest < total && !stop.isRequested {
            let count = Int(min(UInt64(batch), total - latest))
            let events = try (1...count).map { offset in
                let sequence = latest + UInt64(offset)
                return try CloudEvent(
                    id: "\(prefix)evt-\(sequence)", source: "/jiekun/fabric-probe", type: "probe.counted",
                    subject: "probe-\(sequence % 97)", effectiveDate: "2024-03-01",
                    data: Array(#"{"n":\#(sequence)}"#.utf8))
            }
            // The ids and the sequences agree only if the journal continues where it stopped.
            let sequences = try store.writer.write { db in
                try events.map { try store.journal.append($0, to: feed, in: db) }
            }
            latest = sequences.last ?? latest
            say("PUBLISHED \(latest)")
            if batchDelay > 0 { usleep(useconds_t(batchDelay * 1000)) }
        }
        say("DONE \(latest)")
        stop.wait()
        context.shutdown()
        publisher.join()
        say("STOPPED")
    }

    /// Applies a feed, recording every event in `probe_applied`, until stopped.
    static func subscribe(_ options: [String: String], stop: StopSignal) throws {
        let logger = Logger(label: "fabric-probe.subscribe")
        let feed = try option("feed", options)
        let delay = UInt32(options["handler-delay-us"] ?? "0")!
        let store = try EventStore(
            path: try option("store", options),
            migrations: { migrator in
                migrator.registerMigration("probe.v1") { db in
                    try db.execute(sql: "CREATE TABLE probe_applied (sequence INTEGER NOT NULL, id TEXT NOT NULL)")
                }
            }, logger: logger)
        let context = try FabricContext(logger: logger)
        let subscriber = FeedSubscriber(
            store: store, context: context,
            configuration: .init(
                upstreams: [
                    .init(
                        feed: feed, publisher: "probe-publisher", endpoint: try option("live", options),
                        replayEndpoint: try option("replay", options))
                ],
                heartbeatTimeout: .milliseconds(Int(options["heartbeat-timeout-ms"] ?? "2000")!),
                batchSize: Int(options["batch"] ?? "500")!, replayTimeout: .seconds(2)),
            logger: logger
        ) { db, event in
            try db.execute(
                sql: "INSERT INTO probe_applied (sequence, id) VALUES (?, ?)",
                arguments: [Int64(event.sequence ?? 0), event.id])
            if delay > 0 { usleep(delay) }
        }
        try subscriber.start()
        say("READY")
        var reported: UInt64 = .max
        var divergence: String?
        var heard = 0
        while !stop.wait(timeout: .milliseconds(5)) {
            let statistics = subscriber.statistics(of: feed)
            if statistics.cursor != reported {
                say("APPLIED \(statistics.cursor)")
                reported = statistics.cursor
            }
            if divergence == nil, let reason = statistics.divergence {
                say("DIVERGED \(reason)")
                divergence = reason
            }
            if divergence != nil, statistics.heartbeats != heard {
                say("HEARD \(statistics.heartbeats)")
                heard = statistics.heartbeats
            }
        }
        context.shutdown()
        subscriber.join()
        say("STOPPED \(subscriber.statistics(of: feed).cursor)")
    }

    /// Reads a required option.
    static func option(_ name: String, _ options: [String: String]) throws -> String {
        guard let value = options[name] else { fail("missing --\(name)") }
        return value
    }

    /// Prints a line on stdout at once.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Prints an error and exits with status 2.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        exit(2)
    }
}

/// SIGTERM and SIGINT, turned into a flag the main thread waits on.
final class StopSignal {
    /// The flag and the semaphore the signal handler sets.
    private final class Flag: Sendable {
        let requested = Atomic<Bool>(false)
        let semaphore = DispatchSemaphore(value: 0)
    }

    private let flag = Flag()
    private let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        let flag = flag
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if !flag.requested.exchange(true, ordering: .relaxed) { flag.semaphore.signal() }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Whether a stop was requested.
    var isRequested: Bool { flag.requested.load(ordering: .relaxed) }

    /// Waits for a stop request.
    func wait() {
        if isRequested { return }
        flag.semaphore.wait()
    }

    /// Waits for a stop request at most `timeout`.
    ///
    /// - Returns: Whether a stop was requested.
    func wait(timeout: Duration) -> Bool {
        if isRequested { return true }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return flag.semaphore.wait(timeout: .now() + .milliseconds(milliseconds)) == .success || isRequested
    }
}
