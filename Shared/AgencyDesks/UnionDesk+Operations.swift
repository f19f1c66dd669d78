import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ReliefProgramme

extension UnionDesk {
    /// `register`, `update` and `close`: clerks, for households of their area; `search` and `file` (the household
    /// page, ``answerFile(_:as:in:journal:)``): clerks, approvers and auditors, within their area (they show personal
    /// data: not finance, not admins); the exit procedure's operations as ``exitOperationRoles`` says (policy C.4,
    /// C.6); the budget's as ``BudgetOperations/roles`` says.
    public static var operationRoles: [String: Set<StaffRole>] {
        [
            Operation.register: [.clerk], Operation.update: [.clerk], Operation.close: [.clerk],
            Operation.search: [.clerk, .approver, .auditor], Operation.file: fileRoles,
        ].merging(exitOperationRoles) { first, _ in first }.merging(BudgetOperations.roles) { first, _ in first }
    }

    /// Answers the union's own request operations, each in the request's write transaction: `register` and
    /// `update` (an import file, ``RegisterRequest`` → ``RegisterReply``: a household outside the asker's area is
    /// refused with the reason, the others filed) and `close` (``CloseRequest`` → ``CloseReply``, a file of the
    /// asker's area), and `search` (``SearchRequest`` → ``SearchReply``, the asker's area only; each household shown
    /// is a read, logged in the audit log).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func answer(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws
        -> ServiceReply
    {
        switch request.operation {
        case Operation.budget, Operation.budgetAct:
            return try answerBudget(request, as: asker, in: db, journal: journal)
        case Operation.register, Operation.update:
            guard let body = try? MessageCoding.decode(RegisterRequest.self, from: request.body) else {
                return try .refused(because: "the body is not {\"csv\": \"…\"}")
            }
            let now = Int64(Date().timeIntervalSince1970)
            let imported: HouseholdImport
            do {
                imported = try HouseholdImporter(today: LocalDate.today(clock: now)).read(
                    bytes: Array(body.csv.utf8), fileRows: body.rows)
            } catch {
                return .error(try MessageCoding.encode(ErrorReply(reason: "\(error)")))
            }
            // A household without a filing date is refused anyway.
            let entries = imported.entries.sortedInFilingOrder { $0.facts.filedOn }
            let column = imported.headers[.divisionCode] ?? HouseholdImport.Column.divisionCode.rawValue
            var outside: [Int: Filing] = [:]
            for (index, entry) in entries.enumerated() {
                let county = entry.household?.divisionCode ?? entry.facts.divisionCode ?? ""
                guard asker.area != .province, !asker.covers(county: county) else { continue }
                outside[index] = .refused(
                    fileNumber: entry.fileNumber,
                    errors: [
                        ImportIssue(
                            code: "staff.area.outside", row: entry.householdRow, column: column, value: county,
                            message: asker.outsideArea(entry.fileNumber))
                    ])
            }
            let inside = entries.indices.filter { outside[$0] == nil }.map { entries[$0] }
            var filed =
                request.operation == Operation.update
                ? try update(
                    inside, headers: imported.headers, on: body.updatedOn ?? LocalDate.today(clock: now), in: db,
                    journal: journal)
                : try file(inside, headers: imported.headers, in: db, journal: journal)
            filed.reverse()
            let filings = entries.indices.map { outside[$0] ?? filed.removeLast() }
            let touches = zip(entries, filings).map { entry, filing in
                var touch = AuditLog.Touch(
                    fileNumber: entry.fileNumber,
                    county: entry.household?.divisionCode ?? entry.facts.divisionCode ?? "",
                    businessDate: request.operation == Operation.register ? entry.facts.filedOn : nil)
                if case .refused(_, let errors) = filing { touch.refusalCode = errors.first?.code ?? "import.refused" }
                return touch
            }
            try AuditLog.record(
                touches, of: request, by: asker,
                on: request.operation == Operation.update ? body.updatedOn : nil, in: db)
            let answers = zip(entries, filings).map { RegisterReply.Household($1, row: $0.householdRow) }
            return .ok(try MessageCoding.encode(RegisterReply(households: answers)))
        case Operation.close:
            guard let body = try? MessageCoding.decode(CloseRequest.self, from: request.body) else {
                return try .refused(because: "the body is not {\"fileNumber\", \"reason\", \"closedOn\"}")
            }
            let county =
                try String.fetchOne(
                    db, sql: "SELECT division_code FROM union_files WHERE file_number = ?",
                    arguments: [body.fileNumber]) ?? ""
            func audit(_ refusalCode: String?) throws {
                try AuditLog.record(
                    [AuditLog.Touch(fileNumber: body.fileNumber, county: county, refusalCode: refusalCode)],
                    of: request, by: asker, on: body.closedOn, in: db)
            }
            if asker.area != .province, !county.isEmpty, !asker.covers(county: county) {
                try audit(AuditLog.outsideAreaCode)
                return try .refused(because: asker.outsideArea(body.fileNumber))
            }
            // An exit closes a file only through its procedure: review, 公示, approval by another person (policy
            // C.4, C.6), never by a clerk's `close`.
            guard body.reason != .exited else {
                try audit("close.exit-procedure")
                return .error(
                    try MessageCoding.encode(
                        ErrorReply(
                            reason: "解困销档须经退出程序（审核、公示、审批）：jiekun exit … (an exit closes a file only through "
                                + "the exit procedure: review, publicity, approval; policy C.4)")))
            }
            guard try close(body.fileNumber, reason: body.reason, on: body.closedOn, in: db, journal: journal) else {
                try audit("file.not-open")
                return .error(try MessageCoding.encode(ErrorReply(reason: "no open file \(body.fileNumber)")))
            }
            try audit(nil)
            return .ok(try MessageCoding.encode(CloseReply(closed: true)))
        case Operation.search:
            guard let query = try? MessageCoding.decode(SearchRequest.self, from: request.body) else {
                return try .refused(because: "the body is not {\"text\": \"…\", \"field\": \"name\"|…}")
            }
            let reply: SearchReply
            do {
                reply = try search(query, within: asker.area, in: db)
            } catch let refusal as DeskRefusal {
                return try .refused(because: refusal.description)
            }
            try AuditLog.record(
                reply.households.map { AuditLog.Touch(fileNumber: $0.fileNumber, county: $0.county) }, of: request,
                by: asker, in: db)
            return .ok(try MessageCoding.encode(reply))
        case Operation.file:
            return try answerFile(request, as: asker, in: db, journal: journal)
        default:
            if let reply = try answerExit(request, as: asker, in: db, journal: journal) { return reply }
            return try .refused(because: "unknown operation")
        }
    }
}
