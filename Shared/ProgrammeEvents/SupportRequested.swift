import HouseholdDomain
import ReliefProgramme

/// `support.requested`: a lead department asks a supporting agency for something, for measures of one household.
///
/// Medical insurance asks the union to pay the mutual-aid fee (§4.2.2), education the Golden Autumn grant
/// (§4.2.3); housing asks civil affairs to review a rent reduction (§4.2.5). The supporting agency answers with
/// ``SupportProvided``. Decoding refuses an empty list and a request whose measure id is not of the file.
/// Source: policy §4.2 (lead and supporting departments), §4.2.2, §4.2.3, §4.2.5.
public struct SupportRequested: EventPayload {
    /// `support.requested`.
    public static let type = "support.requested"

    /// 档案编号.
    public var fileNumber: String
    /// The requests; at least one.
    public var requests: [SupportRequest]

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - fileNumber: the file.
    ///   - requests: requests about measures of that file.
    public init(fileNumber: String, requests: [SupportRequest]) {
        self.fileNumber = fileNumber
        self.requests = requests
    }

    private enum CodingKeys: String, CodingKey {
        case fileNumber
        case requests
    }

    /// Decodes the payload, refusing an empty list or a request of another file.
    ///
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fileNumber = try container.decode(String.self, forKey: .fileNumber)
        requests = try container.decode([SupportRequest].self, forKey: .requests)
        try MeasureIDCheck.check(
            requests.map { ($0.measureID, $0.measure) }, fileNumber: fileNumber, key: .requests, in: container)
    }
}
