import Foundation
import Yams

/// Walks a configuration file's YAML node tree, collecting every problem with its key path and line instead of
/// stopping at the first one.
final class ConfigurationReader {
    /// The file, as given, for messages.
    let file: String
    /// The folder relative paths in the file are relative to.
    let folder: URL
    /// Key path → the environment variable that set it.
    let environmentPaths: [String: String]
    /// The problems found so far.
    private(set) var issues: [AgencyConfigurationError.Issue] = []
    /// Key path → the node read there, for the line of problems found after reading.
    private var nodes: [String: Node] = [:]

    /// Creates a reader.
    ///
    /// - Parameters:
    ///   - file: The file, for messages.
    ///   - environmentPaths: Key path → the environment variable that set it.
    init(file: String, environmentPaths: [String: String]) {
        self.file = file
        self.folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        self.environmentPaths = environmentPaths
    }

    /// Records a problem.
    ///
    /// - Parameters:
    ///   - path: Where it is.
    ///   - message: What is wrong.
    ///   - node: The offending node (or its parent, for a missing key), for the line; `nil` for the node read at
    ///     `path`, if any.
    func report(_ path: ConfigurationPath, _ message: String, at node: Node?) {
        let variable = environmentPaths[path.text]
        let line = (node ?? nodes[path.text])?.mark?.line
        issues.append(
            AgencyConfigurationError.Issue(
                keyPath: path.text, message: message, line: variable == nil ? line : nil,
                environmentVariable: variable
            )
        )
    }

    // MARK: Shapes

    /// What a node is, for "expected …, found …" messages.
    ///
    /// - Parameter node: The node.
    /// - Returns: `a mapping`, `a list`, `nothing`, or `text`.
    static func shape(of node: Node) -> String {
        switch node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar: isNull(node) ? "nothing" : "text"
        }
    }

    /// Whether a node is YAML's null (`~`, `null`, or no value at all).
    ///
    /// - Parameter node: The node.
    /// - Returns: Whether it is null.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return node.null != nil
    }

    /// A mapping's entries with their keys as text, reporting unknown and non-text keys.
    ///
    /// - Parameters:
    ///   - node: The node, expected to be a mapping.
    ///   - path: Its key path.
    ///   - allowed: The keys allowed, or `nil` for any key.
    /// - Returns: The entries in file order, or `nil` (reported) when the node is not a mapping.
    func mapping(_ node: Node, _ path: ConfigurationPath, allowed: [String]? = nil) -> [(key: String, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(path, "expected a mapping, found \(Self.shape(of: node))", at: node)
            return nil
        }
        var entries: [(key: String, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode, !Self.isNull(keyNode) else {
                report(path, "a key must be text, not \(Self.shape(of: keyNode))", at: keyNode)
                continue
            }
            let key = scalar.string
            if let allowed, !allowed.contains(key) {
                report(path.key(key), "unknown key (expected one of: \(allowed.joined(separator: ", ")))", at: keyNode)
                continue
            }
            nodes[path.key(key).text] = value
            entries.append((key, value))
        }
        return entries
    }

    /// A list's elements, or `nil` (reported) when the node is not a list.
    ///
    /// - Parameters:
    ///   - node: The node.
    ///   - path: Its key path.
    /// - Returns: The elements.
    func list(_ node: Node, _ path: ConfigurationPath) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(path, "expected a list, found \(Self.shape(of: node))", at: node)
            return nil
        }
        for (index, element) in sequence.enumerated() { nodes[path.index(index).text] = element }
        return Array(sequence)
    }

    // MARK: Values

    /// A non-empty text value.
    ///
    /// - Parameters:
    ///   - node: The node, or `nil` when the key is missing.
    ///   - path: Its key path.
    ///   - parent: The parent node, for the line of a missing key.
    ///   - expected: What the value should be, for the "required" message.
    /// - Returns: The text, or `nil` (reported).
    func text(_ node: Node?, _ path: ConfigurationPath, parent: Node?, expected: String) -> String? {
        guard let node else {
            report(path, "required: \(expected)", at: parent)
            return nil
        }
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            report(path, "expected \(expected), found \(Self.shape(of: node))", at: node)
            return nil
        }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else {
            report(path, "expected \(expected), found empty text", at: node)
            return nil
        }
        return text
    }

    /// A boolean: `true` or `false` (any case). `yes`, `no`, `on`, `off` are refused as ambiguous.
    ///
    /// - Parameters:
    ///   - node: The node.
    ///   - path: Its key path.
    /// - Returns: The value, or `nil` (reported).
    func bool(_ node: Node, _ path: ConfigurationPath) -> Bool? {
        guard case .scalar(let scalar) = node else {
            report(path, "expected true or false, found \(Self.shape(of: node))", at: node)
            return nil
        }
        switch scalar.string.lowercased() {
        case "true": return true
        case "false": return false
        default:
            report(path, "expected true or false, found \"\(scalar.string.prefix(40))\"", at: node)
            return nil
        }
    }

    /// A value of a closed set, such as an agency or a log level.
    ///
    /// - Parameters:
    ///   - node: The node, or `nil` when the key is missing.
    ///   - path: Its key path.
    ///   - parent: The parent node, for a missing key.
    ///   - what: What the value is, for messages (`an agency`).
    ///   - make: Builds the value from its text, or `nil`.
    ///   - choices: The texts allowed, for messages.
    /// - Returns: The value, or `nil` (reported).
    func choice<Value>(
        _ node: Node?, _ path: ConfigurationPath, parent: Node?, what: String, choices: [String],
        make: (String) -> Value?
    ) -> Value? {
        let list = choices.joined(separator: ", ")
        guard let text = text(node, path, parent: parent, expected: "\(what) (\(list))") else { return nil }
        guard let value = make(text) else {
            report(path, "\"\(text.prefix(40))\" is not \(what): one of \(list)", at: node)
            return nil
        }
        return value
    }

    /// A file path, made absolute relative to the configuration file's folder (or, for a value from the
    /// environment, to the current directory).
    ///
    /// - Parameters:
    ///   - node: The node, or `nil` when the key is missing.
    ///   - path: Its key path.
    ///   - parent: The parent node, for a missing key.
    ///   - expected: What the file is, for the "required" message.
    /// - Returns: The absolute path, or `nil` (reported).
    func filePath(_ node: Node?, _ path: ConfigurationPath, parent: Node?, expected: String) -> String? {
        guard let text = text(node, path, parent: parent, expected: expected) else { return nil }
        if text.hasPrefix("/") { return URL(fileURLWithPath: text).standardizedFileURL.path }
        let base =
            environmentPaths[path.text] == nil
            ? folder : URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return URL(fileURLWithPath: text, relativeTo: base).standardizedFileURL.path
    }

    /// A duration: `500ms`, `1s`, `2.5s`, `1m`, or a number of seconds.
    ///
    /// - Parameters:
    ///   - node: The node.
    ///   - path: Its key path.
    /// - Returns: The duration (more than zero), or `nil` (reported).
    func duration(_ node: Node, _ path: ConfigurationPath) -> Duration? {
        let expected = "a duration such as 500ms, 1s or 1m"
        guard let text = text(node, path, parent: nil, expected: expected) else { return nil }
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        var number = text
        var scale = 1.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = String(text.dropLast(unit.suffix.count))
            scale = unit.seconds
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0,
            value * scale <= 86_400
        else {
            report(path, "\"\(text.prefix(40))\" is not \(expected) (more than 0, at most a day)", at: node)
            return nil
        }
        return .milliseconds(Int64((value * scale * 1_000).rounded()))
    }

    /// An endpoint: `tcp://host:port`, `ipc://path` or `inproc://name`. Its security is checked later, once the
    /// keys are known.
    ///
    /// - Parameters:
    ///   - node: The node, or `nil` when the key is missing.
    ///   - path: Its key path.
    ///   - parent: The parent node, for a missing key.
    ///   - binds: Whether the endpoint is bound (a port `*` lets the system choose) rather than connected to.
    /// - Returns: The endpoint, or `nil` (reported).
    func endpoint(_ node: Node?, _ path: ConfigurationPath, parent: Node?, binds: Bool) -> String? {
        let expected = "an endpoint: tcp://host:port, ipc://path or inproc://name"
        guard let text = text(node, path, parent: parent, expected: expected) else { return nil }
        if let problem = Self.endpointProblem(text, binds: binds) {
            report(path, "\"\(text.prefix(80))\" is not \(expected) (\(problem))", at: node)
            return nil
        }
        return text
    }

    /// What is wrong with an endpoint's syntax, or `nil` when it is well-formed.
    ///
    /// - Parameters:
    ///   - endpoint: The endpoint.
    ///   - binds: Whether it is bound (port `*` allowed).
    /// - Returns: The problem, or `nil`.
    static func endpointProblem(_ endpoint: String, binds: Bool) -> String? {
        guard let separator = endpoint.range(of: "://") else { return "no transport://" }
        let transport = endpoint[..<separator.lowerBound]
        let address = endpoint[separator.upperBound...]
        guard !address.contains(where: \.isWhitespace) else { return "it contains a space" }
        switch transport {
        case "ipc", "inproc":
            return address.isEmpty ? "no \(transport == "ipc" ? "path" : "name") after \(transport)://" : nil
        case "tcp":
            guard let colon = address.lastIndex(of: ":") else { return "no :port" }
            let host = address[..<colon]
            let port = address[address.index(after: colon)...]
            guard !host.isEmpty else { return "no host" }
            if host.hasPrefix("[") != host.hasSuffix("]") { return "an IPv6 address goes in [brackets]" }
            if !host.hasPrefix("["), host.contains(":") { return "an IPv6 address goes in [brackets]" }
            if host == "*", !binds { return "a host to connect to cannot be *" }
            if port == "*" { return binds ? nil : "a port to connect to cannot be *" }
            guard let number = Int(port), (1...65_535).contains(number), port.allSatisfy(\.isASCII) else {
                return "the port must be 1 to 65535"
            }
            return nil
        default:
            return "the transport must be tcp, ipc or inproc"
        }
    }
}
