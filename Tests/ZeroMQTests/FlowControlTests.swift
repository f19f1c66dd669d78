import Testing
import ZeroMQ

@Suite("Flow control and closing")
struct FlowControlTests {
    @Test("A non-blocking send on a full pipe reports EAGAIN", arguments: [SocketType.push, .dealer])
    func fullPipeWouldBlock(type: SocketType) throws {
        let context = try Context()
        let sender = try context.makeSocket(type)
        let receiver = try context.makeSocket(type == .push ? .pull : .dealer)
        try sender.setSendHighWaterMark(1)
        try receiver.setReceiveHighWaterMark(1)
        try sender.connect(try receiver.bindLoopback())

        // The receiver never reads: its queue, then the kernel's buffers, then the sender's queue fill up.
        let payload = [UInt8](repeating: 7, count: 64 << 10)
        var error: ZMQError?
        for _ in 0..<10_000 where error == nil {
            do {
                try sender.send(payload, flags: .dontWait)
            } catch let caught as ZMQError {
                error = caught
            }
        }
        #expect(error == .wouldBlock)
    }

    @Test("Closing with linger 0 drops pending messages and terminating the context returns at once")
    func lingerZeroClosesAtOnce() throws {
        let peerless = try RefusingPort()
        let context = try Context()
        let push = try context.socket(.push)
        try push.connect(peerless.endpoint)
        for index in 0..<100 {
            try push.send("pending \(index)", flags: .dontWait)  // queued: the connection is never made
        }
        try push.setLinger(.zero)
        let elapsed = ContinuousClock().measure {
            push.close()
            context.terminate()
        }
        #expect(elapsed < .seconds(1))
    }

    @Test("A finite linger bounds how long pending messages delay terminating the context")
    func finiteLingerBoundsTermination() throws {
        let peerless = try RefusingPort()
        let context = try Context()
        let push = try context.socket(.push)
        try push.connect(peerless.endpoint)
        try push.send("pending", flags: .dontWait)
        try push.setLinger(.milliseconds(300))
        #expect(try push.linger == .milliseconds(300))
        let elapsed = ContinuousClock().measure {
            push.close()
            context.terminate()
        }
        #expect(elapsed >= .milliseconds(250))
        #expect(elapsed < .seconds(5))
    }
}
