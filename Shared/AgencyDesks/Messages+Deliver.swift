import Foundation
import HouseholdDomain

extension Operation {
    /// Department: a clerk records the delivery of a granted measure, or corrects a recorded one (``DeliverRequest``
    /// → ``DeliverReply``; policy §4.2, §5.2, C.6).
    public static let deliver = "deliver"
}

/// The body of a `deliver` request (`jiekun deliver MEASURE_ID --on DATE --amount Y --reference R …`): one delivery
/// of a granted measure, as the department's payment or voucher shows it.
public struct DeliverRequest: Codable, Sendable, Hashable {
    /// The measure instance id, e.g. `KM-2017-0001/employment.placement`.
    public var measureID: String
    /// The date of the delivery, which is also the act's business date (`--on`); `nil` for today in China time.
    public var on: LocalDate?
    /// The amount delivered, yuan (0 for a service such as a job placement).
    public var amount: Yuan?
    /// The payment or voucher reference (付款凭证号); required.
    public var reference: String
    /// A job placement (`employment.placement`): the employer's unified social credit code (GB 32100-2015).
    public var employerCode: String?
    /// A job placement: the day the member starts work.
    public var startOn: LocalDate?
    /// Public rental housing (`housing.public-rental`): the unit allocated, as the housing office names it.
    public var unit: String?
    /// 低保 (`relief.dibao`): the first month paid, `YYYY-MM`.
    public var firstMonth: String?
    /// 低保: the monthly amount, yuan.
    public var monthlyAmount: Yuan?
    /// For a correction: the number of the delivery record it corrects (the measure's latest).
    public var corrects: Int64?
    /// Why the correction is made (required with ``corrects``).
    public var reason: String?

    /// Creates a request.
    public init(
        measureID: String, on: LocalDate? = nil, amount: Yuan?, reference: String, employerCode: String? = nil,
        startOn: LocalDate? = nil, unit: String? = nil, firstMonth: String? = nil, monthlyAmount: Yuan? = nil,
        corrects: Int64? = nil, reason: String? = nil
    ) {
        self.measureID = measureID
        self.on = on
        self.amount = amount
        self.reference = reference
        self.employerCode = employerCode
        self.startOn = startOn
        self.unit = unit
        self.firstMonth = firstMonth
        self.monthlyAmount = monthlyAmount
        self.corrects = corrects
        self.reason = reason
    }
}

/// The reply to `deliver`: the delivery record made.
public struct DeliverReply: Codable, Sendable, Hashable {
    /// The measure instance id.
    public var measureID: String
    /// The record's number in the department (a correction cites it).
    public var number: Int64
    /// The number of the record this one corrects, for a correction.
    public var corrects: Int64?

    /// Creates a reply.
    public init(measureID: String, number: Int64, corrects: Int64? = nil) {
        self.measureID = measureID
        self.number = number
        self.corrects = corrects
    }
}
