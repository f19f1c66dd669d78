import EventFabric
import Foundation
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme
import StreamingJSON

/// The request operations the desks answer beyond `status` (each desk's `+Operations.swift`), and the JSON bodies
/// they exchange with `jiekun`.
public enum Operation {
    /// Union: files the households of an import CSV (``RegisterRequest`` → ``RegisterReply``).
    public static let register = "register"
    /// Union: updates open files with new facts (``RegisterRequest`` → ``RegisterReply``; `filed` means updated,
    /// `notEligible` means closed as re-identified).
    public static let update = "update"
    /// Union: closes a file (``CloseRequest`` → ``CloseReply``).
    public static let close = "close"
    /// Coordinator: the provincial report (empty body → `ProvinceReport` JSON).
    public static let report = "report"
    /// Coordinator: one household's decisions and §2.3 state (``HouseholdQuery`` → ``HouseholdState``).
    public static let household = "household"
    /// Department in `review` mode: a clerk proposes a measure's outcome (``DecideRequest`` → ``DecideReply``).
    public static let propose = "propose"
    /// Department in `review` mode: an approver approves or refuses a clerk's proposal (``DecideRequest`` →
    /// ``DecideReply``).
    public static let decide = "decide"
    /// Department: the measures awaiting staff (empty body → ``AwaitingReply``).
    public static let awaiting = "awaiting"
}

/// The body of a `propose` request (`jiekun decide --agency A --propose MEASURE_ID approve|refuse --reason …`: the
/// outcome proposed) or a `decide` request (`jiekun decide --agency A MEASURE_ID approve|refuse --reason …`: the
/// approver's verdict on the proposal).
public struct DecideRequest: Codable, Sendable, Hashable {
    /// The measure instance id, e.g. `KM-2017-0001/medical.assistance`.
    public var measureID: String
    /// `approve` or `refuse`.
    public var decision: String
    /// The staff's reason (required to refuse).
    public var reason: String
    /// A refusal's reason code, from the policy file's `makerChecker.refusalReasons`.
    public var reasonCode: String?
    /// The business date of the act (`--on`), or `nil` for today in China time: an approval is dated by it.
    public var on: LocalDate?
    /// For a `propose` that corrects a decision: the decision's number (`jiekun decide --corrects N`).
    public var corrects: Int64?

    /// Creates a request.
    public init(
        measureID: String, decision: String, reason: String, reasonCode: String? = nil, on: LocalDate? = nil,
        corrects: Int64? = nil
    ) {
        self.measureID = measureID
        self.decision = decision
        self.reason = reason
        self.reasonCode = reasonCode
        self.on = on
        self.corrects = corrects
    }
}

/// The reply to `decide`: the measure decided.
public struct DecideReply: Codable, Sendable, Hashable {
    /// The measure instance id.
    public var measureID: String
    /// `approve` or `refuse`, as decided.
    public var decision: String
    /// `true` when this was the first of two approvals: the proposal awaits a second approver (policy C.6).
    public var awaitsSecondApprover: Bool?

    /// Creates a reply.
    public init(measureID: String, decision: String, awaitsSecondApprover: Bool? = nil) {
        self.measureID = measureID
        self.decision = decision
        self.awaitsSecondApprover = awaitsSecondApprover
    }
}

/// The reply to `awaiting`: the measure instances awaiting staff, in id order, and the proposals among them.
public struct AwaitingReply: Codable, Sendable, Hashable {
    /// The measure instance ids.
    public var measureIDs: [String]
    /// The proposals made for some of them (awaiting a checker), in id order; the others await a proposal.
    public var proposals: [Proposal]

    /// A clerk's proposal awaiting a checker.
    public struct Proposal: Codable, Sendable, Hashable {
        /// The measure instance id.
        public var measureID: String
        /// `approve` or `refuse`, as proposed.
        public var decision: String
        /// The proposer's staff id, absent when nobody was authenticated.
        public var proposedBy: String?

        /// Creates a proposal.
        public init(measureID: String, decision: String, proposedBy: String?) {
            self.measureID = measureID
            self.decision = decision
            self.proposedBy = proposedBy
        }
    }

    /// Creates a reply.
    public init(measureIDs: [String], proposals: [Proposal] = []) {
        self.measureIDs = measureIDs
        self.proposals = proposals
    }
}

/// The body of a `register` request: an import CSV, header included (docs/IMPORT-FORMAT.md).
public struct RegisterRequest: Codable, Sendable, Hashable {
    /// The CSV text with its header; every row of a household is in it.
    public var csv: String
    /// `update` only: the business date of the update, on which a file no longer eligible closes (`jiekun import
    /// --update --on DATE`); absent, the union's date today (China time). `register` ignores it: a file opens on
    /// its own filing date.
    public var updatedOn: LocalDate?
    /// When the CSV is a batch cut from a larger file (``CSVBatches``), the file's row number of each of its
    /// rows after the header: the reply's errors then name the file's rows, in their `row` and their message.
    public var rows: [Int]?

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - csv: The CSV text with its header.
    ///   - updatedOn: For `update`, the business date of the update; `nil` for today.
    ///   - rows: The file's row number of each row after the header, for a batch of a larger file.
    public init(csv: String, updatedOn: LocalDate? = nil, rows: [Int]? = nil) {
        self.csv = csv
        self.updatedOn = updatedOn
        self.rows = rows
    }
}

/// The reply to a `register` request: one answer per household, in filing order.
public struct RegisterReply: Codable, Sendable, Hashable {
    /// What became of one household.
    public struct Household: Codable, Sendable, Hashable {
        /// How the household ended.
        public enum Status: String, Codable, Sendable, Hashable {
            /// Filed and published to the agencies.
            case filed
            /// Assessed, not eligible (§3): not filed.
            case notEligible
            /// Refused: invalid, or already on the register.
            case refused
        }

        /// 档案编号.
        public var fileNumber: String
        /// How the household ended.
        public var status: Status
        /// The helper paired (filed only, when the county has helpers).
        public var helper: String?
        /// The category, 1 to 3 (filed only).
        public var category: Int?
        /// Why it is not eligible (not eligible only).
        public var reasons: [String]?
        /// Why it was refused, as `jiekun assess` prints them (refused only).
        public var errors: [ImportIssue]?
        /// The file's row of the household: its worker's row (its first row without one), numbered as
        /// ``RegisterRequest/rows`` numbers them; absent from a union that does not send it.
        public var row: Int?

        /// Creates an answer.
        ///
        /// - Parameters:
        ///   - filing: The union desk's answer.
        ///   - row: The household's row in the file.
        public init(_ filing: UnionDesk.Filing, row: Int? = nil) {
            self.row = row
            switch filing {
            case .filed(let fileNumber, let helper, let category):
                self.fileNumber = fileNumber
                self.status = .filed
                self.helper = helper
                self.category = category.rawValue
            case .notEligible(let fileNumber, let reasons):
                self.fileNumber = fileNumber
                self.status = .notEligible
                self.reasons = reasons
            case .refused(let fileNumber, let errors):
                self.fileNumber = fileNumber
                self.status = .refused
                self.errors = errors
            }
        }
    }

    /// One answer per household, in filing order.
    public var households: [Household]

    /// Creates a reply.
    ///
    /// - Parameter households: The answers.
    public init(households: [Household]) { self.households = households }
}

/// The body of a `close` request.
public struct CloseRequest: Codable, Sendable, Hashable {
    /// 档案编号.
    public var fileNumber: String
    /// Why the file closes.
    public var reason: HouseholdClosed.Reason
    /// The business date of the closure.
    public var closedOn: LocalDate

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - fileNumber: The file.
    ///   - reason: Why it closes.
    ///   - closedOn: When.
    public init(fileNumber: String, reason: HouseholdClosed.Reason, closedOn: LocalDate) {
        self.fileNumber = fileNumber
        self.reason = reason
        self.closedOn = closedOn
    }
}

/// The reply to a `close` request.
public struct CloseReply: Codable, Sendable, Hashable {
    /// Whether the file was open (and is now closed).
    public var closed: Bool

    /// Creates a reply.
    ///
    /// - Parameter closed: Whether the file was open.
    public init(closed: Bool) { self.closed = closed }
}

/// The body of a `household` request.
public struct HouseholdQuery: Codable, Sendable, Hashable {
    /// 档案编号.
    public var fileNumber: String

    /// Creates a query.
    ///
    /// - Parameter fileNumber: The file.
    public init(fileNumber: String) { self.fileNumber = fileNumber }
}

/// The coordinator's view of one household: its status, decisions and the six dimensions of §2.3.
public struct HouseholdState: Codable, Sendable, Hashable {
    /// 档案编号.
    public var fileNumber: String
    /// `open` or `closed`.
    public var status: String
    /// Why it closed, if it did.
    public var closedReason: String?
    /// When it closed, if it did.
    public var closedOn: String?
    /// The category, 1 to 3.
    public var category: Int?
    /// The filing date.
    public var filedOn: LocalDate
    /// Every decision of the plan (the latest per measure).
    public var decisions: [MeasureDecision]
    /// The six dimensions and the exit date.
    public var readiness: ExitReadiness
    /// Every event about the household, in the order the coordinator applied them.
    public var timeline: [CoordinatorDesk.TimelineEntry]
    /// The closed file its persons were in when it was filed (a relapse, 返困, when that file exited; policy
    /// Part C.5).
    public var earlierFile: EarlierFile?
    /// The files filed later with its persons, after it closed (the link the other way), by file number.
    public var laterFiles: [String]?

    /// Creates a state.
    ///
    /// - Parameters:
    ///   - fileNumber: The file.
    ///   - status: `open` or `closed`.
    ///   - closedReason: Why it closed.
    ///   - closedOn: When it closed.
    ///   - category: The category.
    ///   - filedOn: The filing date.
    ///   - decisions: The decisions.
    ///   - readiness: The §2.3 state.
    public init(
        fileNumber: String, status: String, closedReason: String?, closedOn: String?, category: Int?,
        filedOn: LocalDate, decisions: [MeasureDecision], readiness: ExitReadiness,
        timeline: [CoordinatorDesk.TimelineEntry] = [], earlierFile: EarlierFile? = nil, laterFiles: [String]? = nil
    ) {
        self.timeline = timeline
        self.earlierFile = earlierFile
        self.laterFiles = laterFiles
        self.fileNumber = fileNumber
        self.status = status
        self.closedReason = closedReason
        self.closedOn = closedOn
        self.category = category
        self.filedOn = filedOn
        self.decisions = decisions
        self.readiness = readiness
    }
}

/// A request refused or failed, as JSON: `{"reason": "…"}`.
public struct ErrorReply: Codable, Sendable, Hashable {
    /// What went wrong, without personal data.
    public var reason: String

    /// Creates an error body.
    ///
    /// - Parameter reason: What went wrong.
    public init(reason: String) { self.reason = reason }
}

/// The JSON coding of every body, as ``WireJSON`` configures it for bodies.
public enum MessageCoding {
    /// Encodes a body.
    ///
    /// - Parameter value: The body.
    /// - Returns: The JSON bytes.
    /// - Throws: `EncodingError`.
    public static func encode(_ value: some Encodable) throws -> [UInt8] {
        try WireJSON.encode(value)
    }

    /// Decodes a body.
    ///
    /// - Parameters:
    ///   - type: The body's type.
    ///   - bytes: The JSON bytes.
    /// - Returns: The body.
    /// - Throws: `DecodingError`.
    public static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        try WireJSON.decode(type, from: bytes)
    }
}

extension ServiceReply {
    /// A refusal with its reason as JSON (``ErrorReply``).
    ///
    /// - Throws: `EncodingError`.
    public static func refused(because reason: String) throws -> ServiceReply {
        .refused(try MessageCoding.encode(ErrorReply(reason: reason)))
    }
}
