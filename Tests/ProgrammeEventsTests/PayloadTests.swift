import Foundation
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import StreamingJSON
import Testing

/// The payloads: round trips, the catalogue, decoding refusals and sizes (DESIGN "Events").
@Suite("Event payloads")
struct PayloadTests {
    static func roundTrip<Payload: EventPayload>(_ payload: Payload) throws -> Payload {
        let data = try EventCoding.encode(payload)
        let decoded = try EventCoding.makeDecoder().decode(Payload.self, from: data)
        #expect(try EventCoding.encode(decoded) == data, "re-encoding gives the same bytes (declaration order)")
        #expect(try JSONDecoder().decode(Payload.self, from: data) == decoded, "Foundation's JSONDecoder agrees")
        let foundation = try JSONEncoder().encode(payload)
        #expect(
            try JSONSerialization.jsonObject(with: data) as? NSDictionary
                == JSONSerialization.jsonObject(with: foundation) as? NSDictionary,
            "the same document as Foundation's JSONEncoder writes")
        let viaCatalogue = try #require(try EventCatalogue.decode(type: Payload.type, data: data) as? Payload)
        #expect(viaCatalogue == payload)
        return decoded
    }

    @Test("every payload of every feed round-trips, whole")
    func roundTrips() throws {
        var checked: Set<String> = []
        for feed in Feed.all {
            for type in feed.eventTypes {
                let payload = Samples.payload(ofType: type, on: feed)
                #expect(try Self.roundTripAny(payload), "\(type) on \(feed.name)")
                checked.insert(type)
            }
        }
        #expect(checked == Set(EventCatalogue.types))
        for reason in HouseholdClosed.Reason.allCases {
            let closed = HouseholdClosed(fileNumber: "KM-2017-0101", reason: reason, closedOn: LocalDate("2018-01-02")!)
            #expect(try Self.roundTrip(closed) == closed)
        }
    }

    static func roundTripAny(_ payload: any EventPayload) throws -> Bool {
        func open<Payload: EventPayload>(_ payload: Payload) throws -> Bool { try roundTrip(payload) == payload }
        return try open(payload)
    }

    @Test("the catalogue: nine versioned past-tense types, each with its payload")
    func catalogue() throws {
        #expect(
            EventCatalogue.types == [
                "household.registered", "household.updated", "household.closed", "measure.decided",
                "measure.delivered", "support.requested", "support.provided", "household.exit-ready",
                "budget.appropriated",
            ])
        #expect(Set(EventCatalogue.types).count == EventCatalogue.types.count)
        #expect(
            EventCatalogue.payload(ofType: "measure.decided").map(ObjectIdentifier.init)
                == ObjectIdentifier(MeasuresDecided.self))
        #expect(EventCatalogue.payload(ofType: "household.deleted") == nil)
        #expect(try EventCatalogue.decode(type: "household.deleted", data: Data("{}".utf8)) == nil)
    }

    @Test("stable camelCase JSON keys, in declaration order")
    func keys() throws {
        let closed = HouseholdClosed(fileNumber: "KM-2017-0101", reason: .movedAway, closedOn: LocalDate("2018-01-02")!)
        #expect(
            String(decoding: try EventCoding.encode(closed), as: UTF8.self)
                == #"{"fileNumber":"KM-2017-0101","reason":"movedAway","closedOn":"2018-01-02"}"#)
        let delivery = MeasuresDelivered(
            fileNumber: "KM-2017-0101",
            deliveries: [
                .init(
                    measureID: "KM-2017-0101/medical.mutual-aid", code: .medicalMutualAid,
                    deliveredOn: LocalDate("2017-04-16")!, amount: Yuan(yuan: 60), paidBy: .union)
            ])
        #expect(
            String(decoding: try EventCoding.encode(delivery), as: UTF8.self)
                == #"{"fileNumber":"KM-2017-0101","deliveries":[{"measureID":"KM-2017-0101/medical.mutual-aid","#
                + #""code":"medical.mutual-aid","deliveredOn":"2017-04-16","amount":"60.00","paidBy":"union-registry"}]}"#
        )
        let exit = Samples.exitReady
        #expect(exit.dimensions.map(\.dimension) == Measure.Dimension.allCases)
        #expect(exit.exitDate == Samples.run.files[0].readiness.exitDate)
    }

    @Test("decoding refuses an empty list and measures of another file (bad input is refused, never applied)")
    func refusals() throws {
        let decoder = EventCoding.makeDecoder()
        let bad = [
            #"{"fileNumber":"KM-2017-0101","deliveries":[]}"#,
            #"{"fileNumber":"KM-2017-0101","deliveries":[{"measureID":"KM-2017-0999/relief.dibao","#
                + #""code":"relief.dibao","deliveredOn":"2017-05-01","amount":"0.00"}]}"#,
            #"{"fileNumber":"KM-2017-0101","deliveries":[{"measureID":"KM-2017-0101/relief.dibao","#
                + #""code":"relief.temporary","deliveredOn":"2017-05-01","amount":"0.00"}]}"#,
            #"{"fileNumber":"KM-2017-0101","deliveries":[{"measureID":"KM-2017-0101/relief.dibao/2","#
                + #""code":"relief.dibao","deliveredOn":"2017-05-01","amount":"0.00"}]}"#,
            #"{"fileNumber":"KM-2017-0101","deliveries":[{"measureID":"KM-2017-0101/relief.dibao","#
                + #""code":"relief.dibao","deliveredOn":"2017-05-01","amount":0}]}"#,
        ]
        for json in bad {
            #expect(throws: DecodingError.self, "\(json)") {
                try decoder.decode(MeasuresDelivered.self, from: Data(json.utf8))
            }
        }
        let good =
            #"{"fileNumber":"KM-2017-0101","deliveries":[{"measureID":"KM-2017-0101/education.student-aid/3","#
            + #""code":"education.student-aid","deliveredOn":"2017-05-01","amount":"1500.00","extra":1}]}"#
        let decoded = try decoder.decode(MeasuresDelivered.self, from: Data(good.utf8))
        #expect(decoded.deliveries.first?.paidBy == nil, "unknown fields are ignored (additive changes)")
        #expect(throws: DecodingError.self) {
            try decoder.decode(SupportProvided.self, from: Data(#"{"fileNumber":"X-1","answers":[]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(
                SupportRequested.self,
                from: Data(
                    (#"{"fileNumber":"KM-2017-0101","requests":[{"measureID":"KM-2017-0101/medical.mutual-aid","#
                        + #""measure":"education.golden-autumn","kind":"payment","from":"medical-insurance","#
                        + #""to":"union-registry","amount":"60.00","prefecture":"530100","dueOn":"2017-04-16"}]}"#)
                        .utf8))
        }
    }

    @Test("a household's 10 decisions fit one event under 4 KiB (71,000 households × ~8 measures)")
    func size() throws {
        let ten = Array(Samples.decisions.prefix(10))
        try #require(ten.count == 10)
        let payload = MeasuresDecided(fileNumber: Samples.household.fileNumber, decisions: ten)
        let bytes = try EventCoding.encode(payload).count
        #expect(bytes < 4096, "\(bytes) bytes")
        #expect(try Self.roundTrip(payload) == payload)
    }

    @Test("exit readiness only for a household that is ready (§2.3)")
    func exitReadiness() throws {
        let open = ExitReadiness.evaluate(ExitSubject(Samples.assessment), outcomes: [:])
        #expect(HouseholdExitReady(fileNumber: Samples.household.fileNumber, readiness: open) == nil)
        let ready = Samples.run.files[0].readiness
        #expect(ready.isReady)
        let payload = try #require(HouseholdExitReady(fileNumber: Samples.household.fileNumber, readiness: ready))
        #expect(payload.exitDate == ready.exitDate && payload.dimensions.count == 6)
    }
}
