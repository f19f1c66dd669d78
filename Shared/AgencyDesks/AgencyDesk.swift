import EventFabric
import GRDB
import HouseholdDomain
import ProgrammeEvents

/// An agency's desk: its rules over its store, without sockets. The union registry (``UnionDesk``), the five
/// departments (``DepartmentDesk``) and the coordinator (``CoordinatorDesk``) each have one, and
/// `AgencyAssembly.build(desk:configuration:counters:logger:)` wires any of them to the fabric the same way.
///
/// Every desk is found by the same path in `Shared/AgencyDesks`:
/// - `<Desk>.swift`: its rules — what it does with each event it consumes (``apply(_:in:journal:)``);
/// - `<Desk>+Schema.swift`: its tables (``registerMigrations(_:)``);
/// - `<Desk>+Operations.swift`: its request operations (``answer(_:in:journal:)``, bodies in `Messages.swift`).
///
/// What it consumes and publishes follows from its agency and the feed table (``Feed/consumed(by:)``,
/// ``Feed/published(by:)``). A desk keeps no state outside its store: the fabric may apply an event again after a
/// handler error, and an event applied, the desk's records and the events it appends commit together.
public protocol AgencyDesk: Sendable {
    /// The agency whose desk this is.
    var agency: Agency { get }

    /// Registers the desk's tables (the request server's and the journal's are registered by the fabric).
    ///
    /// - Parameter migrator: The store's migrator.
    static func registerMigrations(_ migrator: inout DatabaseMigrator)

    /// Seeds the agency's budget lines (and housing's public-rental stock) from the policy, once; nothing for an
    /// agency that pays nothing.
    ///
    /// - Throws: `DatabaseError`.
    func seedBudgets(in db: Database) throws

    /// Applies one event of an upstream feed inside the applying transaction, appending the desk's own events to
    /// the journal.
    ///
    /// - Throws: ``DeskRefusal`` for an event the desk cannot use; `DatabaseError`, `DecodingError`.
    func apply(_ event: CloudEvent, in db: Database, journal: Journal) throws

    /// The operations among the desk's own that only read: answered in a read transaction on a reading
    /// connection, their replies not stored.
    static var queries: Set<String> { get }

    /// The roles that may call each of the desk's own operations (policy C.6; docs/OPERATIONS.md, "Staff and
    /// roles"). An operation not listed is unknown; `status` is the fabric's and open to every admitted key. The
    /// request server checks the asker's roles before ``answer(_:as:in:journal:)``; the desk checks the area.
    static var operationRoles: [String: Set<StaffRole>] { get }

    /// Answers one request of the desk's own operations (`status` is the fabric's), inside the request's
    /// transaction: a write transaction that also stores the reply for a command, a read transaction for one of
    /// ``queries``.
    ///
    /// - Parameters:
    ///   - request: The request.
    ///   - asker: Who asks, already authorised for the operation: the desk answers only about households in their
    ///     area and records their staff id with what it changes.
    ///   - db: The request's transaction.
    ///   - journal: The store's journal.
    /// - Returns: The reply; an unknown operation or a bad body is refused with the reason.
    /// - Throws: `DatabaseError` (the request fails and nothing is committed).
    func answer(_ request: ServiceRequest, as asker: Asker, in db: Database, journal: Journal) throws -> ServiceReply
}

extension AgencyDesk {
    /// The feeds the desk consumes (its upstream), in ``Feed/all`` order.
    public var upstreamFeeds: [Feed] { Feed.consumed(by: agency) }

    /// The feeds the desk publishes on, in ``Feed/all`` order.
    public var publishedFeeds: [Feed] { Feed.published(by: agency) }

    /// Upstream feed name → the event types the desk accepts on it; the subscriber refuses any other type before
    /// the desk sees it.
    public var acceptedTypes: [String: Set<String>] {
        Dictionary(uniqueKeysWithValues: upstreamFeeds.map { ($0.name, Set($0.eventTypes)) })
    }

    /// The CloudEvents `source` of the desk's events: `/jiekun/<agency>`.
    public var source: String { "/jiekun/\(agency.rawValue)" }

    /// No budget lines.
    public func seedBudgets(in db: Database) throws {}

    /// No query.
    public static var queries: Set<String> { [] }
}
