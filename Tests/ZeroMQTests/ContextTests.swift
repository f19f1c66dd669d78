import Dispatch
import Testing
import ZeroMQ

@Suite("Context")
struct ContextTests {
    @Test("Shutting the context down unblocks a receive blocked on another thread with ETERM")
    func shutdownUnblocksReceive() throws {
        let context = try Context()
        let pull = try context.makeSocket(.pull)
        _ = try pull.bindLoopback()
        let aboutToBlock = DispatchSemaphore(value: 0)

        // The socket is handed over to the receiving thread, which owns it from then on and closes it.
        let receiver = ThreadRun<String> {
            defer { pull.close() }
            aboutToBlock.signal()
            do {
                _ = try pull.receive()
                return "received a message"
            } catch ZMQError.contextTerminated {
                return "contextTerminated"
            }
        }
        #expect(aboutToBlock.wait(timeout: .now() + .seconds(10)) == .success)
        // Whether the thread is already inside zmq_msg_recv or about to enter it, the receive fails with ETERM:
        // a shut-down context fails current and later blocking calls alike.
        context.shutdown()
        let outcome = try #require(receiver.wait(timeout: generousTimeout))
        #expect(try outcome.get() == "contextTerminated")

        // With its only socket closed, the context terminates at once and creates no more sockets.
        context.terminate()
        #expect(throws: ZMQError.contextTerminated) { _ = try context.socket(.pair) }
    }

    @Test("After shutdown, sending and polling fail with ETERM too, while closing still works")
    func shutdownFailsLaterCalls() throws {
        let context = try Context()
        let push = try context.makeSocket(.push)
        let pull = try context.makeSocket(.pull)
        try push.connect(try pull.bindLoopback())
        context.shutdown()
        context.shutdown()  // idempotent
        #expect(throws: ZMQError.contextTerminated) { try push.send("late") }
        #expect(throws: ZMQError.contextTerminated) { _ = try pull.receive(timeout: .seconds(1)) }
        push.close()
        pull.close()
        #expect(throws: ZMQError.notASocket) { try push.send("closed") }
        context.terminate()
        context.terminate()  // idempotent
    }

    @Test("The library is libzmq 4.3 or later, with CURVE")
    func versionAndCapabilities() {
        #expect(ZMQ.version.major == 4)
        #expect(ZMQ.version.minor >= 3)
        #expect(ZMQ.has("curve"))
        #expect(!ZMQ.has("no-such-capability"))
    }
}
