import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ServiceRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wiring of the seven service executables: each builds its agency from an ``AgencyConfiguration`` — store,
/// budgets, policy, feed publisher, feed subscriber, request server — as one ``AgencyService``.
///
/// Every `build…(configuration:counters:logger:)` function does all the wiring and is what tests call; an
/// executable's `main` only calls ``main(as:)``.
public enum AgencyServices {
    /// The `main` of a service executable: loads `--config FILE` (exits 78 naming the key on a bad configuration),
    /// bootstraps logging and metrics, builds the agency and runs it until SIGTERM or SIGINT.
    ///
    /// - Parameter agency: The agency this executable runs; a configuration for another one is refused.
    public static func main(as agency: Department) async {
        if CommandLine.arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
            FileHandle.standardOutput.write(Data(help(for: agency).utf8))
            exit(0)
        }
        let configuration = ServiceRunner.configurationOrExit()
        guard configuration.agency == agency else {
            FileHandle.standardError.write(
                Data(
                    ("\(configuration.file): agency: this executable runs \(agency.rawValue), "
                        + "not \(configuration.agency.rawValue)\n").utf8))
            exit(ServiceRunner.configurationExitStatus)
        }
        let logger = LoggingBootstrap.bootstrap(level: configuration.logLevel, label: agency.rawValue)
        let counters = Counters()
        MetricsBootstrap.bootstrap(counters: counters)
        let service: AgencyService
        do {
            service = try build(configuration: configuration, counters: counters, logger: logger)
        } catch {
            logger.critical(
                "jiekun \(agency.rawValue) could not be built",
                metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            FileHandle.standardError.write(Data("\(configuration.file): \(error)\n".utf8))
            exit(1)
        }
        await ServiceRunner.runOrExit(service, logger: logger)
    }

    /// What `<agency> --help` prints.
    static func help(for agency: Department) -> String {
        """
        USAGE: \(agency.rawValue) --config FILE

        Runs Jiekun's \(agency.rawValue) service: its feeds, its request endpoint and its store, as the
        configuration says (deploy/agencies/\(agency.rawValue).yaml for a province, deploy/local/ for one machine).
        It logs one ready line once every endpoint is bound, then runs until SIGTERM or SIGINT.

        One value of the file can be overridden from the environment: JIEKUN_ and the key path in capitals, dots
        as underscores — JIEKUN_STORE, JIEKUN_POLICY, JIEKUN_KEYS_SECRET, JIEKUN_DECISIONMODE, JIEKUN_INSECURE,
        JIEKUN_LISTEN_REQUESTS, JIEKUN_LISTEN_REPLAY, JIEKUN_HEARTBEAT_INTERVAL, JIEKUN_HEARTBEAT_TIMEOUT,
        JIEKUN_LOGLEVEL.

        Exit status: 0 stopped on request; 78 the configuration was refused (every problem printed on standard
        error); any other non-zero a failure at start or a component that stopped on its own.

        Operating one agency's service: docs/OPERATIONS.md.

        """
    }

    /// Builds the agency the configuration names.
    ///
    /// - Parameters:
    ///   - configuration: The validated configuration.
    ///   - counters: The process's counters, read by `status`.
    ///   - logger: The service's logger.
    /// - Returns: The service, to run.
    /// - Throws: Errors loading the policy or opening the store.
    public static func build(
        configuration: AgencyConfiguration, counters: Counters, logger: Logger
    ) throws -> AgencyService {
        switch configuration.agency {
        case .union:
            try buildUnionRegistry(configuration: configuration, counters: counters, logger: logger)
        case .coordinator:
            try buildCoordinator(configuration: configuration, counters: counters, logger: logger)
        case .humanResources, .medicalInsurance, .education, .housing, .civilAffairs:
            try buildDepartment(configuration: configuration, counters: counters, logger: logger)
        }
    }

    /// Builds the union registry: intake (`register`), closures (`close`), support payments and exits.
    ///
    /// - Parameters:
    ///   - configuration: The union's configuration.
    ///   - counters: The process's counters.
    ///   - logger: The service's logger.
    /// - Returns: The service.
    /// - Throws: Errors loading the policy or opening the store.
    public static func buildUnionRegistry(
        configuration: AgencyConfiguration, counters: Counters, logger: Logger
    ) throws -> AgencyService {
        let policy = try Policy.load(contentsOfFile: configuration.policy)
        let desk = UnionDesk(policy: policy, helpers: configuration.helpers)
        let store = try openStore(configuration, logger: logger) { UnionDesk.registerMigrations(&$0) }
        try store.writer.write { db in try desk.seedBudgets(in: db) }
        return try assemble(
            configuration: configuration, store: store, counters: counters, logger: logger,
            apply: { event, db, journal in try desk.apply(event, in: db, journal: journal) },
            operations: UnionOperations(desk: desk, journal: store.journal).handle)
    }

    /// Builds one of the five departments: decides (by rule, or in `review` mode when staff approve), delivers,
    /// asks for and gives support; answers `decide` and `awaiting`.
    ///
    /// - Parameters:
    ///   - configuration: The department's configuration.
    ///   - counters: The process's counters.
    ///   - logger: The service's logger.
    /// - Returns: The service.
    /// - Throws: Errors loading the policy or opening the store.
    public static func buildDepartment(
        configuration: AgencyConfiguration, counters: Counters, logger: Logger
    ) throws -> AgencyService {
        let policy = try Policy.load(contentsOfFile: configuration.policy)
        let desk = DepartmentDesk(
            department: configuration.agency, policy: policy,
            mode: configuration.decisionMode == .review ? .review : .auto)
        let store = try openStore(configuration, logger: logger) { DepartmentDesk.registerMigrations(&$0) }
        try store.writer.write { db in try desk.seedBudgets(in: db) }
        return try assemble(
            configuration: configuration, store: store, counters: counters, logger: logger,
            apply: { event, db, journal in try desk.apply(event, in: db, journal: journal) },
            operations: DepartmentOperations(desk: desk, journal: store.journal).handle)
    }

    /// Builds the coordinator: exit readiness, `report` and `household`.
    ///
    /// - Parameters:
    ///   - configuration: The coordinator's configuration.
    ///   - counters: The process's counters.
    ///   - logger: The service's logger.
    /// - Returns: The service.
    /// - Throws: Errors loading the policy or opening the store.
    public static func buildCoordinator(
        configuration: AgencyConfiguration, counters: Counters, logger: Logger
    ) throws -> AgencyService {
        let policy = try Policy.load(contentsOfFile: configuration.policy)
        let desk = CoordinatorDesk(policy: policy)
        let store = try openStore(configuration, logger: logger) { CoordinatorDesk.registerMigrations(&$0) }
        return try assemble(
            configuration: configuration, store: store, counters: counters, logger: logger,
            apply: { event, db, journal in try desk.apply(event, in: db, journal: journal) },
            operations: CoordinatorOperations(desk: desk).handle)
    }

    // MARK: Shared wiring

    /// Opens the agency's store with the desk's migrations and the request server's.
    private static func openStore(
        _ configuration: AgencyConfiguration, logger: Logger, migrations: @escaping (inout DatabaseMigrator) -> Void
    ) throws -> EventStore {
        try EventStore(
            path: configuration.store,
            migrations: { migrator in
                migrations(&migrator)
                RequestServer.registerMigrations(&migrator)
            }, logger: logger)
    }

    /// The feed → accepted event types of the agency's upstreams, from `Feed.all`.
    static func acceptedTypes(of configuration: AgencyConfiguration) -> [String: Set<String>] {
        var accepted: [String: Set<String>] = [:]
        for upstream in configuration.upstream {
            if let feed = ProgrammeEvents.Feed.named(upstream.feed) { accepted[upstream.feed] = Set(feed.eventTypes) }
        }
        return accepted
    }

    /// The largest request accepted: a `register` batch of a few thousand households.
    static let maxRequestBytes: Int64 = 32 << 20

    /// How long the request server keeps a reply for a retried request (clients retry for seconds).
    static let replyRetention: TimeInterval = 2 * 86_400

    /// The operations that only read: answered from a reading connection, their replies not stored.
    static let queries: Set<String> = [
        StatusReport.operation, Operation.report, Operation.household, Operation.awaiting,
    ]

    /// A request handler that first deletes the stored replies older than ``replyRetention``, at most once an hour,
    /// in the transaction of a command (queries only read): the replies table stays small.
    static func pruningReplies(_ handler: @escaping RequestServer.Handler) -> RequestServer.Handler {
        let lastPruned = Mutex<Date>(.distantPast)
        return { request, db in
            if queries.contains(request.operation) { return try handler(request, db) }
            let now = Date()
            let due = lastPruned.withLock { last in
                guard now.timeIntervalSince(last) >= 3_600 else { return false }
                last = now
                return true
            }
            if due { try ReplyStore.prune(db, before: now.addingTimeInterval(-replyRetention)) }
            return try handler(request, db)
        }
    }

    /// Makes the service: the fabric context, then on start the publisher, the subscriber and the request server.
    private static func assemble(
        configuration: AgencyConfiguration, store: EventStore, counters: Counters, logger: Logger,
        apply: @escaping @Sendable (CloudEvent, Database, Journal) throws -> Void,
        operations: RequestServer.Handler?
    ) throws -> AgencyService {
        let metrics = CountingMetricsFactory(counters: counters)
        let fabric = try FabricContext(
            limits: .init(maxMessageSize: maxRequestBytes), logger: logger, metricsFactory: metrics)
        let publisherConfiguration = try configuration.feedPublisherConfiguration()
        let subscriberConfiguration = try configuration.feedSubscriberConfiguration(
            acceptedTypes: acceptedTypes(of: configuration))
        let requestSecurity = try configuration.requestSecurity()
        let started = Date()
        let agency = configuration.agency.rawValue
        let publishedFeeds = configuration.listen.feeds.map(\.name)
        return AgencyService(fabric: fabric, logger: logger, warnings: configuration.warnings) {
            var components: [AgencyService.Started.Component] = []
            if let checkpointer = store.checkpointer {
                components.append(.init(name: "WAL checkpointer", component: checkpointer))
            }
            var boundFeeds: [String: String] = [:]
            var boundReplay: String?
            if let publisherConfiguration {
                let publisher = FeedPublisher(
                    store: store, context: fabric, configuration: publisherConfiguration, logger: logger,
                    metricsFactory: metrics)
                let endpoints = try publisher.start()
                boundFeeds = endpoints.feeds
                boundReplay = endpoints.replay
                components.append(.init(name: "feed publisher", component: publisher))
            }
            if let subscriberConfiguration {
                let journal = store.journal
                let subscriber = FeedSubscriber(
                    store: store, context: fabric, configuration: subscriberConfiguration, logger: logger,
                    metricsFactory: metrics
                ) { db, event in try apply(event, db, journal) }
                try subscriber.start()
                components.append(.init(name: "feed subscriber", component: subscriber))
            }
            let server = try RequestServer(
                fabric: fabric, endpoint: configuration.listen.requests, security: requestSecurity,
                store: store.writer,
                options: .init(
                    name: "requests", maxMessageSize: maxRequestBytes, queries: queries,
                    storeOwner: configuration.storeOwner),
                logger: logger,
                handler: pruningReplies(
                    StatusReport.handler(
                        agency: agency, started: started, counters: counters, store: store,
                        publishedFeeds: publishedFeeds,
                        consumedFeeds: subscriberConfiguration?.upstreams.map(\.name) ?? [], next: operations)))
            components.append(.init(name: "request server", component: server))
            return .init(
                components: components,
                summary: ReadySummary(
                    configuration: configuration, boundFeeds: boundFeeds, boundReplay: boundReplay,
                    boundRequests: server.endpoint))
        }
    }
}
