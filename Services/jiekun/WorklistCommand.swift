import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain
import ProgrammeEvents

/// `jiekun worklist --agency A --to-propose|--awaiting|--due|--overdue [--on DATE] [--json]`: a department's measures
/// awaiting a proposal or approval, due or overdue on a business date, in the staff member's area, each with the
/// facts of the department's own view of the household.
struct WorklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worklist",
        abstract: "工作清单 — a department's measures awaiting approval, due or overdue, with the household's facts.",
        discussion: """
            --to-propose: awaiting staff with no proposal yet (review mode). --awaiting: proposed by a clerk and \
            awaiting an approver (review mode); an approver sees those someone else proposed. --due: granted and not \
            delivered by the date, within their processing days. --overdue: past their processing days and not \
            delivered by the date, or waiting for money. Deliveries are not yet \
            recorded facts: "delivered" is the date the rules computed when the measure was decided \
            (docs/OPERATIONS.md, "Worklists"). Each household listed is recorded in the department's audit log.

            Exit status: 0 shown; 1 refused; 2 the service could not be asked.
            """)

    @Option(
        help: """
            The department: hr-employment, medical-insurance, education-aid, housing or civil-affairs (default: the \
            profile's own agency).
            """)
    var agency: String?

    @Flag(help: "Measures awaiting a clerk's proposal (待提议, review mode).")
    var toPropose = false

    @Flag(help: "Measures proposed and awaiting approval (待审核).")
    var awaiting = false

    @Flag(help: "Measures granted and due, not yet delivered (待发放).")
    var due = false

    @Flag(help: "Measures past their processing days and not delivered (逾期).")
    var overdue = false

    @Option(help: ArgumentHelp("The business date, YYYY-MM-DD; today by default.", valueName: "date"))
    var on: String?

    @Option(help: "The most items shown (at most \(WorklistRequest.maximumLimit)).")
    var limit: Int = DepartmentDesk.defaultWorklistLimit

    @Flag(help: "Print the JSON instead of the table.")
    var json = false

    @OptionGroup var service: ServiceEndpoint

    /// The list asked for.
    var list: WorklistRequest.List? {
        [(toPropose, WorklistRequest.List.toPropose), (awaiting, .awaiting), (due, .due), (overdue, .overdue)]
            .first { $0.0 }?.1
    }

    func validate() throws {
        if let agency {
            guard let department = Agency(rawValue: agency), ![.union, .coordinator].contains(department) else {
                throw ValidationError(
                    "--agency must be one of hr-employment, medical-insurance, education-aid, housing, civil-affairs")
            }
        }
        guard [toPropose, awaiting, due, overdue].filter({ $0 }).count == 1 else {
            throw ValidationError(
                "give one of --to-propose (待提议), --awaiting (待审核), --due (待发放) or --overdue (逾期)")
        }
        if let on, LocalDate(on) == nil { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
        guard (1...WorklistRequest.maximumLimit).contains(limit) else {
            throw ValidationError("--limit must be 1 to \(WorklistRequest.maximumLimit)")
        }
    }

    func run() throws {
        guard let list else { throw ValidationError("give one of --to-propose, --awaiting, --due or --overdue") }
        let request = WorklistRequest(list: list, on: on.flatMap(LocalDate.init), limit: limit)
        let body = try service.request(
            Operation.worklist, body: try MessageCoding.encode(request), command: "worklist",
            at: agency.flatMap(Agency.init(rawValue:)))
        var output = Terminal.standardOutput
        defer { output.flush() }
        if json {
            output.write(json: body)
            return
        }
        output.write(Self.render(try MessageCoding.decode(WorklistReply.self, from: body)))
    }

    /// The list, Chinese first: a line per measure, then a line of the household's facts as the department sees them.
    ///
    /// - Parameter reply: The list.
    /// - Returns: The text, ending in a newline.
    static func render(_ reply: WorklistReply) -> String {
        let title =
            switch reply.list {
            case .toPropose: "待提议 (to propose)"
            case .awaiting: "待审核 (awaiting approval)"
            case .due: "待发放 (due)"
            case .overdue: "逾期 (overdue)"
            }
        var lines = ["\(reply.agency.rawValue) \(title)，\(AuditCommand.chinese(reply.on)) (on \(reply.on))"]
        for item in reply.items {
            var head = "  \(item.measureID)"
            switch reply.list {
            case .toPropose:
                if let amount = item.amount, amount != .zero { head += "  ¥\(amount)" }
                if item.needsSecondApprover == true { head += "  需两位审核人 (two approvers)" }
            case .awaiting:
                let proposal = item.proposedDecision == "refuse" ? "提议不予批准 proposed refuse" : "提议批准 proposed approve"
                head += "  \(proposal) by \(item.proposedBy ?? "?")"
                if let corrected = item.corrects { head += "  更正 corrects #\(corrected)" }
                if let reason = item.proposedReason, !reason.isEmpty { head += "：\(reason)" }
            case .due, .overdue:
                if let amount = item.amount, amount != .zero { head += "  ¥\(amount)" }
                if let dueOn = item.dueOn { head += "  期限 due \(AuditCommand.chinese(dueOn))" }
                if let days = item.daysOverdue { head += "  逾期 \(days) 天 (\(days) days late)" }
                if reply.list == .overdue {
                    head +=
                        item.deliveryComputedOn.map { "  计划发放 computed delivery \(AuditCommand.chinese($0))" }
                        ?? "  待资金 (waiting for money)"
                }
            }
            lines.append(head)
            lines.append("      " + facts(of: item))
        }
        lines.append(
            "共 \(reply.items.count) 项 (\(reply.items.count) measures)"
                + (reply.truncated ? "；还有更多，请用 --limit (more: raise --limit)" : ""))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The facts of the department's view of the item's household, as one line: the file's own, then the member
    /// the measure is for, then what this department is given about the household.
    static func facts(of item: WorklistReply.Item) -> String {
        let view = item.view
        var facts = [
            "\(view.divisionCode)", "\(view.category.map { "\($0.rawValue)类" } ?? "-")",
            "建档 \(AuditCommand.chinese(view.filedOn))",
        ]
        if let helper = view.helper { facts.append("帮扶人 \(helper)") }
        let member =
            item.memberNumber.flatMap { number in view.members?.first { $0.number == number } }
            ?? view.tenant ?? view.members?.first { $0.relation == .worker }
        if let member {
            var person = "\(member.name)(\(member.relation.rawValue), \(member.identityNumber.masked)"
            if let age = member.age { person += ", \(age)岁" }
            if let status = member.workStatus { person += ", \(status.rawValue)" }
            if let able = member.isAbleToWork { person += able ? ", 有劳动能力" : ", 无劳动能力" }
            if let health = member.health { person += ", \(health.rawValue)" }
            if let insurance = member.medicalInsurance { person += ", 医保\(insurance.rawValue)" }
            if let level = member.schoolLevel { person += ", \(level.rawValue)" }
            if let pension = member.pensionInsurance { person += ", 养老\(pension.rawValue)" }
            facts.append(person + ")")
        }
        if let size = view.householdSize { facts.append("\(size)人") }
        if let housing = view.housing { facts.append("住房 \(housing.rawValue)") }
        if let income = view.monthlyIncome { facts.append("月收入 ¥\(income)") }
        if let perCapita = view.perCapitaIncome {
            facts.append("人均 ¥\(perCapita) / 低保标准 ¥\(view.minimumLivingStandard)")
        }
        if view.isOnDibao == true { facts.append("已享低保") }
        if view.isZeroEmployment == true { facts.append("零就业家庭") }
        if let employer = view.employer, !employer.isEmpty { facts.append("单位 \(employer)") }
        return facts.joined(separator: "，")
    }
}
