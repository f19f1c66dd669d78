import AgencyDesks
import AgencyServices
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import ServiceRuntime
import ServiceStack
import TestSupport
import Testing
import ZeroMQ

/// The seven service executables as separate processes on loopback (the local stack's configuration with its ports
/// moved by a free offset, ``LocalPorts/freeOffset()``): the union files the three sample households, every service applies every event, and
/// the coordinator's report equals the sequential run's, number for number.
@Suite("The seven services, end to end", .serialized)
struct SevenServicesTests {
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path
    static let sampleCSV = Fixtures.sampleHouseholds.path

    /// The seven services on the local stack's configuration with every port moved by an offset whose ports are
    /// free, in a fresh folder (the caller removes it).
    static func stack(secure: Bool = false, reviewing: Set<Agency> = []) throws -> ServiceStack {
        try ServiceStack(
            folder: FileManager.default.temporaryDirectory.appendingPathComponent("jiekun-seven-\(UUID().uuidString)"),
            executables: Fixtures.productsDirectory,
            templates: Fixtures.packageRoot.appendingPathComponent("deploy/local"),
            secure: secure, portOffset: try LocalPorts.freeOffset(), policy: policyPath, reviewing: reviewing)
    }

    /// Whether every consumer's cursor equals its publisher's journal on every feed of `Feed.all`.
    static func caughtUp(_ statuses: [Agency: StatusReport]) -> Bool {
        var journal: [String: UInt64] = [:]
        for status in statuses.values { journal.merge(status.journal ?? [:]) { max($0, $1) } }
        return Feed.all.allSatisfy { feed in
            feed.consumers.allSatisfy { consumer in
                (statuses[consumer]?.cursors?[feed.name] ?? 0) == (journal[feed.name] ?? 0)
            }
        }
    }

    @Test("Three households registered at the union: the coordinator's report equals the sequential run's")
    func threeHouseholds() async throws {
        let stack = try Self.stack(secure: true)
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()

        // Ready: every service answers `status` (the clients retry until the endpoints are bound).
        _ = try stack.statuses()

        // Intake.
        let csv = try String(contentsOfFile: Self.sampleCSV, encoding: .utf8)
        let reply = try MessageCoding.decode(
            RegisterReply.self,
            from: try stack.request(
                .union, Operation.register, body: try MessageCoding.encode(RegisterRequest(csv: csv))))
        #expect(reply.households.map(\.fileNumber) == ["KM-2017-0001", "QJ-2017-0007", "DL-2017-0042"])
        #expect(reply.households.allSatisfy { $0.status == .filed }, "\(reply)")
        #expect(reply.households.map(\.category) == [1, 3, 3])

        // Every event applied everywhere: three exits published, every cursor at its publisher's journal.
        #expect(try await stack.settle(exits: 3), "not every event was applied within 60 s\n\(stack.tails())")

        // The report, by hand (Tests/ReliefProgrammeTests/ProgrammeRunTests.swift) and as the sequential run.
        let report = try JSONDecoder().decode(
            ProvinceReport.self, from: Data(try stack.request(.coordinator, Operation.report)))
        #expect(report.province.filesByCategory == [1, 0, 2])
        let year2017 = try #require(report.province.years.first)
        #expect(year2017.year == 2017 && year2017.newFiles == 3 && year2017.exits == 3 && year2017.openAtStart == 0)
        #expect(year2017.exitRatePerMille == 1000 && year2017.meetsTarget)
        #expect(report.province.cumulativeExits == 3)
        func yuan(_ department: Agency) -> Yuan? {
            report.departments.first { $0.department == department }?.yuan
        }
        #expect(yuan(.humanResources) == Yuan(yuan: 6000))
        #expect(yuan(.medicalInsurance) == Yuan(yuan: 6000))
        #expect(yuan(.education) == Yuan(yuan: 3000))
        #expect(yuan(.civilAffairs) == Yuan(yuan: 4000))
        #expect(yuan(.union) == Yuan(yuan: 60))
        #expect(yuan(.housing) == .zero)

        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let imported = try HouseholdImporter(today: LocalDate("2026-11-29")!).read(contentsOfFile: Self.sampleCSV)
        var run = ProgrammeRun(policy: policy)
        for household in imported.entries.compactMap(\.household).sortedInFilingOrder(by: { $0.filedOn }) {
            try run.file(household)
        }
        #expect(
            report
                == ProvinceReport(
                    files: run.files, years: policy.budgetYears,
                    appropriations: ProvinceReport.openingAppropriations(of: policy)))

        // One household as the coordinator sees it: exited on its exit date.
        let state = try MessageCoding.decode(
            HouseholdState.self,
            from: try stack.request(
                .coordinator, Operation.household,
                body: try MessageCoding.encode(HouseholdQuery(fileNumber: "KM-2017-0001"))))
        #expect(state.readiness.exitDate == LocalDate("2017-06-13"))
        #expect(state.status == "closed" && state.closedReason == "exited")
        // Proposed Tuesday 2017-06-13 and reviewed that day; 公示 on 14, 15, 16, 19 and 20 June (5 working days);
        // approved, and closed, on Wednesday 21 June (policy C.4, the union's simulated staff).
        #expect(state.closedOn == "2017-06-21")

        try Self.expectWorkCounted(try stack.statuses(), households: 3)

        // SIGTERM: every service stops cleanly within seconds.
        let exits = stack.stop()
        for agency in Agency.allCases {
            #expect(exits[agency] == .some(0), "\(agency.rawValue) exit status \(String(describing: exits[agency]))")
        }
    }

    @Test(
        "review mode: medical insurance waits for staff; a clerk proposes, an approver approves; a refusal blocks exit"
    )
    func reviewMode() async throws {
        let stack = try Self.stack(secure: true, reviewing: [.medicalInsurance])
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()
        defer { _ = stack.stop() }
        _ = try stack.statuses()
        let csv = try String(contentsOfFile: Self.sampleCSV, encoding: .utf8)
        _ = try stack.request(
            .union, Operation.register, body: try MessageCoding.encode(RegisterRequest(csv: csv)))
        // DL-2017-0042 needs nothing from medical insurance: it alone exits while the others wait for staff.
        #expect(try await stack.settle(exits: 1), "\(stack.tails())")
        let endpoint = stack.endpointArguments(.medicalInsurance)
        // Maker-checker (四眼原则): the clerk (经办人) lists and proposes, the approver (审核人) approves the proposal.
        let approver = stack.endpointArguments(.medicalInsurance, as: .approver)
        func awaiting() throws -> [String] {
            let listed = try CommandRunner.run(
                "jiekun", ["decide", "--agency", "medical-insurance", "--awaiting"] + endpoint)
            #expect(listed.status == 0, "\(listed.error)")
            return listed.text.split(separator: "\n").map { String($0.prefix { $0 != " " }) }
        }
        func decide(_ id: String, _ decision: String, _ reason: [String] = []) throws {
            let proposed = try CommandRunner.run(
                "jiekun",
                ["decide", "--agency", "medical-insurance", "--propose", id, decision, "--on", "2017-05-09"] + endpoint
                    + reason)
            #expect(proposed.status == 0, "\(id): \(proposed.error)")
            // Approved on 2017-05-10: the processing days count from that day (policy C.6).
            let result = try CommandRunner.run(
                "jiekun", ["decide", "--agency", "medical-insurance", id, "批准", "--on", "2017-05-10"] + approver)
            #expect(result.status == 0 && result.text.contains("审核通过"), "\(id): \(result.error)")
        }
        #expect(
            try awaiting() == [
                "KM-2017-0001/medical.assistance", "KM-2017-0001/medical.mutual-aid", "QJ-2017-0007/medical.assistance",
                "QJ-2017-0007/medical.basic-enrolment", "QJ-2017-0007/medical.catastrophic",
                "QJ-2017-0007/medical.mutual-aid",
            ])
        // KM-2017-0001 moves away before staff decide (`jiekun close`): its file closes and its measures stop
        // awaiting staff.
        let union = stack.endpointArguments(.union)
        let closed = try CommandRunner.run(
            "jiekun", ["close", "KM-2017-0001", "--reason", "迁出", "--on", "2017-05-01"] + union)
        #expect(
            closed.status == 0 && closed.text == "closed KM-2017-0001 (movedAway) on 2017-05-01\n", "\(closed.error)")
        let exitByHand = try CommandRunner.run("jiekun", ["close", "QJ-2017-0007", "--reason", "exited"] + union)
        #expect(exitByHand.status != 0, "an exit is the coordinator's, not a reason staff give")
        #expect(try await stack.settle(exits: 1), "\(stack.tails())")
        #expect(
            try awaiting() == [
                "QJ-2017-0007/medical.assistance", "QJ-2017-0007/medical.basic-enrolment",
                "QJ-2017-0007/medical.catastrophic", "QJ-2017-0007/medical.mutual-aid",
            ])
        // Deciding before any proposal, or as the proposer, is refused.
        let catastrophic = "QJ-2017-0007/medical.catastrophic"
        let unproposed = try CommandRunner.run(
            "jiekun", ["decide", "--agency", "medical-insurance", catastrophic, "approve"] + approver)
        #expect(unproposed.status == 1 && unproposed.error.contains("propose it first"), "\(unproposed.error)")
        for id in ["QJ-2017-0007/medical.assistance", "QJ-2017-0007/medical.basic-enrolment"] {
            try decide(id, "approve")
        }
        try decide("QJ-2017-0007/medical.mutual-aid", "批准")
        let proposed = try CommandRunner.run(
            "jiekun",
            [
                "decide", "--agency", "medical-insurance", "--propose", catastrophic, "不予批准", "--code",
                "not-eligible", "--reason", "not a listed major disease", "--on", "2017-05-09",
            ] + endpoint)
        #expect(proposed.status == 0, "\(proposed.error)")
        let listed = try CommandRunner.run(
            "jiekun", ["decide", "--agency", "medical-insurance", "--awaiting"] + endpoint)
        let clerkID = try #require(stack.staffID(.medicalInsurance, .clerk))
        #expect(
            listed.text
                == "\(catastrophic)  \(clerkID) 提议不予批准，待审核 (proposed refuse by \(clerkID), awaiting a checker)\n",
            "\(listed.text)")
        let ownProposal = try CommandRunner.run(
            "jiekun", ["decide", "--agency", "medical-insurance", catastrophic, "approve"] + endpoint)
        #expect(ownProposal.status != 0, "a clerk does not decide: \(ownProposal.text)")
        let approved = try CommandRunner.run(
            "jiekun",
            ["decide", "--agency", "medical-insurance", catastrophic, "approve", "--on", "2017-05-10"] + approver)
        #expect(approved.status == 0, "\(approved.error)")
        // QJ-2017-0007 stays blocked on medical care, with the department and the reason.
        #expect(try await stack.settle(exits: 1), "\(stack.tails())")
        let state = try MessageCoding.decode(
            HouseholdState.self,
            from: try stack.request(
                .coordinator, Operation.household,
                body: try MessageCoding.encode(HouseholdQuery(fileNumber: "QJ-2017-0007"))))
        #expect(state.readiness.exitDate == nil)
        let medical = try #require(state.readiness.dimensions.first { $0.dimension == .medicalCare })
        #expect(!medical.holds)
        #expect(medical.refusals.map(\.measureID) == ["QJ-2017-0007/medical.catastrophic"])
        #expect(medical.refusals.first?.department == .medicalInsurance)
        #expect(medical.refusals.first?.reason.hasSuffix("not a listed major disease") == true)
        let again = try CommandRunner.run(
            "jiekun",
            ["decide", "--agency", "medical-insurance", "QJ-2017-0007/medical.catastrophic", "approve"] + approver)
        #expect(again.status == 1 && again.error.contains("not awaiting"))

        // The file is updated: the worker's illness is not a major one after all. Catastrophic insurance and
        // medical assistance leave the plan; medical care now holds, and QJ-2017-0007 exits on its last guarantee
        // (arrears and public rental, 90 days after 2017-05-02: 2017-07-31).
        let lines = csv.components(separatedBy: "\r\n")
        try #require(lines.count > 1, "the sample has CRLF line breaks")
        let update = ([lines[0]] + lines.filter { $0.hasPrefix("QJ-2017-0007,") })
            .joined(separator: "\n").replacingOccurrences(of: ",本人,重大疾病,", with: ",本人,患病,")
        let updateFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "update-\(UUID().uuidString).csv")
        try update.write(to: updateFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: updateFile) }
        let updateResults = updateFile.deletingPathExtension().appendingPathExtension("results.csv")
        defer { try? FileManager.default.removeItem(at: updateResults) }
        let updated = try CommandRunner.run("jiekun", ["import", updateFile.path, "--update"] + union)
        #expect(updated.status == 0, "\(updated.error)")
        #expect(
            updated.text.contains(
                "\n已更新 1，不再符合条件已关闭 0，不予受理 0 (updated 1, closed as no longer eligible 0, refused 0)\n"),
            "\(updated.text)")
        #expect(try String(contentsOf: updateResults, encoding: .utf8).contains("QJ-2017-0007,已更新 (updated)"))
        #expect(try await stack.settle(exits: 2), "\(stack.tails())")
        let report = try JSONDecoder().decode(
            ProvinceReport.self, from: Data(try stack.request(.coordinator, Operation.report)))
        #expect(report.province.filesByCategory == [1, 0, 2])
        #expect(report.province.cumulativeExits == 2, "KM-2017-0001 moved away: not an exit")
        let exited = try MessageCoding.decode(
            HouseholdState.self,
            from: try stack.request(
                .coordinator, Operation.household,
                body: try MessageCoding.encode(HouseholdQuery(fileNumber: "QJ-2017-0007"))))
        #expect(exited.readiness.exitDate == LocalDate("2017-07-31"))
        // Its timeline: every event about it, in the order the coordinator applied them.
        let types = exited.timeline.map(\.type)
        // (Feeds are not ordered with respect to each other: a department's decision may come before the plan.)
        #expect(types.contains("household.registered"))
        #expect(types.contains("measure.decided") && types.contains("household.updated"))
        let exitIndex = try #require(types.firstIndex(of: "household.exit-ready"))
        let closedIndex = try #require(types.firstIndex(of: "household.closed"))
        #expect(exitIndex < closedIndex)
        #expect(exited.timeline[exitIndex].effectiveDate == "2017-07-31")
        #expect(exited.timeline[exitIndex].source == "/jiekun/coordinator")
    }

    @Test("jiekun import, status, report and household against the running services; closing an exited file fails")
    func commandLine() async throws {
        let stack = try Self.stack()
        defer { try? FileManager.default.removeItem(at: stack.folder) }
        try stack.start()
        _ = try stack.statuses()
        let union = stack.requests(.union)
        let coordinator = stack.requests(.coordinator)

        let results = stack.folder.appendingPathComponent("results.csv").path
        let imported = try CommandRunner.run(
            "jiekun", ["import", Self.sampleCSV, "--endpoint", union, "--batch", "2", "--results", results])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.text.contains("\n已建档 3，不符合条件 0，不予受理 0 (filed 3, not eligible 0, refused 0)\n"))
        #expect(try await stack.settle(exits: 3), "not every event was applied within 60 s\n\(stack.tails())")

        // Again, one household per request: every household refused, its rows numbered as in the file.
        let again = try CommandRunner.run(
            "jiekun", ["import", Self.sampleCSV, "--endpoint", union, "--batch", "1", "--results", results])
        #expect(again.status == 1)
        #expect(again.text.contains("\n已建档 0，不符合条件 0，不予受理 3 (filed 0, not eligible 0, refused 3)\n"))
        #expect(again.text.contains("DL-2017-0042: 第 7 行，档案编号 \"DL-2017-0042\""), "\(again.text)")
        #expect(!again.text.contains("532901198604097331"), "identity numbers are printed masked")
        // To the coordinator by mistake: the service does not take `register`; the file could not be read there.
        let misdirected = try CommandRunner.run(
            "jiekun", ["import", Self.sampleCSV, "--endpoint", coordinator, "--results", results])
        #expect(misdirected.status == 2)
        #expect(
            misdirected.error.contains(
                "refused: unknown operation (this service does not take register: is --endpoint the right agency's "
                    + "request endpoint?)"), "\(misdirected.error)")

        let table = try CommandRunner.run("jiekun", ["report", "--endpoint", coordinator])
        #expect(table.status == 0 && table.text.contains("province"), "\(table.error)")
        let json = try CommandRunner.run("jiekun", ["report", "--endpoint", coordinator, "--json"])
        let report = try JSONDecoder().decode(ProvinceReport.self, from: json.output)
        #expect(report.province.cumulativeExits == 3 && report.province.filesByCategory == [1, 0, 2])
        let year2017 = try CommandRunner.run(
            "jiekun", ["report", "--endpoint", coordinator, "--json", "--year", "2017"])
        let only2017 = try JSONDecoder().decode(ProvinceReport.self, from: year2017.output)
        #expect(only2017.province.years.map(\.year) == [2017] && only2017.province.years.first?.exits == 3)
        let noYear = try CommandRunner.run("jiekun", ["report", "--endpoint", coordinator, "--year", "2030"])
        #expect(noYear.status == 1 && noYear.error.contains("not 2030"))

        let household = try CommandRunner.run(
            "jiekun", ["household", "DL-2017-0042", "--endpoint", coordinator, "--json"])
        let state = try MessageCoding.decode(HouseholdState.self, from: Array(household.output))
        #expect(state.readiness.exitDate == LocalDate("2017-09-18") && state.category == 3)
        let unknown = try CommandRunner.run("jiekun", ["household", "XX-0000-0000", "--endpoint", coordinator])
        #expect(unknown.status == 1 && unknown.error.contains("no file XX-0000-0000"))

        let status = try CommandRunner.run("jiekun", ["status", "--endpoint", stack.requests(.housing)])
        #expect(status.status == 0 && status.text.contains("households.housing"), "\(status.error)")

        // The union closed every file on the coordinator's word: closing one again is an error.
        let close = try stack.reply(
            .union, Operation.close,
            body: try MessageCoding.encode(
                CloseRequest(fileNumber: "KM-2017-0001", reason: .death, closedOn: LocalDate("2018-01-01")!)))
        #expect(close.status == .error)
        #expect(stack.stop().values.allSatisfy { $0 == .some(0) })
    }

    /// The work counters of a fresh stack once `households` sample households were filed and exited, every event
    /// applied everywhere (issue 18's "count before cutting"; the demo's work tables print these counters).
    static func expectWorkCounted(_ statuses: [Agency: StatusReport], households: Int64) throws {
        // The union publishes, on each of its six household feeds (five departments and the coordinator),
        // `household.registered` once per household and, when its exit is approved, `household.closed` once:
        // 3 + 3 = 6 events per feed, 6 × 6 = 36 in all (docs/asyncapi.yaml, households.*).
        let union = try #require(statuses[.union])
        let householdFeeds = Agency.allCases.compactMap(Feed.households(for:))
        for feed in householdFeeds {
            #expect(union.feeds[feed.name]?.published == 2 * households, "\(feed.name)")
            // Its one consumer receives and applies each once.
            let consumer = try #require(statuses[feed.consumers[0]])
            #expect(consumer.feeds[feed.name]?.applied == 2 * households, "\(feed.name)")
        }
        // The coordinator publishes one `household.exit-ready` per household (each exits); the union applies each.
        let coordinator = try #require(statuses[.coordinator])
        #expect(coordinator.feeds[Feed.coordinatorExits.name]?.published == households)
        #expect(union.feeds[Feed.coordinatorExits.name]?.applied == households)
        // Every other feed: whatever its publisher journaled (a fresh store: all of it since the start) it sent live
        // once, and each consumer applied exactly that many.
        for feed in Feed.all {
            let publisher = try #require(statuses[feed.publisher])
            let journaled = Int64(publisher.journal?[feed.name] ?? 0)
            #expect(publisher.feeds[feed.name]?.published ?? 0 == journaled, "\(feed.name)")
            for consumer in feed.consumers {
                let counts = statuses[consumer]?.feeds[feed.name]
                #expect(counts?.applied ?? 0 == journaled, "\(consumer.rawValue) on \(feed.name)")
                #expect(counts?.refused ?? 0 == 0 && counts?.duplicates == nil, "\(consumer.rawValue) on \(feed.name)")
            }
        }
        for agency in Agency.allCases {
            let status = try #require(statuses[agency])
            // It journaled every event it published (journaled = Σ published), one row each at least, in committed
            // transactions; it wrote an envelope for each entry and read one for each event applied.
            let published = Feed.published(by: agency).reduce(Int64(0)) {
                $0 + (status.feeds[$1.name]?.published ?? 0)
            }
            let applied = Feed.consumed(by: agency).reduce(Int64(0)) { $0 + (status.feeds[$1.name]?.applied ?? 0) }
            #expect(status.journaled == published, "\(agency.rawValue)")
            #expect((status.rowsWritten ?? 0) >= published + applied, "\(agency.rawValue)")
            #expect((status.transactions ?? 0) > 0, "\(agency.rawValue)")
            #expect((status.envelopeEncodes ?? 0) >= published, "\(agency.rawValue)")
            #expect((status.envelopeDecodes ?? 0) >= applied, "\(agency.rawValue)")
        }
        // The union journaled its 36 household events and its support answers: 36 + union.support.
        let answers = union.feeds[Feed.unionSupport.name]?.published ?? 0
        #expect(union.journaled == 6 * 2 * households + answers)
    }
}

extension ServiceStack {
    /// Polls every service's `status` until `exits` exits are published and every cursor equals its publisher's
    /// journal, twice running with nothing moving in between; at most 60 s.
    ///
    /// - Parameter exits: The exits the coordinator must have published; `nil` waits for quiet whatever their
    ///   number (every consumer caught up and no journal or cursor moving over four polls, 600 ms).
    /// - Returns: Whether it settled in time.
    func settle(exits: UInt64? = nil) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        var previous: [Agency: StatusReport] = [:]
        var stablePolls = 0
        while ContinuousClock.now < deadline {
            let statuses = try statuses()
            let published = statuses[.coordinator]?.journal?[Feed.coordinatorExits.name] ?? 0
            let stable = Agency.allCases.allSatisfy {
                previous[$0]?.journal == statuses[$0]?.journal && previous[$0]?.cursors == statuses[$0]?.cursors
            }
            stablePolls = stable && SevenServicesTests.caughtUp(statuses) ? stablePolls + 1 : 0
            if let exits, published == exits, stablePolls > 0 { return true }
            if exits == nil, stablePolls >= 3 { return true }
            previous = statuses
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
