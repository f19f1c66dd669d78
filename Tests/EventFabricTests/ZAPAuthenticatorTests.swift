import EventFabric
import InMemoryLogging
import Logging
import Testing
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("ZAP authenticator")
struct ZAPAuthenticatorTests {
    /// A CURVE server (PULL) of a fabric in ZAP domain `intake` admitting `housing`'s key, with a monitor.
    struct Fixture {
        let logs = InMemoryLogHandler()
        let metrics = RecordingMetrics()
        let fabric: FabricContext
        let serverKeys: CurveKeyPair
        let housing: CurveKeyPair
        let server: Socket
        let monitor: Monitor
        let endpoint: String

        init() throws {
            fabric = try FabricTesting.fabric(logs: logs, metrics: metrics)
            serverKeys = try CurveKeyPair.generate()
            housing = try CurveKeyPair.generate()
            server = try fabric.socket(
                .pull,
                security: .curveServer(keyPair: serverKeys, domain: "intake", admitted: [housing.publicKey: "housing"])
            )
            monitor = try server.monitor(events: [.handshakeFailed, .handshakeSucceeded])
            endpoint = try server.bind("tcp://127.0.0.1:*")
        }

        /// A connected PUSH client of the fabric with these keys, expecting this server key.
        func client(_ keys: CurveKeyPair, serverKey: String? = nil) throws -> Socket {
            let client = try fabric.socket(
                .push,
                security: .curveClient(keyPair: keys, serverPublicKey: serverKey ?? serverKeys.publicKey)
            )
            try client.connect(endpoint)
            return client
        }

        /// The server's first handshake outcome.
        func handshake() throws -> SocketEvent.Kind? {
            try monitor.receive(timeout: FabricTesting.generous) { _ in true }?.kind
        }

        func close() {
            monitor.close()
            server.close()
            FabricTesting.shutDown(fabric)
        }
    }

    @Test("The right key is delivered, and the server sees the peer name as the message's user id")
    func admittedKeyDelivered() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let client = try fixture.client(fixture.housing)
        defer { client.close() }
        try client.send(["household.registered", "{}"])

        let message = try #require(try fixture.server.receiveMessage(timeout: FabricTesting.generous))
        #expect(message.frames == [Array("household.registered".utf8), Array("{}".utf8)])
        #expect(message.userID == "housing")
        #expect(try fixture.handshake() == .handshakeSucceeded)
        #expect(fixture.fabric.authenticator.admissionCount == 1)
        #expect(fixture.fabric.authenticator.refusalCount() == 0)
    }

    @Test("An unknown client key is refused with 400, counted and logged by fingerprint; nothing is delivered")
    func unknownKeyRefused() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let stranger = try CurveKeyPair.generate()
        let client = try fixture.fabric.socket(
            .push, security: .curveClient(keyPair: stranger, serverPublicKey: fixture.serverKeys.publicKey))
        defer { client.close() }
        let clientMonitor = try client.monitor(events: [.handshakeFailed, .handshakeSucceeded])
        defer { clientMonitor.close() }
        try client.connect(fixture.endpoint)
        try client.send("must not arrive")

        #expect(try fixture.handshake() == .handshakeFailedAuth(statusCode: 400))
        // The client's monitor shows the refusal too: libzmq sends it an ERROR command with the status.
        let clientEvent = try clientMonitor.receive(timeout: FabricTesting.generous) {
            if case .handshakeFailedAuth = $0.kind { return true }
            return false
        }
        #expect(clientEvent?.kind == .handshakeFailedAuth(statusCode: 400))
        let authenticator = fixture.fabric.authenticator
        #expect(authenticator.refusalCount(domain: "intake") >= 1)
        #expect(authenticator.refusalCount(domain: "other") == 0)
        #expect(authenticator.admissionCount == 0)
        #expect(fixture.metrics.total("jiekun.zap.refused", [("domain", "intake")]) >= 1)
        #expect(try fixture.server.receive(timeout: .milliseconds(200)) == nil)

        let refusal = try #require(fixture.logs.entries.first { $0.message == "ZAP refused a client" })
        #expect(refusal.level == .warning)
        #expect(refusal.metadata["zap.domain"] == "intake")
        #expect(refusal.metadata["zap.key"] == "\(ZAPAuthenticator.fingerprint(ofPublicKey: stranger.publicKey))")
        #expect(refusal.metadata["zap.status"] == "400")
        for entry in fixture.logs.entries {
            #expect(!entry.text.contains(stranger.publicKey))
            #expect(!entry.text.contains(stranger.secretKey))
            #expect(!entry.text.contains(fixture.serverKeys.secretKey))
        }
    }

    @Test("A client expecting another server key fails the handshake before ZAP is asked; nothing is delivered")
    func wrongServerKey() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let client = try fixture.client(fixture.housing, serverKey: try CurveKeyPair.generate().publicKey)
        defer { client.close() }
        try client.send("must not arrive")

        #expect(try fixture.handshake() == .handshakeFailedProtocol(.zmtpCryptographic))
        #expect(try fixture.server.receive(timeout: .milliseconds(200)) == nil)
        #expect(fixture.fabric.authenticator.requestCount == 0)
    }

    @Test("A CURVE server in a domain nobody registered refuses every client with 400")
    func unknownDomainRefused() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        // A socket made outside FabricContext.socket(_:security:), so its domain is never registered.
        let server = try fixture.fabric.context.socket(.pull)
        defer { server.close() }
        try server.setLinger(.zero)
        try server.setZAPDomain("nobody")
        try server.setZAPEnforceDomain(true)
        try server.setCurveServer(true)
        try server.setCurveSecretKey(fixture.serverKeys.secretKey)
        let monitor = try server.monitor(events: [.handshakeFailed, .handshakeSucceeded])
        defer { monitor.close() }
        let client = try fixture.fabric.socket(
            .push,
            security: .curveClient(keyPair: fixture.housing, serverPublicKey: fixture.serverKeys.publicKey)
        )
        defer { client.close() }
        try client.connect(try server.bind("tcp://127.0.0.1:*"))
        try client.send("must not arrive")

        let event = try monitor.receive(timeout: FabricTesting.generous) { _ in true }
        #expect(event?.kind == .handshakeFailedAuth(statusCode: 400))
        #expect(fixture.fabric.authenticator.refusalCount(domain: "nobody") >= 1)
        #expect(try server.receive(timeout: .milliseconds(200)) == nil)
    }

    @Test("The NULL mechanism on a CURVE domain is refused with 400")
    func nullMechanismOnCurveDomain() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        // A plain socket that names the CURVE domain: libzmq asks ZAP about NULL handshakes when a domain is set.
        let server = try fixture.fabric.socket(.pull, security: .plain)
        defer { server.close() }
        try server.setZAPDomain("intake")
        let monitor = try server.monitor(events: [.handshakeFailed, .handshakeSucceeded])
        defer { monitor.close() }
        let client = try fixture.fabric.socket(.push, security: .plain)
        defer { client.close() }
        try client.connect(try server.bind("tcp://127.0.0.1:*"))
        try client.send("must not arrive")

        let event = try monitor.receive(timeout: FabricTesting.generous) { _ in true }
        #expect(event?.kind == .handshakeFailedAuth(statusCode: 400))
        #expect(try server.receive(timeout: .milliseconds(200)) == nil)
        let refusal = try #require(fixture.logs.entries.first { $0.message == "ZAP refused a client" })
        #expect(refusal.metadata["zap.reason"]?.description.contains("NULL") == true)
    }

    @Test("Plain sockets have no ZAP domain: libzmq never asks the handler, and messages carry no user id")
    func plainSocketsSkipZAP() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let server = try fixture.fabric.socket(.pull, security: .plain)
        defer { server.close() }
        let client = try fixture.fabric.socket(.push, security: .plain)
        defer { client.close() }
        try client.connect(try server.bind("tcp://127.0.0.1:*"))
        try client.send("plain")
        let message = try #require(try server.receiveMessage(timeout: FabricTesting.generous))
        #expect(message.frames == [Array("plain".utf8)])
        #expect(message.userID == nil)
        #expect(fixture.fabric.authenticator.requestCount == 0)
    }

    @Test("Without a ZAP handler, a CURVE server with enforce-domain refuses every client")
    func missingHandlerRefuses() throws {
        let outcome = try Self.curveWithoutHandler(enforceDomain: true)
        // libzmq 4.3: no handler at inproc://zeromq.zap.01 with enforcement → the handshake fails with EFAULT.
        #expect(outcome.event == .handshakeFailedNoDetail(ZMQError(code: EFAULT)))
        #expect(outcome.delivered == nil)
    }

    @Test("Without a ZAP handler and without enforce-domain, libzmq admits ANY key (why option 93 is set)")
    func missingHandlerWithoutEnforcementAdmitsAnyone() throws {
        let outcome = try Self.curveWithoutHandler(enforceDomain: false)
        #expect(outcome.event == .handshakeSucceeded)
        #expect(outcome.delivered == [Array("anyone".utf8)])
    }

    /// A CURVE server in a raw context with no ZAP handler, and a client with a random key.
    ///
    /// - Parameter enforceDomain: Whether the server sets `ZMQ_ZAP_ENFORCE_DOMAIN`.
    /// - Returns: The server's first handshake event, and what it received within a short wait.
    static func curveWithoutHandler(enforceDomain: Bool) throws -> (event: SocketEvent.Kind?, delivered: [[UInt8]]?) {
        let context = try Context()
        defer { context.shutdown() }
        let serverKeys = try CurveKeyPair.generate()
        let clientKeys = try CurveKeyPair.generate()
        let server = try context.socket(.pull)
        try server.setLinger(.zero)
        try server.setZAPDomain("intake")
        try server.setZAPEnforceDomain(enforceDomain)
        try server.setCurveServer(true)
        try server.setCurveSecretKey(serverKeys.secretKey)
        let monitor = try server.monitor(events: [.handshakeFailed, .handshakeSucceeded])
        let client = try context.socket(.push)
        try client.setLinger(.zero)
        try client.setCurveServerKey(serverKeys.publicKey)
        try client.setCurvePublicKey(clientKeys.publicKey)
        try client.setCurveSecretKey(clientKeys.secretKey)
        try client.connect(try server.bind("tcp://127.0.0.1:*"))
        try client.send("anyone")
        let event = try monitor.receive(timeout: FabricTesting.generous) { _ in true }?.kind
        let delivered = try server.receive(timeout: enforceDomain ? .milliseconds(200) : FabricTesting.generous)
        monitor.close()
        client.close()
        server.close()
        return (event, delivered)
    }

    @Test("Registering a domain: same list again is fine, another list is a conflict, bad keys and names refused")
    func registration() throws {
        let fabric = try FabricTesting.fabric()
        defer { FabricTesting.shutDown(fabric) }
        let authenticator = fabric.authenticator
        let housing = try CurveKeyPair.generate().publicKey
        let education = try CurveKeyPair.generate().publicKey

        try authenticator.register(domain: "feeds", admitted: [housing: "housing"])
        try authenticator.register(domain: "feeds", admitted: [housing: "housing"])
        #expect {
            try authenticator.register(domain: "feeds", admitted: [housing: "housing", education: "education"])
        } throws: { ($0 as? FabricSecurityError)?.code == "security.zap.conflicting_domain" }
        #expect {
            try authenticator.register(domain: "other", admitted: ["not a key": "x"])
        } throws: { ($0 as? FabricSecurityError)?.code == "security.zap.invalid_public_key" }
        #expect {
            try authenticator.register(domain: "other", admitted: [housing: ""])
        } throws: { ($0 as? FabricSecurityError)?.code == "security.zap.invalid_peer_name" }
        #expect {
            try authenticator.register(domain: "", admitted: [housing: "housing"])
        } throws: { ($0 as? FabricSecurityError)?.code == "security.zap.invalid_domain" }

        // Key rotation is explicit.
        try authenticator.replaceAdmitted([education: "education"], for: "feeds")
        #expect(authenticator.admitted(in: "feeds") == [education: "education"])
        #expect(authenticator.admitted(in: "other") == nil)

        // The error text names the key by fingerprint only.
        do {
            try authenticator.register(domain: "feeds", admitted: [housing: ""])
        } catch {
            #expect(!"\(error)".contains(housing))
        }
    }

    @Test("A rotated key list applies to the next handshake")
    func rotationAppliesToNewConnections() throws {
        let fixture = try Fixture()
        defer { fixture.close() }
        let newcomer = try CurveKeyPair.generate()
        try fixture.fabric.authenticator.replaceAdmitted([newcomer.publicKey: "education"], for: "intake")
        let client = try fixture.client(newcomer)
        defer { client.close() }
        try client.send("rotated")
        let message = try #require(try fixture.server.receiveMessage(timeout: FabricTesting.generous))
        #expect(message.userID == "education")
    }
}
