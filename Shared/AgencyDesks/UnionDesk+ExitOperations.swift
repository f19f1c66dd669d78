import EventFabric
import Foundation
import GRDB
import HouseholdDomain

extension UnionDesk {
    /// The roles of the exit procedure's operations (policy C.4, C.6): a clerk records a household's request,
    /// reviews, records objections and visits; an approver resolves objections and approves; clerks, approvers and
    /// auditors read the list, the notice and the visits.
    static let exitOperationRoles: [String: Set<StaffRole>] = [
        Operation.exitRequest: [.clerk], Operation.exitReview: [.clerk], Operation.exitObjection: [.clerk],
        Operation.exitObjectionResolve: [.approver], Operation.exitApprove: [.approver],
        Operation.exitList: [.clerk, .approver, .auditor], Operation.exitNotice: [.clerk, .approver, .auditor],
        Operation.visitRecord: [.clerk], Operation.visitList: [.clerk, .approver, .auditor],
        Operation.exitFile: [.clerk, .approver, .auditor], Operation.exitPublicity: [.clerk, .approver, .auditor],
    ]

    /// Answers the exit procedure's operations (``Operation/exitRequest`` … ``Operation/visitList``), each in the
    /// request's write transaction, for files of the asker's area only; every act on a file is a row of the audit
    /// log, refusals with their code.
    ///
    /// - Returns: `nil` for another operation.
    /// - Throws: `DatabaseError`, `EncodingError`.
    func answerExit(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply?
    {
        let today = LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
        switch request.operation {
        case Operation.exitList:
            let procedures = try exitsUnderWay(within: asker.area, in: db)
            var objections: [ExitObjection] = []
            for procedure in procedures where procedure.openObjections > 0 {
                objections += try self.objections(of: procedure.fileNumber, in: db).filter { $0.resolution == nil }
            }
            try AuditLog.record(
                procedures.map { AuditLog.Touch(fileNumber: $0.fileNumber, county: $0.county) }, of: request,
                by: asker, in: db)
            return .ok(try MessageCoding.encode(ExitListReply(procedures: procedures, objections: objections)))
        case Operation.exitPublicity:
            let day = (try? MessageCoding.decode(ExitListRequest.self, from: request.body))?.on ?? today
            let entries = try publicityList(on: day, within: asker.area, in: db)
            try AuditLog.record(
                entries.map { AuditLog.Touch(fileNumber: $0.fileNumber, county: $0.county) }, of: request, by: asker,
                in: db)
            return .ok(try MessageCoding.encode(ExitPublicityReply(entries: entries, on: day)))
        case Operation.exitFile:
            guard let body = try? MessageCoding.decode(ExitActRequest.self, from: request.body) else {
                return try .refused(because: "the body is not {\"fileNumber\"}")
            }
            let file = body.fileNumber
            return try act(on: file, request, as: asker, on: nil, in: db) { _ in
                try MessageCoding.encode(
                    ExitFileReply(
                        procedure: try exitProcedure(of: file, in: db), objections: try objections(of: file, in: db),
                        acts: try exitActs(of: file, in: db), visits: try visits(of: file, in: db)))
            }
        case Operation.visitList:
            guard let body = try? MessageCoding.decode(VisitListRequest.self, from: request.body) else {
                return try .refused(because: "the body is not {\"overdueOnly\": true|false, \"on\": \"YYYY-MM-DD\"}")
            }
            let day = body.on ?? today
            let visits = try visitsDue(on: day, overdueOnly: body.overdueOnly, within: asker.area, in: db)
            try AuditLog.record(
                visits.map { AuditLog.Touch(fileNumber: $0.fileNumber, county: $0.county) }, of: request, by: asker,
                on: body.on, in: db)
            return .ok(try MessageCoding.encode(VisitListReply(visits: visits, on: day)))
        case Operation.visitRecord:
            guard let body = try? MessageCoding.decode(VisitRecordRequest.self, from: request.body) else {
                return try .refused(
                    because: "the body is not {\"fileNumber\", \"stable\": \"yes\"|\"no\", \"findings\", \"on\"}")
            }
            guard let stable = VisitRecordRequest.stability(body.stable) else {
                return try .refused(because: "稳定与否请填 yes/是 或 no/否 (stable must be yes or no, not \(body.stable))")
            }
            return try act(on: body.fileNumber, request, as: asker, on: body.on, in: db) { day in
                let visit = try recordVisit(
                    body.fileNumber, on: day, stable: stable, findings: body.findings, by: asker.staffID, in: db)
                return try MessageCoding.encode(VisitListReply(visits: [visit], on: day))
            }
        case Operation.exitRequest, Operation.exitReview, Operation.exitObjection, Operation.exitObjectionResolve,
            Operation.exitApprove, Operation.exitNotice:
            guard var body = try? MessageCoding.decode(ExitActRequest.self, from: request.body) else {
                return try .refused(
                    because: "the body is not {\"fileNumber\", \"decision\", \"reason\", \"objection\", \"on\"}")
            }
            if request.operation == Operation.exitObjectionResolve {
                guard let id = body.objection,
                    let file = try String.fetchOne(
                        db, sql: "SELECT file_number FROM union_exit_objections WHERE seq = ?", arguments: [id])
                else { return try .refused(because: "没有异议 #\(body.objection ?? 0) (no such objection)") }
                body.fileNumber = file
            }
            return try act(on: body.fileNumber, request, as: asker, on: body.on, in: db) { day in
                try exitAct(request.operation, body, by: asker, on: day, in: db, journal: journal)
            }
        default:
            return nil
        }
    }

    /// One exit act on a file, after the area check; its reply body.
    private func exitAct(
        _ operation: String, _ body: ExitActRequest, by asker: Asker, on day: LocalDate, in db: Database,
        journal: Journal
    ) throws -> [UInt8] {
        let file = body.fileNumber
        let reason = body.reason ?? ""
        var objection: Int64?
        switch operation {
        case Operation.exitRequest:
            try proposeExit(file, origin: .household, by: asker.staffID, on: day, in: db)
        case Operation.exitReview:
            guard let accept = body.decision.flatMap(ExitActRequest.acceptance) else {
                throw DeskRefusal(
                    code: "union.exit.decision",
                    description: "审查结论请填 同意/accept 或 退回/return (not \(body.decision ?? "nothing"))")
            }
            try reviewExit(file, accept: accept, reason: reason, by: asker.staffID, on: day, in: db)
        case Operation.exitObjection:
            objection = try recordObjection(file, text: reason, by: asker.staffID, on: day, in: db)
        case Operation.exitObjectionResolve:
            guard let upheld = body.decision.flatMap(ExitActRequest.upholding), let id = body.objection else {
                throw DeskRefusal(
                    code: "union.exit.decision",
                    description: "异议处理请填 驳回/dismiss 或 成立/uphold (not \(body.decision ?? "nothing"))")
            }
            try resolveObjection(id, upheld: upheld, reason: reason, by: asker.staffID, on: day, in: db)
        case Operation.exitApprove:
            do {
                try approveExit(file, by: asker.staffID, on: day, in: db, journal: journal)
            } catch let refusal as DeskRefusal where refusal.code == "union.exit.self-approval" {
                asker.selfApproval()
                throw refusal
            }
        default:
            return try MessageCoding.encode(ExitNoticeReply(text: try exitNotice(of: file, in: db)))
        }
        return try MessageCoding.encode(
            ExitActReply(procedure: try exitProcedure(of: file, in: db), objection: objection))
    }

    /// Runs an act on one file of the asker's area and audits it: a file outside the area, or a desk refusal, is
    /// refused with its code (and audited so).
    private func act(
        on fileNumber: String, _ request: ServiceRequest, as asker: Asker, on date: LocalDate?, in db: Database,
        _ body: (LocalDate) throws -> [UInt8]
    ) throws -> ServiceReply {
        let county =
            try String.fetchOne(
                db, sql: "SELECT division_code FROM union_files WHERE file_number = ?", arguments: [fileNumber]) ?? ""
        func audit(_ code: String?) throws {
            try AuditLog.record(
                [AuditLog.Touch(fileNumber: fileNumber, county: county, refusalCode: code)], of: request, by: asker,
                on: date, in: db)
        }
        if asker.area != .province, !county.isEmpty, !asker.covers(county: county) {
            try audit(AuditLog.outsideAreaCode)
            return try .refused(because: asker.outsideArea(fileNumber))
        }
        let day = date ?? LocalDate.today(clock: Int64(Date().timeIntervalSince1970))
        // Every act checks before it writes: a refusal leaves nothing half done.
        do {
            let reply = try body(day)
            try audit(nil)
            return .ok(reply)
        } catch let refusal as DeskRefusal {
            try audit(refusal.code)
            return try .refused(because: refusal.description)
        }
    }
}
