import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import TestSupport
import Testing

/// The exit procedure at the union desk (policy C.4, C.6) and the visits after exit (C.5), on the sample household
/// KM-2017-0001 (五华区, filed 2017-03-15, worker 张某). Dates by hand on the 2017–2018 calendar (C.7): a proposal
/// on Friday 2017-09-29 is published on Saturday 30 September (a working day) and 9–12 October (after the 国庆
/// holiday of 1–8 October), 5 working days, so the first day it may be approved is Friday 13 October.
@Suite("Union: the exit procedure, 公示, approval, notice and visits")
struct ExitProcedureTests {
    static let file = "KM-2017-0001"
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    /// The union with the samples filed, in `mode`, and the coordinator's proposal of KM-2017-0001 on 2017-09-29
    /// applied.
    static func proposed(mode: UnionDesk.ExitMode) throws -> (UnionDesk, EventStore) {
        let policy = try Policy.load(contentsOfFile: StaffToolsDeskTests.policyPath)
        let union = UnionDesk(policy: policy, helpers: ["530102": ["周帮扶"]], exitMode: mode)
        let store = try StaffToolsDeskTests.store { UnionDesk.registerMigrations(&$0) }
        let imported = try StaffToolsDeskTests.samples()
        let ready = HouseholdExitReady(fileNumber: file, exitDate: day("2017-09-29"), dimensions: [])
        let event = try CloudEvent(
            source: CoordinatorDesk.source, type: HouseholdExitReady.type, subject: file,
            effectiveDate: "2017-09-29", payload: ready, encoder: EventCoding.makeEncoder())
        try store.writer.write { db in
            try union.seedBudgets(in: db)
            _ = try union.file(
                imported.entries.sortedInFilingOrder { $0.facts.filedOn }, headers: imported.headers, in: db,
                journal: store.journal)
            try union.apply(event, in: db, journal: store.journal)
        }
        return (union, store)
    }

    static func status(of file: String, in store: EventStore) throws -> (String, String?) {
        try store.writer.read { db in
            let row = try #require(
                try Row.fetchOne(
                    db, sql: "SELECT status, closed_on FROM union_files WHERE file_number = ?", arguments: [file]))
            return (row["status"], row["closed_on"])
        }
    }

    static func refusal(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let refusal as DeskRefusal {
            return refusal.code
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "review mode: reviewed, 公示 across 国庆 2017, approval refused early, to the reviewer and with an objection open")
    func reviewedPublishedApproved() throws {
        let (union, store) = try Self.proposed(mode: .review)
        #expect(try Self.status(of: Self.file, in: store) == ("open", nil))
        try store.writer.write { db in
            let proposal = try #require(try union.exitProcedure(of: Self.file, in: db))
            #expect(proposal.state == .proposed && proposal.origin == .coordinator)
            #expect(proposal.proposedOn == Self.day("2017-09-29"))
            // Approval before review: refused.
            #expect(
                Self.refusal {
                    try union.approveExit(
                        Self.file, by: "union-0002", on: Self.day("2017-10-13"), in: db, journal: store.journal)
                }
                    == "union.exit.state")
            try union.reviewExit(
                Self.file, accept: true, reason: "", by: "union-0001", on: Self.day("2017-09-29"), in: db)
            let published = try #require(try union.exitProcedure(of: Self.file, in: db))
            #expect(published.publicityFrom == Self.day("2017-09-30"))
            #expect(published.publicityUntil == Self.day("2017-10-12"))
            // 12 October is publicity's 5th working day: too early.
            #expect(
                Self.refusal {
                    try union.approveExit(
                        Self.file, by: "union-0002", on: Self.day("2017-10-12"), in: db, journal: store.journal)
                }
                    == "union.exit.publicity-running")
            // The reviewer cannot approve (C.6).
            #expect(
                Self.refusal {
                    try union.approveExit(
                        Self.file, by: "union-0001", on: Self.day("2017-10-13"), in: db, journal: store.journal)
                }
                    == "union.exit.self-approval")
            let objection = try union.recordObjection(
                Self.file, text: "邻居称其有隐瞒收入", by: "union-0001", on: Self.day("2017-10-10"), in: db)
            #expect(
                Self.refusal {
                    try union.approveExit(
                        Self.file, by: "union-0002", on: Self.day("2017-10-13"), in: db, journal: store.journal)
                }
                    == "union.exit.objection-open")
            #expect(
                Self.refusal {
                    try union.resolveObjection(
                        objection, upheld: false, reason: " ", by: "union-0002", on: Self.day("2017-10-13"), in: db)
                }
                    == "union.exit.reason")
            try union.resolveObjection(
                objection, upheld: false, reason: "经核实收入属实", by: "union-0002", on: Self.day("2017-10-13"), in: db)
            try union.approveExit(
                Self.file, by: "union-0002", on: Self.day("2017-10-13"), in: db, journal: store.journal)
        }
        // The file closes as exited on the approval date.
        #expect(try Self.status(of: Self.file, in: store) == ("closed", "2017-10-13"))
        let (notice, acts) = try store.writer.read { db in
            (
                try union.exitNotice(of: Self.file, in: db),
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT act || ' ' || IFNULL(staff_id, '-') || ' ' || business_date FROM union_exit_acts ORDER BY seq"
                )
            )
        }
        #expect(notice.hasPrefix("解困通知书"))
        for text in [
            "张某 户（档案编号 KM-2017-0001）", "于2017年9月30日至2017年10月12日公示", "已于2017年10月13日批准解困退出",
            "昆明市五华区总工会", "2018年4月13日、2018年10月13日",
        ] {
            #expect(notice.contains(text), "\(text)")
        }
        #expect(
            acts == [
                "proposed coordinator 2017-09-29", "reviewed union-0001 2017-09-29", "objection union-0001 2017-10-10",
                "objection-dismissed union-0002 2017-10-13", "approved union-0002 2017-10-13",
            ])
    }

    @Test("an upheld objection returns the file to open; the household may ask again")
    func upheldObjection() throws {
        let (union, store) = try Self.proposed(mode: .review)
        try store.writer.write { db in
            try union.reviewExit(
                Self.file, accept: true, reason: "", by: "union-0001", on: Self.day("2017-10-09"), in: db)
            let objection = try union.recordObjection(
                Self.file, text: "仍有大额医疗欠费", by: "union-0001", on: Self.day("2017-10-11"), in: db)
            try union.resolveObjection(
                objection, upheld: true, reason: "核实属实，暂不退出", by: "union-0002", on: Self.day("2017-10-12"), in: db)
            #expect(try union.exitProcedure(of: Self.file, in: db)?.state == .reopened)
            #expect(
                Self.refusal {
                    try union.approveExit(
                        Self.file, by: "union-0002", on: Self.day("2017-10-20"), in: db, journal: store.journal)
                }
                    == "union.exit.state")
            // A request by the household starts a new procedure; its recorder cannot review it.
            try union.proposeExit(Self.file, origin: .household, by: "union-0003", on: Self.day("2018-01-05"), in: db)
            #expect(
                Self.refusal {
                    try union.reviewExit(
                        Self.file, accept: true, reason: "", by: "union-0003", on: Self.day("2018-01-05"), in: db)
                }
                    == "union.exit.self-review")
            #expect(
                Self.refusal {
                    try union.reviewExit(
                        Self.file, accept: false, reason: "", by: "union-0001", on: Self.day("2018-01-05"), in: db)
                }
                    == "union.exit.reason")
            #expect(
                Self.refusal {
                    try union.proposeExit(
                        Self.file, origin: .household, by: "union-0003", on: Self.day("2018-01-06"), in: db)
                }
                    == "union.exit.in-procedure")
        }
        #expect(try Self.status(of: Self.file, in: store) == ("open", nil))
    }

    @Test("auto mode: the simulated staff approve on the computed day and visit on each due day")
    func automatic() throws {
        let (union, store) = try Self.proposed(mode: .auto)
        #expect(try Self.status(of: Self.file, in: store) == ("closed", "2017-10-13"))
        let (procedure, visits) = try store.writer.read { db in
            (try union.exitProcedure(of: Self.file, in: db), try union.visits(of: Self.file, in: db))
        }
        #expect(procedure?.reviewedBy == UnionDesk.simulatedClerk)
        #expect(procedure?.approvedBy == UnionDesk.simulatedApprover)
        // 2017-10-13 + 6 months = Friday 2018-04-13; + 12 months = Saturday 2018-10-13, visited Monday 15 October.
        #expect(visits.map(\.dueOn) == [Self.day("2018-04-13"), Self.day("2018-10-13")])
        #expect(visits.map(\.visitedOn) == [Self.day("2018-04-13"), Self.day("2018-10-15")])
        #expect(visits.allSatisfy { $0.stable == true && $0.visitedBy == UnionDesk.simulatedClerk })
    }

    @Test("a visit due exactly 6 months after the exit is overdue the day after")
    func visitOverdue() throws {
        let (union, store) = try Self.proposed(mode: .review)
        try store.writer.write { db in
            try union.reviewExit(
                Self.file, accept: true, reason: "", by: "union-0001", on: Self.day("2017-09-29"), in: db)
            try union.approveExit(
                Self.file, by: "union-0002", on: Self.day("2017-10-13"), in: db, journal: store.journal)
            // Due Friday 2018-04-13 (a working day): due that day, overdue from the 14th.
            #expect(
                try union.visitsDue(on: Self.day("2018-04-12"), overdueOnly: false, within: .province, in: db).isEmpty)
            let due = try union.visitsDue(on: Self.day("2018-04-13"), overdueOnly: false, within: .province, in: db)
            #expect(due.map(\.number) == [1])
            #expect(
                try union.visitsDue(on: Self.day("2018-04-13"), overdueOnly: true, within: .province, in: db).isEmpty)
            let overdue = try union.visitsDue(on: Self.day("2018-04-14"), overdueOnly: true, within: .province, in: db)
            #expect(overdue.map(\.number) == [1] && overdue[0].isOverdue(on: Self.day("2018-04-14")))
            // Outside the area: not listed.
            #expect(
                try union.visitsDue(
                    on: Self.day("2018-04-14"), overdueOnly: true, within: try StaffArea(code: "530300"), in: db
                ).isEmpty)
            let visit = try union.recordVisit(
                Self.file, on: Self.day("2018-04-16"), stable: false, findings: "收入下降", by: "union-0001", in: db)
            #expect(visit.number == 1 && visit.stable == false)
            #expect(
                try union.visitsDue(on: Self.day("2018-04-16"), overdueOnly: false, within: .province, in: db).isEmpty)
            try union.recordVisit(
                Self.file, on: Self.day("2018-10-15"), stable: true, findings: "", by: "union-0001", in: db)
            #expect(
                Self.refusal {
                    try union.recordVisit(
                        Self.file, on: Self.day("2018-11-01"), stable: true, findings: "", by: "union-0001", in: db)
                }
                    == "union.visit.none")
        }
    }
}
