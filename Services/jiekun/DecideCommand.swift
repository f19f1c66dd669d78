import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun decide --agency A [--propose] MEASURE_ID approve|refuse --reason … --endpoint E`: staff of a department in
/// `review` mode decide a measure in two hands (maker-checker, policy C.6): a clerk proposes its outcome, another
/// member, an approver, approves or refuses the proposal (ids as `jiekun household` shows them).
struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Propose (clerk) or approve (approver) the outcome of a measure at a department in review mode.",
        discussion: """
            The measure id names the household and the measure (KM-2017-0001/medical.assistance, or with the child's \
            member number for a per-child measure). A clerk (经办人) proposes the outcome with --propose: approve \
            (批准) or refuse (不予批准, with --reason). An approver (审核人) other than the proposer then approves the \
            proposal, which takes effect, or refuses it (with --reason), which returns it for a new proposal. An \
            approved measure follows the rules: budgets, stock, supporting agencies, delivery after the processing \
            days; a refused one leaves the dimension it guarantees open and the coordinator lists the household as \
            blocked. `jiekun decide --agency A --awaiting --endpoint E` lists what awaits staff and who proposed it.
            """)

    @Option(
        help: """
            The department: hr-employment, medical-insurance, education-aid, housing or civil-affairs (default: the \
            measure's lead department; with --awaiting, the profile's own agency).
            """)
    var agency: String?

    @Argument(help: "The measure instance id.")
    var measureID: String?

    @Argument(help: "approve (批准) or refuse (不予批准).")
    var decision: String?

    @Option(help: "Why (required to refuse).")
    var reason: String = ""

    @Option(
        help: """
            A refusal's reason code (原因代码), one of the policy file's makerChecker.refusalReasons, such as \
            not-eligible, or its Chinese text, such as 不符合条件 (required to refuse when the policy lists reasons).
            """)
    var code: String?

    @Option(
        help: ArgumentHelp(
            "The business date of the act, YYYY-MM-DD; today by default. An approval is dated by it.",
            valueName: "date"))
    var on: String?

    @Flag(help: "Propose the outcome (a clerk) instead of approving or refusing the proposal (an approver).")
    var propose = false

    @Flag(help: "List the measures awaiting staff instead.")
    var awaiting = false

    @Option(
        help: """
            Propose a correction (更正) of the decision numbered N (jiekun household --history shows the numbers): \
            the other outcome, with --reason; an approver then approves it like any proposal.
            """)
    var corrects: Int64?

    /// The decision typed, in English or Chinese: `approve`/`批准`/`同意`, `refuse`/`不予批准`/`不同意`.
    static func decisionWord(_ word: String) -> String? {
        switch word.trimmingCharacters(in: .whitespaces) {
        case "approve", "批准", "同意": "approve"
        case "refuse", "不予批准", "不同意": "refuse"
        default: nil
        }
    }

    @OptionGroup var service: ServiceEndpoint

    /// The department named by `--agency`, else the lead department of the measure, else `nil` (the profile's).
    var department: Agency? {
        if let agency { return Agency(rawValue: agency) }
        return measureID.flatMap { id in
            id.split(separator: "/").dropFirst().first.flatMap { Measure.Code(rawValue: String($0))?.leadDepartment }
        }
    }

    func validate() throws {
        if let agency {
            guard let department = Agency(rawValue: agency), ![.union, .coordinator].contains(department) else {
                throw ValidationError(
                    "--agency must be one of hr-employment, medical-insurance, education-aid, housing, civil-affairs")
            }
        }
        if awaiting { return }
        guard let measureID, let decision else {
            throw ValidationError("give MEASURE_ID and approve|refuse (or --awaiting)")
        }
        guard let decision = Self.decisionWord(decision) else {
            throw ValidationError("say approve (批准) or refuse (不予批准)")
        }
        if decision == "refuse" && reason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("a refusal needs --reason (and --code, a reason code of the policy file)")
        }
        if decision == "approve", let code {
            throw ValidationError("--code \(code) goes with a refusal only")
        }
        if let on, LocalDate(on) == nil { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
        if corrects != nil && reason.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("a correction needs --reason")
        }
        let parts = measureID.split(separator: "/")
        guard parts.count >= 2, let code = Measure.Code(rawValue: String(parts[1])) else {
            throw ValidationError("\(measureID) is not a measure id (FILE/CODE or FILE/CODE/MEMBER)")
        }
        if let agency, code.leadDepartment.rawValue != agency {
            throw ValidationError("\(code.rawValue) is decided by \(code.leadDepartment.rawValue), not \(agency)")
        }
    }

    func run() throws {
        if awaiting {
            let body = try service.request(Operation.awaiting, command: "decide", at: department)
            let reply = try MessageCoding.decode(AwaitingReply.self, from: body)
            let proposals = Dictionary(uniqueKeysWithValues: reply.proposals.map { ($0.measureID, $0) })
            print(
                reply.measureIDs.isEmpty
                    ? "nothing awaits staff at \(department?.rawValue ?? "this agency")"
                    : reply.measureIDs.map { "\($0)  \(Self.state(proposals[$0]))" }.joined(separator: "\n"))
            return
        }
        let decision = decision.flatMap(Self.decisionWord) ?? ""
        let request = DecideRequest(
            measureID: measureID ?? "", decision: decision, reason: reason, reasonCode: code,
            on: on.flatMap(LocalDate.init), corrects: corrects)
        let operation = propose || corrects != nil ? Operation.propose : Operation.decide
        let body = try service.request(
            operation, body: try MessageCoding.encode(request), command: "decide", at: department)
        let reply = try MessageCoding.decode(DecideReply.self, from: body)
        let done =
            switch (propose || corrects != nil, reply.decision == "approve") {
            case (true, _) where corrects != nil:
                "更正 #\(corrects ?? 0) 已提议，待审核 (correction of #\(corrects ?? 0) proposed, awaiting a checker)"
            case (true, true): "提议批准，待审核 (proposed for approval, awaiting a checker)"
            case (true, false): "提议不予批准，待审核 (proposed for refusal, awaiting a checker)"
            case (false, true) where reply.awaitsSecondApprover == true:
                "第一审核人已批准，待第二审核人 (first approval recorded: the amount needs a second approver)"
            case (false, true): "审核通过 (proposal approved)"
            case (false, false): "提议退回 (proposal refused, awaiting a new proposal)"
            }
        print("\(department?.rawValue ?? ""): \(reply.measureID) \(done)")
    }

    /// A measure's state in the `--awaiting` list: awaiting a proposal, or proposed by a clerk and awaiting a
    /// checker.
    static func state(_ proposal: AwaitingReply.Proposal?) -> String {
        guard let proposal else { return "待提议 (awaiting a proposal)" }
        let who = proposal.proposedBy ?? "?"
        return proposal.decision == "approve"
            ? "\(who) 提议批准，待审核 (proposed approve by \(who), awaiting a checker)"
            : "\(who) 提议不予批准，待审核 (proposed refuse by \(who), awaiting a checker)"
    }
}
