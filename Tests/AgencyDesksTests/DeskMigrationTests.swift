import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ProgrammeEvents
import ReliefProgramme
import TestSupport
import Testing

@testable import AgencyDesks

/// A store written by the previous release (views, assessments and decisions kept as JSON) is migrated in place:
/// after `union.desk.v4`, `department.desk.v3` and `coordinator.desk.v6` every desk reads the same files and
/// decisions as before (docs/OPERATIONS.md, "Upgrading").
@Suite("Desk migrations")
struct DeskMigrationTests {
    /// The sample households run through the sequential programme: what an old store would hold.
    struct OldRecords {
        let policy: Policy
        let households: [Household]
        let files: [FiledHousehold]
        /// The filed households' assessments by file number.
        let assessments: [String: Assessment]

        init() throws {
            policy = try Policy.load(contentsOfFile: DepartmentDeskTests.policyPath)
            households = try DepartmentDeskTests.households(policy: policy)
            var run = ProgrammeRun(policy: policy)
            var assessments: [String: Assessment] = [:]
            for household in households {
                let assessment = try run.file(household)
                assessments[assessment.fileNumber] = assessment
            }
            files = run.files
            self.assessments = assessments
            #expect(files.count >= 2, "the sample must file households for the test to mean anything")
        }

        func household(_ fileNumber: String) -> Household {
            households.first { $0.fileNumber == fileNumber }!
        }

        func assessment(_ fileNumber: String) -> Assessment {
            assessments[fileNumber]!
        }
    }

    /// As the previous release wrote its JSON columns.
    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    @Test(
        "union.desk.v2: category from the stored assessment, open files per helper counted, decisions as columns; v3"
    )
    func union() throws {
        let old = try OldRecords()
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        UnionDesk.registerMigrations(&migrator)
        try migrator.migrate(queue, upTo: "union.desk.v1")
        try queue.write { db in
            for (index, file) in old.files.enumerated() {
                let household = old.household(file.subject.fileNumber)
                // The first file is closed; the others are open with helper 甲, except the last, with none.
                let helper: String? = index == old.files.count - 1 ? nil : "甲"
                try db.execute(
                    sql: """
                        INSERT INTO union_files (file_number, division_code, filed_on, household, assessment, helper,
                            status)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        household.fileNumber, household.divisionCode, household.filedOn.description,
                        try Self.json(household), try Self.json(old.assessment(file.subject.fileNumber)), helper,
                        index == 0 ? "closed" : "open",
                    ])
                for decision in file.decisions {
                    try db.execute(
                        sql: "INSERT INTO union_decisions (measure_id, file_number, decision) VALUES (?, ?, ?)",
                        arguments: [decision.measureID, household.fileNumber, try Self.json(decision)])
                }
                for member in household.members {
                    try db.execute(
                        sql: "INSERT INTO union_members (identity_number, file_number) VALUES (?, ?)",
                        arguments: [member.identityNumber.value, household.fileNumber])
                }
            }
        }
        let members = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT identity_number, file_number FROM union_members ORDER BY 1, 2")
        }
        try migrator.migrate(queue, upTo: "union.desk.v2")
        try queue.read { db in
            for file in old.files {
                let category = try Int.fetchOne(
                    db, sql: "SELECT category FROM union_files WHERE file_number = ?",
                    arguments: [file.subject.fileNumber])
                #expect(category == file.subject.category?.rawValue)
                let decisions = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(DecisionColumns.names) FROM union_decisions WHERE file_number = ? ORDER BY measure_id",
                    arguments: [file.subject.fileNumber]
                ).map(DecisionColumns.decision(from:))
                #expect(decisions == file.decisions.sorted { $0.measureID < $1.measureID })
            }
            // Open files with a helper: all but the closed first one and the unpaired last one.
            var expected: [String: Int] = [:]
            for file in old.files.dropFirst().dropLast() {
                expected[old.household(file.subject.fileNumber).divisionCode, default: 0] += 1
            }
            var counted: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT division_code, helper, open_files FROM union_helper_load") {
                #expect(row["helper"] as String == "甲")
                counted[row["division_code"]] = row["open_files"]
            }
            #expect(counted == expected)
            #expect(try db.columns(in: "union_files").contains { $0.name == "assessment" } == false)
        }
        try migrator.migrate(queue)
        #expect(try queue.read { try $0.tableExists("union_decisions") } == false, "union.desk.v3 drops the copy")
        // v4: every person is kept in its file, and may now be in a second file (filed again after a closure).
        try queue.write { db in
            #expect(
                try Row.fetchAll(db, sql: "SELECT identity_number, file_number FROM union_members ORDER BY 1, 2")
                    == members)
            let person: String = try #require(members.first)["identity_number"]
            try db.execute(
                sql: "INSERT INTO union_members (identity_number, file_number) VALUES (?, 'KM-2018-0005')",
                arguments: [person])
            #expect(
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM union_members WHERE identity_number = ?", arguments: [person])
                    == 2)
        }
    }

    @Test("department.desk.v3: the view kept with its category, decisions as columns, read back unchanged")
    func department() throws {
        let old = try OldRecords()
        let desk = DepartmentDesk(department: .medicalInsurance, policy: old.policy)
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        DepartmentDesk.registerMigrations(&migrator)
        try migrator.migrate(queue, upTo: "department.desk.v2")
        var views: [String: HouseholdView] = [:]
        try queue.write { db in
            for file in old.files {
                let view = HouseholdView(
                    for: .medicalInsurance, household: old.household(file.subject.fileNumber),
                    assessment: old.assessment(file.subject.fileNumber), helper: nil, persons: old.policy.persons)
                views[view.fileNumber] = view
                try db.execute(
                    sql: "INSERT INTO desk_households (file_number, view, status) VALUES (?, ?, 'open')",
                    arguments: [view.fileNumber, try Self.json(view)])
                for decision in file.decisions where decision.department == .medicalInsurance {
                    try db.execute(
                        sql: "INSERT INTO desk_decisions (measure_id, file_number, decision) VALUES (?, ?, ?)",
                        arguments: [decision.measureID, view.fileNumber, try Self.json(decision)])
                }
            }
        }
        try migrator.migrate(queue)
        try queue.read { db in
            for file in old.files {
                let fileNumber = file.subject.fileNumber
                let expected = file.decisions.filter { $0.department == .medicalInsurance }
                #expect(
                    try desk.knownDecisions(of: fileNumber, in: db)
                        == Dictionary(
                            uniqueKeysWithValues: expected.map { ($0.measureID, $0) }))
                let row = try #require(
                    try Row.fetchOne(
                        db, sql: "SELECT view_data, category FROM desk_households WHERE file_number = ?",
                        arguments: [fileNumber]))
                let kept = try JSONDecoder().decode(KeptView.self, from: row["view_data"] as Data)
                #expect(kept.view == views[fileNumber])
                #expect(row["category"] as Int? == file.subject.category?.rawValue)
                // department.desk.v6: each delivery computed before it, kept as a record of the rules.
                #expect(
                    try desk.deliveries(of: fileNumber, in: db).map {
                        "\($0.measureID) \($0.deliveredOn) \($0.amount) \($0.reference) \($0.staffID ?? "-")"
                    }.sorted()
                        == expected.filter { $0.status == .granted && $0.deliveredOn != nil }.map {
                            "\($0.measureID) \($0.deliveredOn!) \($0.amount) department.desk.v6 -"
                        }.sorted())
            }
        }
    }

    @Test(
        "coordinator.desk.v3 to v6: every file reads back with the same subject, decisions, exit, timeline and county"
    )
    func coordinator() throws {
        let old = try OldRecords()
        let desk = CoordinatorDesk(policy: old.policy)
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        CoordinatorDesk.registerMigrations(&migrator)
        try migrator.migrate(queue, upTo: "coordinator.desk.v2")
        try queue.write { db in
            for file in old.files {
                let view = HouseholdView(
                    for: .coordinator, household: old.household(file.subject.fileNumber),
                    assessment: old.assessment(file.subject.fileNumber), helper: nil, persons: old.policy.persons)
                // An exited file as the union's `household.closed` left it: closed on its closure date.
                try db.execute(
                    sql: """
                        INSERT INTO coord_households (file_number, view, status, exit_date, closed_reason, closed_on)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        view.fileNumber, try Self.json(view), file.closure == nil ? "open" : "closed",
                        file.readiness.exitDate?.description, file.closure?.reason.rawValue,
                        file.closure?.closedOn.description,
                    ])
                for decision in file.decisions {
                    try db.execute(
                        sql: "INSERT INTO coord_decisions (measure_id, file_number, decision) VALUES (?, ?, ?)",
                        arguments: [decision.measureID, view.fileNumber, try Self.json(decision)])
                }
            }
        }
        let first = old.files[0].subject.fileNumber
        let second = old.files[1].subject.fileNumber
        try queue.write { db in
            for (file, id, type) in [
                (first, "e1", "household.registered"), (second, "e2", "household.registered"),
                (first, "e3", "measure.decided"), (first, "e4", "household.exit-ready"),
            ] {
                try db.execute(
                    sql:
                        "INSERT INTO coord_timeline (file_number, event_id, type, source) VALUES (?, ?, ?, '/jiekun/x')",
                    arguments: [file, id, type])
            }
        }
        try migrator.migrate(queue)
        try queue.read { db in
            #expect(try desk.timeline(of: first, in: db).map(\.eventID) == ["e1", "e3", "e4"])
            #expect(try desk.timeline(of: second, in: db).map(\.eventID) == ["e2"])
            // v5: the entries keep their numbers; the table no longer uses AUTOINCREMENT.
            #expect(try Int64.fetchAll(db, sql: "SELECT entry FROM coord_timeline ORDER BY entry") == [1, 2, 3, 4])
            #expect(
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'coord_timeline'")?
                    .contains("AUTOINCREMENT") == false)
            for file in old.files {
                let migrated = try #require(try desk.file(file.subject.fileNumber, in: db))
                #expect(migrated.decisions == file.decisions.sorted { $0.measureID < $1.measureID })
                #expect(migrated.readiness.exitDate == file.readiness.exitDate)
                #expect(migrated.subject == file.subject)
                // v6: the county from the kept view; no earlier file for the files kept before.
                #expect(migrated.divisionCode == old.household(file.subject.fileNumber).divisionCode)
                #expect(migrated.earlierFile == nil)
            }
        }
        // The report's single ordered pass over files and decisions gives what the files give one by one, even with
        // decisions of files that have no plan yet, sorting before and after every file.
        let orphan = try #require(old.files.first?.decisions.first)
        try queue.write { db in
            for fileNumber in ["000-no-plan", "zzz-no-plan"] {
                try DecisionColumns.keep(orphan, of: fileNumber, in: "coord_decisions", db: db)
            }
        }
        try queue.read { db in
            var tally = ProvinceReport.Tally(years: old.policy.budgetYears)
            for appropriation in ProvinceReport.openingAppropriations(of: old.policy) {
                tally.appropriate(appropriation)
            }
            for file in try desk.files(in: db) { tally.add(file) }
            #expect(try desk.report(in: db) == tally.report)
            #expect(try desk.report(in: db).province.filesOpened == old.files.count)
            // v4: the report reads the category and prefecture from columns filled from the views.
            #expect(
                try desk.report(in: db)
                    == ProvinceReport(
                        files: old.files, years: old.policy.budgetYears,
                        appropriations: ProvinceReport.openingAppropriations(of: old.policy)))
        }
    }
}
