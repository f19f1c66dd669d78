// The event fabric's benchmark: durable feeds against raw libzmq PUB/SUB, both sides on this machine, one run.
//
//   swift build -c release --scratch-path .build-feeds --product fabric-bench && .build-feeds/release/fabric-bench
//   options: --events N (1,000,000)  --raw-events N (1,000,000)  --size BYTES (1024)  --paced-rate N (10,000)
//
// 1. raw libzmq: a PUB thread sends N two-frame messages (topic + a 1 KiB CloudEvent) to a SUB thread over
//    loopback TCP, with unlimited high-water marks so that nothing drops; events per second from first send to
//    last receive.
// 2. durable: a producer appends N events of the same size to the publisher's journal (group commits of 500
//    events), the FeedPublisher sends them, a FeedSubscriber applies each in a transaction with its cursor and
//    the idempotency record; events per second from the first publish to the last event applied, latency from
//    the publish call to the handler (p50, p99), and the process's resident memory every 100,000 events. Both
//    stores are as the services run them (synchronous = FULL): every event is sent only after the commit that
//    journaled it was fsynced, and every batch the subscriber applies is fsynced too ("fsync before send").
// 3. the same with synchronous = NORMAL (commits not fsynced: what the fsync costs), and with fsync and one
//    event per transaction (--commit-events N events, 2,000 by default: what group commit saves).
// 4. latency at a moderate paced rate (the saturated run's latency is mostly queueing).
//
// fsync costs what the disk makes it cost: run it on the disk the stores will live on (TMPDIR=/var/lib/jiekun).
import BuildVersion
import Dispatch
import EventFabric
import Foundation
import GRDB
import Logging
import Synchronization
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
enum FabricBenchmark {
    static func main() throws {
        if BuildVersion.isRequested(by: CommandLine.arguments) {
            print(BuildVersion.line(for: "fabric-bench"))
            return
        }
        var options: [String: Int] = [
            "events": 1_000_000, "raw-events": 1_000_000, "size": 1_024, "paced-rate": 10_000,
            "commit-events": 2_000,
        ]
        let arguments = Array(CommandLine.arguments.dropFirst())
        for index in stride(from: 0, to: arguments.count - 1, by: 2) {
            options[String(arguments[index].drop { $0 == "-" })] = Int(arguments[index + 1])
        }
        let size = options["size"]!
        let sample = try makeEvent(1, size: size).sequenced(1).message()
        print("fabric-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, event \(sample[1].count) bytes")
        print("resident memory at start: \(Memory.residentMiB()) MiB")

        if options["journal-only"] != nil {
            try journalOnly(count: options["events"]!, size: size)
            return
        }
        var cpu = Memory.cpuMicroseconds()
        let raw = try rawZeroMQ(count: options["raw-events"]!, message: sample)
        let rawCPU = Double(Memory.cpuMicroseconds() - cpu) / Double(options["raw-events"]!)
        print(
            String(
                format: "raw libzmq PUB/SUB:   %10.0f events/s (%d events), %.1f µs CPU per event", raw,
                options["raw-events"]!, rawCPU))
        Memory.resetPeak()

        cpu = Memory.cpuMicroseconds()
        let durable = try durableFeed(count: options["events"]!, size: size, pacedRate: nil)
        let durableCPU = Double(Memory.cpuMicroseconds() - cpu) / Double(options["events"]!)
        print(
            String(
                format: "durable feed, fsync before send: %10.0f events/s (%d events, 500 per commit), "
                    + "%.1f µs CPU per event, latency p50 %.2f ms, p99 %.2f ms",
                durable.rate, options["events"]!, durableCPU, durable.p50, durable.p99))
        print(
            String(
                format: "ratio raw / durable:  %10.1f× (CPU per event: %.1f×)", raw / durable.rate, durableCPU / rawCPU)
        )
        print("peak resident memory of the durable run: \(Memory.peakMiB()) MiB")

        let unsynced = try durableFeed(
            count: options["events"]!, size: size, pacedRate: nil, durability: .deferred, quiet: true)
        print(
            String(
                format: "same without fsync (NORMAL): %10.0f events/s (%d events), latency p50 %.2f ms, p99 %.2f ms",
                unsynced.rate, options["events"]!, unsynced.p50, unsynced.p99))
        let commitCount = min(options["commit-events"]!, options["events"]!)
        let single = try durableFeed(count: commitCount, size: size, pacedRate: nil, batch: 1, quiet: true)
        print(
            String(
                format: "fsync before send, 1 event per commit: %10.0f events/s (%d events), latency p50 %.2f ms",
                single.rate, commitCount, single.p50))

        let pacedCount = min(100_000, options["events"]!)
        let paced = try durableFeed(count: pacedCount, size: size, pacedRate: options["paced-rate"]!)
        print(
            String(
                format: "durable feed paced at %d events/s: latency p50 %.2f ms, p99 %.2f ms (%d events)",
                options["paced-rate"]!, paced.p50, paced.p99, pacedCount))
        print("load average (other processes share these cores): \(Memory.loadAverage())")
    }

    /// A CloudEvent of about `size` bytes on the wire.
    static func makeEvent(_ number: Int, size: Int) throws -> CloudEvent {
        let padding = paddings.withLock { paddings in
            if let padding = paddings[size] { return padding }
            let padding = String(
                decoding: [UInt8](repeating: UInt8(ascii: "x"), count: max(0, size - 260)), as: UTF8.self)
            paddings[size] = padding
            return padding
        }
        return try CloudEvent(
            id: "bench-\(number)", source: "/jiekun/fabric-bench", type: "household.updated",
            subject: "530102-2024-\(100_000 + number % 100_000)", time: "2024-03-01T08:00:00Z",
            effectiveDate: "2024-03-01", data: Array(#"{"n":\#(number),"note":"\#(padding)"}"#.utf8))
    }

    /// The padding strings, by event size (made once: building a long string character by character is slow).
    static let paddings = Mutex<[Int: String]>([:])

    // MARK: Raw libzmq

    /// Sends `count` copies of a message from a PUB thread to a SUB thread; returns messages per second.
    static func rawZeroMQ(count: Int, message: [[UInt8]]) throws -> Double {
        let context = try Context()
        defer { context.terminate() }
        let publisher = try context.socket(.pub)
        let subscriber = try context.socket(.sub)
        for socket in [publisher, subscriber] {
            try socket.setLinger(.zero)
            try socket.setSendHighWaterMark(0)
            try socket.setReceiveHighWaterMark(0)
        }
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        try subscriber.subscribe("")
        try subscriber.connect(endpoint)
        // Wait for the subscription to reach the publisher: send probes until one arrives.
        while true {
            try publisher.send([Array("warmup".utf8)])
            if try subscriber.receive(timeout: .milliseconds(10)) != nil { break }
        }
        while try subscriber.receive(timeout: .milliseconds(50)) != nil {}
        let start = ContinuousClock.now
        let sender = Thread {
            for _ in 0..<count { try? publisher.send(message) }
        }
        sender.start()
        for _ in 0..<count { _ = try subscriber.receive() }
        let elapsed = ContinuousClock.now - start
        publisher.close()
        subscriber.close()
        return Double(count) / elapsed.seconds
    }

    // MARK: Journal alone

    /// Appends `count` events to a journal in batches of 500 and prints the cost of creating and of appending.
    static func journalOnly(count: Int, size: Int) throws {
        var logger = Logger(label: "fabric-bench")
        logger.logLevel = .warning
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabric-bench-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try EventStore(path: folder.appendingPathComponent("union.sqlite").path, logger: logger)
        var making = Duration.zero
        var appending = Duration.zero
        var number = 1
        while number <= count {
            let last = min(count, number + 499)
            let start = ContinuousClock.now
            let events = try (number...last).map { try makeEvent($0, size: size) }
            let made = ContinuousClock.now
            try store.publish(events, on: "housing")
            appending += ContinuousClock.now - made
            making += made - start
            number = last + 1
        }
        print(
            String(
                format: "journal only: making %.2f µs per event, appending %.2f µs per event",
                making.seconds * 1e6 / Double(count), appending.seconds * 1e6 / Double(count)))
    }

    // MARK: Durable feed

    /// The outcome of a durable run.
    struct Outcome {
        var rate: Double
        var p50: Double
        var p99: Double
    }

    /// Publish instants and apply instants per sequence, in nanoseconds since the run's start.
    final class Timings: @unchecked Sendable {
        let published: UnsafeMutableBufferPointer<UInt64>
        let applied: UnsafeMutableBufferPointer<UInt64>

        init(count: Int) {
            published = .allocate(capacity: count + 1)
            applied = .allocate(capacity: count + 1)
            published.initialize(repeating: 0)
            applied.initialize(repeating: 0)
        }

        deinit {
            published.deallocate()
            applied.deallocate()
        }
    }

    /// Runs a publisher and a subscriber (separate stores and contexts, as two services) over loopback TCP.
    ///
    /// - Parameters:
    ///   - count: The events.
    ///   - size: Their size in bytes.
    ///   - pacedRate: Events per second to publish at, or `nil` for as fast as it goes.
    ///   - durability: Both stores' (the services': ``EventStore/Durability/synced``).
    ///   - batch: Events per publishing transaction; 500, or 50 when paced.
    ///   - quiet: Whether to leave out the memory lines.
    static func durableFeed(
        count: Int, size: Int, pacedRate: Int?, durability: EventStore.Durability = .synced, batch: Int? = nil,
        quiet: Bool = false
    ) throws -> Outcome {
        var logger = Logger(label: "fabric-bench")
        logger.logLevel = .warning
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fabric-bench-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let upstreamStore = try EventStore(
            path: folder.appendingPathComponent("union.sqlite").path, durability: durability, logger: logger)
        let downstreamStore = try EventStore(
            path: folder.appendingPathComponent("housing.sqlite").path, durability: durability, logger: logger)
        let upstreamContext = try FabricContext(logger: logger)
        let downstreamContext = try FabricContext(logger: logger)
        let publisher = FeedPublisher(
            store: upstreamStore, context: upstreamContext,
            configuration: .init(
                source: "/jiekun/fabric-bench", feeds: [.init(name: "housing", endpoint: "tcp://127.0.0.1:*")],
                replayEndpoint: "tcp://127.0.0.1:*"),
            logger: logger)
        let endpoints = try publisher.start()

        let timings = Timings(count: count)
        let origin = ContinuousClock.now
        @Sendable func nanoseconds() -> UInt64 {
            let elapsed = ContinuousClock.now - origin
            return UInt64(elapsed.components.seconds) * 1_000_000_000
                + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        }
        let subscriber = FeedSubscriber(
            store: downstreamStore, context: downstreamContext,
            configuration: .init(
                upstreams: [
                    .init(feed: "housing", endpoint: endpoints.feeds["housing"]!, replayEndpoint: endpoints.replay)
                ]),
            logger: logger
        ) { _, event in
            if let sequence = event.sequence, sequence <= UInt64(count) {
                timings.applied[Int(sequence)] = nanoseconds()
            }
        }
        try subscriber.start()

        let batch = batch ?? (pacedRate == nil ? 500 : 50)
        let reports = pacedRate == nil && !quiet
        var number = 1
        var nextReport = 100_000
        let start = ContinuousClock.now
        while number <= count {
            if let pacedRate {
                let due = start + .seconds(Double(number - 1) / Double(pacedRate))
                let wait = due - .now
                if wait > .zero { usleep(UInt32(wait.seconds * 1_000_000)) }
            }
            let last = min(count, number + batch - 1)
            let events = try (number...last).map { try makeEvent($0, size: size) }
            let now = nanoseconds()
            for sequence in number...last { timings.published[sequence] = now }
            try upstreamStore.publish(events, on: "housing")
            number = last + 1
            if reports {
                // Print memory as the run goes, every 100,000 events applied.
                let applied = Int(subscriber.statistics(of: "housing").cursor)
                if applied >= nextReport {
                    print("  \(applied) applied (\(number - 1) published): resident \(Memory.residentMiB()) MiB")
                    nextReport += 100_000
                }
            }
        }
        while subscriber.statistics(of: "housing").cursor < UInt64(count) {
            let applied = Int(subscriber.statistics(of: "housing").cursor)
            if reports && applied >= nextReport {
                print("  \(applied) applied (\(count) published): resident \(Memory.residentMiB()) MiB")
                nextReport += 100_000
            }
            usleep(1_000)
        }
        let elapsed = ContinuousClock.now - start
        if reports { print("  \(count) applied: resident \(Memory.residentMiB()) MiB") }
        let statistics = subscriber.statistics(of: "housing")
        if reports {
            print(
                "  subscriber: \(statistics.applied) applied, \(statistics.replayed) by replay, \(statistics.replays) replays"
            )
        }
        upstreamContext.shutdown()
        downstreamContext.shutdown()
        publisher.join()
        subscriber.join()

        var latencies = (1...count).map { Double(timings.applied[$0] &- timings.published[$0]) / 1_000_000 }
        latencies.sort()
        return Outcome(
            rate: Double(count) / elapsed.seconds, p50: latencies[count / 2],
            p99: latencies[min(count - 1, count * 99 / 100)])
    }
}

/// The process's memory, from `/proc/self/status`.
enum Memory {
    /// `VmRSS` in MiB.
    static func residentMiB() -> Int { field("VmRSS:") / 1024 }

    /// `VmHWM` (peak resident) in MiB.
    static func peakMiB() -> Int { field("VmHWM:") / 1024 }

    /// The process's CPU time so far, user and system, all threads, in microseconds.
    static func cpuMicroseconds() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
            + Int(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }

    /// Resets `VmHWM` to the current resident size (`/proc/self/clear_refs`, value 5).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The first line of `/proc/loadavg`.
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            ?? "?"
    }

    /// A `kB` field of `/proc/self/status`.
    static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name) {
            return Int(line.dropFirst(name.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "0") ?? 0
        }
        return 0
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
