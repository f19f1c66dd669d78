import Foundation
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

extension Operation {
    /// Department: a staff member's worklist — measures awaiting approval, due or overdue on a business date,
    /// each with the department's view of its household (``WorklistRequest`` → ``WorklistReply``).
    public static let worklist = "worklist"
}

/// The body of a `worklist` request (`jiekun worklist --agency A --awaiting|--due|--overdue [--on DATE]`).
public struct WorklistRequest: Codable, Sendable, Hashable {
    /// Which list.
    public enum List: String, Codable, Sendable, Hashable, CaseIterable {
        /// Awaiting staff with no proposal yet (`review` mode): a clerk's to propose (policy C.6).
        case toPropose = "to-propose"
        /// Proposed by a clerk and awaiting an approver (`review` mode); an approver sees those someone else
        /// proposed (policy C.6).
        case awaiting
        /// Granted and not delivered by the date asked, its processing days not yet passed (due on or after it).
        case due
        /// Granted, due before the date asked, and not delivered by it (or waiting for money).
        case overdue
    }

    /// Which list.
    public var list: List
    /// The business date the list is for (`--on`), or `nil` for today in China time.
    public var on: LocalDate?
    /// The most items returned (the department caps it at ``WorklistRequest/maximumLimit``).
    public var limit: Int?
    /// Only households filed in this county (six-digit division code), which must lie in the asker's area.
    public var county: String?
    /// Only count the items: the reply's ``WorklistReply/count`` without items (no household shown, none logged
    /// as read).
    public var countOnly: Bool?

    /// The largest ``limit`` a department answers.
    public static let maximumLimit = 2000

    /// Creates a request.
    public init(
        list: List, on: LocalDate? = nil, limit: Int? = nil, county: String? = nil, countOnly: Bool? = nil
    ) {
        self.list = list
        self.on = on
        self.limit = limit
        self.county = county
        self.countOnly = countOnly
    }
}

/// The reply to `worklist`: the items of the asker's area, by due date then measure id (awaiting: by measure id).
public struct WorklistReply: Codable, Sendable, Hashable {
    /// One measure on the list, with the department's view of its household.
    public struct Item: Codable, Sendable, Hashable {
        /// The measure instance id.
        public var measureID: String
        /// The measure.
        public var code: Measure.Code
        /// The member it is for (per-member measures).
        public var memberNumber: Int?
        /// The decision's amount, yuan (due and overdue); the policy's amount of the measure (to propose and
        /// awaiting), which decides whether two approvers are needed.
        public var amount: Yuan?
        /// The date its processing days end (due and overdue).
        public var dueOn: LocalDate?
        /// The delivery date the rules computed, when it lies after the list's date (overdue); `nil` while the
        /// measure waits for money.
        public var deliveryComputedOn: LocalDate?
        /// Days past ``dueOn`` on the list's date (overdue).
        public var daysOverdue: Int?
        /// The outcome proposed, `approve` or `refuse` (awaiting).
        public var proposedDecision: String?
        /// The proposer's reason (awaiting).
        public var proposedReason: String?
        /// The proposer's staff id (awaiting).
        public var proposedBy: String?
        /// For a proposed correction: the number of the decision it corrects (awaiting).
        public var corrects: Int64?
        /// The proposal's refusal reason code of the policy file (awaiting).
        public var proposedCode: String?
        /// The business date of the proposal (awaiting).
        public var proposedOn: LocalDate?
        /// The first of two approvers, when the proposal has its first approval (awaiting, policy C.6).
        public var firstApprovedBy: String?
        /// `true` when approving the measure needs two approvers: its amount is above the policy's threshold
        /// (to propose and awaiting, policy C.6).
        public var needsSecondApprover: Bool?
        /// The department's view of the household: only the facts it is given (docs/DATA-MINIMISATION.md).
        public var view: HouseholdView

        /// Creates an item.
        public init(
            measureID: String, code: Measure.Code, memberNumber: Int?, amount: Yuan? = nil, dueOn: LocalDate? = nil,
            deliveryComputedOn: LocalDate? = nil, daysOverdue: Int? = nil, proposedDecision: String? = nil,
            proposedReason: String? = nil, proposedBy: String? = nil, corrects: Int64? = nil, view: HouseholdView
        ) {
            self.measureID = measureID
            self.code = code
            self.memberNumber = memberNumber
            self.amount = amount
            self.dueOn = dueOn
            self.deliveryComputedOn = deliveryComputedOn
            self.daysOverdue = daysOverdue
            self.proposedDecision = proposedDecision
            self.proposedReason = proposedReason
            self.proposedBy = proposedBy
            self.corrects = corrects
            self.view = view
        }
    }

    /// The department.
    public var agency: Agency
    /// Which list.
    public var list: WorklistRequest.List
    /// The business date it is for.
    public var on: LocalDate
    /// The items.
    public var items: [Item]
    /// Whether more items were on the list than returned.
    public var truncated: Bool
    /// The number of items on the list (a ``WorklistRequest/countOnly`` request; capped at
    /// ``WorklistRequest/maximumLimit``, ``truncated`` above it).
    public var count: Int?
    /// The refusal reasons of the policy file (`makerChecker.refusalReasons`), for a form proposing or returning a
    /// measure of the list (to propose and awaiting).
    public var refusalReasons: [Policy.RefusalReason]?

    /// Creates a reply.
    public init(
        agency: Agency, list: WorklistRequest.List, on: LocalDate, items: [Item], truncated: Bool, count: Int? = nil,
        refusalReasons: [Policy.RefusalReason]? = nil
    ) {
        self.agency = agency
        self.list = list
        self.on = on
        self.items = items
        self.truncated = truncated
        self.count = count
        self.refusalReasons = refusalReasons
    }
}

extension Operation {
    /// Department: the staff acts on a household's measures — proposals, approvals, returns, decisions — with
    /// their actors and business dates (``HouseholdQuery`` → ``HistoryReply``).
    public static let history = "history"
}

/// The reply to `history`: a department's staff acts on one household's measures, oldest first.
public struct HistoryReply: Codable, Sendable, Hashable {
    /// The department.
    public var agency: Agency
    /// The file number.
    public var fileNumber: String
    /// The acts.
    public var acts: [DepartmentDesk.StaffAct]
    /// The refusal reasons of the policy file (`makerChecker.refusalReasons`), for a correction's form.
    public var refusalReasons: [Policy.RefusalReason]?
    /// The deliveries recorded for the household's measures, corrections included, oldest first.
    public var deliveries: [DepartmentDesk.Delivery]?

    /// Creates a reply.
    public init(
        agency: Agency, fileNumber: String, acts: [DepartmentDesk.StaffAct],
        refusalReasons: [Policy.RefusalReason]? = nil, deliveries: [DepartmentDesk.Delivery]? = nil
    ) {
        self.agency = agency
        self.fileNumber = fileNumber
        self.acts = acts
        self.refusalReasons = refusalReasons
        self.deliveries = deliveries
    }
}
