import Foundation
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import TestSupport

/// Sample households, views and payloads, computed by the programme's own functions under the policy file.
enum Samples {
    static let policy: Policy = {
        let path = Fixtures.packageRoot.appendingPathComponent("deploy/policy/yunnan.yaml").path
        return try! Policy.load(contentsOfFile: path)
    }()

    /// A valid identity number from its first 17 digits (the check character computed).
    static func identity(_ first17: String) -> IdentityNumber {
        let check = IdentityNumber.checkCharacter(for: Array(first17.utf8)[...])
        return IdentityNumber(first17 + String(UnicodeScalar(check)))!
    }

    static let helper = "王帮扶"

    /// A category-1 household of Kunming (S = 496) that triggers measures of every department: a laid-off worker
    /// who wants to start a business, an ill spouse without insurance, a child at 初中, a student at 本科, a
    /// retired parent with a major illness; no home.
    static let household = Household(
        fileNumber: "KM-2017-0101", divisionCode: "530102", filedOn: LocalDate("2017-04-01")!,
        monthlyIncome: Yuan(yuan: 800), monthlySpecialExpense: Yuan(yuan: 300), housing: .none,
        primaryCause: .laidOff, secondaryCauses: [.majorIllness], employer: "昆明某机械厂",
        employerCreditCode: "91530100MA6K000000",
        members: [
            .init(
                number: 1, name: "陈建国", identityNumber: identity("53010219750612131"), relation: .worker,
                workStatus: .laidOff, pensionInsurance: .enrolled, medicalInsurance: .enrolled, wantsBusiness: true),
            .init(
                number: 2, name: "刘秀英", identityNumber: identity("53010219770203242"), relation: .spouse,
                health: .ill, workStatus: .none, pensionInsurance: .notEnrolled, medicalInsurance: .notEnrolled),
            .init(
                number: 3, name: "陈小明", identityNumber: identity("53010220040918315"), relation: .child,
                workStatus: .student, schoolLevel: .juniorSecondary, medicalInsurance: .enrolled),
            .init(
                number: 4, name: "陈小红", identityNumber: identity("53010219980801322"), relation: .child,
                workStatus: .student, schoolLevel: .undergraduate, medicalInsurance: .enrolled),
            .init(
                number: 5, name: "陈老汉", identityNumber: identity("53010219400101133"), relation: .parent,
                health: .majorIllness, workStatus: .retired, pensionInsurance: .drawing, medicalInsurance: .enrolled),
        ])

    static let assessment: Assessment = try! Assessor(policy: policy).assess(household)

    /// The view of ``household`` for an agency.
    static func view(for agency: Agency) -> HouseholdView {
        HouseholdView(
            for: agency, household: household, assessment: assessment, helper: helper, persons: policy.persons)
    }

    /// The programme run on ``household`` (every decision, exit readiness).
    static let run: ProgrammeRun = {
        var run = ProgrammeRun(policy: policy)
        _ = try! run.file(household)
        return run
    }()

    static var decisions: [MeasureDecision] { run.files[0].decisions }

    /// The lead departments' requests to supporting agencies and the answers, computed by rule.
    static let support: (requests: [SupportRequest], answers: [SupportAnswer]) = {
        var ledgers: [Agency: Ledger] = [:]
        for agency in Agency.allCases where agency != .coordinator {
            ledgers[agency] = Ledger(
                policy: policy, measures: AutomaticDecisions.budgetMeasures(of: agency, policy: policy),
                includesUnits: agency == .housing)
        }
        var requests: [SupportRequest] = []
        var answers: [SupportAnswer] = []
        for instance in assessment.measures {
            let lead = instance.code.leadDepartment
            // The in-memory ledgers never throw.
            let steps = try! AutomaticDecisions.steps(
                for: instance, subject: DecisionSubject(assessment), policy: policy, ledger: &ledgers[lead]!)
            for case .awaitingSupport(_, let request) in steps {
                requests.append(request)
                answers.append(
                    try! AutomaticDecisions.support(
                        request, category: assessment.category, ledger: &ledgers[request.to]!))
            }
        }
        return (requests, answers)
    }()

    /// A sample payload of every event type a feed carries, as published on that feed.
    static func payload(ofType type: String, on feed: Feed) -> any EventPayload {
        let file = household.fileNumber
        switch type {
        case HouseholdRegistered.type:
            // A relapse (Part C.5): the schema's optional link to the earlier file is checked too.
            return HouseholdRegistered(
                view: view(for: feed.viewAgency!), planVersion: policy.version,
                earlierFile: EarlierFile(
                    fileNumber: "KM-2016-0001", prefectureCode: "530100", reason: .exited,
                    closedOn: LocalDate("2016-11-30")!))
        case HouseholdUpdated.type:
            return HouseholdUpdated(view: view(for: feed.viewAgency!))
        case HouseholdClosed.type:
            return HouseholdClosed(fileNumber: file, reason: .exited, closedOn: LocalDate("2017-07-01")!)
        case MeasuresDecided.type:
            let own = decisions.filter { $0.department == feed.publisher }
            return MeasuresDecided(fileNumber: file, decisions: own.isEmpty ? decisions : own)
        case MeasuresDelivered.type:
            let delivered = decisions.filter { $0.department == feed.publisher && $0.deliveredOn != nil }
            return MeasuresDelivered(
                fileNumber: file,
                deliveries: (delivered.isEmpty ? decisions.filter { $0.deliveredOn != nil } : delivered).map {
                    .init(
                        measureID: $0.measureID, code: $0.code, deliveredOn: $0.deliveredOn!, amount: $0.amount,
                        paidBy: $0.paidBy)
                })
        case SupportRequested.type:
            let own = support.requests.filter { $0.from == feed.publisher }
            return SupportRequested(fileNumber: file, requests: own.isEmpty ? support.requests : own)
        case SupportProvided.type:
            let kind: SupportRequest.Kind = feed.publisher == .civilAffairs ? .review : .payment
            return SupportProvided(fileNumber: file, answers: support.answers.filter { $0.kind == kind })
        case HouseholdExitReady.type:
            return exitReady
        case BudgetAppropriated.type:
            let measure = Measure.Code.allCases.first {
                AutomaticDecisions.budgetMeasures(of: feed.publisher, policy: policy).contains($0)
            }!
            return BudgetAppropriated(
                agency: feed.publisher, act: 42, kind: .topUp, prefecture: "530100", year: 2017, measure: measure,
                amount: Yuan(yuan: 120_000), staffID: "fin-0001", reference: "云财社〔2017〕88号",
                arrivedOn: LocalDate("2017-06-01")!)
        default:
            fatalError("no sample for \(type)")
        }
    }

    /// The household's exit readiness, as the coordinator publishes it.
    static var exitReady: HouseholdExitReady {
        HouseholdExitReady(fileNumber: household.fileNumber, readiness: run.files[0].readiness)!
    }

    /// Encodes a payload as its feed would and returns the JSON object.
    static func jsonObject(_ payload: some EventPayload) throws -> [String: Any] {
        let data = try EventCoding.encode(payload)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// A CloudEvents structured-mode event around a payload, with the `sequence` and `effectivedate` extensions.
    static func envelope(_ payload: some EventPayload, publisher: Agency) throws -> [String: Any] {
        [
            "specversion": "1.0", "id": UUID().uuidString.lowercased(), "source": "/jiekun/\(publisher.rawValue)",
            "type": type(of: payload).type, "time": "2017-04-01T08:00:00Z",
            "datacontenttype": "application/json", "sequence": "00000000000000000042",
            "incarnation": "9d2f6c1e-0a4b-4f3c-8e5d-7b1a2c3d4e5f", "effectivedate": "2017-04-01",
            "data": try jsonObject(payload),
        ].merging(payload.fileNumber.isEmpty ? [:] : ["subject": payload.fileNumber]) { own, _ in own }
    }
}
