import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

extension UnionDesk {
    /// Answers `budget` and `budget.act` for the union's lines (mutual-aid fees, Golden Autumn grants;
    /// ``BudgetOperations``): a money act is published (`budget.appropriated` on `union.support`, for the
    /// coordinator's money table); then the payments waiting for that prefecture's money are made in
    /// filing order, dated the day the money arrived, and answered on `union.support` so the lead department
    /// delivers them (policy §4.2.2, §4.2.3, §5.2).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    func answerBudget(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        let measures = AutomaticDecisions.budgetMeasures(of: .union, policy: policy)
        if request.operation == Operation.budget {
            return try BudgetOperations.answerQuery(
                request, agency: .union, measures: measures, holdsUnits: false, as: asker, in: db)
        }
        switch try BudgetOperations.recordAct(
            request, agency: .union, policy: policy, measures: measures, holdsUnits: false, as: asker, in: db)
        {
        case .failure(let refusal):
            return try .refused(because: refusal.description)
        case .success(let act):
            try BudgetBook.publish(act, of: .union, on: Self.supportFeed, in: db, journal: journal)
            guard let measure = act.measure else { return try BudgetOperations.reply(to: act, paid: [], in: db) }
            let paid = try BudgetBook.release(
                prefecture: act.prefecture, measure: measure, arrivedOn: act.businessDate,
                years: try BudgetBook.years(policy: policy, in: db), in: db
            ) { waiting in try isOpen(waiting.fileNumber, in: db) }
            for (waiting, paidOn) in paid {
                let answer = SupportAnswer(
                    measureID: waiting.measureID, kind: .payment, approved: true, effectiveOn: paidOn,
                    reason: "the union paid \(waiting.amount) yuan when money arrived (\(act.kind.text) #\(act.number))"
                )
                let event = try CloudEvent(
                    source: Self.source, type: SupportProvided.type, subject: waiting.fileNumber,
                    effectiveDate: paidOn.description,
                    payload: SupportProvided(fileNumber: waiting.fileNumber, answers: [answer]),
                    encoder: EventCoding.makeEncoder())
                try journal.append(event, to: Self.supportFeed, in: db)
            }
            return try BudgetOperations.reply(to: act, paid: paid, in: db)
        }
    }

    /// Keeps the union's budget book in step with its answer to a payment request: a payment recorded against its
    /// line, a payment waiting for money queued in filing order — unless the file is already closed here.
    ///
    /// A department's request can arrive after the union closed the file (it was sent before the department heard
    /// of the closure). The closure took the file's payments out of the queue (policy §5.2: a closed file's
    /// payments stop), so a request that comes after it is not queued either: the department withdraws the measure
    /// when the closure reaches it, and the queue does not depend on which of the two came first.
    func keepBudgetBook(_ request: SupportRequest, answer: SupportAnswer, fileNumber: String, in db: Database)
        throws
    {
        guard request.kind == .payment else { return }
        if answer.approved, let paidOn = answer.effectiveOn {
            try BudgetBook.pay(
                measureID: request.measureID, fileNumber: fileNumber, prefecture: request.prefecture,
                year: paidOn.year, measure: request.measure, amount: request.amount, paidOn: paidOn, in: db)
        } else if try isOpen(fileNumber, in: db) {
            try BudgetBook.wait(
                measureID: request.measureID, fileNumber: fileNumber, prefecture: request.prefecture,
                measure: request.measure, amount: request.amount, dueOn: request.dueOn, in: db)
        }
    }

    /// Whether the file is open at the union.
    private func isOpen(_ fileNumber: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT status = 'open' FROM union_files WHERE file_number = ?"),
            arguments: [fileNumber]) ?? false
    }
}
