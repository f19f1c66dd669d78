import HouseholdDomain
import ReliefProgramme

/// `support.provided`: a supporting agency's answers to requests about measures of one household.
///
/// The union answers payment requests on `union.support` (the mutual-aid fee, §4.2.2; the Golden Autumn grant,
/// §4.2.3); civil affairs answers housing's review requests on `support.civil-affairs` (§4.2.5). The lead
/// department then finalises its decision. Decoding refuses an empty list and an answer whose measure id is not of
/// the file. Source: policy §4.2.2, §4.2.3, §4.2.5.
public struct SupportProvided: EventPayload {
    /// `support.provided`.
    public static let type = "support.provided"

    /// 档案编号.
    public var fileNumber: String
    /// The answers; at least one.
    public var answers: [SupportAnswer]

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - fileNumber: the file.
    ///   - answers: answers about measures of that file.
    public init(fileNumber: String, answers: [SupportAnswer]) {
        self.fileNumber = fileNumber
        self.answers = answers
    }

    private enum CodingKeys: String, CodingKey {
        case fileNumber
        case answers
    }

    /// Decodes the payload, refusing an empty list or an answer of another file.
    ///
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fileNumber = try container.decode(String.self, forKey: .fileNumber)
        answers = try container.decode([SupportAnswer].self, forKey: .answers)
        try MeasureIDCheck.check(
            answers.map { ($0.measureID, nil) }, fileNumber: fileNumber, key: .answers, in: container)
    }
}
