import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

extension DepartmentDesk {
    /// Answers `budget` and `budget.act` (``BudgetOperations``): a money act is published (`budget.appropriated`
    /// on `outcomes.<department>`, for the coordinator's money table); then the measures waiting for that
    /// prefecture's money are paid in filing order, dated the day the money arrived, and published
    /// (`measure.decided`, `measure.delivered`; policy §5.2).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    func answerBudget(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        let measures = AutomaticDecisions.budgetMeasures(of: department, policy: policy)
        if request.operation == Operation.budget {
            return try BudgetOperations.answerQuery(
                request, agency: department, measures: measures, holdsUnits: department == .housing, as: asker,
                in: db)
        }
        switch try BudgetOperations.recordAct(
            request, agency: department, policy: policy, measures: measures, holdsUnits: department == .housing,
            as: asker, in: db)
        {
        case .failure(let refusal):
            return try .refused(because: refusal.description)
        case .success(let act):
            if let feed = Feed.outcomes(of: department)?.name {
                try BudgetBook.publish(act, of: department, on: feed, in: db, journal: journal)
            }
            var paid: [(BudgetBook.Waiting, LocalDate)] = []
            if let measure = act.measure {
                paid = try releaseWaiting(
                    prefecture: act.prefecture, measure: measure, arrivedOn: act.businessDate, act: act, in: db,
                    journal: journal)
            }
            return try BudgetOperations.reply(to: act, paid: paid, in: db)
        }
    }

    /// Pays the measures waiting for one prefecture's money of `measure`, in filing order, and publishes each
    /// household's decisions.
    ///
    /// - Returns: the measures paid and their dates.
    /// - Throws: `DatabaseError`.
    func releaseWaiting(
        prefecture: String, measure: Measure.Code, arrivedOn: LocalDate, act: BudgetBook.Act, in db: Database,
        journal: Journal
    ) throws -> [(BudgetBook.Waiting, LocalDate)] {
        var decisions: [String: MeasureDecision] = [:]
        let paid = try BudgetBook.release(
            prefecture: prefecture, measure: measure, arrivedOn: arrivedOn,
            years: try BudgetBook.years(policy: policy, in: db), in: db
        ) { waiting in
            guard try closure(ofFile: waiting.fileNumber, in: db) == nil,
                let decision = try knownDecisions(of: waiting.fileNumber, in: db)[waiting.measureID],
                decision.status == .granted, decision.deliveredOn == nil
            else { return false }
            decisions[waiting.measureID] = decision
            return true
        }
        for (waiting, paidOn) in paid {
            guard var decision = decisions[waiting.measureID] else { continue }
            decision.deliveredOn = paidOn
            decision.reason = "granted by rule; paid when money arrived (\(act.kind.text) #\(act.number), §5.2)"
            try record(
                [decision], fileNumber: waiting.fileNumber, effectiveOn: paidOn, prefecture: prefecture, in: db,
                journal: journal)
        }
        return paid
    }

    /// Whether a file is closed here.
    private func closure(ofFile fileNumber: String, in db: Database) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(
                sql: "SELECT closed_reason FROM desk_households WHERE file_number = ? AND status = 'closed'"),
            arguments: [fileNumber])
    }

    /// A measure the union was asked to pay and answered "waiting for money": its decision and the request
    /// rebuilt, so the union's later payment finalizes it.
    func waitingForUnion(_ measureID: String, in db: Database) throws -> (MeasureDecision, SupportRequest)? {
        let fileNumber = String(measureID.prefix { $0 != "/" })
        guard let decision = try knownDecisions(of: fileNumber, in: db)[measureID], decision.status == .granted,
            decision.deliveredOn == nil, decision.paidBy == .union,
            let county = try county(ofFile: fileNumber, in: db)
        else { return nil }
        let request = SupportRequest(
            measureID: measureID, measure: decision.code, kind: .payment, from: department, to: .union,
            amount: policy.terms(of: decision.code).amount, prefecture: String(county.prefix(4)) + "00",
            dueOn: decision.dueOn)
        return (decision, request)
    }
}
