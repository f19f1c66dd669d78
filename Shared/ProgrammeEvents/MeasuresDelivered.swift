import HouseholdDomain

/// `measure.delivered`: a department delivered measures of one household, several per event.
///
/// A delivery secures the dimension its measure guarantees from ``Delivery/deliveredOn`` (policy §2.3): the
/// coordinator evaluates exit from these. Decoding refuses an empty list and a delivery whose measure id is not of
/// the file. Source: policy §4.2, §2.3, Part B.
public struct MeasuresDelivered: EventPayload {
    /// `measure.delivered`.
    public static let type = "measure.delivered"

    /// One delivered measure instance.
    public struct Delivery: Sendable, Hashable, Codable {
        /// The measure instance id (`FILE/CODE` or `FILE/CODE/MEMBER`).
        public var measureID: String
        /// The measure.
        public var code: Measure.Code
        /// The effective date of the delivery (the business date reports count by).
        public var deliveredOn: LocalDate
        /// Yuan paid (0 for a service).
        public var amount: Yuan
        /// The agency whose budget paid, or `nil` when no programme money was paid.
        public var paidBy: Agency?

        /// Creates a delivery.
        ///
        /// - Parameters:
        ///   - measureID: the measure instance id.
        ///   - code: the measure.
        ///   - deliveredOn: the effective date.
        ///   - amount: yuan paid.
        ///   - paidBy: the paying agency, if any.
        public init(measureID: String, code: Measure.Code, deliveredOn: LocalDate, amount: Yuan, paidBy: Agency?) {
            self.measureID = measureID
            self.code = code
            self.deliveredOn = deliveredOn
            self.amount = amount
            self.paidBy = paidBy
        }
    }

    /// 档案编号.
    public var fileNumber: String
    /// The deliveries; at least one.
    public var deliveries: [Delivery]

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - fileNumber: the file.
    ///   - deliveries: deliveries of measures of that file.
    public init(fileNumber: String, deliveries: [Delivery]) {
        self.fileNumber = fileNumber
        self.deliveries = deliveries
    }

    private enum CodingKeys: String, CodingKey {
        case fileNumber
        case deliveries
    }

    /// Decodes the payload, refusing an empty list or a delivery of another file.
    ///
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fileNumber = try container.decode(String.self, forKey: .fileNumber)
        deliveries = try container.decode([Delivery].self, forKey: .deliveries)
        try MeasureIDCheck.check(
            deliveries.map { ($0.measureID, $0.code) }, fileNumber: fileNumber, key: .deliveries, in: container)
    }
}
