import Dispatch
import EventFabric
import Foundation
import Logging
import ServiceLifecycle
import ServiceRuntime
import Synchronization
import Testing

@Suite("Lifecycle: AgencyService in a ServiceGroup")
struct AgencyServiceTests {
    /// A running service over a real fabric context and request server on loopback.
    struct Running {
        let fabric: FabricContext
        let server: RequestServer
        let endpoint: String
    }

    /// A component whose thread "ends" when the test says so (``end()``) or when asked to stop.
    final class Flaky: FabricComponent {
        private let ended = DispatchGroup()
        private let once = Atomic<Bool>(false)

        init() { ended.enter() }

        /// Ends the "thread".
        func end() {
            if !once.exchange(true, ordering: .acquiringAndReleasing) { ended.leave() }
        }

        func joined() async {
            await withCheckedContinuation { continuation in
                ended.notify(queue: .global()) { continuation.resume() }
            }
        }

        func requestStop() { end() }
    }

    /// A component that notes in `stops` when it is asked to stop, then ends.
    final class Recording: FabricComponent {
        let name: String
        let stops: Mutex<[String]>.Box
        private let flaky = Flaky()

        init(name: String, stops: Mutex<[String]>.Box) {
            self.name = name
            self.stops = stops
        }

        func joined() async { await flaky.joined() }

        func requestStop() {
            stops.value.withLock { $0.append(name) }
            flaky.end()
        }
    }

    /// A store with the `replies` table, in a temporary folder.
    static func store(in folder: URL, logger: Logger) throws -> EventStore {
        try EventStore(
            path: folder.appendingPathComponent("housing.sqlite").path,
            migrations: { RequestServer.registerMigrations(&$0) }, logger: logger)
    }

    @Test("Graceful shutdown (as on SIGTERM) stops the request server and the ZAP handler within seconds")
    func gracefulShutdown() async throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let capture = LogCapture()
        let logger = capture.logger(agency: "housing", level: .info)
        let fabric = try FabricContext(logger: logger)
        let store = try Self.store(in: folder, logger: logger)
        let counters = Counters()
        counters.increment(Counters.Label.eventsApplied, dimensions: [("feed", "households.housing")], by: 7)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Running.self)
        let service = AgencyService(fabric: fabric, logger: logger) {
            let server = try RequestServer(
                fabric: fabric, endpoint: "tcp://127.0.0.1:*", security: .plain, store: store.writer,
                options: .init(name: "requests", heartbeatInterval: nil), logger: logger,
                handler: StatusReport.handler(
                    agency: "housing", started: Date(), counters: counters, store: store,
                    publishedFeeds: ["outcomes.housing"], consumedFeeds: ["households.housing"]))
            readyContinuation.yield(Running(fabric: fabric, server: server, endpoint: server.endpoint))
            return .init(
                components: [.init(name: "request server", component: server)],
                summary: ReadySummary(agency: "housing", requests: server.endpoint, insecure: true))
        }
        let group = ServiceRunner.makeGroup(
            services: [service], logger: logger, maximumGracefulShutdownDuration: .seconds(5))
        let run = Task { try await group.run() }

        var iterator = ready.makeAsyncIterator()
        let running = try #require(await iterator.next())
        #expect(running.endpoint.hasPrefix("tcp://127.0.0.1:"))

        // The status request answers from the counters and the store.
        let clientFabric = try FabricContext(logger: logger)
        let client = try RequestClient(
            fabric: clientFabric, endpoint: running.endpoint, security: .plain, options: .init(), logger: logger)
        let reply = try await client.request(StatusReport.operation, body: [])
        #expect(reply.status == .ok)
        let report = try StatusReport.decode(reply.body)
        #expect(report.agency == "housing")
        #expect(report.feeds["households.housing"]?.applied == 7)
        #expect(report.journal == ["outcomes.housing": 0])
        #expect(report.cursors == ["households.housing": 0], "a consumed feed with nothing applied yet is at 0")
        let unknown = try await client.request("household.register", body: [])
        #expect(unknown.status == .refused)
        client.close()
        clientFabric.shutdown()

        let clock = ContinuousClock()
        let began = clock.now
        await group.triggerGracefulShutdown()
        try await run.value
        #expect(clock.now - began < .seconds(4))
        #expect(!running.server.isRunning)
        #expect(!fabric.authenticator.isRunning)
        let log = capture.text
        #expect(log.contains(#"msg="jiekun housing ready: requests tcp://127.0.0.1:"#))
        #expect(log.contains(#"msg="jiekun housing stopping""#))
        #expect(log.contains(#"msg="jiekun stopped""#))
        #expect(!log.contains("level=warning") && !log.contains("level=error"), "\(log)")
    }

    @Test("Graceful shutdown stops the components one by one in reverse order of their start")
    func reverseOrder() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        let fabric = try FabricContext(logger: logger)
        let stops = Mutex<[String]>.Box([])
        let names = ["WAL checkpointer", "feed publisher", "feed subscriber", "request server"]
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let service = AgencyService(fabric: fabric, logger: logger) {
            readyContinuation.yield()
            return .init(
                components: names.map { .init(name: $0, component: Recording(name: $0, stops: stops)) },
                summary: .init(agency: "housing"))
        }
        try await RuntimeTestKit.runUntilReady(service, ready: ready, logger: logger)
        #expect(
            stops.value.withLock { $0 } == ["request server", "feed subscriber", "feed publisher", "WAL checkpointer"])
        #expect(!fabric.authenticator.isRunning, "the context, started first, is shut down last")
        #expect(capture.text.contains(#"msg="jiekun housing stopping""#))
    }

    @Test(
        "Cancellation stops the service too, components the context does not reach included",
        .timeLimit(.minutes(1)))
    func cancellation() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        let fabric = try FabricContext(logger: logger)
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let stops = Mutex<[String]>.Box([])
        let service = AgencyService(fabric: fabric, logger: logger) {
            readyContinuation.yield()
            // Like the WAL checkpointer: its thread ends only when asked, not when the context is shut down.
            return .init(
                components: [
                    .init(name: "WAL checkpointer", component: Recording(name: "WAL checkpointer", stops: stops))
                ],
                summary: ReadySummary(agency: "housing"))
        }
        let run = Task { try await service.run() }
        var iterator = ready.makeAsyncIterator()
        _ = await iterator.next()
        run.cancel()
        try await run.value
        #expect(stops.value.withLock { $0 } == ["WAL checkpointer"])
        #expect(!fabric.authenticator.isRunning)
        #expect(capture.text.contains(#"msg="jiekun housing ready: no endpoint""#))
    }

    @Test("A failed start is reported, and the context shut down")
    func failedStart() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        let fabric = try FabricContext(logger: logger)
        let service = AgencyService(fabric: fabric, logger: logger) { throw UnbindableEndpoint() }
        let group = ServiceRunner.makeGroup(services: [service], logger: logger)
        await #expect(throws: UnbindableEndpoint.self) { try await group.run() }
        #expect(!fabric.authenticator.isRunning)
        #expect(capture.text.contains("error.type=ServiceRuntimeTests.UnbindableEndpoint "))
    }

    @Test("A component that stops on its own stops the service with an error")
    func componentStopped() async throws {
        let capture = LogCapture()
        let logger = capture.logger()
        let fabric = try FabricContext(logger: logger)
        let flaky = Flaky()
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Void.self)
        let service = AgencyService(fabric: fabric, logger: logger) {
            readyContinuation.yield()
            return .init(
                components: [.init(name: "feed subscriber", component: flaky)], summary: .init(agency: "housing"))
        }
        let group = ServiceRunner.makeGroup(services: [service], logger: logger)
        let run = Task { try await group.run() }
        var iterator = ready.makeAsyncIterator()
        _ = await iterator.next()
        flaky.end()
        await #expect(throws: AgencyServiceError.componentStopped("feed subscriber")) { try await run.value }
        #expect(!fabric.authenticator.isRunning)
    }
}

extension Mutex where Value: Sendable {
    /// A mutex to share between components.
    final class Box: Sendable {
        let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
    }
}

/// A start that fails.
struct UnbindableEndpoint: Error {}
