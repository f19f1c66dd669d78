import EventFabric
import Foundation
import GRDB
import HouseholdDomain

extension UnionDesk {
    /// Answers the union's own request operations, each in the request's write transaction: `register` and
    /// `update` (an import file, ``RegisterRequest`` → ``RegisterReply``) and `close` (``CloseRequest`` →
    /// ``CloseReply``).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func answer(_ request: ServiceRequest, in db: Database, journal: Journal) throws -> ServiceReply {
        switch request.operation {
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
            let filings =
                request.operation == Operation.update
                ? try update(
                    entries, headers: imported.headers, on: body.updatedOn ?? LocalDate.today(clock: now), in: db,
                    journal: journal)
                : try file(entries, headers: imported.headers, in: db, journal: journal)
            return .ok(try MessageCoding.encode(RegisterReply(households: filings.map(RegisterReply.Household.init))))
        case Operation.close:
            guard let body = try? MessageCoding.decode(CloseRequest.self, from: request.body) else {
                return try .refused(because: "the body is not {\"fileNumber\", \"reason\", \"closedOn\"}")
            }
            guard try close(body.fileNumber, reason: body.reason, on: body.closedOn, in: db, journal: journal) else {
                return .error(try MessageCoding.encode(ErrorReply(reason: "no open file \(body.fileNumber)")))
            }
            return .ok(try MessageCoding.encode(CloseReply(closed: true)))
        default:
            return try .refused(because: "unknown operation")
        }
    }
}
