import EventFabric
import Foundation
import Logging
import ServiceRuntime
import Testing
import ZeroMQ

@Suite("Errors: an endpoint that cannot be bound names its configuration key")
struct EndpointBindErrorTests {
    @Test(
        "each listener's key",
        arguments: [
            (
                EndpointBindError.Listener.feed("households.housing"), "tcp://0.0.0.0:7113",
                "listen.feeds.households.housing.endpoint: tcp://0.0.0.0:7113 is in use"
            ),
            (.replay, "tcp://0.0.0.0:7100", "listen.replay: tcp://0.0.0.0:7100 is in use"),
            (.requests, "tcp://0.0.0.0:7101", "listen.requests: tcp://0.0.0.0:7101 is in use"),
        ])
    func inUse(listener: EndpointBindError.Listener, endpoint: String, line: String) {
        let error = EndpointBindError(listener: listener, endpoint: endpoint, cause: .addressInUse)
        #expect(error.isAddressInUse)
        #expect(error.explanation == line)
    }

    @Test("another cause is named by libzmq's reason")
    func otherCause() {
        let error = EndpointBindError(
            listener: .requests, endpoint: "tcp://10.9.9.9:7101", cause: ZMQError(code: 99, message: "no such address"))
        #expect(error.explanation == "listen.requests: cannot bind tcp://10.9.9.9:7101: no such address")
    }

    @Test("the request server and the publisher's replay and feed endpoints throw it for a port in use")
    func components() throws {
        let folder = try RuntimeTestKit.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logger = Logger(label: "jiekun.tests") { _ in SwiftLogNoOpLogHandler() }
        let fabric = try FabricContext(logger: logger)
        defer { fabric.shutdown() }
        let holder = try fabric.context.socket(.pull)
        try holder.setLinger(.zero)
        defer { holder.close() }
        let held = try holder.bind("tcp://127.0.0.1:*")
        let store = try AgencyServiceTests.store(in: folder, logger: logger)

        #expect(throws: EndpointBindError(listener: .requests, endpoint: held, cause: .addressInUse)) {
            _ = try RequestServer(
                fabric: fabric, endpoint: held, security: .plain, store: store.writer, logger: logger
            ) { _, _ in .ok([]) }
        }
        let replay = FeedPublisher(
            store: store, context: fabric,
            configuration: .init(source: "/jiekun/tests", feeds: [], replayEndpoint: held), logger: logger)
        #expect(throws: EndpointBindError(listener: .replay, endpoint: held, cause: .addressInUse)) {
            try replay.start()
        }
        let feed = FeedPublisher(
            store: store, context: fabric,
            configuration: .init(
                source: "/jiekun/tests", feeds: [.init(name: "outcomes.housing", endpoint: held)],
                replayEndpoint: "tcp://127.0.0.1:*"),
            logger: logger)
        #expect(throws: EndpointBindError(listener: .feed("outcomes.housing"), endpoint: held, cause: .addressInUse)) {
            try feed.start()
        }
    }
}
