import Dispatch
import EventFabric
import Foundation
import GRDB
import InMemoryLogging
import Logging
import Synchronization
import TestSupport
import Testing
import ZeroMQ

@Suite("Request/reply")
struct RequestReplyTests {
    /// The operations of the test server, counting their executions.
    final class Operations: Sendable {
        /// Operation → executions.
        private let executions = Mutex<[String: Int]>([:])
        /// Released by the test to let a `slow` operation finish.
        let gate = DispatchSemaphore(value: 0)
        /// Signalled when a `slow` operation starts.
        let entered = DispatchSemaphore(value: 0)

        func count(_ operation: String) -> Int { executions.withLock { $0[operation, default: 0] } }

        /// The handler: `register` inserts a household row, `count` answers how many there are, `whoami` answers
        /// the peer, `slow` waits for the gate, `big` answers 256 KiB, `boom` inserts then throws, `deny` refuses,
        /// anything else echoes.
        var handler: RequestServer.Handler {
            { [self] request, db in
                executions.withLock { $0[request.operation, default: 0] += 1 }
                switch request.operation {
                case "register":
                    let id = String(decoding: request.body, as: UTF8.self)
                    try db.execute(sql: "INSERT INTO households (id) VALUES (?)", arguments: [id])
                    return .ok(Array("registered \(id)".utf8))
                case "count":
                    let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM households") ?? 0
                    return .ok(Array("\(count)".utf8))
                case "whoami":
                    return .ok(Array((request.peer ?? "-").utf8))
                case "slow":
                    entered.signal()
                    _ = gate.wait(timeout: .now() + .seconds(10))
                    return .ok(Array("slow".utf8))
                case "big":
                    return .ok([UInt8](repeating: 0x2A, count: 256 << 10))
                case "boom":
                    try db.execute(sql: "INSERT INTO households (id) VALUES ('boom')")
                    struct Boom: Error {}
                    throw Boom()
                case "deny":
                    return .refused(Array("not yours".utf8))
                default:
                    return .ok(request.body)
                }
            }
        }
    }

    /// A temporary SQLite store (WAL) with the `replies` table and a `households` table.
    final class Store {
        let directory: URL
        let pool: DatabasePool

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-rr-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try Self.open(directory)
        }

        /// Opens (and migrates) the store in `directory`.
        static func open(_ directory: URL) throws -> DatabasePool {
            let pool = try DatabasePool(path: directory.appendingPathComponent("service.sqlite").path)
            var migrator = DatabaseMigrator()
            RequestServer.registerMigrations(&migrator)
            migrator.registerMigration("test.households") { db in
                try db.create(table: "households") { $0.column("id", .text).primaryKey() }
            }
            try migrator.migrate(pool)
            return pool
        }

        func households() throws -> [String] {
            try pool.read { try String.fetchAll($0, sql: "SELECT id FROM households ORDER BY id") }
        }

        deinit {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// A CURVE server on a loopback port, whose ZAP handler admits one key (`union`, named `union-registry`).
    struct CurveFixture {
        let fabric: FabricContext
        let store: Store
        let operations = Operations()
        let serverKeys: CurveKeyPair
        let union: CurveKeyPair
        let server: RequestServer

        init() throws {
            fabric = try FabricTesting.fabric()
            store = try Store()
            serverKeys = try CurveKeyPair.generate()
            union = try CurveKeyPair.generate()
            server = try RequestServer(
                fabric: fabric, endpoint: "tcp://127.0.0.1:*",
                security: .curveServer(
                    keyPair: serverKeys, domain: "intake", admitted: [union.publicKey: "union-registry"]),
                store: store.pool, logger: FabricTesting.logger(nil), handler: operations.handler
            )
        }

        func client(_ security: EndpointSecurity, timeout: Duration, retries: Int) throws -> RequestClient {
            try RequestClient(
                fabric: fabric, endpoint: server.endpoint, security: security,
                options: RequestClient.Options(timeout: timeout, retries: retries), logger: FabricTesting.logger(nil)
            )
        }

        func close() {
            server.stop()
            FabricTesting.shutDown(fabric)
        }
    }

    /// A plain fabric, a store, the operations and a server on a loopback port.
    struct Fixture {
        let logs = InMemoryLogHandler()
        let fabric: FabricContext
        let store: Store
        let operations = Operations()
        let server: RequestServer

        init(options: RequestServer.Options = RequestServer.Options(name: "test")) throws {
            fabric = try FabricTesting.fabric(logs: logs)
            store = try Store()
            server = try RequestServer(
                fabric: fabric, endpoint: "tcp://127.0.0.1:*", security: .plain, store: store.pool, options: options,
                logger: FabricTesting.logger(logs), handler: operations.handler
            )
        }

        func client(timeout: Duration = .seconds(5), retries: Int = 0, clientID: String? = nil) throws -> RequestClient
        {
            try RequestClient(
                fabric: fabric, endpoint: server.endpoint, security: .plain,
                clientID: clientID ?? RequestClient.makeClientID(prefix: "test"),
                options: RequestClient.Options(timeout: timeout, retries: retries), logger: FabricTesting.logger(logs)
            )
        }

        /// A raw DEALER connected to the server, for hand-made frames.
        func rawDealer() throws -> Socket {
            let dealer = try fabric.socket(.dealer, security: .plain)
            try dealer.setLinger(.zero)
            try dealer.connect(server.endpoint)
            return dealer
        }

        func close() {
            server.stop()
            FabricTesting.shutDown(fabric)
        }
    }

    @Test("A request is executed and answered; numbers increase per client")
    func roundTrip() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let client = try fixture.client()
        defer { client.close() }
        #expect(client.clientID.hasPrefix("test-"))
        #expect(client.nextRequestNumber == 1)

        let reply = try client.request("register", body: Array("H-1".utf8))
        #expect(reply == .ok(Array("registered H-1".utf8)))
        #expect(client.nextRequestNumber == 2)
        #expect(try client.request("echo", body: []) == .ok())
        #expect(try client.request("deny", body: []) == .refused(Array("not yours".utf8)))
        #expect(try fixture.store.households() == ["H-1"])
        #expect(fixture.server.statistics.executed == 3)
    }

    @Test("Over CURVE the handler sees the requester's peer name; the async call runs off the pool")
    func curvePeerName() async throws {
        let fixture = try CurveFixture()
        defer { fixture.close() }
        let client = try fixture.client(
            .curveClient(keyPair: fixture.union, serverPublicKey: fixture.serverKeys.publicKey), timeout: .seconds(5),
            retries: 1)
        defer { client.close() }
        let reply = try await client.request("whoami", body: [])
        #expect(reply == .ok(Array("union-registry".utf8)))
    }

    @Test(
        "A refused handshake fails the request at once, not after every attempt: another mechanism, an unknown key",
        arguments: ["plain", "stranger"])
    func refusedHandshake(client kind: String) throws {
        let fixture = try CurveFixture()
        defer { fixture.close() }
        let security: EndpointSecurity =
            kind == "plain"
            ? .plain
            : .curveClient(keyPair: try CurveKeyPair.generate(), serverPublicKey: fixture.serverKeys.publicKey)
        // Each attempt would wait 20 s: a client that waited for the timeouts would throw `RequestTimeoutError`.
        let client = try fixture.client(security, timeout: .seconds(20), retries: 2)
        defer { client.close() }
        let expected = RequestHandshakeError(
            endpoint: fixture.server.endpoint, reason: kind == "plain" ? .mechanismMismatch : .refused(statusCode: 400))
        #expect(throws: expected) { try client.request("whoami", body: []) }
        #expect(fixture.operations.count("whoami") == 0)
        #expect(
            "\(expected)".hasPrefix(
                kind == "plain"
                    ? "the service at \(fixture.server.endpoint) uses another security mechanism than this client"
                    : "the service at \(fixture.server.endpoint) refused this client's public key (ZAP status 400)"))
    }

    @Test("A client with the wrong server key stops after five closed handshakes, and says which key to check")
    func wrongServerKey() throws {
        let fixture = try CurveFixture()
        defer { fixture.close() }
        // The server cannot open the client's HELLO and closes the connection: libzmq tells the client no more.
        // Each attempt would wait 20 s: a client that waited for the timeouts would throw `RequestTimeoutError`.
        let client = try fixture.client(
            .curveClient(keyPair: fixture.union, serverPublicKey: try CurveKeyPair.generate().publicKey),
            timeout: .seconds(20), retries: 2)
        defer { client.close() }
        let expected = RequestHandshakeError(
            endpoint: fixture.server.endpoint, reason: .closed(handshakes: RequestHandshakeError.closedInARow))
        #expect(throws: expected) { try client.request("whoami", body: []) }
        #expect("\(expected)".hasSuffix("most likely not this service's, or this is not its request endpoint"))
        #expect(fixture.operations.count("whoami") == 0)
    }

    @Test("A timeout says whether anything accepted the connection")
    func timeoutSaysWhetherConnected() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        // Nothing listens there. (Not a closed loopback port: a TCP connection to a free local port can, now and
        // then, connect to itself.)
        let endpoint = "ipc://\(FileManager.default.temporaryDirectory.path)/jiekun-nothing-\(UUID().uuidString)"
        let client = try RequestClient(
            fabric: fabric, endpoint: endpoint, security: .plain,
            options: RequestClient.Options(timeout: .milliseconds(300), retries: 0), logger: FabricTesting.logger(nil)
        )
        defer { client.close() }
        #expect {
            try client.request("whoami", body: [])
        } throws: { error in
            guard let timeout = error as? RequestTimeoutError else { return false }
            return !timeout.connected
                && "\(timeout)".hasSuffix(
                    "nothing accepted a connection there: is the service running, and is this its endpoint?")
        }
    }

    @Test("A client told not to retry unconnected gives up after one attempt when nothing accepts a connection")
    func unconnectedNotRetried() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        let endpoint = "ipc://\(FileManager.default.temporaryDirectory.path)/jiekun-nothing-\(UUID().uuidString)"
        let client = try RequestClient(
            fabric: fabric, endpoint: endpoint, security: .plain,
            options: RequestClient.Options(timeout: .milliseconds(300), retries: 3, retriesUnconnected: false),
            logger: FabricTesting.logger(nil))
        defer { client.close() }
        #expect {
            try client.request("whoami", body: [])
        } throws: { error in
            guard let timeout = error as? RequestTimeoutError else { return false }
            return timeout.attempts == 1 && !timeout.connected
        }
    }

    @Test("A reply lost on the way is retried by the client and answered from the store: executed once")
    func droppedReplyRetried() throws {
        let dropped = Atomic<Bool>(false)
        var options = RequestServer.Options(name: "test")
        options.dropsReply = { _ in !dropped.exchange(true, ordering: .relaxed) }  // the first reply only
        let fixture = try Fixture(options: options)
        defer { fixture.close() }
        let client = try fixture.client(timeout: .milliseconds(300), retries: 5)
        defer { client.close() }

        let reply = try client.request("register", body: Array("H-7".utf8))
        #expect(reply == .ok(Array("registered H-7".utf8)))
        #expect(fixture.operations.count("register") == 1)
        #expect(try fixture.store.households() == ["H-7"])
        #expect(fixture.server.statistics.replayed >= 1)
        #expect(fixture.logs.entries.contains { $0.message == "No reply in time; retrying" })

        // The next request works at once.
        #expect(try client.request("register", body: Array("H-8".utf8)) == .ok(Array("registered H-8".utf8)))
        #expect(fixture.operations.count("register") == 2)
    }

    @Test("A request retried after a server restart (same SQLite file) gets the stored reply, not a re-execution")
    func restartAnswersFromStore() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        let directory: URL
        let operations = Operations()
        var options = RequestServer.Options(name: "before-restart")
        options.dropsReply = { _ in true }  // executed and committed, but the reply never leaves: a crash after commit
        let store = try Store()
        directory = store.directory
        let first = try RequestServer(
            fabric: fabric, endpoint: "tcp://127.0.0.1:*", security: .plain, store: store.pool, options: options,
            logger: FabricTesting.logger(nil), handler: operations.handler
        )
        let endpoint = first.endpoint
        let client = try RequestClient(
            fabric: fabric, endpoint: endpoint, security: .plain,
            options: RequestClient.Options(timeout: .milliseconds(300), retries: 30), logger: FabricTesting.logger(nil)
        )
        defer { client.close() }
        let call = BackgroundWork { try client.request("register", body: Array("H-9".utf8)) }

        #expect(waitUntil { first.statistics.executed == 1 })
        #expect(first.stop())

        // The restarted service: the same endpoint, the same file, opened afresh.
        let reopened = try Store.open(directory)
        let second = try RequestServer(
            fabric: fabric, endpoint: endpoint, security: .plain, store: reopened,
            options: RequestServer.Options(name: "after-restart"), logger: FabricTesting.logger(nil),
            handler: operations.handler
        )
        defer { second.stop() }
        let reply = try #require(call.wait()).get()
        #expect(reply == .ok(Array("registered H-9".utf8)))
        #expect(operations.count("register") == 1)
        #expect(second.statistics.executed == 0)
        #expect(second.statistics.replayed >= 1)
        #expect(try store.households() == ["H-9"])
    }

    @Test("A reply to a vanished client is dropped without blocking; the next client is served promptly")
    func vanishedClient() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        // Client A asks for something slow, then disappears (its own fabric shuts down, its socket closes).
        let elsewhere = try FabricTesting.fabric()
        let vanishing = try RequestClient(
            fabric: elsewhere, endpoint: fixture.server.endpoint, security: .plain,
            options: RequestClient.Options(timeout: .seconds(10), retries: 0), logger: FabricTesting.logger(nil)
        )
        let call = BackgroundWork { try vanishing.request("slow", body: []) }
        #expect(fixture.operations.entered.wait(timeout: .now() + .seconds(10)) == .success)
        FabricTesting.shutDown(elsewhere)
        #expect {
            try #require(call.wait()).get()
        } throws: { $0 as? ZMQError == .contextTerminated }
        vanishing.close()
        fixture.operations.gate.signal()

        // Client B is served promptly.
        let start = ContinuousClock.now
        let client = try fixture.client(timeout: .seconds(5))
        defer { client.close() }
        #expect(try client.request("echo", body: Array("B".utf8)) == .ok(Array("B".utf8)))
        // Well under the client's 5 s timeout: a blocked server would never answer.
        #expect(ContinuousClock.now - start < .seconds(4))
        #expect(fixture.operations.count("slow") == 1)
        #expect(fixture.server.statistics.executed == 2)
    }

    @Test("A client that stops reading gets its replies dropped at the high-water mark; the server never blocks")
    func slowReaderDropped() throws {
        var options = RequestServer.Options(name: "test")
        options.sendHighWaterMark = 1
        let fixture = try Fixture(options: options)
        defer { fixture.close() }
        // A raw client sends the same `big` request 200 times and never reads: 50 MiB of replies.
        let dealer = try fixture.rawDealer()
        defer { dealer.close() }
        try dealer.setReceiveHighWaterMark(1)
        let request: [[UInt8]] = ["JKREQ1", "reader", "1", "big", ""].map { Array($0.utf8) }
        for _ in 0..<200 { try dealer.send(request) }

        #expect(waitUntil { fixture.server.statistics.repliesDropped > 0 })
        let client = try fixture.client(timeout: .seconds(5))
        defer { client.close() }
        #expect(try client.request("echo", body: Array("still here".utf8)) == .ok(Array("still here".utf8)))
        #expect(fixture.operations.count("big") == 1)
        #expect(fixture.logs.entries.contains { $0.message == "Reply dropped: the client is gone or not reading" })
    }

    /// Malformed requests, each with the reason it is refused.
    static let malformed: [(frames: [String], reason: String)] = [
        (["JKREQ1", "c"], "expected 5 frames"),
        (["JKREQ1", "c", "1", "op", "body", "extra"], "expected 5 frames"),
        (["JKREQ9", "c", "1", "op", ""], "unknown version tag"),
        (["JKREQ1", "c", "12a", "op", ""], "not a positive decimal"),
        (["JKREQ1", "c", "-1", "op", ""], "not a positive decimal"),
        (["JKREQ1", "c", "0", "op", ""], "not a positive decimal"),
        (["JKREQ1", "c", "99999999999999999999", "op", ""], "not a positive decimal"),
        (["JKREQ1", "", "1", "op", ""], "client id"),
        (["JKREQ1", "c", "1", "", ""], "operation"),
    ]

    @Test("Malformed requests are refused, counted and logged; the server keeps serving")
    func malformedRefused() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let dealer = try fixture.rawDealer()
        defer { dealer.close() }
        for (frames, reason) in Self.malformed {
            try dealer.send(frames)
            let reply = try #require(try dealer.receive(timeout: FabricTesting.generous), "\(frames)")
            #expect(reply.count == 5)
            #expect(String(decoding: reply[0], as: UTF8.self) == "JKREP1")
            #expect(String(decoding: reply[3], as: UTF8.self) == "refused")
            #expect(String(decoding: reply[4], as: UTF8.self).contains(reason), "\(frames)")
        }
        #expect(fixture.server.statistics.refused == Self.malformed.count)
        #expect(fixture.server.statistics.executed == 0)
        #expect(
            fixture.logs.entries.filter { $0.message == "Request refused: malformed" }.count == Self.malformed.count)

        // A request number reused for another operation is refused too.
        try dealer.send(["JKREQ1", "c", "1", "echo", "x"])
        #expect(try dealer.receive(timeout: FabricTesting.generous)?[3] == Array("ok".utf8))
        try dealer.send(["JKREQ1", "c", "1", "register", "x"])
        #expect(try dealer.receive(timeout: FabricTesting.generous)?[3] == Array("refused".utf8))
        #expect(fixture.server.statistics.refused == Self.malformed.count + 1)

        let client = try fixture.client()
        defer { client.close() }
        #expect(try client.request("echo", body: Array("fine".utf8)) == .ok(Array("fine".utf8)))
    }

    @Test("A handler that throws rolls its transaction back, answers error, and a retry executes afresh")
    func handlerFailureRollsBack() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let dealer = try fixture.rawDealer()
        defer { dealer.close() }
        for attempt in 1...2 {
            try dealer.send(["JKREQ1", "c", "1", "boom", ""])
            let reply = try #require(try dealer.receive(timeout: FabricTesting.generous))
            #expect(reply[3] == Array("error".utf8))
            #expect(fixture.operations.count("boom") == attempt)
        }
        #expect(try fixture.store.households().isEmpty)
        #expect(fixture.server.statistics.failed == 2)
        let failure = try #require(fixture.logs.entries.first { $0.message.description.hasPrefix("Request failed") })
        #expect(failure.metadata["error.type"]?.description.contains("Boom") == true)
    }

    @Test("A request over the size limit gets a reply naming its size and the limit; the server keeps serving")
    func oversizedRefused() throws {
        let fixture = try Fixture()  // the default limit: 1 MiB
        defer { fixture.close() }
        let client = try fixture.client(clientID: "test-client")
        defer { client.close() }
        let body = [UInt8](repeating: 0x2A, count: 3 << 20)
        let reply = try client.request("echo", body: body)
        // The frames: JKREQ1 (6 bytes), the client id (11), the number 1 (1), echo (4), and the 3 MiB body.
        let size = 6 + 11 + 1 + 4 + (3 << 20)
        #expect(size == 3_145_750)
        #expect(reply.status == .refused)
        #expect(
            String(decoding: reply.body, as: UTF8.self)
                == #"{"reason":"the request is 3.0 MiB (3145750 bytes), over this service's limit of 1 MiB (1048576 bytes): send it in smaller parts"}"#
        )
        #expect(fixture.operations.count("echo") == 0)
        #expect(fixture.server.statistics.refused == 1)
        #expect(fixture.logs.entries.contains { $0.message == "Request refused: over the size limit" })
        #expect(try client.request("echo", body: Array("fine".utf8)) == .ok(Array("fine".utf8)))
    }

    @Test(
        "Sizes in replies, in MiB",
        arguments: [(Int64(1 << 20), "1 MiB"), (32 << 20, "32 MiB"), (50_000_000, "47.7 MiB"), (3_145_750, "3.0 MiB")])
    func mebibytes(bytes: Int64, text: String) {
        #expect(RequestServer.mebibytes(bytes) == text)
    }

    @Test("A full store answers that it is full (disk), and the log names the cause")
    func fullStore() throws {
        let fixture = try Fixture(options: .init(name: "test", storeOwner: "the union"))
        defer { fixture.close() }
        // The store may grow by no page: an insert that needs one fails with SQLITE_FULL, as on a full disk.
        try fixture.store.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let client = try fixture.client()
        defer { client.close() }
        let reply = try client.request("register", body: Array(String(repeating: "x", count: 64 << 10).utf8))
        #expect(reply.status == .error)
        #expect(String(decoding: reply.body, as: UTF8.self) == #"{"reason":"the union's store is full (disk)"}"#)
        #expect(try fixture.store.households().isEmpty)
        let failure = try #require(fixture.logs.entries.first { $0.message.description.hasPrefix("Request failed") })
        #expect(failure.level == .error)
        #expect(failure.message == "Request failed: the store is full (disk); its transaction was rolled back")
        #expect(failure.metadata["error.cause"] == "13 (database or disk is full)")
    }

    @Test("A query runs in a read transaction, unstored: a retry is answered anew, and it cannot write")
    func queriesOnlyRead() throws {
        let fixture = try Fixture(options: RequestServer.Options(name: "test", queries: ["count", "register"]))
        defer { fixture.close() }
        let dealer = try fixture.rawDealer()
        defer { dealer.close() }
        // `register` declared a query: its insert fails on the read-only transaction, nothing is written.
        try dealer.send(["JKREQ1", "c", "1", "register", "H-1"])
        #expect(try #require(try dealer.receive(timeout: FabricTesting.generous))[3] == Array("error".utf8))
        #expect(try fixture.store.households().isEmpty)
        try fixture.store.pool.write { db in try db.execute(sql: "INSERT INTO households (id) VALUES ('H-2')") }
        for attempt in 1...2 {
            try dealer.send(["JKREQ1", "c", "2", "count", ""])  // the same number: a retry
            let reply = try #require(try dealer.receive(timeout: FabricTesting.generous))
            #expect(reply[3] == Array("ok".utf8) && reply[4] == Array("1".utf8))
            #expect(fixture.operations.count("count") == attempt, "a retried query is executed again")
        }
        let stored = try fixture.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM replies") }
        #expect(stored == 0)
        #expect(fixture.server.statistics.executed == 2 && fixture.server.statistics.failed == 1)
    }

    @Test("With no reply at all, the client resends the same request, then throws a clear timeout error")
    func timeoutAfterRetries() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        let silent = try fabric.socket(.router, security: .plain)
        defer { silent.close() }
        let endpoint = try silent.bind("tcp://127.0.0.1:*")
        let client = try RequestClient(
            fabric: fabric, endpoint: endpoint, security: .plain, clientID: "cli-timeout",
            options: RequestClient.Options(timeout: .milliseconds(150), retries: 2), logger: FabricTesting.logger(nil)
        )
        defer { client.close() }
        #expect {
            try client.request("register", body: [])
        } throws: { error in
            guard let timeout = error as? RequestTimeoutError else { return false }
            return timeout.attempts == 3 && timeout.requestNumber == 1 && timeout.operation == "register"
                && "\(timeout)".contains(endpoint) && timeout.connected
                && "\(timeout)".hasSuffix(
                    "the service accepted the connection but did not answer: is it overloaded, "
                        + "or is this another kind of endpoint?")
        }
        var received: [[[UInt8]]] = []
        while let message = try silent.receive(timeout: .milliseconds(100)) { received.append(message) }
        #expect(received.count == 3)
        #expect(Set(received.map { Array($0.dropFirst()) }).count == 1)  // the same request each time
        #expect(client.nextRequestNumber == 2)
    }

    @Test("Cancelling the task abandons an async request promptly")
    func asyncCancellation() async throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        let silent = try fabric.socket(.router, security: .plain)
        defer { silent.close() }
        let endpoint = try silent.bind("tcp://127.0.0.1:*")
        let client = try RequestClient(
            fabric: fabric, endpoint: endpoint, security: .plain,
            options: RequestClient.Options(timeout: .seconds(30), retries: 0), logger: FabricTesting.logger(nil)
        )
        defer { client.close() }
        let task = Task { try await client.request("echo", body: []) }
        task.cancel()
        let start = ContinuousClock.now
        await #expect(throws: CancellationError.self) { try await task.value }
        // Far sooner than the request's 30 s timeout (the bound leaves room for a loaded machine).
        #expect(ContinuousClock.now - start < .seconds(15))
    }

    @Test("A server refuses to start on a store without the replies table")
    func missingMigration() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        let queue = try DatabaseQueue()
        #expect(throws: RequestServerError.repliesTableMissing) {
            _ = try RequestServer(
                fabric: fabric, endpoint: "tcp://127.0.0.1:*", security: .plain, store: queue,
                logger: FabricTesting.logger(nil), handler: { _, _ in .ok() }
            )
        }
    }
}
