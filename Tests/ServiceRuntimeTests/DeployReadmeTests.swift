import Foundation
import HouseholdDomain
import ServiceRuntime
import TestSupport
import Testing

/// deploy/README.md's tables say what the example configurations do: its ports table and its feeds table are
/// compared with `deploy/agencies/*.yaml` and `deploy/local/*.yaml` as the services load them.
@Suite("deploy/README.md agrees with the configurations")
struct DeployReadmeTests {
    /// The rows of the README table whose header row starts with `firstColumn`, as trimmed cells.
    static func table(startingWith firstColumn: String) throws -> [[String]] {
        let text = try String(
            contentsOf: RuntimeTestKit.deployFolder.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("| \(firstColumn) |") }, "no table '\(firstColumn)'")
        return lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { line in
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    static func configurations(_ folder: String) throws -> [AgencyConfiguration] {
        try Agency.allCases.map {
            try AgencyConfiguration.load(
                file: RuntimeTestKit.deployFolder.appendingPathComponent("\(folder)/\($0.rawValue).yaml").path,
                environment: [:], options: .init(readsSecretKey: false))
        }
    }

    static func port(_ endpoint: String) -> String { String(endpoint.split(separator: ":").last ?? "") }

    /// The ports table as the configurations in `folder` give it: port, agency, endpoint, admitted.
    static func portRows(_ folder: String) throws -> [[String]] {
        var rows: [[String]] = []
        for configuration in try configurations(folder) {
            let agency = configuration.agency.rawValue
            if let replay = configuration.listen.replay {
                rows.append([port(replay), agency, "replay (ROUTER)", "readers of its feeds"])
            }
            rows.append(
                [port(configuration.listen.requests), agency, "requests (ROUTER)", "agencies under `peers`, operators"])
            for feed in configuration.listen.feeds {
                let readers = (feed.readers ?? []).map(\.rawValue).joined(separator: ", ")
                rows.append([port(feed.endpoint), agency, "feed `\(feed.name)` (PUB)", readers])
            }
        }
        return rows.sorted { $0[0] < $1[0] }
    }

    @Test(
        "the ports table: every endpoint of the province and of the local stack, its port and its readers",
        arguments: ["agencies", "local"])
    func ports(folder: String) throws {
        let readme = try Self.table(startingWith: "port")
        let configured = try Self.portRows(folder)
        let missing = configured.filter { !readme.contains($0) }.map { $0.joined(separator: " | ") }
        let extra = readme.filter { !configured.contains($0) }.map { $0.joined(separator: " | ") }
        #expect(
            missing.isEmpty,
            "configured in deploy/\(folder) but not in deploy/README.md:\n\(missing.joined(separator: "\n"))")
        #expect(
            extra.isEmpty,
            "in deploy/README.md but not configured in deploy/\(folder):\n\(extra.joined(separator: "\n"))")
    }

    @Test("the feeds table: what each agency publishes and consumes (and from whom)", arguments: ["agencies", "local"])
    func feeds(folder: String) throws {
        let readme = try Self.table(startingWith: "agency")
        let configurations = try Self.configurations(folder)
        try #require(readme.count == configurations.count)
        for configuration in configurations {
            let agency = configuration.agency.rawValue
            let row = try #require(readme.first { $0.first == "`\(agency)`" }, "no row for \(agency)")
            try #require(row.count == 3)
            func cells(_ text: String) -> [String] {
                text.components(separatedBy: ", ").map { $0.replacingOccurrences(of: "`", with: "") }
            }
            #expect(cells(row[1]) == configuration.listen.feeds.map(\.name), "\(agency) publishes")
            #expect(
                cells(row[2]) == configuration.upstream.map { "\($0.feed) (\($0.publisher.rawValue))" },
                "\(agency) consumes")
        }
    }

    @Test("docs/OPERATIONS.md names the unit, user, executable and paths of deploy/systemd/jiekun@.service")
    func operationsGuideMatchesTheUnit() throws {
        let unit = try String(
            contentsOf: RuntimeTestKit.deployFolder.appendingPathComponent("systemd/jiekun@.service"), encoding: .utf8)
        let guide = try String(
            contentsOf: Fixtures.packageRoot.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8)
        func setting(_ key: String) throws -> String {
            let line = try #require(unit.split(separator: "\n").first { $0.hasPrefix("\(key)=") }, "no \(key)=")
            return String(line.dropFirst(key.count + 1)).replacingOccurrences(of: "%i", with: "housing")
        }
        // The guide's example agency is housing: its user, executable, configuration and store folder.
        let user = try setting("User")
        #expect(try setting("Group") == user)
        #expect(guide.contains("useradd --system --user-group --no-create-home --shell /usr/sbin/nologin \(user)"))
        #expect(guide.contains("chown \(user) "))
        #expect(try setting("ExecStart") == "/usr/local/bin/housing --config /etc/jiekun/housing.yaml")
        #expect(guide.contains("housing --config /etc/jiekun/housing.yaml"))
        #expect(guide.contains("install -d -m 0700 -o \(user) \(try setting("ReadWritePaths"))"))
        // Every systemctl and journalctl command names the unit's instance, jiekun@<agency>.
        let commands = guide.matches(of: /(systemctl [a-z-]+(?: --now)?|journalctl -u) ([A-Za-z0-9@._-]+)/)
        try #require(!commands.isEmpty)
        for command in commands {
            #expect(command.output.2 == "jiekun@housing", "docs/OPERATIONS.md: `\(command.output.0)`")
        }
    }
}
