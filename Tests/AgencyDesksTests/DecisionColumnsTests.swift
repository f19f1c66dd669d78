import GRDB
import HouseholdDomain
import ReliefProgramme
import Testing

@testable import AgencyDesks

/// Decisions kept as columns read back whole, and as the outcomes §2.3 sees.
@Suite("Decision columns")
struct DecisionColumnsTests {
    static func decision(
        _ measure: String, _ code: Measure.Code, member: Int? = nil, _ status: MeasureDecision.Status,
        reason: String = "by rule", delivered: String? = nil
    ) -> MeasureDecision {
        MeasureDecision(
            measureID: "KM-2017-000001/\(measure)", code: code, memberNumber: member, department: code.leadDepartment,
            status: status, reason: reason, amount: Yuan(fen: 150_000), paidBy: nil,
            dueOn: LocalDate("2017-03-31")!, deliveredOn: delivered.flatMap { LocalDate($0) })
    }

    /// One of each: delivered, granted but waiting (no outcome yet), refused, withdrawn, replaced (no outcome).
    static let decisions = [
        decision("education.student-aid/3", .educationStudentAid, member: 3, .granted, delivered: "2017-04-02"),
        decision("employment.placement/1", .employmentPlacement, member: 1, .granted),
        decision("housing.public-rental", .housingPublicRental, .replaced, reason: "no unit free"),
        decision("housing.rental-subsidy", .housingRentalSubsidy, .refused, reason: "staff: rents a unit already"),
        decision("relief.dibao", .reliefDibao, .withdrawn, reason: "no longer planned after the update"),
    ]

    @Test("a file's outcomes read from the columns equal the outcomes of its decisions read whole")
    func outcomes() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: DecisionColumns.createTable("decisions"))
            for decision in Self.decisions {
                try DecisionColumns.keep(decision, of: "KM-2017-000001", in: "decisions", db: db)
            }
            try DecisionColumns.keep(
                Self.decision("relief.temporary", .reliefTemporary, .granted, delivered: "2017-05-01"),
                of: "KM-2017-000002", in: "decisions", db: db)
        }
        try queue.read { db in
            let whole = try DecisionColumns.decisions(of: "KM-2017-000001", in: "decisions", db: db)
            #expect(whole == Self.decisions.sorted { $0.measureID < $1.measureID })
            let outcomes = try DecisionColumns.outcomes(of: "KM-2017-000001", in: "decisions", db: db)
            #expect(outcomes == MeasureDecision.outcomes(of: whole))
            #expect(
                outcomes == [
                    "KM-2017-000001/education.student-aid/3": .delivered(effectiveOn: LocalDate("2017-04-02")!),
                    "KM-2017-000001/housing.rental-subsidy": .refused(
                        department: .housing, reason: "staff: rents a unit already"),
                    "KM-2017-000001/relief.dibao": .refused(
                        department: .civilAffairs, reason: "no longer planned after the update"),
                ])
        }
    }
}

/// What §2.3 reads of a household, kept as columns of `coord_households` and read back.
@Suite("Exit fact columns")
struct ExitFactColumnsTests {
    @Test("a subject written as columns reads back equal, per-child measures with their member numbers")
    func roundTrip() throws {
        let file = "KM-2017-000001"
        let subject = ExitSubject(
            fileNumber: file, prefectureCode: "530100", filedOn: LocalDate("2017-03-01")!, category: .two,
            measures: [
                MeasureInstance(fileNumber: file, code: .reliefDibao),
                MeasureInstance(fileNumber: file, code: .educationStudentAid, memberNumber: 3),
                MeasureInstance(fileNumber: file, code: .educationStudentAid, memberNumber: 12),
                MeasureInstance(fileNumber: file, code: .employmentPlacement, memberNumber: 1),
            ],
            isBelowStandard: true, isOnDibao: false, isZeroEmployment: true, needsHousing: false)
        let arguments: StatementArguments = [2, "530100"] + ExitFactColumns.arguments(subject)
        let row = try DatabaseQueue().read { db in
            try #require(
                try Row.fetchOne(
                    db, sql: "SELECT 0, " + Array(repeating: "?", count: 9).joined(separator: ", "),
                    arguments: arguments))
        }
        #expect(row[4] as Bool, "eligible: the category is not null")
        #expect(
            row[9] as String == "relief.dibao education.student-aid/3 education.student-aid/12 employment.placement/1")
        #expect(try ExitFactColumns.subject(from: row, at: 1, of: file) == subject)
        #expect(ExitFactColumns.measures(in: "", of: file) == [])
    }

    @Test("a file no longer eligible reads back without a category; a category Jiekun does not write is refused")
    func category() throws {
        #expect(try ExitFactColumns.category(nil, of: "KM-2017-000001") == nil)
        #expect(try ExitFactColumns.category(3, of: "KM-2017-000001") == .three)
        #expect(throws: DatabaseError.self) { try ExitFactColumns.category(9, of: "KM-2017-000001") }
    }

    @Test(
        "a measures column Jiekun does not write is refused",
        arguments: ["relief.unknown", "education.student-aid/x", "education.student-aid/3/4", "/3", "relief.dibao/"])
    func refused(column: String) {
        #expect(ExitFactColumns.measures(in: column, of: "KM-2017-000001") == nil)
    }
}
