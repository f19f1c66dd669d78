import EventFabric
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a service executable's services until SIGTERM or SIGINT, and loads its configuration or exits.
///
/// A service's `main` stays thin:
///
/// ```swift
/// let configuration = ServiceRunner.configurationOrExit()
/// let logger = LoggingBootstrap.bootstrap(level: configuration.logLevel, label: configuration.agency.rawValue)
/// let counters = Counters()
/// MetricsBootstrap.bootstrap(counters: counters)
/// let service = try buildHousing(configuration: configuration, counters: counters, logger: logger)  // AgencyService
/// await ServiceRunner.runOrExit(service, logger: logger)   // exits 1 if a component fails
/// ```
public enum ServiceRunner {
    /// The exit status of a refused configuration (`EX_CONFIG` of sysexits.h).
    public static let configurationExitStatus: Int32 = 78

    /// Makes the service group: graceful shutdown on SIGTERM and SIGINT, escalated to cancellation after
    /// `maximumGracefulShutdownDuration`.
    ///
    /// - Parameters:
    ///   - services: The services, started in order and shut down in reverse order.
    ///   - logger: The group's logger.
    ///   - maximumGracefulShutdownDuration: How long a graceful shutdown may take before cancellation (10 s).
    /// - Returns: The group, to run (tests call `triggerGracefulShutdown()` on it).
    public static func makeGroup(
        services: [any Service],
        logger: Logger,
        maximumGracefulShutdownDuration: Duration = .seconds(10)
    ) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
        )
        configuration.maximumGracefulShutdownDuration = maximumGracefulShutdownDuration
        return ServiceGroup(configuration: configuration)
    }

    /// Runs the services until SIGTERM or SIGINT (graceful shutdown) or until one of them fails.
    ///
    /// - Parameters:
    ///   - services: The services, started in order and shut down in reverse order.
    ///   - logger: The group's logger.
    ///   - maximumGracefulShutdownDuration: How long a graceful shutdown may take before cancellation (10 s).
    /// - Throws: The first error a service threw.
    public static func run(
        services: [any Service],
        logger: Logger,
        maximumGracefulShutdownDuration: Duration = .seconds(10)
    ) async throws {
        let group = makeGroup(
            services: services, logger: logger, maximumGracefulShutdownDuration: maximumGracefulShutdownDuration
        )
        try await group.run()
    }

    /// Runs the services like ``run(services:logger:maximumGracefulShutdownDuration:)``; if one fails, logs the
    /// failure (the error's type only: its text may hold personal data) and exits with status 1, for the
    /// supervisor to restart the service.
    ///
    /// - Parameters:
    ///   - services: The services, started in order and shut down in reverse order.
    ///   - logger: The group's logger.
    ///   - maximumGracefulShutdownDuration: How long a graceful shutdown may take before cancellation (10 s).
    public static func runOrExit(
        services: [any Service],
        logger: Logger,
        maximumGracefulShutdownDuration: Duration = .seconds(10)
    ) async {
        await exitOnFailure(logger: logger) {
            try await run(
                services: services, logger: logger, maximumGracefulShutdownDuration: maximumGracefulShutdownDuration
            )
        }
    }

    /// Runs an agency's service — its one service group, which handles SIGTERM and SIGINT itself; if a component
    /// fails, logs the failure (the error's type only) and exits with status 1, for the supervisor to restart the
    /// service.
    ///
    /// - Parameters:
    ///   - service: The agency's service.
    ///   - logger: The service's logger.
    public static func runOrExit(_ service: AgencyService, logger: Logger) async {
        await exitOnFailure(logger: logger) { try await service.run() }
    }

    /// Runs `body`; if it throws, logs the failure, writes it on standard error as one line starting with
    /// `error: ` (``failureLine(for:)``), and exits with status 1.
    private static func exitOnFailure(logger: Logger, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            let description = failureLine(for: error)
            logger.critical(
                "jiekun stopped on a failure: \(description)",
                metadata: ["error.type": "\(String(reflecting: type(of: error)))"]
            )
            FileHandle.standardError.write(Data("error: \(description)\n".utf8))
            exit(1)
        }
    }

    /// What a failure says to the operator, without personal data: an endpoint that cannot be bound names its
    /// configuration key (`listen.feeds.households.housing.endpoint: tcp://0.0.0.0:7113 is in use`), a component
    /// that stopped says which; any other error is named by its type only (its text may hold personal data).
    ///
    /// - Parameter error: The failure.
    /// - Returns: The line, without the `error: ` prefix.
    static func failureLine(for error: any Error) -> String {
        switch error {
        case let error as EndpointBindError:
            error.explanation
        case let error as HTTPBindError:
            error.explanation
        case let error as AgencyServiceError:
            error.description
        default:
            "\(String(reflecting: type(of: error))); see the log lines before this one"
        }
    }

    /// Loads the configuration named by `--config FILE`, or prints every problem to standard error and exits with
    /// ``configurationExitStatus``.
    ///
    /// - Parameters:
    ///   - arguments: The process's arguments (`CommandLine.arguments`).
    ///   - environment: The process's environment (for `JIEKUN_…` overrides).
    /// - Returns: The validated configuration.
    public static func configurationOrExit(
        arguments: [String] = CommandLine.arguments,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> AgencyConfiguration {
        do {
            return try AgencyConfiguration.load(arguments: arguments, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(configurationExitStatus)
        }
    }
}
