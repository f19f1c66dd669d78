import Testing
import ZeroMQ

@Suite("CURVE")
struct CurveTests {
    /// A CURVE server (PULL) and a client (PUSH) of one context, each with a monitor.
    struct Pair {
        let context: Context
        let server: Socket
        let client: Socket
        let serverMonitor: Monitor
        let clientMonitor: Monitor

        init(serverKeys: CurveKeyPair, clientKeys: CurveKeyPair, expectedServerKey: String) throws {
            context = try Context()
            server = try context.makeSocket(.pull)
            client = try context.makeSocket(.push)
            try server.setCurveServer(true)
            try server.setCurveSecretKey(serverKeys.secretKey)
            try client.setCurveServerKey(expectedServerKey)
            try client.setCurvePublicKey(clientKeys.publicKey)
            try client.setCurveSecretKey(clientKeys.secretKey)
            serverMonitor = try server.monitor()
            clientMonitor = try client.monitor()
            try client.connect(try server.bindLoopback())
        }
    }

    @Test("A client with the right server key is delivered, after a successful handshake on both sides")
    func rightServerKeyDelivers() throws {
        let serverKeys = try CurveKeyPair.generate()
        let pair = try Pair(
            serverKeys: serverKeys,
            clientKeys: try CurveKeyPair.generate(),
            expectedServerKey: serverKeys.publicKey
        )
        #expect(try pair.server.curveServer)
        #expect(try pair.client.curveServerKey == serverKeys.publicKey)
        try pair.client.send(["secret", "payload"])
        #expect(try pair.server.receiveStrings() == ["secret", "payload"])
        let succeeded = try pair.serverMonitor.receive(timeout: generousTimeout) { $0.kind == .handshakeSucceeded }
        #expect(succeeded != nil)
        let clientSucceeded = try pair.clientMonitor.receive(timeout: generousTimeout) {
            $0.kind == .handshakeSucceeded
        }
        #expect(clientSucceeded != nil)
    }

    @Test("A client with a wrong server key delivers nothing; the server's monitor reports a cryptographic error")
    func wrongServerKeyFailsHandshake() throws {
        let pair = try Pair(
            serverKeys: try CurveKeyPair.generate(),
            clientKeys: try CurveKeyPair.generate(),
            expectedServerKey: try CurveKeyPair.generate().publicKey
        )
        try pair.client.send("must not arrive")

        let failure = try pair.serverMonitor.receive(timeout: generousTimeout) {
            if case .handshakeFailedNoDetail = $0.kind { return true }
            if case .handshakeFailedProtocol = $0.kind { return true }
            if case .handshakeFailedAuth = $0.kind { return true }
            return false
        }
        let event = try #require(failure)
        #expect(event.kind == .handshakeFailedProtocol(.zmtpCryptographic))
        #expect(event.id == UInt16(0x2000))
        #expect(event.value == 0x1100_0001)

        // The handshake failed, so the connection never carried the message.
        #expect(try pair.server.receive(timeout: .milliseconds(200)) == nil)

        // The client only sees the server drop the connection during the handshake: no detail but an errno.
        let clientEvent = try pair.clientMonitor.receive(timeout: generousTimeout) {
            switch $0.kind {
            case .handshakeSucceeded, .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth:
                true
            default:
                false
            }
        }
        let observed = try #require(clientEvent)
        guard case .handshakeFailedNoDetail = observed.kind else {
            Issue.record("expected a handshake failure without detail on the client, got \(observed)")
            return
        }
    }
}
