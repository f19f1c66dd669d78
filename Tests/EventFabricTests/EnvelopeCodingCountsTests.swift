import EventFabric
import Testing

@Suite("Envelope coding counts")
struct EnvelopeCodingCountsTests {
    @Test("Each envelope written or read is counted, a refused message included")
    func counted() throws {
        // Other tests write and read envelopes in parallel: the counts grow by at least this test's envelopes.
        let (encodes, decodes) = (EnvelopeCodingCounts.encodes, EnvelopeCodingCounts.decodes)
        let event = try CloudEvent(id: "1", source: "/s", type: "t", data: Array("{}".utf8))
        // Written twice: once as a message, once as JSON; read twice: the message, then the JSON.
        let message = event.message()
        #expect(try CloudEvent.decode(message: message).get() == event)
        #expect(try CloudEvent(json: event.jsonBytes()) == event)
        // Read a third time, refused: not JSON.
        #expect(throws: EnvelopeError.self) { try CloudEvent(json: Array("{".utf8)) }
        #expect(EnvelopeCodingCounts.encodes >= encodes + 2)
        #expect(EnvelopeCodingCounts.decodes >= decodes + 3)
    }
}
