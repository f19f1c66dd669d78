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

/// Maker-checker complete at a department in `review` mode (policy C.6): approvals dated the day they are made, two
/// approvers above the threshold, refusals with a reason code of the policy file, every act kept.
@Suite("Maker-checker: dates, two approvers, reason codes, the acts kept")
struct MakerCheckerTests {
    /// A department in review mode with the three sample households received.
    static func desk(_ department: Agency, policy: Policy) throws -> (DepartmentDesk, EventStore) {
        let desk = DepartmentDesk(department: department, policy: policy, mode: .review)
        let store = try EventStore(
            writer: DatabaseQueue(), migrations: { DepartmentDesk.registerMigrations(&$0) },
            logger: Logger(label: "test"))
        try store.writer.write { db in try desk.seedBudgets(in: db) }
        for household in try StaffToolsDeskTests.samples().entries.compactMap(\.household) {
            let view = HouseholdView(
                for: department, household: household,
                assessment: try Assessor(policy: policy).assess(household), helper: nil)
            let payload = HouseholdRegistered(view: view)
            let event = try CloudEvent(
                source: "/jiekun/union-registry", type: HouseholdRegistered.type, subject: payload.fileNumber,
                payload: payload, encoder: EventCoding.makeEncoder())
            try store.writer.write { db in try desk.apply(event, in: db, journal: store.journal) }
        }
        return (desk, store)
    }

    static func policy() throws -> Policy { try Policy.load(contentsOfFile: StaffToolsDeskTests.policyPath) }

    @Test("The policy file's section: 5,000 yuan, seven reason codes with Chinese and English text")
    func policySection() throws {
        let checker = try Self.policy().makerChecker
        #expect(checker.secondApproverAbove == Yuan(fen: 500_000))
        #expect(checker.refusalReasons.count == 7)
        #expect(checker.refusalReason(code: "not-eligible")?.chinese == "不符合条件")
        #expect(!checker.needsSecondApprover(.employmentEntrepreneurship, amount: Yuan(fen: 500_000)), "above, not at")
        #expect(checker.needsSecondApprover(.employmentEntrepreneurship, amount: Yuan(fen: 500_001)))
        #expect(throws: PolicyError.self) {
            try Policy.load(
                yaml: try String(contentsOfFile: StaffToolsDeskTests.policyPath, encoding: .utf8)
                    .replacingOccurrences(of: "  measures: {}", with: "  measures: {medical.nothing: 1}"),
                source: "test")
        }
    }

    @Test("An approval is dated the day it is given: processing days count from it, not from the filing date")
    func approvalDated() throws {
        let (housing, store) = try Self.desk(.housing, policy: try Self.policy())
        let measure = "QJ-2017-0007/housing.public-rental"  // filed 2017-05-02, 90 processing days
        try store.writer.write { db in
            try housing.propose(measure, .approve, reason: "", by: "housing-0001", on: LocalDate("2017-05-20"), in: db)
            try housing.decide(
                measure, .approve, reason: "", by: "housing-0002", on: LocalDate("2017-06-01"), in: db,
                journal: store.journal)
        }
        let decision = try #require(
            try store.writer.read { db in try housing.knownDecisions(of: "QJ-2017-0007", in: db) }[measure])
        #expect(decision.dueOn == LocalDate("2017-08-30"), "2017-06-01 + 90 days, not 2017-05-02 + 90 (2017-07-31)")
        #expect(decision.reason.hasPrefix("approved by housing-0002, proposed by housing-0001"), "\(decision.reason)")
        let decided = try store.writer.read { db in
            try store.journal.entries(of: "outcomes.housing", after: 0, maxCount: 10, in: db)
                .map { try CloudEvent(json: $0.payload) }.filter { $0.type == MeasuresDecided.type }
        }
        #expect(decided.map(\.effectiveDate) == ["2017-06-01"])
    }

    @Test("Above the threshold: two approvers, neither the proposer, the second not the first; all acts kept")
    func twoApprovers() throws {
        var policy = try Self.policy()
        policy.makerChecker.secondApproverAbove = Yuan(fen: 100_000)  // 1,000 yuan: student aid (1,500) is above
        let (education, store) = try Self.desk(.education, policy: policy)
        let measure = try #require(
            try store.writer.read { db in try education.awaitingStaff(in: db) }.first {
                $0.hasPrefix("KM-2017-0001/education.student-aid")
            })
        func decide(_ staff: String, on day: String) throws -> Bool {
            try store.writer.write { db in
                try education.decide(
                    measure, .approve, reason: "", by: staff, on: LocalDate(day), in: db, journal: store.journal)
                return try !education.awaitsSecondApprover(measure, in: db)
            }
        }
        try store.writer.write { db in
            try education.propose(
                measure, .approve, reason: "在读证明已核", by: "education-aid-0001", on: LocalDate("2017-04-01"), in: db)
        }
        let own = #expect(throws: DeskRefusal.self) { try decide("education-aid-0001", on: "2017-04-02") }
        #expect(own?.code == DepartmentDesk.selfApprovalCode)
        #expect(try decide("education-aid-0002", on: "2017-04-05") == false)
        #expect(try store.writer.read { db in try education.knownDecisions(of: "KM-2017-0001", in: db) }.isEmpty)
        let twice = #expect(throws: DeskRefusal.self) { try decide("education-aid-0002", on: "2017-04-06") }
        #expect(twice?.code == DepartmentDesk.sameApproverCode)
        #expect(try decide("education-aid-0003", on: "2017-04-10"))
        let decision = try #require(
            try store.writer.read { db in try education.knownDecisions(of: "KM-2017-0001", in: db) }[measure])
        #expect(decision.status == .granted && decision.dueOn == LocalDate("2017-05-10"))
        #expect(
            decision.reason.hasPrefix(
                "approved by education-aid-0002 and education-aid-0003, proposed by education-aid-0001: 在读证明已核"),
            "\(decision.reason)")
        let acts = try store.writer.read { db in try education.staffActs(of: "KM-2017-0001", in: db) }
        #expect(
            acts.map { "\($0.kind.rawValue) \($0.staffID ?? "-") \($0.businessDate)" } == [
                "proposed education-aid-0001 2017-04-01", "first-approval education-aid-0002 2017-04-05",
                "decided education-aid-0003 2017-04-10",
            ])
        let pairs = try store.writer.read { db in try DepartmentDesk.makerCheckerPairs(in: db) }
        #expect(
            pairs.map { "\($0.maker) → \($0.checker) \($0.count)" } == ["education-aid-0001 → education-aid-0003 1"])
        // At or below the threshold one approver decides.
        policy.makerChecker.secondApproverAbove = Yuan(fen: 150_000)
        #expect(!policy.makerChecker.needsSecondApprover(.educationStudentAid, amount: Yuan(fen: 150_000)))
    }

    @Test("A refusal needs a reason code of the policy file and text; the decision carries both; acts are append-only")
    func refusalCodes() throws {
        let (housing, store) = try Self.desk(.housing, policy: try Self.policy())
        let measure = "DL-2017-0042/housing.public-rental"
        for (code, expected) in [(nil, "a refusal needs a reason code"), ("boss-says-no", "boss-says-no is not one")]
            as [(String?, String)]
        {
            let refusal = #expect(throws: DeskRefusal.self) {
                try store.writer.write { db in
                    try housing.propose(measure, .refuse, reasonCode: code, reason: "已有住房", by: "housing-0001", in: db)
                }
            }
            #expect(refusal?.code == "desk.decide.reason-code" && refusal?.description.contains(expected) == true)
        }
        try store.writer.write { db in
            try housing.propose(
                measure, .refuse, reasonCode: "already-covered", reason: "已有住房", by: "housing-0001",
                on: LocalDate("2017-07-01"), in: db)
            // The approver returns it first (a refusal of the proposal needs a code too), then it is proposed again.
            try housing.decide(
                measure, .refuse, reasonCode: "proposal-error", reason: "请补充核查记录", by: "housing-0002",
                on: LocalDate("2017-07-02"), in: db, journal: store.journal)
            try housing.propose(
                measure, .refuse, reasonCode: "已享受同类帮扶", reason: "已有住房，核查记录附后", by: "housing-0001",
                on: LocalDate("2017-07-03"), in: db)
            try housing.decide(
                measure, .approve, reason: "", by: "housing-0002", on: LocalDate("2017-07-04"), in: db,
                journal: store.journal)
        }
        let decision = try #require(
            try store.writer.read { db in try housing.knownDecisions(of: "DL-2017-0042", in: db) }[measure])
        #expect(decision.status == .refused)
        #expect(
            decision.reason == "refused by housing-0002, proposed by housing-0001: [already-covered] 已有住房，核查记录附后")
        let acts = try store.writer.read { db in try housing.staffActs(of: "DL-2017-0042", in: db) }
        #expect(
            acts.map { "\($0.id) \($0.kind.rawValue) \($0.decision) \($0.reasonCode ?? "-") \($0.businessDate)" } == [
                "1 proposed refuse already-covered 2017-07-01", "2 returned refuse proposal-error 2017-07-02",
                "3 proposed refuse already-covered 2017-07-03", "4 decided refuse - 2017-07-04",
            ])
        for sql in ["UPDATE desk_staff_acts SET staff_id = 'x'", "DELETE FROM desk_staff_acts"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try store.writer.write { db in try db.execute(sql: sql) } }
        }
    }

    @Test("A correction is a new decision citing the one it corrects, proposed and approved; never an edit")
    func corrections() throws {
        let (housing, store) = try Self.desk(.housing, policy: try Self.policy())
        let measure = "DL-2017-0042/housing.public-rental"
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
        try store.writer.write { db in
            try housing.propose(measure, .approve, reason: "", by: "housing-0001", on: LocalDate("2017-07-01"), in: db)
            try housing.decide(
                measure, .approve, reason: "", by: "housing-0002", on: LocalDate("2017-07-02"), in: db,
                journal: store.journal)
        }
        func current() throws -> MeasureDecision? {
            try store.writer.read { db in try housing.knownDecisions(of: "DL-2017-0042", in: db) }[measure]
        }
        // Granted: a unit of Dali's 2017 stock, delivered 90 days after the approval (2017-09-30).
        #expect(try current()?.status == .granted && current()?.deliveredOn == LocalDate("2017-09-30"))
        let correct = { (act: Int64, decision: DepartmentDesk.StaffDecision, code: String?, day: String) in
            { (db: Database) in
                try housing.proposeCorrection(
                    measure, decision, of: act, reasonCode: code, reason: "户主已有自有住房", by: "housing-0001",
                    on: LocalDate(day), in: db)
            }
        }
        #expect(refusal(correct(1, .refuse, "not-eligible", "2017-08-01")) == "desk.correct.unknown", "#1: a proposal")
        #expect(refusal(correct(2, .approve, nil, "2017-08-01")) == "desk.correct.outcome")
        #expect(refusal(correct(2, .refuse, "not-eligible", "2017-10-01")) == "desk.correct.delivered")
        #expect(refusal(correct(2, .refuse, nil, "2017-08-01")) == "desk.decide.reason-code")
        #expect(refusal(correct(2, .refuse, "not-eligible", "2017-08-01")) == nil)
        #expect(try current()?.status == .granted, "proposed, not yet in force")
        #expect(
            refusal { db in
                try housing.decide(
                    measure, .approve, reason: "", by: "housing-0001", on: LocalDate("2017-08-02"), in: db,
                    journal: store.journal)
            } == DepartmentDesk.selfApprovalCode)
        try store.writer.write { db in
            try housing.decide(
                measure, .approve, reason: "", by: "housing-0003", on: LocalDate("2017-08-02"), in: db,
                journal: store.journal)
        }
        let corrected = try #require(try current())
        #expect(corrected.status == .refused)
        #expect(
            corrected.reason
                == "refused by housing-0003, proposed by housing-0001: corrects #2: [not-eligible] 户主已有自有住房")
        let acts = try store.writer.read { db in try housing.staffActs(of: "DL-2017-0042", in: db) }
        #expect(
            acts.map { "\($0.id) \($0.kind.rawValue) \($0.decision) \($0.corrects.map { "#\($0)" } ?? "-")" } == [
                "1 proposed approve -", "2 decided approve -", "3 proposed refuse #2", "4 decided refuse #2",
            ])
        // #2 is superseded by #4; #4 (refused) can be corrected back to approve.
        #expect(refusal(correct(2, .refuse, "not-eligible", "2017-08-05")) == "desk.correct.superseded")
        #expect(refusal(correct(4, .approve, nil, "2017-08-05")) == nil)
        // The published decisions: granted on 2017-07-02, refused on 2017-08-02, each a new event.
        let decided = try store.writer.read { db in
            try store.journal.entries(of: "outcomes.housing", after: 0, maxCount: 10, in: db)
                .map { try CloudEvent(json: $0.payload) }.filter { $0.type == MeasuresDecided.type }
        }
        #expect(decided.map(\.effectiveDate) == ["2017-07-02", "2017-08-02"])
    }
}
