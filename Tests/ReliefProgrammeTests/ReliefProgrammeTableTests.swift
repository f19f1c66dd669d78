import Foundation
import HouseholdDomain
import ReliefProgramme
import TestSupport
import Testing

/// The programme's money, units and dates, row by row, each expected value computed by hand from
/// `deploy/policy/yunnan.yaml` (the budgets, `publicRentalUnits` and `processingDays` it gives every prefecture)
/// and the policy's clauses: §4.2 (who pays which measure), §4.2.5 (a unit, else a rental subsidy), §5.2 (a
/// measure whose year's budget is spent waits for the next year's, from its 1 January).
@Suite("ReliefProgramme: budgets, unit stock and processing days (policy file, by hand)")
struct ReliefProgrammeTableTests {
    static var policy: Policy {
        get throws {
            try Policy.load(
                contentsOfFile: Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path)
        }
    }

    /// An eligible household of Kunming (530100) filed on `filedOn`, with the plan `measures`.
    static func assessment(
        filedOn: LocalDate, category: Eligibility.Category = .two, measures: [Measure.Code] = []
    ) -> Assessment {
        Assessment(
            fileNumber: "KM-2017-0001", divisionCode: "530102", prefectureCode: "530100", filedOn: filedOn,
            householdSize: 3, monthlyIncome: Yuan(yuan: 1_200), minimumLivingStandard: Yuan(yuan: 496),
            perCapitaIncome: Yuan(yuan: 400), category: category, reasons: [],
            measures: measures.map { MeasureInstance(fileNumber: "KM-2017-0001", code: $0) }, isBelowStandard: true,
            isOnDibao: false, isZeroEmployment: false, needsHousing: true)
    }

    /// An agency's ledger, as its service fills it from the policy file.
    static func ledger(of agency: Agency) throws -> Ledger {
        let policy = try policy
        return Ledger(
            policy: policy, measures: AutomaticDecisions.budgetMeasures(of: agency, policy: policy),
            includesUnits: agency == .housing)
    }

    // MARK: Budgets

    struct BudgetRow: Sendable, CustomStringConvertible {
        var agency: Agency
        var prefecture: String
        var year: Int
        var measure: Measure.Code
        /// The line's money in yuan, or `nil` when the agency holds no such line.
        var yuan: Int64?
        var description: String { "\(agency.rawValue) \(prefecture) \(year) \(measure.rawValue)" }
    }

    static let budgetRows: [BudgetRow] = [
        // The union pays the mutual-aid fee and the Golden Autumn grant for the lead departments (§4.2.2, §4.2.3).
        BudgetRow(agency: .union, prefecture: "530100", year: 2017, measure: .medicalMutualAid, yuan: 25_000),
        BudgetRow(agency: .union, prefecture: "530300", year: 2020, measure: .educationGoldenAutumn, yuan: 480_000),
        BudgetRow(agency: .union, prefecture: "530100", year: 2017, measure: .medicalAssistance, yuan: nil),
        BudgetRow(
            agency: .humanResources, prefecture: "530100", year: 2017, measure: .employmentEntrepreneurship,
            yuan: 600_000),
        BudgetRow(
            agency: .humanResources, prefecture: "532900", year: 2018, measure: .employmentLivingAllowance,
            yuan: 290_000),
        // A measure that pays nothing has no budget line (employment.guidance: amount 0).
        BudgetRow(agency: .humanResources, prefecture: "530100", year: 2017, measure: .employmentGuidance, yuan: nil),
        BudgetRow(
            agency: .medicalInsurance, prefecture: "530100", year: 2019, measure: .medicalAssistance, yuan: 2_800_000),
        // The mutual-aid fee is the union's line, not medical insurance's.
        BudgetRow(agency: .medicalInsurance, prefecture: "530100", year: 2017, measure: .medicalMutualAid, yuan: nil),
        BudgetRow(agency: .education, prefecture: "530100", year: 2018, measure: .educationStudentAid, yuan: 1_400_000),
        BudgetRow(agency: .housing, prefecture: "533100", year: 2017, measure: .housingRentalSubsidy, yuan: 170_000),
        BudgetRow(agency: .housing, prefecture: "530100", year: 2019, measure: .housingRentReduction, yuan: 430_000),
        BudgetRow(agency: .civilAffairs, prefecture: "530100", year: 2020, measure: .reliefTemporary, yuan: 2_000_000),
    ]

    @Test(
        "each agency's ledger holds the policy file's budget of the measures it pays, and no other",
        arguments: budgetRows)
    func budget(_ row: BudgetRow) throws {
        let line = try Self.ledger(of: row.agency).budgets.first {
            $0.key.prefecture == row.prefecture && $0.key.year == row.year && $0.key.measure == row.measure
        }
        #expect(line?.value == row.yuan.map { Yuan(yuan: $0) })
    }

    struct DrawRow: Sendable, CustomStringConvertible {
        /// The budget years whose whole mutual-aid line is spent first.
        var spent: [Int]
        var dueOn: LocalDate
        /// When the 60-yuan fee is paid, or `nil` when it waits.
        var paidOn: LocalDate?
        var description: String { "spent \(spent), due \(dueOn)" }
    }

    /// The union's mutual-aid lines in Kunming: 25,000 (2017), 50,000 (2018), 56,000 (2019 and 2020) yuan.
    static let mutualAid: [Int: Int64] = [2017: 25_000, 2018: 50_000, 2019: 56_000, 2020: 56_000]

    static let drawRows: [DrawRow] = [
        DrawRow(spent: [], dueOn: LocalDate("2017-03-30")!, paidOn: LocalDate("2017-03-30")),
        DrawRow(spent: [2017], dueOn: LocalDate("2017-03-30")!, paidOn: LocalDate("2018-01-01")),
        DrawRow(spent: [2017, 2018], dueOn: LocalDate("2017-12-20")!, paidOn: LocalDate("2019-01-01")),
        DrawRow(spent: [2018], dueOn: LocalDate("2018-05-01")!, paidOn: LocalDate("2019-01-01")),
        DrawRow(spent: [2017, 2018, 2019, 2020], dueOn: LocalDate("2017-03-30")!, paidOn: nil),
        // Due before the first budget year: paid from 1 January 2017; due after the last: no budget year.
        DrawRow(spent: [], dueOn: LocalDate("2016-11-01")!, paidOn: LocalDate("2017-01-01")),
        DrawRow(spent: [], dueOn: LocalDate("2021-01-10")!, paidOn: nil),
    ]

    @Test(
        "a payment whose year's budget is spent waits for the next year's, from its 1 January (§5.2)",
        arguments: drawRows)
    func draw(_ row: DrawRow) throws {
        var ledger = try Self.ledger(of: .union)
        for year in row.spent {
            let all = Yuan(yuan: Self.mutualAid[year]!)
            let drawn = ledger.draw(all, for: .medicalMutualAid, prefecture: "530100", year: year)
            #expect(drawn, "the whole \(year) line")
        }
        let paidOn = try ledger.draw(Yuan(yuan: 60), for: .medicalMutualAid, prefecture: "530100", dueOn: row.dueOn)
        #expect(paidOn == row.paidOn)
    }

    @Test("25,000 yuan pay 416 fees of 60 yuan in 2017 (24,960); the 417th is paid on 1 January 2018")
    func budgetRunsOut() throws {
        var ledger = try Self.ledger(of: .union)
        let due = LocalDate("2017-03-30")!
        let paid = try (1...417).map { _ in
            try ledger.draw(Yuan(yuan: 60), for: .medicalMutualAid, prefecture: "530100", dueOn: due)
        }
        #expect(paid.prefix(416).allSatisfy { $0 == due })
        #expect(paid.last == LocalDate("2018-01-01"))
        let left = ledger.budgets.first {
            $0.key.year == 2017 && $0.key.prefecture == "530100" && $0.key.measure == .medicalMutualAid
        }?.value
        #expect(left == Yuan(yuan: 40))
    }

    // MARK: Public-rental units

    struct StockRow: Sendable, CustomStringConvertible {
        /// The household's place in filing order (1 = first).
        var position: Int
        /// `unit DATE`, `subsidy DATE` or `waiting`.
        var outcome: String
        var description: String { "household \(position)" }
    }

    /// Kunming's housing: units 110 (2017), 220 (2018), 240 (2019); rental subsidies of 2,400 yuan from 170,000
    /// (2017: 70 subsidies) and 350,000 (2018: 145). Households filed on 2017-03-15 are due on 2017-06-13 (90 days).
    static let stockRows: [StockRow] = [
        StockRow(position: 1, outcome: "unit 2017-06-13"),
        StockRow(position: 110, outcome: "unit 2017-06-13"),
        StockRow(position: 111, outcome: "subsidy 2017-06-13"),
        StockRow(position: 180, outcome: "subsidy 2017-06-13"),
        StockRow(position: 181, outcome: "unit 2018-01-01"),
        StockRow(position: 400, outcome: "unit 2018-01-01"),
        StockRow(position: 401, outcome: "subsidy 2018-01-01"),
        StockRow(position: 545, outcome: "subsidy 2018-01-01"),
        StockRow(position: 546, outcome: "unit 2019-01-01"),
    ]

    @Test(
        "public rental in filing order: the due year's units, then its rental subsidies, then the next year's (§4.2.5)")
    func unitStock() throws {
        let policy = try Self.policy
        var ledger = try Self.ledger(of: .housing)
        let assessment = Self.assessment(filedOn: LocalDate("2017-03-15")!, measures: [.housingPublicRental])
        let instance = try #require(assessment.measures.first)
        var outcomes: [String] = []
        for _ in 1...546 {
            let steps = try AutomaticDecisions.decidePublicRental(
                instance, subject: DecisionSubject(assessment), policy: policy, ledger: &ledger)
            let decisions = steps.compactMap { step -> MeasureDecision? in
                if case .decided(let decision) = step { return decision }
                return nil
            }
            let rental = try #require(decisions.first)
            switch rental.status {
            case .granted: outcomes.append("unit \(rental.deliveredOn?.description ?? "-")")
            case .replaced: outcomes.append("subsidy \(decisions.last?.deliveredOn?.description ?? "-")")
            default: outcomes.append("waiting")
            }
        }
        for row in Self.stockRows {
            #expect(outcomes[row.position - 1] == row.outcome, "household \(row.position)")
        }
    }

    // MARK: Processing days

    struct DaysRow: Sendable, CustomStringConvertible {
        var measure: Measure.Code
        /// The policy file's processing days.
        var days: Int
        var filedOn: LocalDate
        /// Filing date + `days`.
        var dueOn: LocalDate
        var description: String { "\(measure.rawValue) filed \(filedOn)" }
    }

    static let daysRows: [DaysRow] = [
        DaysRow(
            measure: .employmentGuidance, days: 10, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-03-25")!),
        DaysRow(
            measure: .employmentTraining, days: 30, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-04-14")!),
        DaysRow(
            measure: .employmentEntrepreneurship, days: 60, filedOn: LocalDate("2017-03-15")!,
            dueOn: LocalDate("2017-05-14")!),
        DaysRow(
            measure: .employmentPlacement, days: 90, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-06-13")!),
        DaysRow(
            measure: .insuranceArrears, days: 90, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-06-13")!),
        DaysRow(
            measure: .medicalMutualAid, days: 15, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-03-30")!),
        DaysRow(
            measure: .medicalAssistance, days: 30, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-04-14")!),
        DaysRow(
            measure: .reliefTemporary, days: 15, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-03-30")!),
        DaysRow(
            measure: .housingPublicRental, days: 90, filedOn: LocalDate("2017-03-15")!, dueOn: LocalDate("2017-06-13")!),
        // Across a year's end, and across 29 February 2020.
        DaysRow(measure: .reliefDibao, days: 30, filedOn: LocalDate("2017-12-20")!, dueOn: LocalDate("2018-01-19")!),
        DaysRow(
            measure: .educationGoldenAutumn, days: 60, filedOn: LocalDate("2019-12-31")!,
            dueOn: LocalDate("2020-02-29")!),
    ]

    @Test(
        "a measure is due on its filing date + the policy file's processing days (calendar days)", arguments: daysRows)
    func processingDays(_ row: DaysRow) throws {
        var ledger = try Self.ledger(of: row.measure.leadDepartment)
        let assessment = Self.assessment(filedOn: row.filedOn, measures: [row.measure])
        let instance = try #require(assessment.measures.first)
        let steps = try AutomaticDecisions.steps(
            for: instance, subject: DecisionSubject(assessment), policy: try Self.policy, ledger: &ledger)
        let decision: MeasureDecision
        switch try #require(steps.first) {
        case .decided(let decided): decision = decided
        case .awaitingSupport(let waiting, _): decision = waiting
        }
        #expect(try Self.policy.terms(of: row.measure).processingDays == row.days)
        #expect(decision.dueOn == row.dueOn)
    }
}
