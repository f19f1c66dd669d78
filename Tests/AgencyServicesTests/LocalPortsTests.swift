import TestSupport
import Testing
import ZeroMQ

/// The free port offsets the end-to-end tests run their services on, so that test runs at the same time on one
/// machine do not take each other's ports.
@Suite("Free local ports")
struct LocalPortsTests {
    @Test("deploy/local's ports: 38, from 7100 (the union's replay) to 7750 (the coordinator's workbench)")
    func deployLocal() throws {
        let ports = try LocalPorts.deployLocal()
        #expect(ports.count == 38)  // 31 fabric endpoints and 7 workbenches
        #expect(ports.first == 7100 && ports.last == 7750)
        #expect(ports.last! + LocalPorts.candidateOffsets.last! < 32_768, "below Linux's ephemeral range")
    }

    @Test("a port a ZeroMQ socket listens on is not free, and is free again once the socket unbinds it")
    func heldPort() throws {
        let context = try Context()
        let holder = try context.socket(.pull)
        try holder.setLinger(.zero)
        defer { holder.close() }
        let endpoint = try holder.bind("tcp://127.0.0.1:*")
        let port = try #require(endpoint.split(separator: ":").last.flatMap { Int($0) })
        #expect(!LocalPorts.isFree(port))
        try holder.unbind(endpoint)
        #expect(waitUntil { LocalPorts.isFree(port) })
    }

    @Test("every port of deploy/local moved by the free offset is free; the offset is one of the candidates")
    func freeOffset() throws {
        let offset = try LocalPorts.freeOffset()
        #expect(LocalPorts.candidateOffsets.contains(offset))
        for port in try LocalPorts.deployLocal() {
            #expect(LocalPorts.isFree(port + offset), "\(port + offset)")
        }
    }
}
