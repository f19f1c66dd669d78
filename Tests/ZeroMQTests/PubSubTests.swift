import Testing
import ZeroMQ

@Suite("PUB/SUB")
struct PubSubTests {
    @Test("A subscriber gets the subscribed prefixes only, and nothing more once unsubscribed")
    func prefixFiltersAndUnsubscribe() throws {
        let context = try Context()
        let publisher = try context.makeSocket(.pub)
        let subscriber = try context.makeSocket(.sub)
        let endpoint = try publisher.bindLoopback()
        try subscriber.subscribe("weather.")
        try subscriber.subscribe(Array("control.".utf8))
        try subscriber.connect(endpoint)

        let probe = ["weather.probe", "-"]
        let subscribed = try awaitSubscription(
            publisher: publisher,
            subscriber: subscriber,
            probe: probe,
            timeout: generousTimeout
        )
        try #require(subscribed)

        // A single publisher's messages arrive in order: if "news." were delivered, it would come before "today".
        try publisher.send(["news.local", "not for this subscriber"])
        try publisher.send(["weather.today", "sunny"])
        var received = try subscriber.receiveStrings()
        while received == probe { received = try subscriber.receiveStrings() }
        #expect(received == ["weather.today", "sunny"])

        // SUB filters on its side too, so unsubscribing takes effect at once, even for messages in flight.
        try subscriber.unsubscribe("weather.")
        try publisher.send(["weather.tomorrow", "rain"])
        try publisher.send(["control.end"])
        received = try subscriber.receiveStrings()
        while received == probe { received = try subscriber.receiveStrings() }
        #expect(received == ["control.end"])
    }
}
