import HouseholdDomain
import ProgrammeEvents
import Testing

/// The feed table (DESIGN "Services"): one publisher per feed, ZAP domains admitting only the listed consumers.
@Suite("Feeds")
struct FeedTests {
    @Test("the seventeen feeds, their publishers and consumers")
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
                "outcomes.hr-employment hr-employment → [\"coordinator\"]",
                "outcomes.medical-insurance medical-insurance → [\"coordinator\"]",
                "outcomes.education-aid education-aid → [\"coordinator\"]",
                "outcomes.housing housing → [\"coordinator\"]",
                "outcomes.civil-affairs civil-affairs → [\"coordinator\"]",
                // Part B's supported measures: the union pays medical insurance's mutual-aid fee and education's
                // Golden Autumn grant; civil affairs reviews housing's rent reductions.
                "requests.medical-insurance medical-insurance → [\"union-registry\", \"coordinator\"]",
                "requests.education-aid education-aid → [\"union-registry\", \"coordinator\"]",
                "requests.housing housing → [\"civil-affairs\", \"coordinator\"]",
                "support.civil-affairs civil-affairs → [\"housing\", \"coordinator\"]",
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
        for department in Agency.allCases {
            let outcomes = Feed.outcomes(of: department)?.eventTypes
            #expect(
                outcomes == nil
                    || outcomes == [MeasuresDecided.type, MeasuresDelivered.type, BudgetAppropriated.type])
            let requests = Feed.requests(of: department)?.eventTypes
            #expect(requests == nil || requests == [SupportRequested.type])
            let support = Feed.support(of: department)?.eventTypes
            #expect(support == nil || support == [SupportProvided.type])
        }
        #expect(Feed.requests(of: .humanResources) == nil && Feed.requests(of: .civilAffairs) == nil)
        #expect(Feed.support(of: .housing) == nil && Feed.support(of: .union) == nil)
        #expect(Feed.unionSupport.eventTypes == [SupportProvided.type, BudgetAppropriated.type])
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
        #expect(Feed.published(by: .housing).map(\.name) == ["outcomes.housing", "requests.housing"])
        #expect(Feed.published(by: .civilAffairs).map(\.name) == ["outcomes.civil-affairs", "support.civil-affairs"])
        #expect(Feed.consumed(by: .housing).map(\.name) == ["households.housing", "support.civil-affairs"])
        #expect(Feed.consumed(by: .civilAffairs).map(\.name) == ["households.civil-affairs", "requests.housing"])
        #expect(
            Feed.consumed(by: .medicalInsurance).map(\.name) == ["households.medical-insurance", "union.support"])
        #expect(
            Feed.consumed(by: .union).map(\.name) == [
                "requests.medical-insurance", "requests.education-aid", "coordinator.exits",
            ])
        #expect(
            Feed.consumed(by: .coordinator).count == 11,
            "its household feed, the union's and civil affairs' support, five outcomes, three requests")
        for agency in Agency.allCases {
            #expect(!Feed.consumed(by: agency).contains { $0.publisher == agency }, "no service consumes itself")
        }
    }
}
