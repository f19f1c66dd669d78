import HouseholdDomain
import ProgrammeEvents
import Testing

/// The feed table (DESIGN "Services"): one publisher per feed, ZAP domains admitting only the listed consumers.
@Suite("Feeds")
struct FeedTests {
    @Test("the thirteen feeds, their publishers and consumers")
    func table() throws {
        let rows = Feed.all.map { "\($0.name) \($0.publisher.rawValue) → \($0.consumers.map(\.rawValue))" }
        #expect(
            rows == [
                "households.hr-employment union-registry → [\"hr-employment\"]",
                "households.medical-insurance union-registry → [\"medical-insurance\"]",
                "households.education-aid union-registry → [\"education-aid\"]",
                "households.housing union-registry → [\"housing\"]",
                "households.civil-affairs union-registry → [\"civil-affairs\"]",
                "households.coordinator union-registry → [\"coordinator\"]",
                "union.support union-registry → [\"medical-insurance\", \"education-aid\", \"coordinator\"]",
                "outcomes.hr-employment hr-employment → [\"union-registry\", \"coordinator\"]",
                "outcomes.medical-insurance medical-insurance → [\"union-registry\", \"coordinator\"]",
                "outcomes.education-aid education-aid → [\"union-registry\", \"coordinator\"]",
                "outcomes.housing housing → [\"union-registry\", \"civil-affairs\", \"coordinator\"]",
                "outcomes.civil-affairs civil-affairs → [\"union-registry\", \"housing\", \"coordinator\"]",
                "coordinator.exits coordinator → [\"union-registry\"]",
            ])
        #expect(Set(Feed.all.map(\.name)).count == Feed.all.count)
    }

    @Test("event types per feed; household feeds carry their consumer's view")
    func types() throws {
        for feed in Feed.all {
            #expect(feed.eventTypes.allSatisfy(EventCatalogue.types.contains), "\(feed.name)")
            if feed.name.hasPrefix("households.") {
                #expect(feed.eventTypes == ["household.registered", "household.updated", "household.closed"])
                #expect(feed.viewAgency == feed.consumers.first && feed.consumers.count == 1)
            } else {
                #expect(feed.viewAgency == nil)
            }
        }
        #expect(Feed.named("outcomes.civil-affairs")?.eventTypes.last == SupportProvided.type)
        #expect(Feed.named("outcomes.housing")?.eventTypes.contains(SupportProvided.type) == false)
        #expect(Feed.unionSupport.eventTypes == [SupportProvided.type])
        #expect(Feed.coordinatorExits.eventTypes == [HouseholdExitReady.type])
        #expect(Feed.named("households.union-registry") == nil && Feed.households(for: .union) == nil)
        #expect(Feed.outcomes(of: .coordinator) == nil && Feed.outcomes(of: .union) == nil)
        // Every event type is published somewhere and consumed by someone.
        for type in EventCatalogue.types {
            #expect(Feed.all.contains { $0.eventTypes.contains(type) && !$0.consumers.isEmpty }, "\(type)")
        }
    }

    @Test("what each service publishes and subscribes to")
    func perService() throws {
        #expect(Feed.published(by: .union).count == 7)
        #expect(Feed.published(by: .housing).map(\.name) == ["outcomes.housing"])
        #expect(
            Feed.consumed(by: .housing).map(\.name) == ["households.housing", "outcomes.civil-affairs"])
        #expect(
            Feed.consumed(by: .medicalInsurance).map(\.name) == ["households.medical-insurance", "union.support"])
        #expect(
            Feed.consumed(by: .union).map(\.name) == [
                "outcomes.hr-employment", "outcomes.medical-insurance", "outcomes.education-aid", "outcomes.housing",
                "outcomes.civil-affairs", "coordinator.exits",
            ])
        #expect(Feed.consumed(by: .coordinator).count == 7, "its household feed, the union's support, five outcomes")
        for agency in Department.allCases {
            #expect(!Feed.consumed(by: agency).contains { $0.publisher == agency }, "no service consumes itself")
        }
    }
}
