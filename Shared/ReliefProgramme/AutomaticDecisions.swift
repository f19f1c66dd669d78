import HouseholdDomain

/// The departments' decisions "by rule" (`auto` mode): every measure of the plan is granted; a service is
/// delivered on its due date (filing date + processing days); money is drawn from the paying agency's budget in
/// filing order; housing allocates public-rental units and gives a rental subsidy when none is free.
///
/// Pure functions over ``Ledger`` values, shared by the department services and the sequential run of
/// ``ProgrammeRun``, so that the distributed programme and the sequential computation agree number for number.
/// Source: policy §4.2.1–§4.2.6, §5.2; Part B.
public enum AutomaticDecisions {
    /// Which agency pays a measure's money for a household of `category`: the union pays the mutual-aid fee of
    /// categories 1 and 2 (§4.2.2) and the Golden Autumn grant (§4.2.3); category 3 pays its own mutual-aid fee
    /// (no programme money); every other measure is paid by its lead department.
    ///
    /// - Returns: the paying agency, or `nil` when the programme pays nothing.
    public static func payer(of code: Measure.Code, category: Eligibility.Category, policy: Policy) -> Agency? {
        switch code {
        case .medicalMutualAid: return category == .three ? nil : .union
        case .educationGoldenAutumn: return .union
        default: return policy.terms(of: code).paysMoney ? code.leadDepartment : nil
        }
    }

    /// The measures an agency holds budgets for.
    public static func budgetMeasures(of agency: Agency, policy: Policy) -> Set<Measure.Code> {
        let paying = Measure.Code.allCases.filter { policy.terms(of: $0).paysMoney }
        switch agency {
        case .union: return [.medicalMutualAid, .educationGoldenAutumn]
        default:
            return Set(
                paying.filter { $0.leadDepartment == agency && $0 != .medicalMutualAid && $0 != .educationGoldenAutumn }
            )
        }
    }

    /// The first step of a lead department: its decision before any supporting agency acts.
    public enum LeadStep: Sendable, Hashable {
        /// Decided (and delivered, or waiting for the lead's own budget).
        case decided(MeasureDecision)
        /// Granted, waiting for a supporting agency: the union's payment, or civil affairs' review.
        case awaitingSupport(MeasureDecision, SupportRequest)
    }

    /// The lead department's steps for one measure instance of its plan: ``decidePublicRental(_:subject:policy:ledger:)``
    /// for `housing.public-rental`, else ``decide(_:subject:policy:ledger:)``.
    public static func steps(
        for instance: MeasureInstance, subject: DecisionSubject, policy: Policy, ledger: inout some Budgets
    ) throws -> [LeadStep] {
        if instance.code == .housingPublicRental {
            return try decidePublicRental(instance, subject: subject, policy: policy, ledger: &ledger)
        }
        return [try decide(instance, subject: subject, policy: policy, ledger: &ledger)]
    }

    /// Decides one measure instance of an eligible household that the department leads, except
    /// `housing.public-rental` (see ``decidePublicRental(_:subject:policy:ledger:)``).
    ///
    /// - Parameters:
    ///   - instance: a measure of the household's plan led by `instance.code.leadDepartment`.
    ///   - subject: what the decision reads of the household (category, prefecture, filing date).
    ///   - policy: amounts and processing days.
    ///   - ledger: the lead department's budgets.
    /// - Returns: the decision, or a request to a supporting agency.
    /// - Throws: what the ledger's store throws.
    public static func decide(
        _ instance: MeasureInstance, subject: DecisionSubject, policy: Policy, ledger: inout some Budgets
    ) throws -> LeadStep {
        let terms = policy.terms(of: instance.code)
        let dueOn = subject.filedOn.adding(days: terms.processingDays)
        let category = subject.category ?? .three
        var decision = MeasureDecision(
            measureID: instance.id, code: instance.code, memberNumber: instance.memberNumber,
            department: instance.code.leadDepartment, status: .granted, reason: "granted by rule (Part B)",
            amount: .zero, paidBy: nil, dueOn: dueOn, deliveredOn: nil)
        switch payer(of: instance.code, category: category, policy: policy) {
        case nil:
            decision.deliveredOn = dueOn
            return .decided(decision)
        case .union?:
            decision.reason = "granted by rule; the union pays \(terms.amount) yuan (\(instance.code.clause))"
            return .awaitingSupport(
                decision,
                SupportRequest(
                    measureID: instance.id, measure: instance.code, kind: .payment, from: decision.department,
                    to: .union,
                    amount: terms.amount, prefecture: subject.prefectureCode, dueOn: dueOn))
        case let department?:
            if instance.code == .housingRentReduction {
                decision.reason = "granted by rule, subject to civil affairs' review (§4.2.5)"
                return .awaitingSupport(
                    decision,
                    SupportRequest(
                        measureID: instance.id, measure: instance.code, kind: .review, from: .housing,
                        to: .civilAffairs,
                        amount: terms.amount, prefecture: subject.prefectureCode, dueOn: dueOn))
            }
            decision.paidBy = department
            decision.amount = terms.amount
            decision.deliveredOn = try ledger.draw(
                terms.amount, for: instance.code, prefecture: subject.prefectureCode, dueOn: dueOn)
            if decision.deliveredOn == nil {
                decision.reason = "granted by rule; waiting for budget (\(subject.prefectureCode), §5.2)"
            }
            return .decided(decision)
        }
    }

    /// Decides `housing.public-rental` (§4.2.5): a unit of the due year's stock in filing order; when none is
    /// free, a rental subsidy of that year's budget instead; when neither, the same in the next budget year (from
    /// its 1 January); when no year has either, the request waits.
    ///
    /// - Returns: the public-rental decision; the rental subsidy's when one replaced it; and, when a category-1
    ///   household received a unit, a rent reduction awaiting civil affairs' review (§4.2.5, Part B
    ///   `housing.rent-reduction`).
    public static func decidePublicRental(
        _ instance: MeasureInstance, subject: DecisionSubject, policy: Policy, ledger: inout some Budgets
    ) throws -> [LeadStep] {
        let prefecture = subject.prefectureCode
        let dueOn = subject.filedOn.adding(days: policy.terms(of: .housingPublicRental).processingDays)
        var rental = MeasureDecision(
            measureID: instance.id, code: .housingPublicRental, memberNumber: nil, department: .housing,
            status: .granted, reason: "", amount: .zero, paidBy: nil, dueOn: dueOn, deliveredOn: nil)
        let subsidyTerms = policy.terms(of: .housingRentalSubsidy)
        for year in ledger.years where year >= dueOn.year {
            let deliveredOn = max(dueOn, LocalDate.startOfYear(year))
            if try ledger.takeUnit(prefecture: prefecture, year: year) {
                rental.reason = "a public-rental unit of \(prefecture)'s \(year) stock"
                rental.deliveredOn = deliveredOn
                guard subject.category == .one else { return [.decided(rental)] }
                let reductionTerms = policy.terms(of: .housingRentReduction)
                let reductionID = MeasureInstance.id(fileNumber: subject.fileNumber, code: .housingRentReduction)
                let reductionDue = deliveredOn.adding(days: reductionTerms.processingDays)
                let reduction = MeasureDecision(
                    measureID: reductionID, code: .housingRentReduction, memberNumber: nil, department: .housing,
                    status: .granted, reason: "granted by rule, subject to civil affairs' review (§4.2.5)",
                    amount: .zero, paidBy: nil, dueOn: reductionDue, deliveredOn: nil)
                let review = SupportRequest(
                    measureID: reductionID, measure: .housingRentReduction, kind: .review, from: .housing,
                    to: .civilAffairs, amount: reductionTerms.amount, prefecture: prefecture, dueOn: reductionDue)
                return [.decided(rental), .awaitingSupport(reduction, review)]
            }
            if try ledger.draw(subsidyTerms.amount, for: .housingRentalSubsidy, prefecture: prefecture, year: year) {
                rental.status = .replaced
                rental.reason = "no public-rental unit free in \(prefecture) in \(year): rental subsidy instead"
                let subsidy = MeasureDecision(
                    measureID: MeasureInstance.id(fileNumber: subject.fileNumber, code: .housingRentalSubsidy),
                    code: .housingRentalSubsidy, memberNumber: nil, department: .housing, status: .granted,
                    reason: "no public-rental unit free in \(year) (§4.2.5)", amount: subsidyTerms.amount,
                    paidBy: .housing, dueOn: dueOn, deliveredOn: deliveredOn)
                return [.decided(rental), .decided(subsidy)]
            }
        }
        rental.reason = "waiting: no unit and no rental-subsidy budget left in \(prefecture) (§4.2.5, §5.2)"
        return [.decided(rental)]
    }

    /// The supporting agency's answer to a request (`support.provided`).
    ///
    /// - The union pays from its budget for the measure, in the order requests come (filing order).
    /// - Civil affairs approves a rent reduction for a category-1 household — "the very poorest" (§4.2.5) — and
    ///   refuses it otherwise.
    /// - Parameters:
    ///   - request: the request.
    ///   - category: the household's category as the supporting agency knows it.
    ///   - ledger: the supporting agency's budgets (the union's for payments).
    /// - Returns: the answer.
    public static func support(_ request: SupportRequest, category: Eligibility.Category?, ledger: inout some Budgets)
        throws -> SupportAnswer
    {
        switch request.kind {
        case .payment:
            let code = request.measure
            let paidOn = try ledger.draw(
                request.amount, for: code, prefecture: request.prefecture, dueOn: request.dueOn)
            return SupportAnswer(
                measureID: request.measureID, kind: .payment, approved: paidOn != nil, effectiveOn: paidOn,
                reason: paidOn == nil
                    ? "waiting: the union's \(code.rawValue) budget in \(request.prefecture) is spent (§5.2)"
                    : "the union paid \(request.amount) yuan")
        case .review:
            let approved = category == .one
            return SupportAnswer(
                measureID: request.measureID, kind: .review, approved: approved,
                effectiveOn: approved ? request.dueOn : nil,
                reason: approved
                    ? "reviewed: category 1, among the very poorest (§4.2.5)"
                    : "reviewed: not category 1; a rent reduction is for the very poorest (§4.2.5)")
        }
    }

    /// The lead department's final decision once the supporting agency answered.
    ///
    /// - Parameters:
    ///   - decision: the lead's decision awaiting support.
    ///   - answer: the supporting agency's answer.
    ///   - policy: amounts.
    ///   - ledger: the lead department's budgets (housing pays the rent reduction after the review).
    ///   - prefecture: the household's prefecture.
    /// - Returns: the final decision.
    public static func finalize(
        _ decision: MeasureDecision, after answer: SupportAnswer, policy: Policy, ledger: inout some Budgets,
        prefecture: String
    ) throws -> MeasureDecision {
        var final = decision
        switch answer.kind {
        case .payment:
            final.paidBy = .union
            final.amount = policy.terms(of: decision.code).amount
            final.deliveredOn = answer.effectiveOn
            final.reason = answer.reason
        case .review:
            guard answer.approved, let reviewedOn = answer.effectiveOn else {
                final.status = .refused
                final.reason = answer.reason
                return final
            }
            let amount = policy.terms(of: decision.code).amount
            final.paidBy = .housing
            final.amount = amount
            final.deliveredOn = try ledger.draw(amount, for: decision.code, prefecture: prefecture, dueOn: reviewedOn)
            final.reason =
                final.deliveredOn == nil
                ? "approved by civil affairs; waiting for budget (§5.2)" : "approved by civil affairs (§4.2.5)"
        }
        return final
    }
}

/// A lead department's request to a supporting agency (`support.requested`).
public struct SupportRequest: Sendable, Hashable, Codable {
    /// What is asked.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Pay the measure's amount (the union: mutual-aid fee, Golden Autumn grant).
        case payment
        /// Review the measure (civil affairs: rent reduction).
        case review
    }

    /// The measure instance.
    public var measureID: String
    /// The measure.
    public var measure: Measure.Code
    /// Payment or review.
    public var kind: Kind
    /// The lead department asking.
    public var from: Agency
    /// The supporting agency asked.
    public var to: Agency
    /// Yuan at stake.
    public var amount: Yuan
    /// The household's prefecture (whose budget pays).
    public var prefecture: String
    /// When the measure is due.
    public var dueOn: LocalDate

    /// Creates a request.
    public init(
        measureID: String, measure: Measure.Code, kind: Kind, from: Agency, to: Agency, amount: Yuan,
        prefecture: String, dueOn: LocalDate
    ) {
        self.measureID = measureID
        self.measure = measure
        self.kind = kind
        self.from = from
        self.to = to
        self.amount = amount
        self.prefecture = prefecture
        self.dueOn = dueOn
    }
}

/// A supporting agency's answer (`support.provided`).
public struct SupportAnswer: Sendable, Hashable, Codable {
    /// The measure instance.
    public var measureID: String
    /// Payment or review.
    public var kind: SupportRequest.Kind
    /// Paid / approved.
    public var approved: Bool
    /// The payment's or review's effective date; `nil` when refused or waiting for budget.
    public var effectiveOn: LocalDate?
    /// In words.
    public var reason: String

    /// Creates an answer.
    public init(
        measureID: String, kind: SupportRequest.Kind, approved: Bool, effectiveOn: LocalDate?, reason: String
    ) {
        self.measureID = measureID
        self.kind = kind
        self.approved = approved
        self.effectiveOn = effectiveOn
        self.reason = reason
    }
}
