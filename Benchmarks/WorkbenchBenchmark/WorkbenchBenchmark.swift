// The workbench's benchmark (issue "The workbench", Measure): against a stack left running by
// `jiekun demo --keep-running` (CURVE, the default), two measurements. A benchmark, not a test: it asserts nothing.
//
//   jiekun demo --households 3000 --keep-running          # prints the demo folder, default .build/jiekun-demo
//   swift build --product workbench-bench && .build/debug/workbench-bench --folder .build/jiekun-demo
//   options: --folder DIR  --sessions N (50)  --seconds N (30)  --filings N (100)  --year YYYY (2017)
//            --prefecture CODE (530100)  --policy FILE (deploy/policy/yunnan.yaml)
//
// 1. Pages under load: N sessions of the coordinator's demo clerk log in (POST /login with the form's CSRF token,
//    as a browser does; the logins are in the demo folder's workbench-logins.txt, mode 0600), then each session,
//    on its own keep-alive connection, fetches the dashboard's pages in turn — the province, a prefecture, one of
//    its counties, each one's CSV, and the money page with its CSV — for the given seconds. Prints p50/p95/p99
//    per page and over all, and requests per second.
// 2. Filing to dashboard: files households one by one at the union — `register`, the request operation
//    `jiekun register` sends, as the demo's clerk (its profile, profiles/clerk.yaml) — and for each measures the
//    time from sending it until the coordinator's dashboard JSON (`/api/dashboard?year=` of its filing year)
//    counts it among the province's new files (polled every 10 ms). Each gets a file number of its own (`-W`). Households that are not filed (not eligible, or a person already
//    on a file) are skipped. Prints p50/p99 and the slowest.
import AgencyDesks
import BuildVersion
import Dispatch
import EventFabric
import Foundation
import HTTPTypes
import HouseholdDomain
import Hummingbird
import HummingbirdTesting
import Logging
import SampleCaseload
import ServiceRuntime
import Synchronization
import Yams

@main
enum WorkbenchBenchmark {
    /// The options, from the command line.
    struct Options {
        var folder = ".build/jiekun-demo"
        var sessions = 50
        var seconds = 30
        var filings = 100
        var year = 2017
        var prefecture = "530100"
        var policy = "deploy/policy/yunnan.yaml"

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            while let name = rest.popFirst() {
                guard let value = rest.popFirst() else { throw Failure("\(name) needs a value") }
                switch name {
                case "--folder": folder = value
                case "--sessions": sessions = try Self.number(value, name, in: 1...1_000)
                case "--seconds": seconds = try Self.number(value, name, in: 1...3_600)
                case "--filings": filings = try Self.number(value, name, in: 0...10_000)
                case "--year": year = try Self.number(value, name, in: 2017...2020)
                case "--prefecture": prefecture = value
                case "--policy": policy = value
                default: throw Failure("unknown option \(name)")
                }
            }
        }

        static func number(_ text: String, _ name: String, in range: ClosedRange<Int>) throws -> Int {
            guard let value = Int(text), range.contains(value) else {
                throw Failure("\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound), not \(text)")
            }
            return value
        }
    }

    /// A failure the benchmark reports and exits on.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func main() {
        if BuildVersion.isRequested(by: CommandLine.arguments) {
            print(BuildVersion.line(for: "workbench-bench"))
            return
        }
        do {
            try run(try Options(Array(CommandLine.arguments.dropFirst())))
        } catch {
            FileHandle.standardError.write(Data("workbench-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: Options) throws {
        let logins = try DemoLogins(file: options.folder + "/workbench-logins.txt")
        let coordinator = try logins.address(of: .coordinator)
        let clerk = try logins.login(of: .coordinator, role: "clerk")
        print(BuildVersion.line(for: "workbench-bench"))
        print("Stack: \(options.folder); coordinator's workbench \(coordinator.host):\(coordinator.port)")

        // 1. Pages under load.
        let pages = try blocking {
            try await PageLoad.run(
                host: coordinator.host, port: coordinator.port, login: clerk, options: options)
        }
        print(pages)

        // 2. Filing to dashboard.
        if options.filings > 0 {
            let filings = try FilingLatency.run(
                options: options, coordinator: coordinator, clerk: clerk)
            print(filings)
        }
    }

    /// Runs async work from the main thread (a thread of ours, which may block), waiting for its result.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let value = try await body()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Percentiles of latencies in milliseconds (nearest rank).
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// The demo's workbench logins file: per agency its address, then one `role staff-id password` line per role.
struct DemoLogins {
    struct Login: Sendable {
        var staffID: String
        var password: String
    }

    var addresses: [Agency: (host: String, port: Int)] = [:]
    var logins: [Agency: [String: Login]] = [:]

    init(file: String) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw WorkbenchBenchmark.Failure(
                "cannot read \(file): start the stack with `jiekun demo --keep-running` (see --folder)")
        }
        var agency: Agency?
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if !line.hasPrefix(" "), fields.count == 2, let named = Agency(rawValue: fields[0]),
                let url = URL(string: fields[1]), let host = url.host, let port = url.port
            {
                agency = named
                addresses[named] = (host, port)
            } else if line.hasPrefix(" "), fields.count == 3, let agency {
                logins[agency, default: [:]][fields[0]] = Login(staffID: fields[1], password: fields[2])
            }
        }
    }

    func address(of agency: Agency) throws -> (host: String, port: Int) {
        guard let address = addresses[agency] else {
            throw WorkbenchBenchmark.Failure("no address of \(agency.rawValue) in the logins file")
        }
        return address
    }

    func login(of agency: Agency, role: String) throws -> Login {
        guard let login = logins[agency]?[role] else {
            throw WorkbenchBenchmark.Failure("no \(role) login of \(agency.rawValue) in the logins file")
        }
        return login
    }
}

/// One logged-in session on its own keep-alive connection.
struct Session: Sendable {
    let client: TestClient
    let cookie: String

    /// Logs in as a browser does: the login form's CSRF cookie, then the form.
    static func open(host: String, port: Int, login: DemoLogins.Login) async throws -> Session {
        // A generous read timeout: under load a page waits its turn (the benchmark measures, it does not judge).
        let client = TestClient(host: host, port: port, configuration: .init(timeout: .seconds(600)))
        client.connect()
        let form = try await client.get("/login")
        guard let token = cookie(named: Cookies.login, in: form) else {
            throw WorkbenchBenchmark.Failure("GET /login set no CSRF cookie (status \(form.status.code))")
        }
        let body = "csrf=\(token)&staff=\(escape(login.staffID))&password=\(escape(login.password))"
        let response = try await client.post(
            "/login",
            headers: [
                .contentType: "application/x-www-form-urlencoded",
                .cookie: "\(Cookies.login)=\(token)",
            ],
            body: ByteBuffer(string: body))
        guard let session = cookie(named: Cookies.session, in: response), !session.isEmpty else {
            throw WorkbenchBenchmark.Failure(
                "login of \(login.staffID) refused (status \(response.status.code)): check the logins file")
        }
        return Session(client: client, cookie: "\(Cookies.session)=\(session)")
    }

    /// GETs a page; returns its status and body.
    func get(_ path: String) async throws -> (status: Int, body: ByteBuffer) {
        let response = try await client.get(path, headers: [.cookie: cookie])
        return (response.status.code, response.body ?? ByteBuffer())
    }

    static func cookie(named name: String, in response: TestClient.Response) -> String? {
        for value in response.head.headerFields[values: .setCookie] {
            let pair = value.split(separator: ";").first.map(String.init) ?? ""
            if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
        }
        return nil
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

/// The workbench's cookie names, as the workbench sets them (the benchmark does not link the workbench).
enum Cookies {
    /// The login form's CSRF token.
    static let login = "jiekun_login"
    /// The session.
    static let session = "jiekun_session"
}

/// Part 1: the dashboard's pages fetched by many sessions at once.
enum PageLoad {
    struct Sample: Sendable {
        var page: String
        var milliseconds: Double
        var ok: Bool
    }

    static func run(host: String, port: Int, login: DemoLogins.Login, options: WorkbenchBenchmark.Options)
        async throws -> String
    {
        // The county: the prefecture's first county with files, from its JSON.
        let probe = try await Session.open(host: host, port: port, login: login)
        let prefectureJSON = try await probe.get("/api/dashboard/prefecture/\(options.prefecture)?year=\(options.year)")
        guard prefectureJSON.status == 200,
            let object = try JSONSerialization.jsonObject(with: Data(prefectureJSON.body.readableBytesView))
                as? [String: Any],
            let counties = object["counties"] as? [[String: Any]], let county = counties.first?["code"] as? String
        else {
            throw WorkbenchBenchmark.Failure(
                "/api/dashboard/prefecture/\(options.prefecture) gave status \(prefectureJSON.status) or no county")
        }
        try await probe.client.shutdown()
        let year = options.year
        let paths: [(String, String)] = [
            ("province", "/dashboard?year=\(year)"),
            ("province CSV", "/dashboard.csv?year=\(year)"),
            ("prefecture", "/dashboard/prefecture/\(options.prefecture)?year=\(year)"),
            ("prefecture CSV", "/dashboard/prefecture/\(options.prefecture)/csv?year=\(year)"),
            ("county", "/dashboard/county/\(county)?year=\(year)"),
            ("county CSV", "/dashboard/county/\(county)/csv?year=\(year)"),
            ("money", "/dashboard/money?year=\(year)"),
            ("money CSV", "/dashboard/money.csv?year=\(year)"),
        ]

        let loginStart = ContinuousClock.now
        let sessions = try await withThrowingTaskGroup(of: Session.self) { group in
            for _ in 0..<options.sessions {
                group.addTask { try await Session.open(host: host, port: port, login: login) }
            }
            var opened: [Session] = []
            for try await session in group { opened.append(session) }
            return opened
        }
        let loginTime = ContinuousClock.now - loginStart

        let start = ContinuousClock.now
        let deadline = start + .seconds(options.seconds)
        let samples = try await withThrowingTaskGroup(of: [Sample].self) { group in
            for (index, session) in sessions.enumerated() {
                group.addTask {
                    var samples: [Sample] = []
                    var next = index % paths.count
                    while ContinuousClock.now < deadline {
                        let (page, path) = paths[next]
                        next = (next + 1) % paths.count
                        let began = ContinuousClock.now
                        let (status, _) = try await session.get(path)
                        samples.append(
                            Sample(
                                page: page, milliseconds: WorkbenchBenchmark.milliseconds(ContinuousClock.now - began),
                                ok: status == 200))
                    }
                    return samples
                }
            }
            var all: [Sample] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = WorkbenchBenchmark.milliseconds(ContinuousClock.now - start) / 1_000
        for session in sessions { try? await session.client.shutdown() }

        var text = """
            1. Dashboard pages: \(options.sessions) sessions logged in in \
            \(WorkbenchBenchmark.format(WorkbenchBenchmark.milliseconds(loginTime))) ms, each on its own keep-alive \
            connection, for \(options.seconds) s (year \(year), prefecture \(options.prefecture), county \(county))

            """
        func line(_ label: String, _ chosen: [Sample]) -> String {
            let sorted = chosen.map(\.milliseconds).sorted()
            let failed = chosen.filter { !$0.ok }.count
            return "  " + label.padding(toLength: 16, withPad: " ", startingAt: 0)
                + " n=\(chosen.count) p50 \(WorkbenchBenchmark.format(WorkbenchBenchmark.percentile(sorted, 50))) ms"
                + " p95 \(WorkbenchBenchmark.format(WorkbenchBenchmark.percentile(sorted, 95))) ms"
                + " p99 \(WorkbenchBenchmark.format(WorkbenchBenchmark.percentile(sorted, 99))) ms"
                + (failed > 0 ? "  (\(failed) not 200)" : "") + "\n"
        }
        for (page, _) in paths { text += line(page, samples.filter { $0.page == page }) }
        text += line("all pages", samples)
        text += "  \(WorkbenchBenchmark.format(Double(samples.count) / elapsed)) requests/s\n"
        return text
    }
}

/// Part 2: how long a household filed at the union takes to show on the coordinator's dashboard.
enum FilingLatency {
    static func run(
        options: WorkbenchBenchmark.Options, coordinator: (host: String, port: Int), clerk: DemoLogins.Login
    ) throws -> String {
        let profile = try Profile(file: options.folder + "/profiles/clerk.yaml", agency: .union)
        let logger = Logger(label: "workbench-bench") { _ in
            var handler = StreamLogHandler.standardError(label: "workbench-bench")
            handler.logLevel = .warning
            return handler
        }
        let fabric = try FabricContext(logger: logger)
        defer { fabric.shutdown() }
        let client = try RequestClient(
            fabric: fabric, endpoint: profile.endpoint,
            security: .curveClient(
                keyPair: try SecretKeyFile.read(path: profile.key), serverPublicKey: profile.serverKey),
            options: .init(timeout: .seconds(30), retries: 1), logger: logger)
        defer { client.close() }

        // Households of another seed than the demo's, filed in the year measured, one per request.
        let policy = try Policy.load(contentsOfFile: options.policy)
        let csv = try CaseloadGenerator(policy: policy, seed: 7_919, year: options.year, mistakeRate: 0)
            .csv(households: options.filings * 2)
        let households = try CSVBatches.split(csv, householdsPerBatch: 1, filingOrder: true)

        let session = try WorkbenchBenchmark.blocking {
            try await Session.open(host: coordinator.host, port: coordinator.port, login: clerk)
        }
        @Sendable func newFiles(in year: Int) async throws -> Int {
            let path = "/api/dashboard?year=\(year)"
            let (status, body) = try await session.get(path)
            guard status == 200,
                let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                let province = object["province"] as? [String: Any], let count = province["newFiles"] as? Int
            else { throw WorkbenchBenchmark.Failure("\(path) gave status \(status) or no province.newFiles") }
            return count
        }

        var latencies: [Double] = []
        var skipped = 0
        let importer = HouseholdImporter(today: LocalDate("2026-01-01")!)
        for batch in households where latencies.count < options.filings {
            // Its own file number (`-W`), so that it cannot meet one of the demo's; counted in its filing year.
            guard let household = try importer.read(bytes: Array(batch.csv.utf8)).entries.first?.household else {
                skipped += 1
                continue
            }
            let csv = batch.csv.replacingOccurrences(of: household.fileNumber, with: household.fileNumber + "-W")
            let year = household.filedOn.year
            let before = try WorkbenchBenchmark.blocking { try await newFiles(in: year) }
            let began = ContinuousClock.now
            let reply = try client.request(
                Operation.register, body: try MessageCoding.encode(RegisterRequest(csv: csv)))
            guard reply.status == .ok else {
                throw WorkbenchBenchmark.Failure(
                    "register refused: \(String(decoding: reply.body, as: UTF8.self))")
            }
            let outcome = try MessageCoding.decode(RegisterReply.self, from: reply.body)
            guard outcome.households.contains(where: { $0.status == .filed }) else {
                skipped += 1
                continue
            }
            let shown = try WorkbenchBenchmark.blocking {
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    if try await newFiles(in: year) > before { return true }
                    try await Task.sleep(for: .milliseconds(10))
                }
                return false
            }
            guard shown else { throw WorkbenchBenchmark.Failure("a filing did not show on the dashboard in 60 s") }
            latencies.append(WorkbenchBenchmark.milliseconds(ContinuousClock.now - began))
        }
        _ = try? WorkbenchBenchmark.blocking { try await session.client.shutdown() }

        let sorted = latencies.sorted()
        return """
            2. Filing to dashboard: \(latencies.count) households filed one by one at the union (register, as the \
            demo's clerk; \(skipped) not filed, skipped), each until /api/dashboard counted it
              p50 \(WorkbenchBenchmark.format(WorkbenchBenchmark.percentile(sorted, 50))) ms \
            p99 \(WorkbenchBenchmark.format(WorkbenchBenchmark.percentile(sorted, 99))) ms \
            max \(WorkbenchBenchmark.format(sorted.last ?? .nan)) ms

            """
    }

    /// The union's connection in a demo profile (`profiles/clerk.yaml`).
    struct Profile {
        var endpoint: String
        var serverKey: String
        var key: String

        init(file: String, agency: Agency) throws {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                let root = try Yams.load(yaml: text) as? [String: Any],
                let agencies = root["agencies"] as? [String: Any],
                let connection = agencies[agency.rawValue] as? [String: Any],
                let endpoint = connection["endpoint"] as? String, let serverKey = connection["serverKey"] as? String,
                let key = connection["key"] as? String
            else {
                throw WorkbenchBenchmark.Failure(
                    "cannot read \(agency.rawValue)'s endpoint, serverKey and key from \(file) "
                        + "(a CURVE demo left running writes it)")
            }
            self.endpoint = endpoint
            self.serverKey = serverKey
            self.key = key
        }
    }
}
