import ArgumentParser
import EventFabric
import Foundation
import HouseholdDomain
import ServiceRuntime
import StreamingJSON

/// `jiekun reconcile --config FILE … | --folder DIR`: asks every agency for its feeds' heads and every consumer
/// for its positions, and prints per feed and consumer: in step, behind by N, or diverged at position K
/// (docs/OPERATIONS.md, "After an incident").
struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare every consumer's position with its publisher's head: in step, behind, or diverged.",
        discussion: """
            Each agency is asked for its status at the request endpoint of its configuration (listen.requests, \
            with 0.0.0.0 replaced by --host). Hashes are compared at the positions of the signed heads each \
            consumer kept: a consumer diverged at K applied position K differently from the publisher's journal \
            now. Exits 0 when every feed is in step or behind, 3 when one diverged, 1 when an agency cannot be \
            asked.
            """)

    @Option(name: .customLong("config"), help: "An agency's configuration file (repeat for each agency).")
    var configs: [String] = []

    @Option(help: "A folder of configurations (*.yaml, such as a demo's config/ folder).")
    var folder: String?

    @Option(help: "The host to reach endpoints bound on 0.0.0.0 at.")
    var host = "127.0.0.1"

    @Option(help: "The operator's secret key file (jiekun keys generate), for agencies that run CURVE.")
    var key: String?

    @Option(help: "Seconds to wait for each agency's reply.")
    var timeout: Int = 10

    func validate() throws {
        guard !configs.isEmpty || folder != nil else { throw ValidationError("give --config FILE … or --folder DIR") }
    }

    /// The configurations (`*.yaml`) of a folder, or of its `config/` folder (a demo's folder); none is an error
    /// naming the folder, never an empty table.
    static func configurations(in folder: String) throws -> [String] {
        func yamls(_ directory: String) -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return names.filter { $0.hasSuffix(".yaml") }.sorted().map { "\(directory)/\($0)" }
        }
        let found = yamls(folder)
        if !found.isEmpty { return found }
        let nested = yamls("\(folder)/config")
        if !nested.isEmpty { return nested }
        Terminal.error("reconcile: no configuration (*.yaml) in \(folder) nor in \(folder)/config")
        throw ExitCode(64)
    }

    func run() throws {
        var files = configs
        if let folder {
            files += try Self.configurations(in: folder)
        }
        var endpoints: [String: ServiceEndpoint] = [:]
        for file in files {
            let configuration: AgencyConfiguration
            do {
                configuration = try AgencyConfiguration.load(file: file, options: .init(readsSecretKey: false))
            } catch {
                Terminal.error("\(error)")
                throw ExitCode(78)
            }
            var arguments = [
                "--endpoint", configuration.listen.requests.replacingOccurrences(of: "0.0.0.0", with: host),
                "--timeout", String(timeout),
            ]
            if !configuration.insecure, let serverKey = configuration.peers.agencies[configuration.agency] {
                guard let key else {
                    Terminal.error("\(configuration.agency.rawValue) runs CURVE: give --key (an operator's secret key)")
                    throw ExitCode(64)
                }
                arguments += ["--server-key=\(serverKey)", "--key", key]
            }
            endpoints[configuration.agency.rawValue] = try ServiceEndpoint.parse(arguments)
        }
        var statuses: [String: StatusReport] = [:]
        for (agency, endpoint) in endpoints {
            statuses[agency] = try StatusReport.decode(endpoint.request(StatusReport.operation, command: "reconcile"))
        }
        var answers: [String: StatusReport] = [:]
        for (publisher, chains) in Reconciliation.questions(statuses) {
            guard let endpoint = endpoints[publisher] else { continue }
            let body = try WireJSON.encode(StatusReport.ChainQuery(chains: chains))
            answers[publisher] = try StatusReport.decode(
                endpoint.request(StatusReport.operation, body: body, command: "reconcile"))
        }
        let lines = Reconciliation.lines(statuses: statuses, answers: answers)
        var output = Terminal.standardOutput
        defer { output.flush() }
        output.write(
            "feed".padded(28) + "publisher".padded(19) + "consumer".padded(19) + "head".padded(9, right: true)
                + "cursor".padded(9, right: true) + "  state\n")
        for line in lines {
            output.write(
                line.feed.padded(28) + line.publisher.padded(19) + line.consumer.padded(19)
                    + String(line.head).padded(9, right: true) + String(line.cursor).padded(9, right: true)
                    + "  \(line.state)\n")
        }
        let diverged = lines.filter { if case .diverged = $0.state { true } else { false } }
        guard diverged.isEmpty else {
            output.flush()
            Terminal.error("\(diverged.count) feeds diverged (restore procedure: docs/OPERATIONS.md)")
            throw ExitCode(StatusCommand.divergedExitCode)
        }
    }
}
