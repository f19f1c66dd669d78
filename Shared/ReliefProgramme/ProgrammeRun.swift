import HouseholdDomain

/// The whole programme computed sequentially in one process: households filed in filing order, every department
/// deciding by rule (`auto` mode), supporting agencies answering, the coordinator judging exit (§2.3), and the
/// union's simulated staff taking each exit through its procedure (policy C.4, ``ExitSchedule``).
///
/// The services do the same work distributed over seven processes; both use ``AutomaticDecisions`` and
/// ``ExitReadiness``, so their reports agree number for number ("distributed equals sequential").
public struct ProgrammeRun: Sendable {
    /// The policy applied.
    public let policy: Policy
    private let assessor: Assessor
    private var ledgers: [Agency: Ledger]
    /// Every filed household's outcome, in filing order.
    public private(set) var files: [FiledHousehold] = []
    /// The files of each person, by identity number: indexes into ``files``, in filing order.
    private var personFiles: [String: [Int]] = [:]
    /// The money each paying agency received: the policy file's opening appropriations, then every
    /// ``receive(_:for:paidBy:prefecture:year:arrivedOn:)`` (the report's money table, policy §5.2).
    public private(set) var appropriations: [ProvinceReport.Appropriation]
    /// The file numbers of the households refused by the register check (a person in a file that has not closed,
    /// or that closes on or after the new filing date), in the order filed.
    public private(set) var refused: [String] = []

    /// Creates a run with full budgets.
    public init(policy: Policy, counties: CountyRegistry = .yunnan) {
        self.policy = policy
        self.assessor = Assessor(policy: policy, counties: counties)
        var ledgers: [Agency: Ledger] = [:]
        for agency in Agency.allCases where agency != .coordinator {
            ledgers[agency] = Ledger(
                policy: policy, measures: AutomaticDecisions.budgetMeasures(of: agency, policy: policy),
                includesUnits: agency == .housing)
        }
        self.ledgers = ledgers
        appropriations = ProvinceReport.openingAppropriations(of: policy)
    }

    /// Files one household: checks its persons against the files already made, assesses it and, when eligible,
    /// lets every department decide its measures.
    ///
    /// Call in filing order (the order the union registers files). The register check is the union's: a person
    /// in a file that has not closed (here: that never closes), or closes on or after the new filing date, refuses
    /// the household (``refused``); a person of a file closed before it links the new file to the most recently
    /// closed such file (``FiledHousehold/earlierFile``: a relapse, 返困, when it exited; policy Part C.5).
    /// - Returns: the assessment (not eligible and refused households are assessed but not filed).
    /// - Throws: ``AssessmentError`` when the policy has no `S` for the household's prefecture and year.
    @discardableResult
    public mutating func file(_ household: Household) throws(AssessmentError) -> Assessment {
        let assessment = try assessor.assess(household)
        guard assessment.isEligible else { return assessment }
        var earlierFile: EarlierFile?
        for member in household.members {
            for index in personFiles[member.identityNumber.value] ?? [] {
                let earlier = files[index]
                guard let closure = earlier.closure, closure.closedOn < household.filedOn else {
                    refused.append(household.fileNumber)
                    return assessment
                }
                let candidate = EarlierFile(
                    fileNumber: earlier.subject.fileNumber, prefectureCode: earlier.subject.prefectureCode,
                    reason: closure.reason, closedOn: closure.closedOn)
                if earlierFile.map({ ($0.closedOn, $0.fileNumber) < (candidate.closedOn, candidate.fileNumber) })
                    ?? true
                {
                    earlierFile = candidate
                }
            }
        }
        var decisions = decide(assessment)
        let subject = ExitSubject(assessment)
        let readiness = ExitReadiness.evaluate(subject, outcomes: MeasureDecision.outcomes(of: decisions))
        var closure: FileClosure?
        if let proposedOn = readiness.exitDate {
            // The exit is proposed when the guarantees hold; the union's simulated staff review, publish (公示) and
            // approve it on the dates of ``ExitSchedule`` (policy C.4), and the file closes on the approval date;
            // work still waiting for money stops then (a closed file stops all its pending work).
            let approvedOn = ExitSchedule(proposedOn: proposedOn, policy: policy).approvedOn
            closure = FileClosure(reason: .exited, closedOn: approvedOn)
            decisions = decisions.map { $0.withdrawn(atClosure: "exited", on: approvedOn) }
        }
        for member in household.members { personFiles[member.identityNumber.value, default: []].append(files.count) }
        files.append(
            FiledHousehold(
                subject: subject, decisions: decisions, readiness: readiness,
                divisionCode: assessment.divisionCode, closure: closure, earlierFile: earlierFile))
        return assessment
    }

    /// Money that arrives for one line after households were filed — a finance officer's top-up or appropriation
    /// (policy §5.2): the measures of that prefecture waiting for `payer`'s money for `measure` are paid in filing
    /// order, each from the first line of its due year or a later one that has the money, dated the latest of its
    /// due date, `arrivedOn` and 1 January of the line's year; the first one no line can pay stops the rest. A
    /// household whose guarantees then all hold exits (its other waiting work withdrawn), as the coordinator
    /// judges after each delivery.
    ///
    /// The services do the same inside the act's transaction (`BudgetBook.release`), so the two runs stay equal.
    /// - Parameters:
    ///   - amount: yuan that arrived.
    ///   - measure: the line's measure.
    ///   - payer: the agency whose line it is (the union for the fees and grants it pays).
    ///   - prefecture: the line's prefecture.
    ///   - year: the line's budget year.
    ///   - arrivedOn: the act's business date.
    public mutating func receive(
        _ amount: Yuan, for measure: Measure.Code, paidBy payer: Agency, prefecture: String, year: Int,
        arrivedOn: LocalDate
    ) {
        ledgers[payer]!.add(amount, for: measure, prefecture: prefecture, year: year)
        appropriations.append(
            ProvinceReport.Appropriation(prefecture: prefecture, year: year, measure: measure, amount: amount))
        var changed: [Int] = []
        release: for index in files.indices
        where files[index].subject.prefectureCode == prefecture && files[index].closure == nil {
            for position in files[index].decisions.indices {
                let decision = files[index].decisions[position]
                guard decision.code == measure, decision.status == .granted, decision.deliveredOn == nil,
                    decision.paidBy == payer, decision.amount > .zero
                else { continue }
                var paidOn: LocalDate?
                for line in ledgers[payer]!.years where line >= decision.dueOn.year {
                    if ledgers[payer]!.draw(decision.amount, for: measure, prefecture: prefecture, year: line) {
                        paidOn = max(decision.dueOn, arrivedOn, LocalDate.startOfYear(line))
                        break
                    }
                }
                guard let paidOn else { break release }
                files[index].decisions[position].deliveredOn = paidOn
                if changed.last != index { changed.append(index) }
            }
        }
        for index in changed {
            var file = files[index]
            let readiness = ExitReadiness.evaluate(file.subject, outcomes: MeasureDecision.outcomes(of: file.decisions))
            if let exitDate = readiness.exitDate {
                file.decisions = file.decisions.map { $0.withdrawn(atClosure: "exited", on: exitDate) }
            }
            files[index] = FiledHousehold(
                subject: file.subject, decisions: file.decisions, readiness: readiness, divisionCode: file.divisionCode,
                earlierFile: file.earlierFile)
        }
    }

    /// Every department's decisions for an eligible household, supporting agencies answering at once.
    private mutating func decide(_ assessment: Assessment) -> [MeasureDecision] {
        let subject = DecisionSubject(assessment)
        do {
            var decisions: [MeasureDecision] = []
            for instance in assessment.measures {
                let lead = instance.code.leadDepartment
                for step in try AutomaticDecisions.steps(
                    for: instance, subject: subject, policy: policy, ledger: &ledgers[lead]!)
                {
                    switch step {
                    case .decided(let decision):
                        decisions.append(decision)
                    case .awaitingSupport(let decision, let request):
                        let answer = try AutomaticDecisions.support(
                            request, category: assessment.category, ledger: &ledgers[request.to]!)
                        decisions.append(
                            try AutomaticDecisions.finalize(
                                decision, after: answer, policy: policy, ledger: &ledgers[lead]!,
                                prefecture: assessment.prefectureCode))
                    }
                }
            }
            return decisions
        } catch {
            // The in-memory ledgers never throw; only a store-backed ledger can.
            preconditionFailure("an in-memory ledger threw: \(error)")
        }
    }
}
