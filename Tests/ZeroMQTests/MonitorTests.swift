import Testing
import ZeroMQ

@Suite("Monitor")
struct MonitorTests {
    @Test("Monitors report listening, accepted, connected, handshakes and their own stop")
    func connectionEvents() throws {
        let context = try Context()
        let server = try context.makeSocket(.pull)
        let client = try context.makeSocket(.push)
        let serverMonitor = try server.monitor()
        let clientMonitor = try client.monitor(events: [.connected, .handshakeSucceeded, .monitorStopped])
        let endpoint = try server.bindLoopback()
        try client.connect(endpoint)

        let listening = try #require(try serverMonitor.receive(timeout: generousTimeout))
        #expect(listening.kind == .listening)
        #expect(listening.endpoint == endpoint)
        #expect(try serverMonitor.receive(timeout: generousTimeout) { $0.kind == .accepted } != nil)
        #expect(try serverMonitor.receive(timeout: generousTimeout) { $0.kind == .handshakeSucceeded } != nil)

        // The mask leaves out CONNECT_DELAYED and the like: the client's first events are exactly these.
        #expect(try clientMonitor.receive(timeout: generousTimeout)?.kind == .connected)
        #expect(try clientMonitor.receive(timeout: generousTimeout)?.kind == .handshakeSucceeded)
        try client.stopMonitor()
        #expect(try clientMonitor.receive(timeout: generousTimeout)?.kind == .monitorStopped)
    }

    @Test("A refused connection is retried after the reconnect interval, with jitter")
    func connectRetried() throws {
        let peerless = try RefusingPort()
        let context = try Context()
        let client = try context.makeSocket(.push)
        try client.setReconnectInterval(.milliseconds(50))
        let monitor = try client.monitor(events: .connectRetried)
        try client.connect(peerless.endpoint)
        let event = try #require(try monitor.receive(timeout: generousTimeout))
        guard case .connectRetried(let interval) = event.kind else {
            Issue.record("expected a retried connection, got \(event)")
            return
        }
        #expect(interval >= .milliseconds(50) && interval < .milliseconds(100))
        #expect(event.endpoint == peerless.endpoint)
    }

    @Test("Raw events decode into their kinds, unknown ones kept raw")
    func decoding() {
        #expect(SocketEvent(id: 0x4000, value: 400, endpoint: "").kind == .handshakeFailedAuth(statusCode: 400))
        #expect(
            SocketEvent(id: 0x2000, value: 0x1100_0001, endpoint: "").kind
                == .handshakeFailedProtocol(.zmtpCryptographic)
        )
        #expect(SocketEvent(id: 0x0800, value: 104, endpoint: "").kind == .handshakeFailedNoDetail(ZMQError(code: 104)))
        #expect(SocketEvent(id: 0x0200, value: 9, endpoint: "").kind == .disconnected)
        #expect(SocketEvent(id: 0x8000, value: 7, endpoint: "x").kind == .unknown(id: 0x8000, value: 7))
        #expect(SocketEvent.ProtocolError.zmtpCryptographic.description == "ZMTP cryptographic")
        #expect(SocketEvent.ProtocolError(rawValue: 0x1234).description == "protocol error 0x1234")
    }
}
