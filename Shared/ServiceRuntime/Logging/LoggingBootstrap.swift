import Logging

/// Sets up the process's logging: logfmt lines on standard error (``LogfmtLogHandler``). Only a service's `main`
/// calls it, once; libraries take a `Logger`.
public enum LoggingBootstrap {
    /// Bootstraps swift-log with ``LogfmtLogHandler`` for every logger of the process.
    ///
    /// Call it once, first thing in `main` (swift-log refuses a second bootstrap); then pass the returned logger,
    /// or loggers made from it, to the libraries.
    ///
    /// - Parameters:
    ///   - level: The lowest level logged (the configuration's `logLevel`).
    ///   - label: The agency, named on every line as `agency=…` (`housing`).
    /// - Returns: The service's logger, labelled `jiekun.<label>`.
    @discardableResult
    public static func bootstrap(level: Logger.Level, label: String) -> Logger {
        LoggingSystem.bootstrap { _ in
            LogfmtLogHandler(agency: label, level: level)
        }
        return Logger(label: "jiekun.\(label)")
    }
}
