import HouseholdDomain

/// One feed: one publisher's PUB endpoint, whose ZAP domain admits only the listed consumers (DESIGN "Events",
/// "Security").
///
/// ``all`` is the single source of truth of who publishes what to whom: the services configure their endpoints
/// and subscriptions from it, and the AsyncAPI document (`docs/asyncapi.yaml`) is tested against it.
/// Source: DESIGN "Services", "Events"; policy §4.1 (the union files households), §4.2 (lead and supporting
/// departments), §2.3 (exit).
public struct Feed: Sendable, Hashable, CustomStringConvertible {
    /// The feed's name, also its AsyncAPI channel address: `households.housing`, `outcomes.civil-affairs`,
    /// `requests.housing`, `support.civil-affairs`, `union.support`, `coordinator.exits`.
    public let name: String
    /// The only service that publishes on it.
    public let publisher: Agency
    /// The services its ZAP domain admits, in ``Agency`` order.
    public let consumers: [Agency]
    /// The event types it carries (``EventPayload/type``), in ``EventCatalogue/types`` order.
    public let eventTypes: [String]
    /// For a household feed, the agency whose ``HouseholdView`` it carries (data minimisation); else `nil`.
    public let viewAgency: Agency?

    /// The name.
    public var description: String { name }

    /// The event types of a household feed.
    static let householdTypes = [HouseholdRegistered.type, HouseholdUpdated.type, HouseholdClosed.type]

    /// The union's feed of households for one agency: `households.<agency>`, consumed by that agency only and
    /// carrying that agency's ``HouseholdView``.
    ///
    /// - Parameter agency: a department or the coordinator.
    /// - Returns: the feed, or `nil` for the union (which publishes the household feeds).
    /// - Source: policy §4.1 (the union files and manages households), DESIGN "data minimisation".
    public static func households(for agency: Agency) -> Feed? {
        guard agency != .union else { return nil }
        return Feed(
            name: "households.\(agency.rawValue)", publisher: .union, consumers: [agency], eventTypes: householdTypes,
            viewAgency: agency)
    }

    /// A department's decisions and deliveries: `outcomes.<department>`, consumed by the coordinator, which keeps
    /// every plan, judges §2.3 on them and lists each household's timeline; and the money finance recorded for the
    /// department's budget lines (`budget.appropriated`, §5.2), which the coordinator's money table counts.
    ///
    /// - Parameter department: one of the five departments.
    /// - Returns: the feed, or `nil` for the union and the coordinator.
    /// - Source: policy §4.2 (each department decides the measures it leads), §2.3, Part B "Reports".
    public static func outcomes(of department: Agency) -> Feed? {
        guard department != .union, department != .coordinator else { return nil }
        return Feed(
            name: "outcomes.\(department.rawValue)", publisher: department, consumers: [.coordinator],
            eventTypes: [MeasuresDecided.type, MeasuresDelivered.type, BudgetAppropriated.type], viewAgency: nil)
    }

    /// A lead department's requests to the agencies that support its measures: `requests.<department>`, consumed by
    /// those agencies (``Measure/Code/supportingDepartment``: the union for medical insurance's mutual-aid fee and
    /// education's Golden Autumn grant, civil affairs for housing's rent reductions) and the coordinator.
    ///
    /// A supporting agency gets the requests of the departments it supports and nothing else of theirs, not their
    /// whole outcomes feeds: data minimisation, and most of what the union would otherwise apply.
    /// - Parameter department: one of the five departments.
    /// - Returns: the feed, or `nil` for a department that leads no supported measure, the union and the
    ///   coordinator.
    /// - Source: policy §4.2 (lead and supporting departments), §4.2.2, §4.2.3, §4.2.5.
    public static func requests(of department: Agency) -> Feed? {
        guard department != .union, department != .coordinator else { return nil }
        let supporters = Measure.Code.allCases.filter { $0.leadDepartment == department }
            .compactMap(\.supportingDepartment)
        guard !supporters.isEmpty else { return nil }
        return Feed(
            name: "requests.\(department.rawValue)", publisher: department,
            consumers: sorted(supporters + [.coordinator]), eventTypes: [SupportRequested.type], viewAgency: nil)
    }

    /// A supporting department's answers: `support.<department>`, consumed by the lead departments of the measures
    /// it supports and the coordinator. Civil affairs answers housing's review requests here (§4.2.5); the union
    /// answers on ``unionSupport``.
    ///
    /// - Parameter department: one of the five departments.
    /// - Returns: the feed, or `nil` for a department that supports no measure, the union and the coordinator.
    /// - Source: policy §4.2 (lead and supporting departments), §4.2.5.
    public static func support(of department: Agency) -> Feed? {
        guard department != .union, department != .coordinator else { return nil }
        let leads = Measure.Code.allCases.filter { $0.supportingDepartment == department }.map(\.leadDepartment)
        guard !leads.isEmpty else { return nil }
        return Feed(
            name: "support.\(department.rawValue)", publisher: department, consumers: sorted(leads + [.coordinator]),
            eventTypes: [SupportProvided.type], viewAgency: nil)
    }

    /// The union's answers to payment requests, `union.support`: the mutual-aid fee (§4.2.2) and the Golden Autumn
    /// grant (§4.2.3), consumed by medical insurance, education and the coordinator; and the money finance recorded
    /// for the union's lines of those two measures (`budget.appropriated`, §5.2: the lead departments accept and
    /// leave it, the coordinator counts it).
    ///
    /// Source: policy §4.2.2, §4.2.3, §5.2.
    public static let unionSupport = Feed(
        name: "union.support", publisher: .union, consumers: [.medicalInsurance, .education, .coordinator],
        eventTypes: [SupportProvided.type, BudgetAppropriated.type], viewAgency: nil)

    /// The coordinator's exit readiness, `coordinator.exits`, consumed by the union, which closes the file.
    ///
    /// Source: policy §2.3 (两有五保障), Part B "exit".
    public static let coordinatorExits = Feed(
        name: "coordinator.exits", publisher: .coordinator, consumers: [.union], eventTypes: [HouseholdExitReady.type],
        viewAgency: nil)

    /// Every feed of the programme: the household feeds, the union's support, each department's outcomes, the
    /// lead departments' requests, the supporting departments' answers, the coordinator's exits.
    ///
    /// Source: DESIGN "Services".
    public static let all: [Feed] =
        Agency.allCases.compactMap(households(for:)) + [unionSupport]
        + Agency.allCases.compactMap(outcomes(of:)) + Agency.allCases.compactMap(requests(of:))
        + Agency.allCases.compactMap(support(of:)) + [coordinatorExits]

    /// The feed of a name.
    ///
    /// - Parameter name: a feed name such as `outcomes.housing`.
    /// - Returns: the feed, or `nil` when there is none of that name.
    public static func named(_ name: String) -> Feed? { all.first { $0.name == name } }

    /// The feeds a service publishes.
    ///
    /// - Parameter agency: the publishing service.
    /// - Returns: its feeds, in ``all`` order.
    public static func published(by agency: Agency) -> [Feed] { all.filter { $0.publisher == agency } }

    /// The feeds a service subscribes to (its upstream feeds).
    ///
    /// - Parameter agency: the consuming service.
    /// - Returns: the feeds whose ZAP domain admits it, in ``all`` order.
    public static func consumed(by agency: Agency) -> [Feed] { all.filter { $0.consumers.contains(agency) } }

    private static func sorted(_ departments: [Agency]) -> [Agency] {
        Agency.allCases.filter(departments.contains)
    }
}
