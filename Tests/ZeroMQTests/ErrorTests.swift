import CZeroMQ
import Testing
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("ZMQError")
struct ErrorTests {
    @Test("Named errors match with ~= in catch clauses, whatever the message")
    func patternMatching() {
        func classify(_ error: any Error) -> String {
            do {
                throw error
            } catch ZMQError.contextTerminated {
                return "terminated"
            } catch ZMQError.wouldBlock {
                return "would block"
            } catch {
                return "other"
            }
        }
        #expect(classify(ZMQError(code: ETERM)) == "terminated")
        #expect(classify(ZMQError(code: EAGAIN, message: "custom")) == "would block")
        #expect(classify(ZMQError.hostUnreachable) == "other")
        #expect(classify(CancellationError()) == "other")
        #expect(ZMQError(code: EAGAIN, message: "custom") == .wouldBlock)
    }

    @Test("The constants carry libzmq's codes and messages")
    func constants() {
        #expect(ZMQError.contextTerminated.code == ZMQ_HAUSNUMERO + 53)
        #expect(ZMQError.contextTerminated.code == ETERM)
        #expect(ZMQError.interrupted.code == EINTR)
        #expect(ZMQError.wouldBlock.code == EAGAIN)
        #expect(ZMQError.hostUnreachable.code == EHOSTUNREACH)
        #expect(ZMQError.invalidArgument.code == EINVAL)
        #expect(ZMQError.contextTerminated.message == "Context was terminated")
        #expect(ZMQError.contextTerminated.description.contains("\(ETERM)"))
    }

    @Test("Socket types have libzmq's values")
    func socketTypeValues() {
        let expected: [SocketType: Int32] = [
            .pair: ZMQ_PAIR, .pub: ZMQ_PUB, .sub: ZMQ_SUB, .req: ZMQ_REQ, .rep: ZMQ_REP, .dealer: ZMQ_DEALER,
            .router: ZMQ_ROUTER, .pull: ZMQ_PULL, .push: ZMQ_PUSH, .xpub: ZMQ_XPUB, .xsub: ZMQ_XSUB,
        ]
        for type in SocketType.allCases {
            #expect(type.rawValue == expected[type])
        }
    }

    @Test("Endpoint errors are reported with their named constants")
    func endpointErrors() throws {
        let context = try Context()
        let first = try context.makeSocket(.pull)
        let second = try context.makeSocket(.pull)
        let endpoint = try first.bindLoopback()
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        #expect(endpoint != "tcp://127.0.0.1:*")
        #expect(try first.lastEndpoint == endpoint)
        #expect(throws: ZMQError.addressInUse) { try second.bind(endpoint) }
        #expect(throws: ZMQError.protocolNotSupported) { try second.connect("nope://somewhere") }
        #expect(throws: ZMQError.invalidArgument) { try second.connect("tcp://no-port") }
        #expect(throws: ZMQError.endpointNotFound) { try second.disconnect(endpoint) }
        try first.unbind(endpoint)
        #expect(throws: ZMQError.endpointNotFound) { try first.unbind(endpoint) }
        #expect(throws: ZMQError.notSupported) { try second.send("a PULL cannot send") }
    }
}
