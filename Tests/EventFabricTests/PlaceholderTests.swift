import Testing
@Test func eventFabricPlaceholder() { #expect(Bool(true)) }
