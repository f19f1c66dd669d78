import AgencyDesks
import AgencyServices
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ServiceRuntime
import Workbench
import ZeroMQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The seven service executables as separate processes on loopback, configured from `deploy/local`: one
/// configuration, store, log and (with CURVE) key pair per agency in a working folder; started, polled through
/// `status`, stopped with SIGTERM. `jiekun demo` runs its caseload on it, and the end-to-end tests their cases.
public final class ServiceStack {
    /// Why the stack could not be set up or did not settle.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        /// Creates a failure.
        public init(description: String) { self.description = description }
    }

    /// The working folder.
    public let folder: URL
    /// Whether the services run CURVE (else plain loopback TCP).
    public let secure: Bool
    /// Added to every port of `deploy/local`.
    public let portOffset: Int
    /// The folder holding the service executables.
    public let executables: URL
    /// The folder holding `deploy/local`'s configurations, or `nil` to look for it (``template(for:in:)``).
    private let templates: URL?
    /// The departments that decide in `review` mode (staff approve each measure); the others decide by rule.
    private let reviewing: Set<Agency>
    /// The suite of every agency's signing key (`keys/<agency>.signing.key`), hence of its journal's chain.
    public let evidenceSuite: EvidenceSuite
    /// Each agency's public signing key, listed under `peers.signing` in every configuration.
    public private(set) var signingKeys: [Agency: PublicSigningKey] = [:]
    /// Variables added to an agency's environment when its process starts (``start(_:)``), such as the power-cut
    /// tests' `LD_PRELOAD` of their SQLite VFS; empty for the demo.
    public var environment: [Agency: [String: String]] = [:]
    private var processes: [Agency: Process] = [:]
    private var ended: [Agency: DispatchSemaphore] = [:]
    private var publicKeys: [Agency: String] = [:]
    private var operatorKeyPair: CurveKeyPair?
    /// Each agency's simulated staff (CURVE only): role → staff id and key pair.
    private var staff: [Agency: [StaffRole: (id: String, pair: CurveKeyPair)]] = [:]
    private let fabric: FabricContext
    private var clients: [Agency: RequestClient] = [:]
    private var registerClient: RequestClient?
    private let logger: Logger
    private var detached = false

    /// Creates the working folder (emptied first), its keys and configurations; starts nothing.
    ///
    /// - Parameters:
    ///   - folder: The working folder (removed and made again).
    ///   - executables: The folder holding the seven service executables (``locateExecutables()`` for `jiekun`'s).
    ///   - templates: The folder of `deploy/local`'s configurations, or `nil` to look for `deploy/local` in the
    ///     current directory and above the running executable.
    ///   - secure: Whether to run CURVE.
    ///   - portOffset: Added to every port of `deploy/local` (7100–7799).
    ///   - policy: The policy file's path.
    ///   - reviewing: The departments that decide in `review` mode, and the union when staff take exits through
    ///     their procedure (`exitProcedure: review`, policy C.4).
    ///   - evidenceSuite: The suite of the agencies' signing keys and chains.
    public init(
        folder: URL, executables: URL, templates: URL? = nil, secure: Bool, portOffset: Int, policy: String,
        reviewing: Set<Agency> = [], evidenceSuite: EvidenceSuite = .standard
    ) throws {
        self.folder = folder.standardizedFileURL
        self.secure = secure
        self.portOffset = portOffset
        self.executables = executables
        self.templates = templates
        self.reviewing = reviewing
        self.evidenceSuite = evidenceSuite
        logger = Logger(label: "jiekun.demo") { _ in
            var handler = StreamLogHandler.standardError(label: "jiekun")
            handler.logLevel = .critical
            return handler
        }
        fabric = try FabricContext(limits: .init(maxMessageSize: 64 << 20), logger: logger)
        try Self.refuseRunningStack(in: self.folder)
        try? FileManager.default.removeItem(at: self.folder)
        for sub in ["stores", "logs", "config", "keys", "keys/staff"] {
            try FileManager.default.createDirectory(
                at: self.folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        try writeConfigurations(policy: URL(fileURLWithPath: policy).standardizedFileURL.path)
        if secure { try addSimulatedStaff() }
    }

    /// Adds a simulated clerk (经办) and approver (审核) for the whole province to every agency's store, through
    /// the same staff register as `jiekun staff add`, before the services start; the demo's requests then act as
    /// the clerk. Their secret keys are written to `keys/staff/<staff id>.key` (mode 0600).
    private func addSimulatedStaff() throws {
        for agency in Agency.allCases {
            let configuration = try AgencyConfiguration.load(
                file: configuration(agency).path, options: .init(readsSecretKey: false))
            let store = try AgencyAssembly.openStore(for: configuration, logger: logger)
            for (role, name) in [(StaffRole.clerk, "模拟经办人"), (.approver, "模拟审核人")] {
                let pair = try CurveKeyPair.generate()
                let member = try store.writer.write { db in
                    try StaffRegister.add(
                        displayName: name, roles: [role], area: .province, publicKey: pair.publicKey, agency: agency,
                        by: "jiekun-demo", in: db)
                }
                staff[agency, default: [:]][role] = (member.id, pair)
                let path = staffKeyFile(agency, role)
                guard
                    FileManager.default.createFile(
                        atPath: path, contents: Data((pair.secretKey + "\n").utf8),
                        attributes: [.posixPermissions: 0o600])
                else { throw Failure(description: "cannot write \(path)") }
            }
        }
    }

    /// A workbench login made for the demo or a test: the member and their generated password.
    public struct WorkbenchLogin: Sendable, Hashable {
        /// The agency.
        public var agency: Agency
        /// The member's one role.
        public var role: StaffRole
        /// The area code.
        public var area: String
        /// The staff id.
        public var staffID: String
        /// The password (16 characters, generated).
        public var password: String
    }

    /// Adds a member with a generated workbench password to an agency's store, through the staff register and
    /// the workbench's bcrypt (as `jiekun staff add` and `jiekun staff passwd` do), beside the running service.
    ///
    /// - Parameters:
    ///   - agency: The agency.
    ///   - role: The member's role.
    ///   - area: Their area code (the province by default).
    ///   - name: Their display name.
    ///   - cost: The bcrypt cost (the demo's logins use 10: 35 hashes at cost 12 would add seconds).
    /// - Returns: The login.
    public func addWorkbenchLogin(
        _ agency: Agency, role: StaffRole, area: String = StaffArea.province.code, name: String? = nil,
        cost: UInt8 = 10
    ) throws -> WorkbenchLogin {
        let configuration = try AgencyConfiguration.load(
            file: configuration(agency).path, options: .init(readsSecretKey: false))
        let store = try AgencyAssembly.openStore(for: configuration, logger: logger)
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let password = String((0..<16).map { _ in alphabet.randomElement(using: &generator)! })
        let hash = try StaffPasswords.hash(password, cost: cost)
        let member = try store.writer.write { db in
            let member = try StaffRegister.add(
                displayName: name ?? "演示\(role.chineseName)", roles: [role], area: try StaffArea(code: area),
                publicKey: try CurveKeyPair.generate().publicKey, agency: agency, by: "jiekun-demo", in: db)
            try StaffRegister.setPasswordHash(hash, of: member.id, by: "jiekun-demo", in: db)
            return member
        }
        return WorkbenchLogin(agency: agency, role: role, area: area, staffID: member.id, password: password)
    }

    /// One workbench login per role for every agency (province-wide), written with the addresses to
    /// `<folder>/workbench-logins.txt`, mode 0600.
    ///
    /// - Returns: The logins and the file's path.
    public func addDemoWorkbenchLogins() throws -> (logins: [WorkbenchLogin], file: String) {
        var logins: [WorkbenchLogin] = []
        for agency in Agency.allCases {
            for role in StaffRole.allCases { logins.append(try addWorkbenchLogin(agency, role: role)) }
        }
        var text = "# Jiekun demo: one workbench login per role and agency (passwords generated at this run)\n"
        for agency in Agency.allCases {
            text += "\n\(agency.rawValue)  \(workbench(agency))/login\n"
            for login in logins where login.agency == agency {
                text += "  \(login.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) "
                text += "\(login.staffID)  \(login.password)\n"
            }
        }
        let path = folder.appendingPathComponent("workbench-logins.txt").path
        try? FileManager.default.removeItem(atPath: path)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw Failure(description: "cannot write \(path)") }
        return (logins, path)
    }

    /// The staff id of an agency's simulated staff member (CURVE only).
    public func staffID(_ agency: Agency, _ role: StaffRole) -> String? { staff[agency]?[role]?.id }

    /// The secret key file of an agency's simulated staff member (CURVE only).
    public func staffKeyFile(_ agency: Agency, _ role: StaffRole) -> String {
        let id = staff[agency]?[role]?.id ?? "\(agency.rawValue)-\(role.rawValue)"
        return folder.appendingPathComponent("keys/staff/\(id).key").path
    }

    deinit {
        // A demo that failed half-way leaves no service behind (a detached stack keeps running on purpose).
        if !detached, !processes.isEmpty { _ = stop() }
        for client in clients.values { client.close() }
        registerClient?.close()
        fabric.shutdown()
    }

    /// The folder of the running `jiekun` executable, holding the seven service executables.
    public static func locateExecutables() throws -> URL {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let missing = Agency.allCases.map(\.rawValue).filter {
            !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent($0).path)
        }
        guard missing.isEmpty else {
            throw Failure(
                description: "the service executables \(missing.joined(separator: ", ")) are not beside "
                    + "\(folder.path)/jiekun: build them with `swift build -c release` (then run "
                    + ".build/release/jiekun demo)")
        }
        return folder
    }

    /// `deploy/local/AGENCY.yaml`: in `folder` when given, else in the current directory or above the executable
    /// (like the policy file).
    static func template(for agency: Agency, in folder: URL?) throws -> String {
        if let folder {
            return try String(contentsOf: folder.appendingPathComponent("\(agency.rawValue).yaml"), encoding: .utf8)
        }
        let relative = "deploy/local/\(agency.rawValue).yaml"
        var candidates = [FileManager.default.currentDirectoryPath + "/" + relative]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        while folder.pathComponents.count > 1 {
            candidates.append(folder.appendingPathComponent(relative).path)
            folder = folder.deletingLastPathComponent()
        }
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate) {
            return try String(contentsOfFile: candidate, encoding: .utf8)
        }
        throw Failure(description: "no \(relative) found in the current directory or above the executable")
    }

    /// Each agency's configuration file.
    public func configuration(_ agency: Agency) -> URL {
        folder.appendingPathComponent("config/\(agency.rawValue).yaml")
    }

    /// Each agency's log file.
    public func log(_ agency: Agency) -> URL {
        folder.appendingPathComponent("logs/\(agency.rawValue).log")
    }

    /// The operator's secret key file (CURVE only).
    public var operatorKeyFile: String { folder.appendingPathComponent("keys/operator.key").path }

    /// The agency's public key (CURVE only).
    public func publicKey(_ agency: Agency) -> String? { publicKeys[agency] }

    /// An endpoint (or the workbench's address) of `deploy/local` moved by the port offset.
    func shifted(_ text: Substring) -> String {
        var text = String(text)
        for marker in ["tcp://127.0.0.1:", "http://127.0.0.1:"] {
            var result = ""
            var rest = text[...]
            while let range = rest.range(of: marker) {
                result += rest[..<range.upperBound]
                rest = rest[range.upperBound...]
                let digits = rest.prefix(while: \.isNumber)
                result += String((Int(digits) ?? 0) + portOffset)
                rest = rest.dropFirst(digits.count)
            }
            text = result + rest
        }
        return text
    }

    /// The workbench's address of an agency (`listen.http` of `deploy/local`: 7x50).
    public func workbench(_ agency: Agency) -> String {
        let base: [Agency: Int] = [
            .union: 7150, .humanResources: 7250, .medicalInsurance: 7350, .education: 7450, .housing: 7550,
            .civilAffairs: 7650, .coordinator: 7750,
        ]
        return "http://127.0.0.1:\(base[agency]! + portOffset)"
    }

    /// The signing key file of an agency (`keys/<agency>.signing.key`, mode 0600).
    public func signingKeyFile(_ agency: Agency) -> String {
        folder.appendingPathComponent("keys/\(agency.rawValue).signing.key").path
    }

    /// The request endpoint of an agency (`listen.requests` of `deploy/local`: 7x01).
    public func requests(_ agency: Agency) -> String {
        let base: [Agency: Int] = [
            .union: 7101, .humanResources: 7201, .medicalInsurance: 7301, .education: 7401, .housing: 7501,
            .civilAffairs: 7601, .coordinator: 7701,
        ]
        return "tcp://127.0.0.1:\(base[agency]! + portOffset)"
    }

    private func writeConfigurations(policy: String) throws {
        var pairs: [Agency: CurveKeyPair] = [:]
        if secure {
            for agency in Agency.allCases { pairs[agency] = try CurveKeyPair.generate() }
            let operatorPair = try CurveKeyPair.generate()
            operatorKeyPair = operatorPair
            for (name, pair) in pairs.map({ ($0.key.rawValue, $0.value) }) + [("operator", operatorPair)] {
                let path = folder.appendingPathComponent("keys/\(name).key").path
                guard
                    FileManager.default.createFile(
                        atPath: path, contents: Data((pair.secretKey + "\n").utf8),
                        attributes: [.posixPermissions: 0o600])
                else { throw Failure(description: "cannot write \(path)") }
                try Data((pair.publicKey + "\n").utf8).write(
                    to: folder.appendingPathComponent("keys/\(name).pub"))
            }
            publicKeys = pairs.mapValues(\.publicKey)
        }
        // A signing key per agency, with or without CURVE: every feed's heads are signed and checked.
        for agency in Agency.allCases {
            let key = try SigningKey.generate(evidenceSuite)
            let path = signingKeyFile(agency)
            guard
                FileManager.default.createFile(
                    atPath: path, contents: Data((key.secretText + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw Failure(description: "cannot write \(path)") }
            signingKeys[agency] = key.publicKey
        }
        for agency in Agency.allCases {
            var lines = [
                "# Written by `jiekun demo` from deploy/local/\(agency.rawValue).yaml"
                    + (secure ? ", with CURVE: one key pair per agency (keys/), `peers` below." : ".")
            ]
            var inHeader = true
            for line in try Self.template(for: agency, in: templates).split(
                separator: "\n", omittingEmptySubsequences: false)
            {
                if !line.hasPrefix("#") && !line.isEmpty { inHeader = false }
                if secure, line.hasPrefix("#"), inHeader || line.contains("CURVE") || line.contains("insecure") {
                    continue  // the template's comments about the local stack without CURVE
                } else if line.hasPrefix("store:") {
                    lines.append("store: \(folder.appendingPathComponent("stores/\(agency.rawValue).sqlite").path)")
                } else if line.hasPrefix("policy:") {
                    lines.append("policy: \(policy)")
                    if agency == .union, reviewing.contains(.union) { lines.append("exitProcedure: review") }
                } else if line.hasPrefix("decisionMode:"), reviewing.contains(agency) {
                    lines.append("decisionMode: review")
                } else if line.hasPrefix("insecure:") {
                    if !secure { lines.append(String(line)) }
                    lines.append("keys:")
                    if secure {
                        lines.append("  secret: \(folder.appendingPathComponent("keys/\(agency.rawValue).key").path)")
                    }
                    lines.append("  signing: \(signingKeyFile(agency))")
                } else {
                    lines.append(shifted(line))
                }
            }
            lines.append("peers:")
            if secure, let operatorKeyPair {
                for peer in Agency.allCases { lines.append("  \(peer.rawValue): '\(pairs[peer]!.publicKey)'") }
                lines.append("  operators:")
                lines.append("    demo: '\(operatorKeyPair.publicKey)'")
            }
            lines.append("  signing:")
            for peer in Agency.allCases { lines.append("    \(peer.rawValue): '\(signingKeys[peer]!)'") }
            try lines.joined(separator: "\n").write(to: configuration(agency), atomically: true, encoding: .utf8)
        }
    }

    private func security(_ agency: Agency) -> EndpointSecurity {
        if let clerk = staff[agency]?[.clerk], let key = publicKeys[agency] {
            return .curveClient(keyPair: clerk.pair, serverPublicKey: key)
        }
        return .plain
    }

    /// Starts every agency's process.
    public func start() throws {
        for agency in Agency.allCases { try start(agency) }
        for agency in Agency.allCases {
            clients[agency] = try RequestClient(
                fabric: fabric, endpoint: requests(agency), security: security(agency),
                options: .init(timeout: .seconds(5), retries: 6), logger: logger)
        }
        registerClient = try RequestClient(
            fabric: fabric, endpoint: requests(.union), security: security(.union),
            options: .init(timeout: .seconds(300), retries: 1, maxMessageSize: 64 << 20), logger: logger)
    }

    /// Starts one agency's process with its configuration and store, appending to its log.
    public func start(_ agency: Agency) throws {
        let logPath = log(agency).path
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log(agency))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = executables.appendingPathComponent(agency.rawValue)
        process.arguments = ["--config", configuration(agency).path]
        if let added = environment[agency], !added.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(added) { $1 }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        let semaphore = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in semaphore.signal() }
        try process.run()
        try? handle.close()
        processes[agency] = process
        ended[agency] = semaphore
    }

    /// Stops a department (SIGTERM, up to 20 s), sets `decisionMode: review` in its configuration and starts it
    /// again on the same store: the measures it receives from then on wait for staff (policy C.6); what it decided
    /// before stays decided. `jiekun demo --review` does this after its identical check.
    ///
    /// - Parameter agency: A department.
    /// - Throws: ``Failure`` when it does not stop or its configuration has no `decisionMode` line.
    public func restartReviewing(_ agency: Agency) throws {
        if let process = processes[agency], process.isRunning {
            process.terminate()
            guard ended[agency]?.wait(timeout: .now() + 20) == .success else {
                throw Failure(description: "\(agency.rawValue) did not stop within 20 s after SIGTERM")
            }
        }
        processes[agency] = nil
        let url = configuration(agency)
        var found = false
        let lines = try String(contentsOf: url, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map { line -> String in
            guard line.hasPrefix("decisionMode:") else { return String(line) }
            found = true
            return "decisionMode: review"
        }
        guard found else { throw Failure(description: "\(url.path) has no decisionMode line") }
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        try start(agency)
    }

    /// The process identifiers, by agency.
    public var pids: [Agency: Int32] { processes.mapValues(\.processIdentifier) }

    /// Sends one request and returns the reply, whatever its status.
    ///
    /// A request that fails while a service of the stack has exited fails with that service's exit and the end of
    /// its log (``checkAlive()``): the request's own error would blame the wrong thing — for a service that could
    /// not bind its port because another stack holds it, the request reached that other stack's service.
    public func reply(_ agency: Agency, _ operation: String, body: [UInt8] = []) throws -> ServiceReply {
        guard let client = operation == Operation.register ? registerClient : clients[agency] else {
            throw Failure(description: "the stack is not started")
        }
        do {
            return try client.request(operation, body: body)
        } catch {
            try checkAlive()
            throw error
        }
    }

    /// Sends one request; returns an `ok` reply's body, throws otherwise.
    public func request(_ agency: Agency, _ operation: String, body: [UInt8] = []) throws -> [UInt8] {
        let reply = try reply(agency, operation, body: body)
        guard reply.status == .ok else {
            let reason =
                (try? MessageCoding.decode(ErrorReply.self, from: reply.body).reason)
                ?? String(decoding: reply.body, as: UTF8.self)
            throw Failure(description: "\(operation) at \(agency.rawValue): \(reply.status.rawValue): \(reason)")
        }
        return reply.body
    }

    /// Every agency's `status`; fails naming a service that exited.
    public func statuses() throws -> [Agency: StatusReport] {
        try checkAlive()
        var statuses: [Agency: StatusReport] = [:]
        for agency in Agency.allCases {
            statuses[agency] = try StatusReport.decode(try request(agency, StatusReport.operation))
        }
        return statuses
    }

    /// Throws when a service's process has ended, with the end of its log.
    public func checkAlive() throws {
        for (agency, process) in processes where !process.isRunning {
            throw Failure(
                description: "\(agency.rawValue) exited (status \(process.terminationStatus)); its log "
                    + "\(log(agency).path) ends with:\n" + tail(agency))
        }
    }

    /// The last lines of an agency's log.
    public func tail(_ agency: Agency, lines: Int = 10) -> String {
        let text = (try? String(contentsOf: log(agency), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).map { "    \($0)" }.joined(separator: "\n")
    }

    /// The last lines of every agency's log, for a failure's message.
    public func tails(lines: Int = 15) -> String {
        Agency.allCases.map { "== \($0.rawValue)\n" + tail($0, lines: lines) }.joined(separator: "\n")
    }

    /// The `jiekun` options that reach `agency`'s request endpoint, with the CURVE keys when the stack is secure:
    /// acting as the agency's simulated staff member in `role` (business operations are for staff only).
    public func endpointArguments(_ agency: Agency, as role: StaffRole = .clerk) -> [String] {
        var arguments = ["--endpoint", requests(agency)]
        if let key = publicKey(agency) {
            // `=`: a Z85 key may start with `-`, which would otherwise read as an option.
            arguments += ["--server-key=\(key)", "--key", staffKeyFile(agency, role)]
        }
        return arguments
    }

    /// Events applied and events published, summed over every consumer's cursor and its publisher's journal.
    public struct Progress {
        /// Σ cursors.
        public var applied: UInt64
        /// Σ publisher journals, once per consumer.
        public var published: UInt64
        /// Whether every cursor equals its publisher's journal.
        public var caughtUp: Bool {
            applied == published
        }

        /// Creates a progress.
        public init(applied: UInt64, published: UInt64) {
            self.applied = applied
            self.published = published
        }
    }

    /// The progress of `agencies` as consumers.
    public static func progress(_ statuses: [Agency: StatusReport], of agencies: [Agency]) -> Progress {
        var journal: [String: UInt64] = [:]
        for status in statuses.values { journal.merge(status.journal ?? [:]) { max($0, $1) } }
        var progress = Progress(applied: 0, published: 0)
        for agency in agencies {
            for (feed, cursor) in statuses[agency]?.cursors ?? [:] {
                progress.applied += cursor
                progress.published += max(cursor, journal[feed] ?? 0)
            }
        }
        return progress
    }

    /// Kills an agency with SIGKILL and waits for its process to end.
    public func crash(_ agency: Agency) {
        guard let process = processes[agency] else { return }
        _ = kill(process.processIdentifier, SIGKILL)
        ended[agency]?.wait()
        processes[agency] = nil
    }

    /// Stops one agency's service with SIGTERM and waits for it (an operator's `systemctl stop`).
    ///
    /// - Parameter agency: The agency.
    /// - Returns: Its exit status; `nil` when it had to be killed after 20 s.
    @discardableResult
    public func stop(_ agency: Agency) -> Int32? {
        guard let process = processes[agency] else { return nil }
        if process.isRunning { process.terminate() }
        defer { processes[agency] = nil }
        guard ended[agency]?.wait(timeout: .now() + 20) == .success else {
            _ = kill(process.processIdentifier, SIGKILL)
            ended[agency]?.wait()
            return nil
        }
        return process.terminationReason == .exit ? process.terminationStatus : -1
    }

    /// Waits for an agency's process to end by itself (the power-cut tests' services cut their own power).
    ///
    /// - Parameters:
    ///   - agency: The agency.
    ///   - timeout: The longest wait.
    /// - Returns: Whether it ended in time (then it is forgotten, as after ``crash(_:)``).
    public func waitForEnd(_ agency: Agency, timeout: Duration) -> Bool {
        guard let process = processes[agency] else { return true }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        guard ended[agency]?.wait(timeout: .now() + seconds) == .success else { return false }
        _ = process.terminationStatus
        processes[agency] = nil
        return true
    }

    /// Whether an agency's process is running.
    public func isRunning(_ agency: Agency) -> Bool { processes[agency]?.isRunning ?? false }

    /// Each service's peak resident memory (`VmHWM` of /proc/PID/status), KiB.
    public func peakMemory() -> [Agency: Int] {
        var peaks: [Agency: Int] = [:]
        for (agency, process) in processes {
            guard
                let text = try? String(
                    contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
            else { continue }
            peaks[agency] = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
        }
        return peaks
    }

    /// Each service's processor time so far (user + system, `/proc/PID/stat`), seconds.
    public func processorSeconds() -> [Agency: Double] {
        var times: [Agency: Double] = [:]
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        for (agency, process) in processes {
            guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { continue }
            // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            times[agency] = (user + system) / ticks
        }
        return times
    }

    /// Sends SIGTERM to every service and waits for each; returns the exit statuses (`nil`: killed after 20 s).
    public func stop() -> [Agency: Int32?] {
        for client in clients.values { client.close() }
        clients = [:]
        registerClient?.close()
        registerClient = nil
        for process in processes.values where process.isRunning { process.terminate() }
        var statuses: [Agency: Int32?] = [:]
        for (agency, process) in processes {
            if ended[agency]?.wait(timeout: .now() + 20) == .success {
                statuses[agency] = process.terminationReason == .exit ? process.terminationStatus : -1
            } else {
                statuses[agency] = .some(nil)
                _ = kill(process.processIdentifier, SIGKILL)
            }
        }
        processes = [:]
        return statuses
    }

    /// Refuses to empty a folder whose stack, left running with `--keep-running`, still has a live process: its
    /// stores and keys would be deleted from under it.
    ///
    /// - Throws: ``Failure`` naming the processes and how to stop them.
    static func refuseRunningStack(in folder: URL) throws {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("pids"), encoding: .utf8) else { return }
        let running = text.split(separator: "\n").compactMap { line -> (String, Int32)? in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let pid = Int32(parts[1]), kill(pid, 0) == 0 else { return nil }
            return (String(parts[0]), pid)
        }
        guard !running.isEmpty else { return }
        throw Failure(
            description: "services of an earlier `--keep-running` demo still run from \(folder.path) ("
                + running.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "); stop them first: kill "
                + running.map { String($0.1) }.joined(separator: " ") + " (or give another --folder)")
    }

    /// Leaves the services running: closes the clients and writes their process ids to `<folder>/pids`.
    public func detach() {
        detached = true
        for client in clients.values { client.close() }
        clients = [:]
        registerClient?.close()
        registerClient = nil
        let text = Agency.allCases.compactMap { agency in
            processes[agency].map { "\(agency.rawValue) \($0.processIdentifier)" }
        }.joined(separator: "\n")
        try? (text + "\n").write(to: folder.appendingPathComponent("pids"), atomically: true, encoding: .utf8)
    }
}
