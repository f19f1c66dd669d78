import Testing
import ZeroMQ

@Suite("Poller")
struct PollerTests {
    @Test("A poller reports which of two sockets are readable, and times out with none")
    func readabilityAcrossTwoSockets() throws {
        let context = try Context()
        let first = try context.makeSocket(.pull)
        let second = try context.makeSocket(.pull)
        let firstPush = try context.makeSocket(.push)
        let secondPush = try context.makeSocket(.push)
        try firstPush.connect(try first.bindLoopback())
        try secondPush.connect(try second.bindLoopback())
        var poller = Poller()
        poller.register(first)
        poller.register(second)

        let clock = ContinuousClock()
        var ready: [PollResult] = []
        let waited = try clock.measure { ready = try poller.poll(timeout: .milliseconds(100)) }
        #expect(ready.isEmpty)
        #expect(waited >= .milliseconds(90))

        try secondPush.send("to the second")
        ready = try poller.poll(timeout: generousTimeout)
        #expect(ready.map(\.index) == [1])
        #expect(ready.first?.socket === second)
        #expect(ready.first?.events == .readable)

        #expect(try second.receive(flags: .dontWait) == [Array("to the second".utf8)])
        try firstPush.send("to the first")
        ready = try poller.poll(timeout: generousTimeout)
        #expect(ready.map(\.index) == [0])
        #expect(try first.receive(flags: .dontWait) == [Array("to the first".utf8)])
        #expect(try poller.poll(timeout: .zero).isEmpty)
        #expect(throws: ZMQError.wouldBlock) { _ = try first.receive(flags: .dontWait) }
    }

    @Test("A poller reports writability, and a socket's own poll and events agree")
    func writability() throws {
        let context = try Context()
        let pull = try context.makeSocket(.pull)
        let push = try context.makeSocket(.push)
        try push.connect(try pull.bindLoopback())
        var poller = Poller()
        poller.register(push, for: [.readable, .writable])
        poller.register(pull)
        let ready = try poller.poll(timeout: generousTimeout)
        #expect(ready.map(\.index) == [0])
        #expect(ready.first?.events == .writable)
        #expect(try push.events.contains(.writable))
        #expect(try pull.poll(.readable, timeout: .zero).isEmpty)
        poller.unregister(push)
        #expect(poller.registrations.count == 1)
        #expect(try pull.fileDescriptor >= 0)
    }
}
