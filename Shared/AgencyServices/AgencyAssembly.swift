import AgencyDesks
import BuildVersion
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ServiceRuntime
import Synchronization
import Workbench

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The assembly of the seven service executables: each builds its agency's desk from an ``AgencyConfiguration``
/// and wires it to the fabric — store, budgets, feed publisher, feed subscriber, request server — as one
/// ``AgencyService``, the same way for every agency (``build(desk:configuration:counters:logger:)``).
///
/// ``build(configuration:counters:logger:)`` does all the wiring and is what tests call; an executable's `main`
/// only calls ``main(as:)``.
public enum AgencyAssembly {
    /// The `main` of a service executable: loads `--config FILE` (exits 78 naming the key on a bad configuration),
    /// bootstraps logging and metrics, builds the agency and runs it until SIGTERM or SIGINT.
    ///
    /// - Parameter agency: The agency this executable runs; a configuration for another one is refused.
    public static func main(as agency: Agency) async {
        if CommandLine.arguments.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" }) {
            FileHandle.standardOutput.write(Data(help(for: agency).utf8))
            exit(0)
        }
        if BuildVersion.isRequested(by: CommandLine.arguments) {
            FileHandle.standardOutput.write(Data((BuildVersion.line(for: agency.rawValue) + "\n").utf8))
            exit(0)
        }
        let configuration = ServiceRunner.configurationOrExit()
        guard configuration.agency == agency else {
            FileHandle.standardError.write(
                Data(
                    ("error: \(configuration.file): agency: this executable runs \(agency.rawValue), "
                        + "not \(configuration.agency.rawValue); start \(configuration.agency.rawValue) with this "
                        + "file, or give \(agency.rawValue) its own\n").utf8))
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
            FileHandle.standardError.write(Data("error: \(configuration.file): \(error)\n".utf8))
            exit(1)
        }
        await ServiceRunner.runOrExit(service, logger: logger)
    }

    /// What `<agency> --help` prints.
    static func help(for agency: Agency) -> String {
        """
        USAGE: \(agency.rawValue) --config FILE
               \(agency.rawValue) --version

        Runs Jiekun's \(agency.rawValue) service: its feeds, its request endpoint and its store, as the
        configuration says (deploy/agencies/\(agency.rawValue).yaml for a province, deploy/local/ for one machine).
        It logs one ready line once every endpoint is bound, then runs until SIGTERM or SIGINT.

        One value of the file can be overridden from the environment: JIEKUN_ and the key path in capitals, dots
        as underscores — JIEKUN_STORE, JIEKUN_POLICY, JIEKUN_KEYS_SECRET, JIEKUN_DECISIONMODE, JIEKUN_INSECURE,
        JIEKUN_LISTEN_REQUESTS, JIEKUN_LISTEN_REPLAY, JIEKUN_HEARTBEAT_INTERVAL, JIEKUN_HEARTBEAT_TIMEOUT,
        JIEKUN_LOGLEVEL.

        --version prints the version and the git commit the executable was built from.

        Exit status: 0 stopped on request; 78 the configuration was refused (every problem printed on standard
        error); any other non-zero a failure at start or a component that stopped on its own.

        Operating one agency's service: docs/OPERATIONS.md.

        """
    }

    /// Builds the agency the configuration names: its desk, wired by ``build(desk:configuration:counters:logger:)``.
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
        let policy = try Policy.load(contentsOfFile: configuration.policy)
        switch configuration.agency {
        case .union:
            return try build(
                desk: UnionDesk(
                    policy: policy, helpers: configuration.helpers,
                    exitMode: configuration.exitProcedure == .review ? .review : .auto), configuration: configuration,
                counters: counters, logger: logger)
        case .coordinator:
            return try build(
                desk: CoordinatorDesk(policy: policy), configuration: configuration, counters: counters, logger: logger)
        case .humanResources, .medicalInsurance, .education, .housing, .civilAffairs:
            let desk = DepartmentDesk(
                department: configuration.agency, policy: policy,
                mode: configuration.decisionMode == .review ? .review : .auto)
            return try build(desk: desk, configuration: configuration, counters: counters, logger: logger)
        }
    }

    /// Wires a desk to the fabric: its store (the desk's migrations and the request server's), its budgets seeded
    /// once, then on start the ``FeedPublisher`` of its feeds, the ``FeedSubscriber`` of its upstream feeds
    /// applying each event with the desk, and the ``RequestServer`` answering `status` and the desk's operations,
    /// each authorised for its roles and the asker's area (``authorising(_:agency:counters:logger:journal:)``);
    /// the request endpoint's ZAP domain admits the agency's enabled staff from the store.
    ///
    /// Generic over the desk, so that the subscriber's handler calls the desk's `apply` directly.
    /// - Parameters:
    ///   - desk: The agency's desk; its agency is the configuration's.
    ///   - configuration: The agency's configuration.
    ///   - counters: The process's counters.
    ///   - logger: The service's logger.
    /// - Returns: The service.
    /// - Throws: Errors opening the store or reading the configuration's keys.
    public static func build<Desk: AgencyDesk>(
        desk: Desk, configuration: AgencyConfiguration, counters: Counters, logger: Logger
    ) throws -> AgencyService {
        precondition(desk.agency == configuration.agency, "a \(desk.agency.rawValue) desk for \(configuration.agency)")
        let store = try openStore(
            Desk.self, path: configuration.store, suite: configuration.signingKey?.suite ?? .standard, logger: logger)
        StoreWriteCounter.install(on: store.writer, counters: counters)
        try store.writer.write { db in try desk.seedBudgets(in: db) }
        let metrics = CountingMetricsFactory(counters: counters)
        let fabric = try FabricContext(
            limits: .init(maxMessageSize: maxRequestBytes), logger: logger, metricsFactory: metrics)
        let publisherConfiguration = try configuration.feedPublisherConfiguration()
        let subscriberConfiguration = try configuration.feedSubscriberConfiguration(acceptedTypes: desk.acceptedTypes)
        let requestSecurity = try configuration.requestSecurity()
        let queries = Desk.queries.union([StatusReport.operation, AuditLog.operation])
        let started = Date()
        let agency = configuration.agency.rawValue
        let publishedFeeds = configuration.listen.feeds.map(\.name)
        let journal = store.journal
        // What the process journals, for `status` (one lock per commit, not per event).
        _ = journal.observeCommits { entries in
            counters.increment(Counters.Label.journalAppended, by: Int64(entries.count))
            counters.increment(
                Counters.Label.journalBytes, by: Int64(entries.reduce(0) { $0 + $1.payload.count }))
        }
        let handler = pruningReplies(
            unless: queries,
            StatusReport.handler(
                agency: agency, started: started, counters: counters, store: store,
                publishedFeeds: publishedFeeds,
                consumedFeeds: subscriberConfiguration?.upstreams.map(\.name) ?? [],
                next: authorising(desk, agency: agency, counters: counters, logger: logger, journal: journal)))
        let subscriber = subscriberConfiguration.map { subscriberConfiguration in
            FeedSubscriber(
                store: store, context: fabric, configuration: subscriberConfiguration, logger: logger,
                metricsFactory: metrics
            ) { db, event in try desk.apply(event, in: db, journal: journal) }
        }
        let webServer = configuration.listen.http.map { address in
            Workbench(
                agency: configuration.agency, store: store, queries: queries, handler: handler,
                readiness: {
                    readiness(of: subscriber, upstreams: subscriberConfiguration?.upstreams ?? [], agency: agency)
                }, counters: counters, logger: logger
            ).service(address: address)
        }
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
            if let subscriber {
                try subscriber.start()
                components.append(.init(name: "feed subscriber", component: subscriber))
            }
            if case .curveServer(_, let domain, _) = requestSecurity {
                // Enabled staff are admitted from the store at each handshake (StaffRegister), without a restart.
                let reader = store.writer
                fabric.authenticator.setLookup(
                    { key in try? reader.read { db in try StaffRegister.enabledPeer(forKey: key, in: db) } },
                    for: domain)
            }
            let server = try RequestServer(
                fabric: fabric, endpoint: configuration.listen.requests, security: requestSecurity,
                store: store.writer,
                options: .init(
                    name: "requests", maxMessageSize: maxRequestBytes, queries: queries,
                    storeOwner: configuration.storeOwner),
                logger: logger,
                handler: handler)
            components.append(.init(name: "request server", component: server))
            // The workbench's address is checked here, with the fabric's endpoints: a port in use stops the start
            // naming listen.http; the server itself runs in the service group, after the components.
            try webServer?.checkBindable()
            return .init(
                components: components,
                summary: ReadySummary(
                    configuration: configuration, boundFeeds: boundFeeds, boundReplay: boundReplay,
                    boundRequests: server.endpoint),
                services: webServer.map { [$0] } ?? [])
        }
    }

    /// Whether the service has caught up with each feed it consumes (the workbench's `/ready`): from the
    /// subscriber's statistics, the same cursor, publisher head and divergence `jiekun status` reports.
    ///
    /// - Parameters:
    ///   - subscriber: The service's feed subscriber, if it consumes feeds.
    ///   - upstreams: Its upstreams.
    ///   - agency: The agency.
    /// - Returns: The readiness.
    static func readiness(
        of subscriber: FeedSubscriber?, upstreams: [FeedSubscriber.Upstream], agency: String
    ) -> Readiness {
        guard let subscriber else { return Readiness(agency: agency, feeds: []) }
        let feeds = upstreams.map { upstream in
            let statistics = subscriber.statistics(of: upstream.name)
            let state: Readiness.Feed.State =
                if statistics.divergence != nil {
                    .diverged
                } else if statistics.isSilent {
                    .silent
                } else if statistics.heartbeats == 0 {
                    .notHeard
                } else if statistics.cursor < statistics.publisherLatest {
                    .behind
                } else {
                    .caughtUp
                }
            return Readiness.Feed(
                name: upstream.name, publisher: upstream.publisher ?? "", cursor: statistics.cursor,
                publisherLatest: statistics.publisherLatest, state: state, divergence: statistics.divergence)
        }
        return Readiness(agency: agency, feeds: feeds)
    }

    /// The largest request accepted: a `register` batch of a few thousand households.
    static let maxRequestBytes: Int64 = 32 << 20

    /// How long the request server keeps a reply for a retried request (clients retry for seconds).
    static let replyRetention: TimeInterval = 2 * 86_400

    /// A request handler that first deletes the stored replies older than ``replyRetention``, at most once an hour,
    /// in the transaction of a command (`queries` only read): the replies table stays small.
    static func pruningReplies(
        unless queries: Set<String>, _ handler: @escaping RequestServer.Handler
    ) -> RequestServer.Handler {
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
}
