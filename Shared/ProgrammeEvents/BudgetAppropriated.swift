import HouseholdDomain

/// `budget.appropriated`: a paying agency's finance officer recorded money for one budget line — a year's
/// appropriation (年度预算下达) or a top-up (追加) of a prefecture's money for a measure (policy §5.1, §5.2, C.6).
///
/// Published by the paying agency on its feed to the coordinator (a department on `outcomes.<department>`, the
/// union on `union.support`) in the transaction that records the act, so the coordinator's money table
/// (appropriated, paid, waiting, remaining) follows every act. The policy file's opening appropriation is not
/// published: every agency holds the policy file. The event is about no household: its envelope has no `subject`,
/// and it carries no personal data (a pseudonymous staff id, a budget document reference).
public struct BudgetAppropriated: EventPayload {
    /// `budget.appropriated`.
    public static let type = "budget.appropriated"

    /// What the act was.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A year's appropriation for a line that had none (年度预算下达).
        case appropriation
        /// Money added to a line already appropriated (追加).
        case topUp = "top-up"
    }

    /// The agency whose budget it is (the union, or the department that pays the measure).
    public var agency: Agency
    /// The act's number in that agency's budget book, from 1 (with ``agency``, the act's identity: a replayed
    /// event counts once).
    public var act: Int64
    /// Appropriation or top-up.
    public var kind: Kind
    /// The prefecture's six-digit code.
    public var prefecture: String
    /// The budget year.
    public var year: Int
    /// The measure.
    public var measure: Measure.Code
    /// Yuan added to the line; more than zero.
    public var amount: Yuan
    /// The finance officer's pseudonymous staff id (`nil` when recorded on an endpoint without CURVE).
    public var staffID: String?
    /// The budget document's reference (文号).
    public var reference: String
    /// The business date: the day the money arrived.
    public var arrivedOn: LocalDate

    /// No household: the envelope carries no `subject`.
    public var fileNumber: String { "" }

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - agency: the paying agency.
    ///   - act: the act's number in its budget book.
    ///   - kind: appropriation or top-up.
    ///   - prefecture: the prefecture's code.
    ///   - year: the budget year.
    ///   - measure: the measure.
    ///   - amount: yuan, more than zero.
    ///   - staffID: the finance officer.
    ///   - reference: the budget document's reference.
    ///   - arrivedOn: the day the money arrived.
    public init(
        agency: Agency, act: Int64, kind: Kind, prefecture: String, year: Int, measure: Measure.Code, amount: Yuan,
        staffID: String?, reference: String, arrivedOn: LocalDate
    ) {
        self.agency = agency
        self.act = act
        self.kind = kind
        self.prefecture = prefecture
        self.year = year
        self.measure = measure
        self.amount = amount
        self.staffID = staffID
        self.reference = reference
        self.arrivedOn = arrivedOn
    }

    private enum CodingKeys: String, CodingKey {
        case agency, act, kind, prefecture, year, measure, amount, staffID, reference, arrivedOn
    }

    /// Decodes the payload, refusing an amount of zero or less and a prefecture code that is not six digits.
    ///
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        agency = try container.decode(Agency.self, forKey: .agency)
        act = try container.decode(Int64.self, forKey: .act)
        kind = try container.decode(Kind.self, forKey: .kind)
        prefecture = try container.decode(String.self, forKey: .prefecture)
        year = try container.decode(Int.self, forKey: .year)
        measure = try container.decode(Measure.Code.self, forKey: .measure)
        amount = try container.decode(Yuan.self, forKey: .amount)
        staffID = try container.decodeIfPresent(String.self, forKey: .staffID)
        reference = try container.decode(String.self, forKey: .reference)
        arrivedOn = try container.decode(LocalDate.self, forKey: .arrivedOn)
        guard amount > .zero else {
            throw DecodingError.dataCorruptedError(
                forKey: .amount, in: container, debugDescription: "an appropriation adds more than 0 yuan")
        }
        guard prefecture.utf8.count == 6, prefecture.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .prefecture, in: container, debugDescription: "not a six-digit division code: \(prefecture)")
        }
    }

    /// Encodes the payload (``staffID`` left out when `nil`).
    ///
    /// - Throws: `EncodingError`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agency, forKey: .agency)
        try container.encode(act, forKey: .act)
        try container.encode(kind, forKey: .kind)
        try container.encode(prefecture, forKey: .prefecture)
        try container.encode(year, forKey: .year)
        try container.encode(measure, forKey: .measure)
        try container.encode(amount, forKey: .amount)
        try container.encodeIfPresent(staffID, forKey: .staffID)
        try container.encode(reference, forKey: .reference)
        try container.encode(arrivedOn, forKey: .arrivedOn)
    }
}
