import EventFabric
import GRDB
import HouseholdDomain
import ProgrammeEvents
import ReliefProgramme

extension CoordinatorDesk {
    /// Migration `coordinator.desk.v7`: the money acts the paying agencies published (`budget.appropriated`), one
    /// row per agency and act, for the money table of the report (policy §5.2). A store migrated in place starts
    /// with none: the acts recorded before were not published.
    static func addBudgetActs(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE coord_budget_acts (
                    agency TEXT NOT NULL, act INTEGER NOT NULL, kind TEXT NOT NULL, prefecture TEXT NOT NULL,
                    year INTEGER NOT NULL, measure TEXT NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    arrived_on TEXT NOT NULL, PRIMARY KEY (agency, act)
                ) WITHOUT ROWID;
                """)
    }

    /// Keeps a money act once (a replayed event is the same agency and act).
    ///
    /// - Throws: ``DeskRefusal`` when the act is of another agency than the event's source, or of a measure that
    ///   agency does not pay (policy §4.2: the union pays the mutual-aid fee and the Golden Autumn grant, each
    ///   department its own measures); `DatabaseError`.
    func keep(_ appropriated: BudgetAppropriated, from source: String, in db: Database) throws {
        guard source == "/jiekun/\(appropriated.agency.rawValue)" else {
            throw DeskRefusal(
                code: "coordinator.budget.agency",
                description: "\(source) cannot record money for \(appropriated.agency.rawValue)")
        }
        guard AutomaticDecisions.budgetMeasures(of: appropriated.agency, policy: policy).contains(appropriated.measure)
        else {
            throw DeskRefusal(
                code: "coordinator.budget.measure",
                description: "\(appropriated.agency.rawValue) does not pay \(appropriated.measure.rawValue)")
        }
        try db.execute(
            cached: """
                INSERT INTO coord_budget_acts (agency, act, kind, prefecture, year, measure, amount_fen, arrived_on)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agency, act) DO NOTHING
                """,
            arguments: [
                appropriated.agency.rawValue, appropriated.act, appropriated.kind.rawValue, appropriated.prefecture,
                appropriated.year, appropriated.measure.rawValue, appropriated.amount.fen,
                appropriated.arrivedOn.description,
            ])
    }

    /// The money every paying agency received: the policy file's opening appropriations
    /// (``ReliefProgramme/ProvinceReport/openingAppropriations(of:)``) and every appropriation and top-up
    /// published since (policy §5.2).
    ///
    /// - Throws: `DatabaseError`.
    public func appropriations(in db: Database) throws -> [ProvinceReport.Appropriation] {
        let recorded = try Row.fetchAll(
            db,
            sql: """
                SELECT prefecture, year, measure, SUM(amount_fen) AS fen FROM coord_budget_acts
                GROUP BY prefecture, year, measure ORDER BY prefecture, year, measure
                """
        ).compactMap { row -> ProvinceReport.Appropriation? in
            guard let measure = Measure.Code(rawValue: row["measure"]) else { return nil }
            return ProvinceReport.Appropriation(
                prefecture: row["prefecture"], year: row["year"], measure: measure, amount: Yuan(fen: row["fen"]))
        }
        return ProvinceReport.openingAppropriations(of: policy) + recorded
    }
}
