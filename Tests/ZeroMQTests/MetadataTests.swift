import Testing
import ZeroMQ

@Suite("Message metadata (User-Id, Peer-Address)")
struct MetadataTests {
    /// A minimal ZAP handler (RFC 27) on its own thread: admits every request with `userID` until the context is
    /// shut down.
    final class AdmitAllHandler: Sendable {
        let run: ThreadRun<Void>

        init(context: Context, userID: String) throws {
            let socket = try context.makeSocket(.router)
            try socket.bind("inproc://zeromq.zap.01")
            run = ThreadRun { [socket] in
                defer { socket.close() }
                while true {
                    let frames: [[UInt8]]
                    do {
                        frames = try socket.receive()
                    } catch ZMQError.contextTerminated {
                        return
                    }
                    // [routing id, "", "1.0", request id, domain, address, identity, mechanism, credentials…]
                    let reply: [[UInt8]] = [
                        frames[0], [], Array("1.0".utf8), frames[3], Array("200".utf8), Array("OK".utf8),
                        Array(userID.utf8), [],
                    ]
                    try socket.send(reply)
                }
            }
        }
    }

    @Test(
        "The user id a ZAP handler returns for a CURVE client is the User-Id of its messages",
        arguments: [
            SocketType.pull, SocketType.router,
        ])
    func userIDFromZAP(serverType: SocketType) throws {
        let context = try Context()
        defer { context.shutdown() }
        let handler = try AdmitAllHandler(context: context, userID: "housing")
        let serverKeys = try CurveKeyPair.generate()
        let clientKeys = try CurveKeyPair.generate()

        let server = try context.makeSocket(serverType)
        try server.setCurveServer(true)
        try server.setCurveSecretKey(serverKeys.secretKey)
        try server.setZAPDomain("metadata-test")
        let client = try context.makeSocket(serverType == .router ? .dealer : .push)
        try client.setCurveServerKey(serverKeys.publicKey)
        try client.setCurvePublicKey(clientKeys.publicKey)
        try client.setCurveSecretKey(clientKeys.secretKey)
        try client.connect(try server.bindLoopback())

        try client.send(["hello", "world"])
        let message = try #require(try server.receiveMessage(timeout: generousTimeout))
        #expect(message.userID == "housing")
        #expect(message.peerAddress == "127.0.0.1")
        #expect(message.frames.suffix(2) == [Array("hello".utf8), Array("world".utf8)])
        #expect(message.frames.count == (serverType == .router ? 3 : 2))

        context.shutdown()
        #expect(handler.run.wait(timeout: generousTimeout) != nil)
    }

    @Test("Without ZAP there is no User-Id; TCP still gives the Peer-Address, inproc neither")
    func noUserIDWithoutZAP() throws {
        let context = try Context()
        defer { context.shutdown() }
        let server = try context.makeSocket(.pull)
        let client = try context.makeSocket(.push)
        try client.connect(try server.bindLoopback())
        try client.send("plain")
        let message = try #require(try server.receiveMessage(timeout: generousTimeout))
        #expect(message.frames == [Array("plain".utf8)])
        #expect(message.userID == nil)
        #expect(message.peerAddress == "127.0.0.1")

        let inprocServer = try context.makeSocket(.pull)
        try inprocServer.bind("inproc://metadata-test")
        let inprocClient = try context.makeSocket(.push)
        try inprocClient.connect("inproc://metadata-test")
        try inprocClient.send("local")
        let local = try #require(try inprocServer.receiveMessage(timeout: generousTimeout))
        #expect(local == ReceivedMessage(frames: [Array("local".utf8)]))
    }

    @Test("receiveMessage(timeout:) returns nil when nothing arrives; dontWait throws wouldBlock")
    func timeoutAndDontWait() throws {
        let context = try Context()
        defer { context.shutdown() }
        let server = try context.makeSocket(.pull)
        _ = try server.bindLoopback()
        #expect(try server.receiveMessage(timeout: .milliseconds(20)) == nil)
        #expect(throws: ZMQError.wouldBlock) { try server.receiveMessage(flags: .dontWait) }
    }
}
