import EventFabric
import GRDB

extension DepartmentDesk {
    /// `awaiting` only reads.
    public static var queries: Set<String> { [Operation.awaiting] }

    /// Answers a department's own request operations (`review` mode): `decide` (``DecideRequest`` →
    /// ``DecideReply``, in the request's write transaction) and `awaiting` (→ ``AwaitingReply``).
    ///
    /// - Throws: `DatabaseError`, `EncodingError`.
    public func answer(_ request: ServiceRequest, in db: Database, journal: Journal) throws -> ServiceReply {
        switch request.operation {
        case Operation.decide:
            guard let body = try? MessageCoding.decode(DecideRequest.self, from: request.body),
                let decision = StaffDecision(rawValue: body.decision)
            else {
                return try .refused(
                    because: "the body is not {\"measureID\", \"decision\": \"approve\"|\"refuse\", \"reason\"}")
            }
            do {
                try decide(body.measureID, decision, reason: body.reason, by: request.peer, in: db, journal: journal)
            } catch let refusal as DeskRefusal {
                return try .refused(because: refusal.description)
            }
            return .ok(try MessageCoding.encode(DecideReply(measureID: body.measureID, decision: decision.rawValue)))
        case Operation.awaiting:
            return .ok(try MessageCoding.encode(AwaitingReply(measureIDs: try awaitingStaff(in: db))))
        default:
            return try .refused(because: "unknown operation")
        }
    }
}
