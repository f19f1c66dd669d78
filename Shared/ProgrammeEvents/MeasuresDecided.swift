import HouseholdDomain
import ReliefProgramme

/// `measure.decided`: a department's decisions on measures of one household, several per event.
///
/// One event per household and round of decisions (not one per measure), so a province of 71,000 households with
/// about 8 measures each is 71,000 events, each a few kilobytes. Decoding refuses an empty list and a decision
/// whose measure id is not of the file. Source: policy §4.2, Part B (measures and their lead departments).
public struct MeasuresDecided: EventPayload {
    /// `measure.decided`.
    public static let type = "measure.decided"

    /// 档案编号.
    public var fileNumber: String
    /// The decisions, in the order made; at least one.
    public var decisions: [MeasureDecision]

    /// Creates the payload.
    ///
    /// - Parameters:
    ///   - fileNumber: the file.
    ///   - decisions: decisions on measures of that file.
    public init(fileNumber: String, decisions: [MeasureDecision]) {
        self.fileNumber = fileNumber
        self.decisions = decisions
    }

    private enum CodingKeys: String, CodingKey {
        case fileNumber
        case decisions
    }

    /// Decodes the payload, refusing an empty list or a decision of another file.
    ///
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fileNumber = try container.decode(String.self, forKey: .fileNumber)
        decisions = try container.decode([MeasureDecision].self, forKey: .decisions)
        try MeasureIDCheck.check(
            decisions.map { ($0.measureID, $0.code) }, fileNumber: fileNumber, key: .decisions, in: container)
    }
}
