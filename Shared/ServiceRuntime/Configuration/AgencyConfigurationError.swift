/// A configuration file refused at load: every problem found, each naming its key path, so that the operator
/// can fix them all in one go.
///
/// Its description is what the service prints before it exits with a status other than 0:
///
/// ```text
/// deploy/agencies/housing.yaml: 2 problems
///   deploy/agencies/housing.yaml:31: upstream[2].replay: "tcp//union:7100" is not an endpoint (…)
///   JIEKUN_DECISIONMODE (environment): decisionMode: "sometimes" is not one of auto, review
/// ```
public struct AgencyConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem.
    public struct Issue: Sendable, Hashable, CustomStringConvertible {
        /// The key path, such as `upstream[2].replay`, `listen.feeds["outcomes.housing"].readers[0]`, or empty
        /// for the file as a whole.
        public var keyPath: String
        /// What is wrong and how to fix it. Never a secret key or a helper's name.
        public var message: String
        /// The file's line (1-based) of the offending entry, when known.
        public var line: Int?
        /// The environment variable the value came from (`JIEKUN_STORE`), when it came from one.
        public var environmentVariable: String?

        /// Creates a problem.
        ///
        /// - Parameters:
        ///   - keyPath: The key path.
        ///   - message: What is wrong.
        ///   - line: The file's line, if known.
        ///   - environmentVariable: The environment variable the value came from, if any.
        public init(keyPath: String, message: String, line: Int? = nil, environmentVariable: String? = nil) {
            self.keyPath = keyPath
            self.message = message
            self.line = line
            self.environmentVariable = environmentVariable
        }

        /// `keyPath: message`.
        public var description: String {
            keyPath.isEmpty ? message : "\(keyPath): \(message)"
        }
    }

    /// The configuration file, as given.
    public var file: String
    /// The problems, in the order found.
    public var issues: [Issue]

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - file: The configuration file.
    ///   - issues: The problems.
    public init(file: String, issues: [Issue]) {
        self.file = file
        self.issues = issues
    }

    /// The key paths of the problems, in order (for tests and scripts).
    public var keyPaths: [String] {
        issues.map(\.keyPath)
    }

    /// A summary line, then one line per problem, each starting with where it is (`FILE:LINE` or
    /// `JIEKUN_… (environment)`).
    public var description: String {
        let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
        let lines = issues.map { issue in
            let location: String
            if let variable = issue.environmentVariable {
                location = "\(variable) (environment)"
            } else if let line = issue.line {
                location = "\(file):\(line)"
            } else {
                location = file
            }
            return "  \(location): \(issue)"
        }
        return (["configuration \(file): \(count)"] + lines).joined(separator: "\n")
    }
}
