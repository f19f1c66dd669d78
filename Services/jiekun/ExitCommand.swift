import AgencyDesks
import ArgumentParser
import Foundation
import HouseholdDomain

/// `jiekun exit list|request|review|object|resolve|approve|notice`: the exit procedure at the union (policy C.4):
/// proposal, the county union's review, publicity (公示) for the policy's working days, objections, approval by
/// another hand (C.6), and the written notice (解困通知书).
struct ExitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exit",
        abstract: "The exit procedure at the union: review, publicity (公示), objections, approval, notice.",
        discussion: """
            The coordinator proposes an exit when the six dimensions of §2.3 hold; a clerk may record the \
            household's own request (exit request). A clerk of the county union reviews it (exit review F 同意|退回); \
            accepted, it is published from the next working day for the policy's working days (5). Objections \
            during publicity are recorded by a clerk (exit object) and resolved by an approver (exit resolve N \
            驳回|成立): one upheld ends the procedure and the file stays open. After publicity, with no objection \
            open, an approver who neither recorded nor reviewed it approves (exit approve): the file closes as \
            exited on that day. Exit status: 0 done; 1 refused (the reason is printed); 2 the service could not be \
            reached.
            """,
        subcommands: [
            List.self, Request.self, Review.self, Object.self, Resolve.self, Approve.self, Notice.self,
        ])

    /// `--on` and the endpoint, common to every act.
    struct Common: ParsableArguments {
        @Option(help: ArgumentHelp("The business date of the act, YYYY-MM-DD; today by default.", valueName: "date"))
        var on: String?

        @OptionGroup var service: ServiceEndpoint

        /// The date given, or `nil`.
        func date() throws -> LocalDate? {
            guard let on else { return nil }
            guard let date = LocalDate(on) else { throw ValidationError("--on must be a date YYYY-MM-DD, not \(on)") }
            return date
        }
    }

    /// Sends one act and prints the procedure as it now stands.
    static func send(_ operation: String, _ body: ExitActRequest, common: Common, command: String) throws {
        let reply = try MessageCoding.decode(
            ExitActReply.self,
            from: try common.service.request(
                operation, body: try MessageCoding.encode(body), command: command, at: .union))
        var output = Terminal.standardOutput
        if let objection = reply.objection { output.write("异议 #\(objection) 已记录 (objection #\(objection) recorded)\n") }
        if let procedure = reply.procedure { output.write(line(procedure) + "\n") }
        output.flush()
    }

    /// One procedure on one line, Chinese first: `KM-2017-0001  公示中 publicity  提议 2017年9月29日 …`.
    static func line(_ procedure: UnionDesk.ExitProcedure) -> String {
        var parts = [
            procedure.fileNumber, "\(procedure.state.chinese) \(procedure.state.rawValue)",
            "提议 \(procedure.proposedOn.chinese)"
                + (procedure.origin == .household ? "（本户申请 household's request）" : ""),
        ]
        if let from = procedure.publicityFrom, let until = procedure.publicityUntil {
            parts.append("公示 \(from.chinese)至\(until.chinese)")
        }
        if procedure.openObjections > 0 { parts.append("待处理异议 \(procedure.openObjections)") }
        if let approved = procedure.approvedOn { parts.append("批准 \(approved.chinese)") }
        if let reason = procedure.reason { parts.append("原因 \(reason)") }
        return parts.joined(separator: "  ")
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                The exits under way in your area: proposed (awaiting review) and in publicity, with its end and \
                whether it has run its working days by --on.
                """)

        @OptionGroup var common: Common

        func run() throws {
            let reply = try MessageCoding.decode(
                ExitListReply.self,
                from: try common.service.request(
                    Operation.exitList, body: try MessageCoding.encode(ExitListRequest(on: try common.date())),
                    command: "exit list", at: .union))
            var output = Terminal.standardOutput
            let day = try common.date() ?? LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
            for procedure in reply.procedures {
                // 公示 has run its working days by `day`: an approver may approve (policy C.4).
                let ready =
                    procedure.publicityUntil.map { ExitSchedule.mayApprove(on: day, publicityUntil: $0) } ?? false
                output.write(ExitCommand.line(procedure) + (ready ? "  公示期满，可批准 (may be approved)" : "") + "\n")
            }
            for objection in reply.objections {
                output.write(
                    "  异议 #\(objection.id) \(objection.fileNumber) \(objection.recordedOn.chinese) 待处理 (open)\n")
            }
            output.write("\(reply.procedures.count) 户退出程序进行中 (exits under way)\n")
            output.flush()
        }
    }

    struct Request: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the household's own request to exit (a clerk).")
        @Argument(help: "The file number (档案编号).") var fileNumber: String
        @OptionGroup var common: Common

        func run() throws {
            try ExitCommand.send(
                Operation.exitRequest, ExitActRequest(fileNumber: fileNumber, on: try common.date()), common: common,
                command: "exit request")
        }
    }

    struct Review: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Review a proposed exit (a clerk of the county union): accept (同意) or return (退回) with a reason.")
        @Argument(help: "The file number (档案编号).") var fileNumber: String
        @Argument(help: "accept (同意) or return (退回).") var decision: String
        @Option(help: "Why (required to return).") var reason: String = ""
        @OptionGroup var common: Common

        func validate() throws {
            guard ExitActRequest.acceptance(decision) != nil else {
                throw ValidationError("the decision must be accept (同意) or return (退回), not \(decision)")
            }
        }

        func run() throws {
            try ExitCommand.send(
                Operation.exitReview,
                ExitActRequest(fileNumber: fileNumber, decision: decision, reason: reason, on: try common.date()),
                common: common, command: "exit review")
        }
    }

    struct Object: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an objection raised during publicity (a clerk).")
        @Argument(help: "The file number (档案编号).") var fileNumber: String
        @Option(help: "What was objected.") var text: String
        @OptionGroup var common: Common

        func run() throws {
            try ExitCommand.send(
                Operation.exitObjection,
                ExitActRequest(fileNumber: fileNumber, reason: text, on: try common.date()), common: common,
                command: "exit object")
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve an objection (an approver): dismiss (驳回) or uphold (成立, the file stays open).")
        @Argument(help: "The objection's number (exit list shows it).") var objection: Int64
        @Argument(help: "dismiss (驳回) or uphold (成立).") var decision: String
        @Option(help: "Why (required).") var reason: String
        @OptionGroup var common: Common

        func validate() throws {
            guard ExitActRequest.upholding(decision) != nil else {
                throw ValidationError("the decision must be dismiss (驳回) or uphold (成立), not \(decision)")
            }
        }

        func run() throws {
            try ExitCommand.send(
                Operation.exitObjectionResolve,
                ExitActRequest(
                    fileNumber: "", decision: decision, reason: reason, objection: objection, on: try common.date()),
                common: common, command: "exit resolve")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve an exit after publicity (an approver who neither recorded nor reviewed it).")
        @Argument(help: "The file number (档案编号).") var fileNumber: String
        @OptionGroup var common: Common

        func run() throws {
            try ExitCommand.send(
                Operation.exitApprove, ExitActRequest(fileNumber: fileNumber, on: try common.date()), common: common,
                command: "exit approve")
        }
    }

    struct Notice: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the written notice (解困通知书) of an approved exit.")
        @Argument(help: "The file number (档案编号).") var fileNumber: String
        @OptionGroup var common: Common

        func run() throws {
            let reply = try MessageCoding.decode(
                ExitNoticeReply.self,
                from: try common.service.request(
                    Operation.exitNotice, body: try MessageCoding.encode(ExitActRequest(fileNumber: fileNumber)),
                    command: "exit notice", at: .union))
            var output = Terminal.standardOutput
            output.write(reply.text + "\n")
            output.flush()
        }
    }
}

/// `jiekun visit record|list`: follow-up visits (回访) after exit (policy C.5).
struct VisitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visit",
        abstract: "Follow-up visits (回访) after exit: record one, list those due or overdue.",
        discussion: """
            An exited household is watched for the policy's months (12) with a visit every 6 calendar months from \
            its exit (2018-03-31 + 6 months = 2018-09-30). A visit not recorded by its due date (or the first \
            working day after, when it falls on a day off) is overdue.
            """,
        subcommands: [Record.self, List.self])

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record the next visit of an exited household.")
        @Argument(help: "The file number (档案编号).") var fileNumber: String
        @Option(help: "Whether the household is stable: yes (是) or no (否).") var stable: String
        @Option(help: "What was found (kept, never logged).") var findings: String = ""
        @OptionGroup var common: ExitCommand.Common

        func validate() throws {
            guard VisitRecordRequest.stability(stable) != nil else {
                throw ValidationError("--stable must be yes (是) or no (否), not \(stable)")
            }
        }

        func run() throws {
            let reply = try MessageCoding.decode(
                VisitListReply.self,
                from: try common.service.request(
                    Operation.visitRecord,
                    body: try MessageCoding.encode(
                        VisitRecordRequest(
                            fileNumber: fileNumber, on: try common.date(), stable: stable, findings: findings)),
                    command: "visit record", at: .union))
            var output = Terminal.standardOutput
            for visit in reply.visits {
                output.write(
                    "\(visit.fileNumber) 第\(visit.number)次回访 (visit \(visit.number)) 应于 \(visit.dueOn.chinese)，"
                        + "已于 \(visit.visitedOn?.chinese ?? "") 记录 (recorded)\n")
            }
            output.flush()
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The visits due (or overdue) in your area.")
        @Flag(help: "Visits due by the day and not recorded, overdue ones included (the default).") var due = false
        @Flag(help: "Only the overdue visits.") var overdue = false
        @OptionGroup var common: ExitCommand.Common

        func run() throws {
            let reply = try MessageCoding.decode(
                VisitListReply.self,
                from: try common.service.request(
                    Operation.visitList,
                    body: try MessageCoding.encode(VisitListRequest(on: try common.date(), overdueOnly: overdue)),
                    command: "visit list", at: .union))
            var output = Terminal.standardOutput
            for visit in reply.visits {
                let late = visit.isOverdue(on: reply.on) ? "  逾期 overdue" : ""
                output.write(
                    "\(visit.fileNumber)  第\(visit.number)次回访 (visit \(visit.number))  应于 \(visit.dueOn.chinese)\(late)\n"
                )
            }
            output.write(
                "\(reply.visits.count) 次回访 (visits) \(overdue ? "逾期 overdue" : "待回访 due") \(reply.on.chinese)\n")
            output.flush()
        }
    }
}
