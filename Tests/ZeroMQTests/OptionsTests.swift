import Testing
import ZeroMQ

@Suite("Socket options")
struct OptionsTests {
    @Test("Typed options read back what was set")
    func roundTrips() throws {
        let context = try Context()
        let socket = try context.socket(.dealer)
        #expect(try socket.linger == nil)
        try socket.setLinger(.milliseconds(250))
        #expect(try socket.linger == .milliseconds(250))
        try socket.setLinger(.microseconds(1500))
        #expect(try socket.linger == .milliseconds(2))
        try socket.setSendHighWaterMark(10)
        try socket.setReceiveHighWaterMark(20)
        #expect(try socket.sendHighWaterMark == 10)
        #expect(try socket.receiveHighWaterMark == 20)
        #expect(try socket.maxMessageSize == nil)
        try socket.setMaxMessageSize(1 << 40)
        #expect(try socket.maxMessageSize == 1 << 40)
        try socket.setSendTimeout(.seconds(2))
        try socket.setReceiveTimeout(nil)
        #expect(try socket.sendTimeout == .seconds(2))
        #expect(try socket.receiveTimeout == nil)
        try socket.setImmediate(true)
        #expect(try socket.immediate)
        try socket.setReconnectInterval(.milliseconds(50))
        try socket.setReconnectIntervalMax(.seconds(5))
        #expect(try socket.reconnectInterval == .milliseconds(50))
        #expect(try socket.reconnectIntervalMax == .seconds(5))
        try socket.setHeartbeatInterval(.seconds(1))
        try socket.setHeartbeatTimeout(.seconds(3))
        try socket.setHeartbeatTTL(.seconds(10))
        #expect(try socket.heartbeatInterval == .seconds(1))
        #expect(try socket.heartbeatTimeout == .seconds(3))
        #expect(try socket.heartbeatTTL == .seconds(10))
        try socket.setZAPDomain("jiekun")
        #expect(try socket.zapDomain == "jiekun")
        try socket.setZAPEnforceDomain(true)
        try socket.setProbeRouter(true)
        #expect(try socket.curveServerKey == String(repeating: "0", count: 40))
        #expect(try socket.routingID.isEmpty)
        #expect(try socket.lastEndpoint == nil)
        let keys = try CurveKeyPair.generate()
        try socket.setCurvePublicKey(keys.publicKey)
        try socket.setCurveSecretKey(try Z85.decode(keys.secretKey))
        #expect(try socket.curvePublicKey == keys.publicKey)
        try socket.setLinger(.zero)
    }

    @Test("Invalid option values are refused before libzmq sees them")
    func invalidValues() throws {
        let context = try Context()
        let socket = try context.makeSocket(.sub)
        #expect(throws: ZMQError.invalidArgument) { try socket.setLinger(.milliseconds(-1)) }
        #expect(throws: ZMQError.invalidArgument) { try socket.setSendHighWaterMark(-1) }
        #expect(throws: ZMQError.invalidArgument) { try socket.setMaxMessageSize(-2) }
        #expect(throws: ZMQError.invalidArgument) { try socket.setCurveServerKey("short") }
        #expect(throws: ZMQError.invalidArgument) { try socket.setCurveServerKey([UInt8](repeating: 1, count: 31)) }
        #expect(throws: ZMQError.invalidArgument) { try socket.setRouterMandatory(true) }
        #expect(throws: ZMQError.invalidArgument) { try socket.setReceiveTimeout(.seconds(Int64.max)) }
    }
}
