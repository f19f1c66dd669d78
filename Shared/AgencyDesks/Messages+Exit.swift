import Foundation
import HouseholdDomain

extension Operation {
    /// Union: a clerk records a household's own request to exit (``ExitActRequest`` → ``ExitActReply``).
    public static let exitRequest = "exit-request"
    /// Union: a clerk reviews a proposed exit, `accept` (同意) or `return` (退回) with a reason.
    public static let exitReview = "exit-review"
    /// Union: a clerk records an objection during publicity (公示), its text in `reason`.
    public static let exitObjection = "exit-objection"
    /// Union: an approver resolves objection `objection`, `dismiss` (驳回) or `uphold` (成立), with a reason.
    public static let exitObjectionResolve = "exit-objection-resolve"
    /// Union: an approver approves an exit after publicity (policy C.4, C.6).
    public static let exitApprove = "exit-approve"
    /// Union: the exits under way in the asker's area (``ExitListRequest`` → ``ExitListReply``).
    public static let exitList = "exit-list"
    /// Union: the written notice of an approved exit (``ExitActRequest`` → ``ExitNoticeReply``).
    public static let exitNotice = "exit-notice"
    /// Union: a clerk records a follow-up visit (``VisitRecordRequest`` → ``VisitListReply`` with the visit).
    public static let visitRecord = "visit-record"
    /// Union: the visits due or overdue in the asker's area (``VisitListRequest`` → ``VisitListReply``).
    public static let visitList = "visit-list"
    /// Union: one file's exit procedure, objections, acts and visits (``ExitActRequest`` → ``ExitFileReply``).
    public static let exitFile = "exit-file"
    /// Union: the households in publicity (公示) in the asker's area, as a county union posts them
    /// (``ExitListRequest`` → ``ExitPublicityReply``).
    public static let exitPublicity = "exit-publicity"
}

/// The body of the exit acts on one file: `exit-request`, `exit-review`, `exit-objection`,
/// `exit-objection-resolve`, `exit-approve` and `exit-notice`.
public struct ExitActRequest: Codable, Sendable, Hashable {
    /// 档案编号 (for `exit-objection-resolve`, optional: the objection names its file).
    public var fileNumber: String
    /// `exit-review`: `accept`/同意 or `return`/退回; `exit-objection-resolve`: `dismiss`/驳回 or `uphold`/成立.
    public var decision: String?
    /// The reason (a return, a resolution), or an objection's text.
    public var reason: String?
    /// `exit-objection-resolve`: the objection's number.
    public var objection: Int64?
    /// The business date (`--on`), `nil` for today in China time.
    public var on: LocalDate?

    /// Creates a request.
    public init(
        fileNumber: String, decision: String? = nil, reason: String? = nil, objection: Int64? = nil,
        on: LocalDate? = nil
    ) {
        self.fileNumber = fileNumber
        self.decision = decision
        self.reason = reason
        self.objection = objection
        self.on = on
    }

    /// A review's verdict from the word staff typed: `true` to accept (accept, approve, 同意, 通过), `false` to
    /// return (return, 退回, 不同意), `nil` for another word.
    public static func acceptance(_ word: String) -> Bool? {
        switch word.trimmingCharacters(in: .whitespaces).lowercased() {
        case "accept", "approve", "同意", "通过": true
        case "return", "退回", "不同意": false
        default: nil
        }
    }

    /// An objection's resolution from the word staff typed: `true` upheld (uphold, 成立), `false` dismissed
    /// (dismiss, 驳回, 不成立), `nil` for another word.
    public static func upholding(_ word: String) -> Bool? {
        switch word.trimmingCharacters(in: .whitespaces).lowercased() {
        case "uphold", "upheld", "成立": true
        case "dismiss", "dismissed", "驳回", "不成立": false
        default: nil
        }
    }
}

/// The reply to an exit act: the file's procedure as it now stands, and its objections.
public struct ExitActReply: Codable, Sendable, Hashable {
    /// The procedure.
    public var procedure: UnionDesk.ExitProcedure?
    /// The objection just recorded, for `exit-objection`.
    public var objection: Int64?

    /// Creates a reply.
    public init(procedure: UnionDesk.ExitProcedure?, objection: Int64? = nil) {
        self.procedure = procedure
        self.objection = objection
    }
}

/// The body of `exit-list`: empty, or the business date the publicity ends are compared with.
public struct ExitListRequest: Codable, Sendable, Hashable {
    /// The day the list is for, `nil` for today.
    public var on: LocalDate?

    /// Creates a request.
    public init(on: LocalDate? = nil) { self.on = on }
}

/// The reply to `exit-list`: the procedures under way (proposed, in publicity) in the asker's area, by file number.
public struct ExitListReply: Codable, Sendable, Hashable {
    /// The procedures.
    public var procedures: [UnionDesk.ExitProcedure]
    /// Their open objections.
    public var objections: [UnionDesk.ExitObjection]

    /// Creates a reply.
    public init(procedures: [UnionDesk.ExitProcedure], objections: [UnionDesk.ExitObjection]) {
        self.procedures = procedures
        self.objections = objections
    }
}

/// The reply to `exit-notice`: the notice's text (解困通知书).
public struct ExitNoticeReply: Codable, Sendable, Hashable {
    /// The notice, ready to print.
    public var text: String

    /// Creates a reply.
    public init(text: String) { self.text = text }
}

/// The body of `visit-record` (`jiekun visit record F --on D --stable yes|no --findings TEXT`).
public struct VisitRecordRequest: Codable, Sendable, Hashable {
    /// 档案编号.
    public var fileNumber: String
    /// The visit's date, `nil` for today.
    public var on: LocalDate?
    /// `yes`/是/稳定 or `no`/否/不稳定.
    public var stable: String
    /// What was found (never logged).
    public var findings: String

    /// Creates a request.
    public init(fileNumber: String, on: LocalDate? = nil, stable: String, findings: String) {
        self.fileNumber = fileNumber
        self.on = on
        self.stable = stable
        self.findings = findings
    }

    /// Stable or not from the word staff typed; `nil` for another word.
    public static func stability(_ word: String) -> Bool? {
        switch word.trimmingCharacters(in: .whitespaces).lowercased() {
        case "yes", "y", "true", "是", "稳定": true
        case "no", "n", "false", "否", "不稳定": false
        default: nil
        }
    }
}

/// The body of `visit-list` (`jiekun visit list --due|--overdue [--on D]`).
public struct VisitListRequest: Codable, Sendable, Hashable {
    /// The day, `nil` for today.
    public var on: LocalDate?
    /// Only the overdue visits.
    public var overdueOnly: Bool

    /// Creates a request.
    public init(on: LocalDate? = nil, overdueOnly: Bool) {
        self.on = on
        self.overdueOnly = overdueOnly
    }
}

/// The reply to `visit-list` and `visit-record`.
public struct VisitListReply: Codable, Sendable, Hashable {
    /// The visits, by due date and file number.
    public var visits: [UnionDesk.FollowUpVisit]
    /// The day the list is for (overdue means after a visit's latest day before it).
    public var on: LocalDate

    /// Creates a reply.
    public init(visits: [UnionDesk.FollowUpVisit], on: LocalDate) {
        self.visits = visits
        self.on = on
    }
}

/// The reply to `exit-file`: everything the union keeps of one file's exit (policy C.4, C.5).
public struct ExitFileReply: Codable, Sendable, Hashable {
    /// The procedure, `nil` when no exit was ever proposed.
    public var procedure: UnionDesk.ExitProcedure?
    /// Its objections, oldest first, resolved ones included.
    public var objections: [UnionDesk.ExitObjection]
    /// Every act, oldest first: who, when (clock), the business date.
    public var acts: [UnionDesk.ExitAct]
    /// Its follow-up visits, in order (none before the approval).
    public var visits: [UnionDesk.FollowUpVisit]

    /// Creates a reply.
    public init(
        procedure: UnionDesk.ExitProcedure?, objections: [UnionDesk.ExitObjection], acts: [UnionDesk.ExitAct],
        visits: [UnionDesk.FollowUpVisit]
    ) {
        self.procedure = procedure
        self.objections = objections
        self.acts = acts
        self.visits = visits
    }
}

/// The reply to `exit-publicity`: the households whose exit is published (公示) and not yet approved, by county and
/// file number, with only what a notice board shows (policy C.4; no identity number, income or cause).
public struct ExitPublicityReply: Codable, Sendable, Hashable {
    /// One household on the notice board.
    public struct Entry: Codable, Sendable, Hashable {
        /// 档案编号.
        public var fileNumber: String
        /// The county's division code.
        public var county: String
        /// The county's name.
        public var countyName: String
        /// The prefecture's name.
        public var prefectureName: String
        /// The worker's (household head's) name: how the community knows the household.
        public var worker: String
        /// The worker's employer (公示 is posted at the community or the workplace, policy C.4).
        public var employer: String
        /// Publicity's first day.
        public var publicityFrom: LocalDate
        /// Publicity's last day.
        public var publicityUntil: LocalDate

        /// Creates an entry.
        public init(
            fileNumber: String, county: String, countyName: String, prefectureName: String, worker: String,
            employer: String, publicityFrom: LocalDate, publicityUntil: LocalDate
        ) {
            self.fileNumber = fileNumber
            self.county = county
            self.countyName = countyName
            self.prefectureName = prefectureName
            self.worker = worker
            self.employer = employer
            self.publicityFrom = publicityFrom
            self.publicityUntil = publicityUntil
        }
    }

    /// The households, by county then file number.
    public var entries: [Entry]
    /// The day the list is for: publicity ending before it is left out.
    public var on: LocalDate

    /// Creates a reply.
    public init(entries: [Entry], on: LocalDate) {
        self.entries = entries
        self.on = on
    }
}
