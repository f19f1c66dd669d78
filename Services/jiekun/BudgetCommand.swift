import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun budget show|top-up|appropriate|units`: an agency's budget lines per prefecture, year and measure, and
/// the acts finance records on them (policy §5.2, C.6; docs/OPERATIONS.md, "Budgets and appropriations").
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "预算 — an agency's budget lines: show them; finance records appropriations, top-ups and units.",
        subcommands: [Show.self, TopUp.self, Appropriate.self, Units.self])

    /// The agency option shared by the subcommands.
    struct AgencyOption: ParsableArguments {
        @Option(
            help: """
                The paying agency: union, hr-employment, medical-insurance, education-aid, housing or civil-affairs \
                (default: the profile's own agency).
                """)
        var agency: String?

        func validate() throws {
            if let agency {
                guard let paying = Agency(rawValue: agency), paying != .coordinator else {
                    throw ValidationError(
                        "--agency must be one of union, hr-employment, medical-insurance, education-aid, housing, civil-affairs"
                    )
                }
            }
        }

        var addressed: Agency? { agency.flatMap(Agency.init(rawValue:)) }
    }

    /// `jiekun budget show`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "预算余额 — appropriated, spent, committed, remaining and waiting, per prefecture, year and measure.",
            discussion: """
                Spent: drawn for payments dated on or before --on; committed: drawn for payments dated after it; \
                waiting: measures due in that year that no money could pay yet (they are paid in filing order when \
                money arrives). Finance, auditors, clerks and approvers read; a prefecture's or county's member sees \
                that prefecture's lines.

                Exit status: 0 shown; 1 refused; 2 the service could not be asked.
                """)

        @OptionGroup var paying: AgencyOption

        @Option(help: "A prefecture's six-digit code (default: all in your area).")
        var prefecture: String?

        @Option(help: "A budget year.")
        var year: Int?

        @Option(help: "A measure code, e.g. medical.assistance.")
        var measure: String?

        @Option(help: ArgumentHelp("The business date, YYYY-MM-DD; today by default.", valueName: "date"))
        var on: String?

        @Flag(help: "Print the JSON instead of the table.")
        var json = false

        @OptionGroup var service: ServiceEndpoint

        func validate() throws {
            if let on, LocalDate(on) == nil { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
        }

        func run() throws {
            let query = BudgetQuery(
                prefecture: prefecture, year: year, measure: measure, on: on.flatMap(LocalDate.init))
            let body = try service.request(
                Operation.budget, body: try MessageCoding.encode(query), command: "budget show", at: paying.addressed)
            var output = Terminal.standardOutput
            defer { output.flush() }
            if json {
                output.write(json: body)
                return
            }
            output.write(BudgetCommand.render(try MessageCoding.decode(BudgetReply.self, from: body)))
        }
    }

    /// The options of a money act.
    struct MoneyAct: ParsableArguments {
        @Option(help: "The prefecture's six-digit code.")
        var prefecture: String

        @Option(help: "The budget year.")
        var year: Int

        @Option(help: "The measure code, e.g. medical.assistance.")
        var measure: String

        @Option(help: "Yuan, e.g. 120000 or 120000.50.")
        var yuan: String

        @Option(help: ArgumentHelp("The day the money arrived, YYYY-MM-DD; today by default.", valueName: "date"))
        var on: String?

        @Option(help: "The budget document or payment reference (文号).")
        var reference: String

        func validate() throws {
            if let on, LocalDate(on) == nil { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
            if case .failure(let failure) = Yuan.parse(yuan) {
                throw ValidationError("--yuan must be an amount in yuan, not \(yuan) (\(failure))")
            }
        }

        func request(_ kind: BudgetBook.ActKind) -> BudgetActRequest {
            BudgetActRequest(
                kind: kind.rawValue, prefecture: prefecture, year: year, measure: measure, yuan: yuan,
                on: on.flatMap(LocalDate.init), reference: reference)
        }
    }

    /// `jiekun budget top-up`.
    struct TopUp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "top-up",
            abstract: "追加 — finance adds money to a line already appropriated; waiting measures are paid at once.",
            aliases: ["追加"])

        @OptionGroup var paying: AgencyOption
        @OptionGroup var act: MoneyAct
        @OptionGroup var service: ServiceEndpoint

        func run() throws {
            try BudgetCommand.send(
                act.request(.topUp), at: paying.addressed, service: service, command: "budget top-up")
        }
    }

    /// `jiekun budget appropriate`.
    struct Appropriate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "appropriate",
            abstract:
                "下达 — finance records a year's appropriation for a line that has none; waiting measures are paid.",
            aliases: ["下达"])

        @OptionGroup var paying: AgencyOption
        @OptionGroup var act: MoneyAct
        @OptionGroup var service: ServiceEndpoint

        func run() throws {
            try BudgetCommand.send(
                act.request(.appropriation), at: paying.addressed, service: service, command: "budget appropriate")
        }
    }

    /// `jiekun budget units`.
    struct Units: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "units",
            abstract: "公租房房源 — housing's finance records public-rental units added to or released from a stock.",
            aliases: ["房源"])

        @Argument(help: "add (增加) or release (减少).")
        var change: String

        @Option(help: "The prefecture's six-digit code.")
        var prefecture: String

        @Option(help: "The year of the stock.")
        var year: Int

        @Option(help: "How many units.")
        var units: Int

        @Option(help: ArgumentHelp("The business date, YYYY-MM-DD; today by default.", valueName: "date"))
        var on: String?

        @Option(help: "The reference (文号).")
        var reference: String

        @OptionGroup var service: ServiceEndpoint

        func validate() throws {
            guard let kind = BudgetBook.ActKind(word: change), [.unitsAdded, .unitsReleased].contains(kind) else {
                throw ValidationError("give add (增加) or release (减少), not \(change)")
            }
            if let on, LocalDate(on) == nil { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
        }

        func run() throws {
            let kind = BudgetBook.ActKind(word: change) ?? .unitsAdded
            let request = BudgetActRequest(
                kind: kind.rawValue, prefecture: prefecture, year: year, units: units, on: on.flatMap(LocalDate.init),
                reference: reference)
            try BudgetCommand.send(request, at: .housing, service: service, command: "budget units")
        }
    }

    /// Sends an act and prints what was recorded and paid.
    static func send(_ request: BudgetActRequest, at agency: Agency?, service: ServiceEndpoint, command: String) throws
    {
        let body = try service.request(
            Operation.budgetAct, body: try MessageCoding.encode(request), command: command, at: agency)
        let reply = try MessageCoding.decode(BudgetActReply.self, from: body)
        var output = Terminal.standardOutput
        defer { output.flush() }
        output.write(render(reply))
    }

    /// An act's reply, Chinese first.
    static func render(_ reply: BudgetActReply) -> String {
        let act = reply.act
        var what = "\(act.prefecture) \(act.year)"
        if let measure = act.measure { what += " \(measure.rawValue)" }
        if let amount = act.amount { what += " ¥\(amount)" }
        if let units = act.units { what += " \(units) 套 (units)" }
        var lines = [
            "已记录 recorded #\(act.number) \(act.kind.text): \(what)，\(act.businessDate.chinese) (on \(act.businessDate))"
                + " by \(act.staffID ?? "?")，文号 reference \(act.reference)"
        ]
        if let line = reply.line {
            lines.append("  余额 remaining ¥\(line.remaining)，待资金 waiting \(line.waitingCount) (¥\(line.waitingYuan))")
        }
        lines.append("  按建档顺序支付 paid in filing order: \(reply.paid.count)")
        for paid in reply.paid {
            lines.append("    \(paid.measureID)  ¥\(paid.amount)  \(paid.paidOn.chinese)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The lines, Chinese first.
    static func render(_ reply: BudgetReply) -> String {
        var lines = ["\(reply.agency.rawValue) 预算 (budget)，\(reply.on.chinese) (on \(reply.on))"]
        lines.append(
            "  州市 prefecture  年度 year  措施 measure  下达 appropriated  已支出 spent  已承诺 committed  余额 remaining  待资金 waiting"
        )
        for line in reply.lines {
            lines.append(
                "  \(line.prefecture)  \(line.year)  \(line.measure)  ¥\(line.appropriated)  ¥\(line.spent)  "
                    + "¥\(line.committed)  ¥\(line.remaining)  \(line.waitingCount) (¥\(line.waitingYuan))")
        }
        if !reply.stock.isEmpty {
            lines.append("  公租房 public-rental units: 州市 prefecture  年度 year  房源 units  空闲 free")
            for stock in reply.stock {
                lines.append("  \(stock.prefecture)  \(stock.year)  \(stock.units)  \(stock.free)")
            }
        }
        if !reply.acts.isEmpty {
            lines.append("  记录 acts (latest first):")
            for act in reply.acts {
                var what = "\(act.prefecture) \(act.year)"
                if let measure = act.measure { what += " \(measure.rawValue)" }
                if let amount = act.amount { what += " ¥\(amount)" }
                if let units = act.units { what += " \(units)" }
                lines.append(
                    "    #\(act.number) \(act.kind.text) \(what)  \(act.businessDate.chinese)  \(act.staffID ?? "")  \(act.reference)"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
