import StreamingJSON
import Testing

@Suite("JSON coding counts")
struct JSONCodingCountsTests {
    @Test("Each document encoded or decoded is counted, refused text included")
    func counted() throws {
        // Other tests encode and decode in parallel: the counts grow by at least this test's documents.
        let (encodes, decodes) = (JSONCodingCounts.encodes, JSONCodingCounts.decodes)
        let bytes = try StreamingJSONEncoder().encode(["a": 1])
        _ = try StreamingJSONEncoder().encode([1, 2])
        #expect(try StreamingJSONDecoder().decode([String: Int].self, from: bytes) == ["a": 1])
        #expect(throws: DecodingError.self) { try StreamingJSONDecoder().decode(Int.self, from: Array("{".utf8)) }
        #expect(JSONCodingCounts.encodes >= encodes + 2)
        #expect(JSONCodingCounts.decodes >= decodes + 2)
    }
}
