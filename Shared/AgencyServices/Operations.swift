import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ReliefProgramme

/// The union's own request operations: `register` and `close`, each in the request's write transaction.
struct UnionOperations: Sendable {
    let desk: UnionDesk
    let journal: Journal

    func handle(_ request: ServiceRequest, _ db: Database) throws -> ServiceReply {
        switch request.operation {
        case Operation.register, Operation.update:
            guard let body = try? MessageCoding.decode(RegisterRequest.self, from: request.body) else {
                return try refuse("the body is not {\"csv\": \"…\"}")
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
            let filings =
                request.operation == Operation.update
                ? try desk.update(
                    entries, headers: imported.headers, on: LocalDate.today(clock: now), in: db, journal: journal)
                : try desk.file(entries, headers: imported.headers, in: db, journal: journal)
            return .ok(try MessageCoding.encode(RegisterReply(households: filings.map(RegisterReply.Household.init))))
        case Operation.close:
            guard let body = try? MessageCoding.decode(CloseRequest.self, from: request.body) else {
                return try refuse("the body is not {\"fileNumber\", \"reason\", \"closedOn\"}")
            }
            guard try desk.close(body.fileNumber, reason: body.reason, on: body.closedOn, in: db, journal: journal)
            else {
                return .error(try MessageCoding.encode(ErrorReply(reason: "no open file \(body.fileNumber)")))
            }
            return .ok(try MessageCoding.encode(CloseReply(closed: true)))
        default:
            return try refuse("unknown operation")
        }
    }
}

/// A department's own request operations: `decide` and `awaiting` (`review` mode).
struct DepartmentOperations: Sendable {
    let desk: DepartmentDesk
    let journal: Journal

    func handle(_ request: ServiceRequest, _ db: Database) throws -> ServiceReply {
        switch request.operation {
        case Operation.decide:
            guard let body = try? MessageCoding.decode(DecideRequest.self, from: request.body),
                let decision = DepartmentDesk.StaffDecision(rawValue: body.decision)
            else {
                return try refuse("the body is not {\"measureID\", \"decision\": \"approve\"|\"refuse\", \"reason\"}")
            }
            do {
                try desk.decide(
                    body.measureID, decision, reason: body.reason, by: request.peer, in: db, journal: journal)
            } catch let refusal as DepartmentDesk.Refusal {
                return try refuse(refusal.description)
            }
            return .ok(try MessageCoding.encode(DecideReply(measureID: body.measureID, decision: decision.rawValue)))
        case Operation.awaiting:
            return .ok(try MessageCoding.encode(AwaitingReply(measureIDs: try desk.awaitingStaff(in: db))))
        default:
            return try refuse("unknown operation")
        }
    }
}

/// The coordinator's own request operations: `report` and `household`.
struct CoordinatorOperations: Sendable {
    let desk: CoordinatorDesk

    func handle(_ request: ServiceRequest, _ db: Database) throws -> ServiceReply {
        switch request.operation {
        case Operation.report:
            return .ok(try MessageCoding.encode(try desk.report(in: db)))
        case Operation.household:
            guard let query = try? MessageCoding.decode(HouseholdQuery.self, from: request.body) else {
                return try refuse("the body is not {\"fileNumber\": \"…\"}")
            }
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT status, closed_reason, closed_on FROM coord_households WHERE file_number = ?",
                    arguments: [query.fileNumber]),
                let file = try desk.file(query.fileNumber, in: db)
            else {
                return .error(try MessageCoding.encode(ErrorReply(reason: "no file \(query.fileNumber)")))
            }
            let state = HouseholdState(
                fileNumber: query.fileNumber, status: row["status"], closedReason: row["closed_reason"],
                closedOn: row["closed_on"], category: file.assessment.category?.rawValue,
                filedOn: file.assessment.filedOn, decisions: file.decisions, readiness: file.readiness,
                timeline: try desk.timeline(of: query.fileNumber, in: db))
            return .ok(try MessageCoding.encode(state))
        default:
            return try refuse("unknown operation")
        }
    }
}

/// A refusal with its reason as JSON.
private func refuse(_ reason: String) throws -> ServiceReply {
    .refused(try MessageCoding.encode(ErrorReply(reason: reason)))
}
