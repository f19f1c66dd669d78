import Foundation
import GRDB
import HouseholdDomain

extension UnionDesk {
    /// One act of a file's exit procedure as `union_exit_acts` keeps it (append-only, policy C.4, C.6).
    public struct ExitAct: Codable, Sendable, Hashable {
        /// `proposed`, `reviewed`, `returned`, `objection`, `objection-dismissed`, `objection-upheld`, `approved`
        /// or `visit`.
        public var act: String
        /// Who did it (pseudonymous staff id; `coordinator` for its proposal).
        public var staffID: String?
        /// The business date.
        public var businessDate: LocalDate
        /// The clock time it was recorded.
        public var recordedAt: Date
        /// The act's reason or detail (an objection's number, a visit's number and verdict; never personal data
        /// beyond what staff typed as a reason).
        public var reason: String
        /// Whether the demo's simulated staff did it (``ExitMode/auto``).
        public var simulated: Bool
    }

    /// A file's exit acts, oldest first.
    ///
    /// - Throws: `DatabaseError`.
    public func exitActs(of fileNumber: String, in db: Database) throws -> [ExitAct] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT act, staff_id, business_date, recorded_at, reason, simulated FROM union_exit_acts
                WHERE file_number = ? ORDER BY seq
                """,
            arguments: [fileNumber]
        ).map { row in
            ExitAct(
                act: row["act"], staffID: row["staff_id"],
                businessDate: LocalDate(row["business_date"] as String) ?? LocalDate(daysSinceEpoch: 0),
                recordedAt: row["recorded_at"], reason: row["reason"], simulated: row["simulated"])
        }
    }

    /// The households in publicity (公示) in `area` whose publicity has not ended before `date`, by county then file
    /// number, with the worker's name and employer only (policy C.4: what a notice board shows).
    ///
    /// - Throws: `DatabaseError`, `DecodingError`.
    public func publicityList(
        on date: LocalDate, within area: StaffArea, registry: CountyRegistry = .yunnan, in db: Database
    ) throws -> [ExitPublicityReply.Entry] {
        var entries: [ExitPublicityReply.Entry] = []
        for procedure in try exitsUnderWay(within: area, in: db) where procedure.state == .publicity {
            guard let from = procedure.publicityFrom, let until = procedure.publicityUntil, until >= date,
                let blob = try Data.fetchOne(
                    db, sql: "SELECT household FROM union_files WHERE file_number = ?",
                    arguments: [procedure.fileNumber])
            else { continue }
            let household = try DeskCoding.decode(Household.self, from: blob)
            let worker = household.members.first { $0.relation == .worker } ?? household.members.first
            let county = registry.county(code: procedure.county)
            entries.append(
                ExitPublicityReply.Entry(
                    fileNumber: procedure.fileNumber, county: procedure.county, countyName: county?.name ?? "",
                    prefectureName: county?.prefectureName ?? "", worker: worker?.name ?? "",
                    employer: household.employer, publicityFrom: from, publicityUntil: until))
        }
        return entries.sorted { ($0.county, $0.fileNumber) < ($1.county, $1.fileNumber) }
    }
}
