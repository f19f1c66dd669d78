import Testing
import ZeroMQ

@Suite("Multipart messages")
struct MultipartTests {
    @Test("A multipart message arrives whole, large frame and empty frame included")
    func wholeMessages() throws {
        let context = try Context()
        let push = try context.makeSocket(.push)
        let pull = try context.makeSocket(.pull)
        try push.connect(try pull.bindLoopback())

        let large = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for index in 0..<50 {
            let middle = index.isMultiple(of: 10) ? large : []
            try push.send([Array("head-\(index)".utf8), middle, [UInt8(index)]])
        }
        for index in 0..<50 {
            let frames = try #require(try pull.receive(timeout: generousTimeout))
            #expect(frames.count == 3)
            #expect(frames.first == Array("head-\(index)".utf8))
            #expect(frames.dropFirst().first == (index.isMultiple(of: 10) ? large : []))
            #expect(frames.last == [UInt8(index)])
        }
    }

    @Test("A non-blocking multipart send that would block sends nothing")
    func wouldBlockSendsNothing() throws {
        let context = try Context()
        let push = try context.makeSocket(.push)
        let pull = try context.makeSocket(.pull)
        try push.setSendHighWaterMark(1)
        try pull.setReceiveHighWaterMark(1)
        try push.connect(try pull.bindLoopback())

        let payload = [UInt8](repeating: 0xAB, count: 64 << 10)
        var sent = 0
        var blocked = false
        while !blocked && sent < 10_000 {
            do {
                try push.send([Array("part-1 of \(sent)".utf8), payload, Array("part-3".utf8)], flags: .dontWait)
                sent += 1
            } catch ZMQError.wouldBlock {
                blocked = true
            }
        }
        #expect(blocked)

        // Every message accepted arrives with its three frames, then the sentinel: nothing of the refused one.
        try push.setSendTimeout(generousTimeout)
        for index in 0..<sent {
            let frames = try #require(try pull.receive(timeout: generousTimeout))
            #expect(frames.count == 3)
            #expect(frames.first == Array("part-1 of \(index)".utf8))
        }
        try push.send(["sentinel"])
        #expect(try pull.receiveStrings() == ["sentinel"])
    }
}
