import AgencyDesks
import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import Logging
import ServiceRuntime
import Workbench

extension AgencyAssembly {
    /// Opens (creating and migrating if needed) the store of the agency the configuration names, with the same
    /// migrations as its service: the desk's, the request server's and the staff register's. `jiekun staff` opens
    /// it this way on the agency's host, beside the running service (SQLite WAL, ``EventStore/busyTimeout``), and
    /// before the first start, which is how the first admin is added.
    ///
    /// - Parameters:
    ///   - configuration: The agency's configuration.
    ///   - logger: For the store's notices.
    /// - Returns: The store.
    /// - Throws: `DatabaseError` when the file cannot be opened or migrated.
    public static func openStore(for configuration: AgencyConfiguration, logger: Logger) throws -> EventStore {
        // A new store's chain takes the suite of the agency's signing key (sm2-sm3 when keys.signing is SM2).
        let suite = configuration.signingKey?.suite ?? .standard
        switch configuration.agency {
        case .union: return try openStore(UnionDesk.self, path: configuration.store, suite: suite, logger: logger)
        case .coordinator:
            return try openStore(CoordinatorDesk.self, path: configuration.store, suite: suite, logger: logger)
        case .humanResources, .medicalInsurance, .education, .housing, .civilAffairs:
            return try openStore(DepartmentDesk.self, path: configuration.store, suite: suite, logger: logger)
        }
    }

    /// Opens a desk's store with its migrations, the request server's, the staff register's and the audit log's.
    static func openStore<Desk: AgencyDesk>(
        _ desk: Desk.Type, path: String, suite: EvidenceSuite = .standard, logger: Logger
    ) throws -> EventStore {
        try EventStore(
            path: path, evidenceSuite: suite,
            migrations: { migrator in
                Desk.registerMigrations(&migrator)
                RequestServer.registerMigrations(&migrator)
                StaffRegister.registerMigrations(&migrator)
                AuditLog.registerMigrations(&migrator)
                Workbench.registerMigrations(&migrator)
            }, logger: logger)
    }

    /// The error a key without an enabled staff record gets for a business operation.
    ///
    /// - Parameter agency: The agency asked.
    /// - Returns: The reason, Chinese first.
    public static func noStaffReason(at agency: String) -> String {
        "此密钥在 \(agency) 没有启用的工作人员记录，请联系本机构管理员 (no enabled staff member has this key at \(agency): "
            + "ask the agency's admin (jiekun staff add))"
    }

    /// Authorises each request for a desk operation before the desk answers it (DESIGN "People, operations and
    /// pages"): the operation's roles (``AgencyDesk/operationRoles``) against the asker's, who must be an enabled
    /// staff member (`staff:<id>` peer, read from the store in the request's transaction, so that a member disabled
    /// since the connection opened is refused). A peer agency's or operator's key is refused every business
    /// operation; `status` is answered before this handler. Refusals are counted (`jiekun.requests.unauthorised`)
    /// and logged with the staff id or peer name, never a staff name. Without CURVE (no peer) nothing is enforced.
    /// `audit` (``AuditLog``), on every agency, is authorised the same way, for auditors.
    ///
    /// - Parameters:
    ///   - desk: The desk.
    ///   - agency: The agency's name, for the replies.
    ///   - counters: The process's counters.
    ///   - logger: The service's logger.
    ///   - journal: The store's journal.
    /// - Returns: The handler answering the desk's operations.
    static func authorising<Desk: AgencyDesk>(
        _ desk: Desk, agency: String, counters: Counters, logger: Logger, journal: Journal
    ) -> RequestServer.Handler {
        let outOfArea: @Sendable () -> Void = {
            counters.increment(Counters.Label.requestsOutOfArea, dimensions: [("server", "requests")])
        }
        let selfApproval: @Sendable () -> Void = {
            counters.increment(Counters.Label.requestsSelfApproval, dimensions: [("server", "requests")])
        }
        return { request, db in
            guard let peer = request.peer else {
                if request.operation == AuditLog.operation {
                    return try AuditLog.answer(request, as: .unauthenticated, in: db)
                }
                return try desk.answer(request, as: .unauthenticated, in: db, journal: journal)
            }
            let roles =
                request.operation == AuditLog.operation ? AuditLog.roles : Desk.operationRoles[request.operation]
            guard let roles else {
                return try ServiceReply.refused(because: "unknown operation")
            }
            func refuse(_ reason: String, _ why: String) throws -> ServiceReply {
                counters.increment(Counters.Label.requestsUnauthorised, dimensions: [("server", "requests")])
                logger.warning(
                    "Request refused: not authorised",
                    metadata: [
                        "request.peer": "\(peer)", "request.operation": "\(request.operation)", "reason": "\(why)",
                    ])
                return try ServiceReply.refused(because: reason)
            }
            guard let staffID = StaffRegister.staffID(ofPeer: peer) else {
                return try refuse(
                    "\(peer) 是机构或运维密钥，不是工作人员，只能查询 status (\(peer) is a peer agency's or operator's key, "
                        + "not a staff member: it may read status only). " + noStaffReason(at: agency), "not staff")
            }
            guard let member = try StaffRegister.member(id: staffID, in: db), member.enabled,
                let area = try? StaffArea(code: member.area)
            else {
                return try refuse(noStaffReason(at: agency), "no enabled staff record")
            }
            guard !member.roles.isDisjoint(with: roles) else {
                return try refuse(
                    "\(staffID) 的角色 \(member.roles.staffText) 不能执行 \(request.operation)，需要 \(roles.staffText) "
                        + "(\(staffID) may not \(request.operation) at \(agency): it needs the role "
                        + roles.sorted().map(\.rawValue).joined(separator: " or ") + ")",
                    "role")
            }
            let asker = Asker(
                staffID: staffID, area: area, roles: member.roles, outOfArea: outOfArea, selfApproval: selfApproval)
            if request.operation == AuditLog.operation { return try AuditLog.answer(request, as: asker, in: db) }
            return try desk.answer(request, as: asker, in: db, journal: journal)
        }
    }
}
