import Testing
import ZeroMQ

@Suite("ROUTER/DEALER")
struct RouterDealerTests {
    @Test("A ROUTER sees a DEALER's routing id as the first frame and replies through it")
    func roundTripWithRoutingID() throws {
        let context = try Context()
        let router = try context.makeSocket(.router)
        let dealer = try context.makeSocket(.dealer)
        try router.setRouterMandatory(true)
        try dealer.setRoutingID("dealer-1")
        #expect(try dealer.routingID == Array("dealer-1".utf8))
        try dealer.connect(try router.bindLoopback())

        try dealer.send(["hello", "world"])
        let request = try #require(try router.receiveStrings())
        #expect(request == ["dealer-1", "hello", "world"])

        try router.send([Array("dealer-1".utf8), Array("reply".utf8)])
        #expect(try dealer.receiveStrings() == ["reply"])
    }

    @Test("A ROUTER with router-mandatory reports an unknown routing id as EHOSTUNREACH")
    func unroutablePeer() throws {
        let context = try Context()
        let router = try context.makeSocket(.router)
        try router.setRouterMandatory(true)
        _ = try router.bindLoopback()
        #expect(throws: ZMQError.hostUnreachable) {
            try router.send(["nobody", "lost"])
        }
        // Without router-mandatory the same message is silently dropped.
        try router.setRouterMandatory(false)
        try router.send(["nobody", "lost"])
    }
}
