import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import TestSupport
import Testing

/// The five department desks, fed the union's events and the supporting agencies' answers in filing order, decide
/// exactly what the sequential ``ProgrammeRun`` decides ("distributed equals sequential", at the desk level).
@Suite("Department desks")
struct DepartmentDeskTests {
    static let policyPath = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path
    static let departments: [Agency] = [.humanResources, .medicalInsurance, .education, .housing, .civilAffairs]

    /// One department's desk with its own in-memory store.
    struct Office {
        let desk: DepartmentDesk
        let store: EventStore

        init(_ department: Agency, policy: Policy) throws {
            desk = DepartmentDesk(department: department, policy: policy)
            store = try EventStore(
                writer: DatabaseQueue(), migrations: { DepartmentDesk.registerMigrations(&$0) },
                logger: Logger(label: "test"))
            let desk = desk
            try store.writer.write { db in try desk.seedBudgets(in: db) }
        }

        /// Applies an event and returns the events the desk journaled for it.
        func apply(_ event: CloudEvent) throws -> [CloudEvent] {
            let desk = desk
            let journal = store.journal
            let before = try store.writer.read { db in
                try desk.publishedFeeds.map { try journal.latestSequence(of: $0.name, in: db) }
            }
            try store.writer.write { db in try desk.apply(event, in: db, journal: journal) }
            return try store.writer.read { db in
                // Feed by feed: outcomes, then requests or answers.
                try zip(desk.publishedFeeds, before).flatMap { feed, sequence in
                    try journal.entries(of: feed.name, after: sequence, maxCount: 1_000, in: db)
                        .map { try CloudEvent(json: $0.payload) }
                }
            }
        }

        func decisions(of fileNumber: String) throws -> [String: MeasureDecision] {
            let desk = desk
            return try store.writer.read { db in try desk.knownDecisions(of: fileNumber, in: db) }
        }
    }

    static func event(_ payload: some EventPayload, source: String = "/jiekun/union-registry") throws -> CloudEvent {
        try CloudEvent(
            source: source, type: type(of: payload).type, subject: payload.fileNumber, payload: payload,
            encoder: EventCoding.makeEncoder())
    }

    static func households(policy: Policy) throws -> [Household] {
        let path = Fixtures.sampleHouseholds.path
        let imported = try HouseholdImporter(today: LocalDate("2026-11-29")!).read(contentsOfFile: path)
        return imported.entries.compactMap(\.household).sortedInFilingOrder { $0.filedOn }
    }

    @Test("the sample households: every decision equals the sequential run's")
    func equalsSequential() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let households = try Self.households(policy: policy)
        var offices: [Agency: Office] = [:]
        for department in Self.departments { offices[department] = try Office(department, policy: policy) }
        let coordinator = CoordinatorDesk(policy: policy)
        let coordinatorStore = try EventStore(
            writer: DatabaseQueue(), migrations: { CoordinatorDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        func coordinate(_ event: CloudEvent) throws {
            try coordinatorStore.writer.write { db in
                try coordinator.apply(event, in: db, journal: coordinatorStore.journal)
            }
        }
        var unionLedger = Ledger(
            policy: policy, measures: AutomaticDecisions.budgetMeasures(of: .union, policy: policy))
        let assessor = Assessor(policy: policy)

        for household in households {
            let assessment = try assessor.assess(household)
            try coordinate(
                try Self.event(
                    HouseholdRegistered(
                        view: HouseholdView(
                            for: .coordinator, household: household, assessment: assessment, helper: nil))))
            for department in Self.departments {
                let office = offices[department]!
                let view = HouseholdView(
                    for: department, household: household, assessment: assessment, helper: "某", persons: policy.persons)
                let emitted = try office.apply(try Self.event(HouseholdRegistered(view: view)))
                for event in emitted { try coordinate(event) }
                // The supporting agencies answer the requests at once: the union pays, civil affairs reviews.
                for requested in emitted where requested.type == SupportRequested.type {
                    let payload = try requested.decodeData(as: SupportRequested.self, using: EventCoding.makeDecoder())
                    var answers: [SupportAnswer] = []
                    for request in payload.requests {
                        if request.to == .union {
                            answers.append(
                                try AutomaticDecisions.support(
                                    request, category: assessment.category, ledger: &unionLedger))
                        } else {
                            var none = Ledger(policy: policy, measures: [])
                            answers.append(
                                try AutomaticDecisions.support(request, category: assessment.category, ledger: &none))
                        }
                    }
                    let finalized = try office.apply(
                        try Self.event(SupportProvided(fileNumber: household.fileNumber, answers: answers)))
                    for event in finalized { try coordinate(event) }
                }
            }
        }

        var run = ProgrammeRun(policy: policy)
        for household in households { try run.file(household) }
        for file in run.files {
            var distributed: [String: MeasureDecision] = [:]
            for department in Self.departments {
                distributed.merge(try offices[department]!.decisions(of: file.subject.fileNumber)) { a, _ in a }
            }
            let sequential = Dictionary(uniqueKeysWithValues: file.decisions.map { ($0.measureID, $0) })
            #expect(distributed == sequential, "\(file.subject.fileNumber)")
        }
        // The coordinator published each exit on its date, and its report equals the sequential one.
        let exits = try coordinatorStore.writer.read { db in
            try coordinatorStore.journal.entries(of: CoordinatorDesk.exitsFeed, after: 0, maxCount: 100, in: db)
                .map { try CloudEvent(json: $0.payload) }
        }
        #expect(exits.map(\.subject) == run.files.map(\.subject.fileNumber))
        #expect(exits.map(\.effectiveDate) == run.files.map { $0.readiness.exitDate?.description })
        // Proposals only (policy C.4): until the union approves and closes the files, no exit is counted.
        let proposed = try coordinatorStore.writer.read { db in try coordinator.report(in: db) }
        #expect(proposed.province.cumulativeExits == 0)
        #expect(proposed.province.years.first?.exitsPending == exits.count)
        // The union's word: each file closed as exited on its approval date (ExitSchedule, as in the run).
        for exit in exits {
            let proposedOn = try #require(exit.effectiveDate.flatMap { LocalDate($0) })
            let approvedOn = ExitSchedule(proposedOn: proposedOn, policy: policy).approvedOn
            try coordinate(
                try Self.event(
                    HouseholdClosed(fileNumber: try #require(exit.subject), reason: .exited, closedOn: approvedOn)))
        }
        let report = try coordinatorStore.writer.read { db in try coordinator.report(in: db) }
        #expect(
            report
                == ProvinceReport(
                    files: run.files, years: policy.budgetYears,
                    appropriations: ProvinceReport.openingAppropriations(of: policy)))
    }

    @Test("medical insurance: the mutual-aid fee waits for the union's payment, then is delivered")
    func mutualAidWaitsForTheUnion() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let household = try #require(try Self.households(policy: policy).first { $0.fileNumber == "KM-2017-0001" })
        let assessment = try Assessor(policy: policy).assess(household)
        let office = try Office(.medicalInsurance, policy: policy)
        let view = HouseholdView(for: .medicalInsurance, household: household, assessment: assessment, helper: nil)
        let emitted = try office.apply(try Self.event(HouseholdRegistered(view: view)))
        try #require(emitted.map(\.type) == ["measure.decided", "measure.delivered", "support.requested"])
        #expect(emitted.allSatisfy { $0.subject == "KM-2017-0001" && $0.source == "/jiekun/medical-insurance" })
        let requested = try emitted[2].decodeData(as: SupportRequested.self, using: EventCoding.makeDecoder())
        #expect(requested.requests.map(\.measureID) == ["KM-2017-0001/medical.mutual-aid"])
        #expect(requested.requests.first?.to == .union && requested.requests.first?.amount == Yuan(yuan: 60))

        let answer = SupportAnswer(
            measureID: "KM-2017-0001/medical.mutual-aid", kind: .payment, approved: true,
            effectiveOn: LocalDate("2017-03-30"), reason: "the union paid 60.00 yuan")
        let finalized = try office.apply(try Self.event(SupportProvided(fileNumber: "KM-2017-0001", answers: [answer])))
        try #require(finalized.map(\.type) == ["measure.decided", "measure.delivered"])
        let delivered = try finalized[1].decodeData(as: MeasuresDelivered.self, using: EventCoding.makeDecoder())
        #expect(delivered.deliveries.map(\.deliveredOn) == [LocalDate("2017-03-30")!])
        #expect(delivered.deliveries.first?.paidBy == .union)
        // The same answer again changes nothing.
        #expect(
            try office.apply(try Self.event(SupportProvided(fileNumber: "KM-2017-0001", answers: [answer]))).isEmpty)
    }

    @Test("an update withdraws what left the plan and decides what is new; a closure withdraws what waits")
    func updateAndClose() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        var household = try #require(try Self.households(policy: policy).first { $0.fileNumber == "KM-2017-0001" })
        let assessor = Assessor(policy: policy)
        let office = try Office(.medicalInsurance, policy: policy)
        let view = HouseholdView(
            for: .medicalInsurance, household: household, assessment: try assessor.assess(household), helper: nil)
        _ = try office.apply(try Self.event(HouseholdRegistered(view: view)))

        // The spouse turns out uninsured: medical.basic-enrolment is new (30 days → 2017-04-14).
        household.members[1].medicalInsurance = .notEnrolled
        let updated = HouseholdView(
            for: .medicalInsurance, household: household, assessment: try assessor.assess(household), helper: nil)
        let emitted = try office.apply(try Self.event(HouseholdUpdated(view: updated)))
        let decided = try #require(emitted.first).decodeData(
            as: MeasuresDecided.self, using: EventCoding.makeDecoder())
        #expect(decided.decisions.map(\.measureID) == ["KM-2017-0001/medical.basic-enrolment"])
        #expect(decided.decisions.first?.deliveredOn == LocalDate("2017-04-14"))

        // Closed while the union's answer on the mutual-aid fee is still on its way (another feed): nothing is
        // withdrawn yet; the answer, when it comes, is final — a fee still waiting for money is then withdrawn.
        let closed = try office.apply(
            try Self.event(
                HouseholdClosed(fileNumber: "KM-2017-0001", reason: .movedAway, closedOn: LocalDate("2017-03-20")!)))
        #expect(closed.isEmpty)
        let waiting = SupportAnswer(
            measureID: "KM-2017-0001/medical.mutual-aid", kind: .payment, approved: false, effectiveOn: nil,
            reason: "waiting: the union's budget is spent")
        let answered = try office.apply(
            try Self.event(SupportProvided(fileNumber: "KM-2017-0001", answers: [waiting])))
        try #require(answered.map(\.type) == ["measure.decided"])
        let withdrawn = try answered[0].decodeData(as: MeasuresDecided.self, using: EventCoding.makeDecoder())
        #expect(withdrawn.decisions.map(\.status) == [.withdrawn])
        #expect(withdrawn.decisions.first?.reason == "file closed (movedAway) on 2017-03-20")
        // A second answer for it is ignored.
        #expect(
            try office.apply(try Self.event(SupportProvided(fileNumber: "KM-2017-0001", answers: [waiting]))).isEmpty)
    }

    @Test("coordinator: a file closed for another reason before its exit is not an exit, even once all dimensions hold")
    func closedBeforeExit() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let household = try #require(try Self.households(policy: policy).first { $0.fileNumber == "QJ-2017-0007" })
        let assessment = try Assessor(policy: policy).assess(household)
        let coordinator = CoordinatorDesk(policy: policy)
        let store = try EventStore(
            writer: DatabaseQueue(), migrations: { CoordinatorDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        func apply(_ event: CloudEvent) throws {
            try store.writer.write { db in try coordinator.apply(event, in: db, journal: store.journal) }
        }
        try apply(
            try Self.event(
                HouseholdRegistered(
                    view: HouseholdView(for: .coordinator, household: household, assessment: assessment, helper: nil))))
        try apply(
            try Self.event(
                HouseholdClosed(fileNumber: "QJ-2017-0007", reason: .movedAway, closedOn: LocalDate("2017-05-10")!)))
        // Every measure delivered afterwards, as the departments decided them.
        var run = ProgrammeRun(policy: policy)
        try run.file(household)
        for department in Self.departments {
            let decisions = run.files[0].decisions.filter { $0.department == department }
            guard !decisions.isEmpty else { continue }
            try apply(
                try Self.event(
                    MeasuresDecided(fileNumber: "QJ-2017-0007", decisions: decisions),
                    source: "/jiekun/\(department.rawValue)"))
        }
        let exits = try store.writer.read { db in
            try store.journal.latestSequence(of: CoordinatorDesk.exitsFeed, in: db)
        }
        #expect(exits == 0, "no exit readiness for a closed file")
        let file = try #require(try store.writer.read { db in try coordinator.file("QJ-2017-0007", in: db) })
        #expect(file.readiness.exitDate == nil && !file.readiness.isReady)
        let allHold = file.readiness.dimensions.allSatisfy { $0.holds }
        #expect(allHold)
        let report = try store.writer.read { db in try coordinator.report(in: db) }
        #expect(report.province.cumulativeExits == 0)
    }

    @Test("coordinator: a file's timeline is in applied order, from the stepped index and the entries after it")
    func steppedTimeline() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let coordinator = CoordinatorDesk(policy: policy, timelineIndexStep: 3)
        let store = try EventStore(
            writer: DatabaseQueue(), migrations: { CoordinatorDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        struct Abort: Error {}
        var ids: [String: [String]] = [:]
        func apply(_ number: Int, abort: Bool = false) throws {
            let file = number % 2 == 1 ? "KM-2017-0001" : "QJ-2017-0007"
            let event = try Self.event(
                MeasuresDelivered(fileNumber: file, deliveries: []), source: "/jiekun/medical-insurance")
            try store.writer.write { db in
                try coordinator.apply(event, in: db, journal: store.journal)
                if abort { throw Abort() }
            }
            ids[file, default: []].append(event.id)
        }
        func state() throws -> (through: Int64, indexed: Int64, timelines: [String: [String]]) {
            try store.writer.read { db in
                (
                    try Int64.fetchOne(db, sql: "SELECT through FROM coord_timeline_indexed") ?? -1,
                    try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM coord_timeline_index") ?? -1,
                    try Dictionary(
                        uniqueKeysWithValues: ["KM-2017-0001", "QJ-2017-0007"].map { file in
                            (file, try coordinator.timeline(of: file, in: db).map(\.eventID))
                        })
                )
            }
        }
        for number in 1...8 { try apply(number) }
        var now = try state()
        #expect(now.through == 6 && now.indexed == 6, "indexed at entries 3 and 6")
        #expect(now.timelines == ids, "entries 1–6 from the index, 7–8 read after it")
        // The transaction reaching the next step rolls back, with its indexing; applied again, it indexes.
        _ = try? apply(9, abort: true)
        now = try state()
        #expect(now.through == 6 && now.indexed == 6)
        try apply(9)
        now = try state()
        #expect(now.through == 9 && now.indexed == 9)
        #expect(now.timelines == ids)
        #expect(ids["KM-2017-0001"]?.count == 5 && ids["QJ-2017-0007"]?.count == 4)
    }

    @Test(
        "review mode: a clerk proposes, another member approves (never the proposer); approved proposals take effect"
    )
    func reviewMode() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let household = try #require(try Self.households(policy: policy).first { $0.fileNumber == "KM-2017-0001" })
        let assessment = try Assessor(policy: policy).assess(household)
        let desk = DepartmentDesk(department: .medicalInsurance, policy: policy, mode: .review)
        let store = try EventStore(
            writer: DatabaseQueue(), migrations: { DepartmentDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        try store.writer.write { db in try desk.seedBudgets(in: db) }
        func journaled() throws -> [CloudEvent] {
            try store.writer.read { db in
                try desk.publishedFeeds.flatMap { feed in
                    try store.journal.entries(of: feed.name, after: 0, maxCount: 100, in: db)
                        .map { try CloudEvent(json: $0.payload) }
                }
            }
        }
        let view = HouseholdView(for: .medicalInsurance, household: household, assessment: assessment, helper: nil)
        try store.writer.write { db in
            try desk.apply(try Self.event(HouseholdRegistered(view: view)), in: db, journal: store.journal)
        }
        #expect(try journaled().isEmpty, "nothing is decided before staff")
        #expect(
            try store.writer.read { db in try desk.awaitingStaff(in: db) } == [
                "KM-2017-0001/medical.assistance", "KM-2017-0001/medical.mutual-aid",
            ])

        // Maker-checker (policy C.6): nothing is decided without a clerk's proposal, and never by its proposer.
        func refusal(_ body: (Database) throws -> Void) -> String? {
            do {
                try store.writer.write { db in try body(db) }
                return nil
            } catch let refusal as DeskRefusal {
                return refusal.code
            } catch {
                return "\(error)"
            }
        }
        let assistance = "KM-2017-0001/medical.assistance"
        let mutualAid = "KM-2017-0001/medical.mutual-aid"
        #expect(
            refusal { db in
                try desk.decide(assistance, .approve, reason: "", by: "mi-approver", in: db, journal: store.journal)
            } == "desk.decide.unproposed")
        #expect(
            refusal { db in try desk.propose(assistance, .refuse, reason: " ", by: "mi-clerk", in: db) }
                == "desk.decide.reason")
        #expect(
            refusal { db in try desk.propose("KM-2017-0001/none", .approve, reason: "", by: "mi-clerk", in: db) }
                == "desk.decide.unknown")
        try store.writer.write { db in
            try desk.propose(assistance, .approve, reason: "核实无误", by: "mi-clerk", on: LocalDate("2017-03-18"), in: db)
        }
        #expect(
            refusal { db in try desk.propose(assistance, .refuse, reason: "x", by: "mi-clerk-2", in: db) }
                == "desk.propose.exists")
        #expect(
            try store.writer.read { db in try desk.proposals(in: db) } == [
                assistance: .init(
                    measureID: assistance, decision: .approve, reason: "核实无误", proposedBy: "mi-clerk",
                    proposedOn: LocalDate("2017-03-18"))
            ])
        #expect(
            refusal { db in
                try desk.decide(assistance, .approve, reason: "", by: "mi-clerk", in: db, journal: store.journal)
            } == "desk.decide.self-approval")
        #expect(try journaled().isEmpty, "a refused decision publishes nothing")

        try store.writer.write { db in
            try desk.decide(
                assistance, .approve, reason: "", by: "mi-approver", on: LocalDate("2017-03-20"), in: db,
                journal: store.journal)
        }
        let approved = try journaled()
        try #require(approved.map(\.type) == ["measure.decided", "measure.delivered"])
        let granted = try approved[0].decodeData(as: MeasuresDecided.self, using: EventCoding.makeDecoder())
        #expect(granted.decisions.first?.status == .granted)
        #expect(granted.decisions.first?.deliveredOn == LocalDate("2017-04-19"), "approval date + 30 days (C.6)")
        #expect(
            granted.decisions.first?.reason.hasPrefix("approved by mi-approver, proposed by mi-clerk: 核实无误; ")
                == true, "\(granted.decisions)")

        // A refusal proposed, returned by the checker, proposed again and approved: refused with the clerk's reason.
        try store.writer.write { db in
            try desk.propose(
                mutualAid, .refuse, reasonCode: "already-covered", reason: "参加了单位的互助保障", by: "mi-clerk", in: db)
        }
        #expect(
            refusal { db in
                try desk.decide(mutualAid, .refuse, reason: "", by: "mi-approver", in: db, journal: store.journal)
            } == "desk.decide.reason")
        try store.writer.write { db in
            try desk.decide(
                mutualAid, .refuse, reasonCode: "documents-missing", reason: "请附单位证明", by: "mi-approver", in: db,
                journal: store.journal)
        }
        #expect(try store.writer.read { db in try desk.proposals(in: db) }.isEmpty, "returned: awaits a proposal")
        #expect(try store.writer.read { db in try desk.awaitingStaff(in: db) } == [mutualAid])
        #expect(try journaled().count == 2, "a returned proposal decides nothing")
        try store.writer.write { db in
            try desk.propose(
                mutualAid, .refuse, reasonCode: "already-covered", reason: "already covered by the employer's scheme",
                by: "mi-clerk-2", in: db)
        }
        try store.writer.write { db in
            try desk.decide(mutualAid, .approve, reason: "", by: "mi-approver", in: db, journal: store.journal)
        }
        let refused = try journaled().last!.decodeData(as: MeasuresDecided.self, using: EventCoding.makeDecoder())
        #expect(refused.decisions.map(\.status) == [.refused])
        #expect(
            refused.decisions.first?.reason
                == "refused by mi-approver, proposed by mi-clerk-2: [already-covered] already covered by the employer's scheme"
        )
        #expect(
            refusal { db in
                try desk.decide(mutualAid, .approve, reason: "", by: nil, in: db, journal: store.journal)
            } == "desk.decide.unknown")
        #expect(try store.writer.read { db in try desk.awaitingStaff(in: db) }.isEmpty)
    }

    @Test("an event the desk does not handle is refused with a reason")
    func refusesOtherTypes() throws {
        let policy = try Policy.load(contentsOfFile: Self.policyPath)
        let office = try Office(.housing, policy: policy)
        let event = try CloudEvent(source: "/x", type: "household.exit-ready", subject: "A-1", data: Array("{}".utf8))
        #expect(throws: DeskRefusal.self) { _ = try office.apply(event) }
    }
}
