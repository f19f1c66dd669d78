import EventFabric
import GRDB
import HouseholdDomain
import ProgrammeEvents

extension BudgetBook {
    /// Publishes a money act — a year's appropriation or a top-up — as `budget.appropriated` on the paying agency's
    /// feed to the coordinator, in the transaction that records it, so the coordinator's money table follows every
    /// act (policy §5.2). A units act, or the opening appropriation, publishes nothing.
    ///
    /// - Parameters:
    ///   - act: the act just recorded.
    ///   - agency: the paying agency (the union or a department).
    ///   - feed: the feed the coordinator reads of that agency (`outcomes.<department>`, `union.support`).
    ///   - db: the recording transaction.
    ///   - journal: the agency's journal.
    /// - Throws: `DatabaseError`, `EncodingError`, ``EventFabric/EnvelopeError``.
    static func publish(_ act: Act, of agency: Agency, on feed: String, in db: Database, journal: Journal) throws {
        let kind: BudgetAppropriated.Kind
        switch act.kind {
        case .appropriation: kind = .appropriation
        case .topUp: kind = .topUp
        case .opening, .unitsAdded, .unitsReleased: return
        }
        guard let measure = act.measure, let amount = act.amount else { return }
        let payload = BudgetAppropriated(
            agency: agency, act: act.number, kind: kind, prefecture: act.prefecture, year: act.year,
            measure: measure, amount: amount, staffID: act.staffID, reference: act.reference,
            arrivedOn: act.businessDate)
        let event = try CloudEvent(
            source: "/jiekun/\(agency.rawValue)", type: BudgetAppropriated.type,
            effectiveDate: act.businessDate.description, payload: payload, encoder: EventCoding.makeEncoder())
        try journal.append(event, to: feed, in: db)
    }
}
