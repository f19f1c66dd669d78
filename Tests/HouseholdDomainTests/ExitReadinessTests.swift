import HouseholdDomain
import Testing

/// Policy §2.3 and Part B "The guarantees of §2.3": the six dimensions and exit readiness.
@Suite("Exit readiness (policy §2.3)")
struct ExitReadinessTests {
    typealias B = HouseholdBuilder

    static let assessor = Assessor(policy: try! Policy.load(contentsOfFile: PolicyLoadingTests.shippedPath))

    /// KM-2017-0001 of the sample file, built by hand: category 1, 10 measures.
    static func kunmingHousehold() -> Household {
        Household(
            fileNumber: "KM-2017-0001", divisionCode: "530102", filedOn: LocalDate("2017-03-15")!,
            monthlyIncome: Yuan("1200")!, housing: .rented, primaryCause: .laidOff, secondaryCauses: [.childAtSchool],
            members: [
                B.member(
                    1, .worker, born: "1975-06-12", sex: .male, work: .laidOff, pension: .enrolled, wantsBusiness: true),
                B.member(
                    2, .spouse, born: "1977-02-03", sex: .female, health: .ill, work: .none, pension: .notEnrolled),
                B.member(3, .child, born: "2004-09-18", sex: .male, work: .student, school: .juniorSecondary),
            ])
    }

    @Test("a household with nothing open is ready on its filing date")
    func readyAtFiling() throws {
        let assessment = try Self.assessor.assess(B.household(income: "1200", expense: "300", primaryCause: .laidOff))
        #expect(assessment.category == .two)
        let readiness = ExitReadiness.evaluate(ExitSubject(assessment), outcomes: [:])
        #expect(readiness.isReady)
        #expect(readiness.exitDate == LocalDate("2017-03-15"))
    }

    @Test("KM-2017-0001: open until its guarantees are delivered; exit on the last guarantee's date")
    func guaranteesDelivered() throws {
        let assessment = try Self.assessor.assess(Self.kunmingHousehold())
        #expect(assessment.category == .one)
        var outcomes: [String: MeasureOutcome] = [:]
        var readiness = ExitReadiness.evaluate(ExitSubject(assessment), outcomes: outcomes)
        #expect(!readiness.isReady)
        let open = readiness.dimensions.filter { !$0.holds }.map(\.dimension)
        #expect(open == [.basicLiving, .employment, .medicalCare, .schooling, .socialInsurance])
        let housing = try #require(readiness.dimensions.first { $0.dimension == .housing })
        #expect(housing.holds && housing.since == LocalDate("2017-03-15"), "租房: no housing need")

        // Supporting measures (guidance, mutual aid…) do not matter; the guarantees do.
        outcomes["KM-2017-0001/relief.dibao"] = .delivered(effectiveOn: LocalDate("2017-04-14")!)
        outcomes["KM-2017-0001/employment.placement"] = .delivered(effectiveOn: LocalDate("2017-06-13")!)
        outcomes["KM-2017-0001/education.student-aid/3"] = .delivered(effectiveOn: LocalDate("2017-04-14")!)
        outcomes["KM-2017-0001/insurance.pension-enrolment"] = .delivered(effectiveOn: LocalDate("2017-04-14")!)
        readiness = ExitReadiness.evaluate(ExitSubject(assessment), outcomes: outcomes)
        #expect(!readiness.isReady, "medical.assistance is still open")
        let medical = try #require(readiness.dimensions.first { $0.dimension == .medicalCare })
        #expect(medical.awaiting == ["KM-2017-0001/medical.assistance"])

        outcomes["KM-2017-0001/medical.assistance"] = .refused(department: .medicalInsurance, reason: "budget spent")
        readiness = ExitReadiness.evaluate(ExitSubject(assessment), outcomes: outcomes)
        #expect(!readiness.isReady)
        let blocked = try #require(readiness.dimensions.first { $0.dimension == .medicalCare })
        #expect(
            blocked.refusals == [
                ExitReadiness.Refusal(
                    measureID: "KM-2017-0001/medical.assistance", department: .medicalInsurance,
                    reason: "budget spent")
            ])

        outcomes["KM-2017-0001/medical.assistance"] = .delivered(effectiveOn: LocalDate("2018-01-10")!)
        readiness = ExitReadiness.evaluate(ExitSubject(assessment), outcomes: outcomes)
        #expect(readiness.isReady)
        #expect(readiness.exitDate == LocalDate("2018-01-10"))
    }

    @Test("housing holds with either public rental or the rental subsidy")
    func housingEitherWay() throws {
        var household = B.household(income: "1200", expense: "300", primaryCause: .laidOff)
        household.housing = .dangerous
        let assessment = try Self.assessor.assess(household)
        #expect(assessment.measures.map(\.code) == [.housingPublicRental])
        #expect(!ExitReadiness.evaluate(ExitSubject(assessment), outcomes: [:]).isReady)
        let subsidy = ExitReadiness.evaluate(
            ExitSubject(assessment),
            outcomes: ["T-1/housing.rental-subsidy": .delivered(effectiveOn: LocalDate("2017-05-01")!)])
        #expect(subsidy.isReady && subsidy.exitDate == LocalDate("2017-05-01"))
        let unit = ExitReadiness.evaluate(
            ExitSubject(assessment),
            outcomes: ["T-1/housing.public-rental": .delivered(effectiveOn: LocalDate("2017-06-13")!)])
        #expect(unit.isReady && unit.exitDate == LocalDate("2017-06-13"))
    }

    @Test("already on 低保: basic living holds at filing")
    func onDibao() throws {
        var household = B.household(income: "500")
        household.isOnDibao = true
        let assessment = try Self.assessor.assess(household)
        #expect(assessment.category == .one && assessment.measures.isEmpty)
        #expect(ExitReadiness.evaluate(ExitSubject(assessment), outcomes: [:]).isReady)
    }

    @Test("a household that is not eligible is never ready")
    func notEligible() throws {
        let assessment = try Self.assessor.assess(B.household(income: "5000"))
        #expect(!assessment.isEligible)
        #expect(!ExitReadiness.evaluate(ExitSubject(assessment), outcomes: [:]).isReady)
    }

    @Test("no S for the prefecture and year: an error naming both")
    func missingStandard() {
        let household = B.household(income: "500", filedOn: "2021-01-04")
        #expect(throws: AssessmentError.self) { try Self.assessor.assess(household) }
        do {
            _ = try Self.assessor.assess(household)
        } catch {
            #expect(error.message.contains("530100 (昆明市) in 2021"))
        }
    }
}
