import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents

extension DepartmentDesk {
    /// The desk's tables (migrations `agency.budgets.v1` and `department.desk.v1`–`v6`).
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        StoredBudgets.registerMigrations(&migrator)
        migrator.registerMigration("department.desk.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE desk_households (
                        file_number TEXT PRIMARY KEY, view BLOB NOT NULL, status TEXT NOT NULL,
                        closed_reason TEXT, closed_on TEXT
                    );
                    CREATE TABLE desk_decisions (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, decision BLOB NOT NULL
                    );
                    CREATE INDEX desk_decisions_by_file ON desk_decisions (file_number);
                    CREATE TABLE desk_pending_support (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL,
                        decision BLOB NOT NULL, request BLOB NOT NULL
                    );
                    CREATE INDEX desk_pending_by_file ON desk_pending_support (file_number);
                    CREATE TABLE desk_pending_reviews (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, request BLOB NOT NULL
                    );
                    CREATE INDEX desk_reviews_by_file ON desk_pending_reviews (file_number);
                    """)
        }
        migrator.registerMigration("department.desk.v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE desk_awaiting_staff (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, instance BLOB NOT NULL
                    );
                    CREATE INDEX desk_awaiting_by_file ON desk_awaiting_staff (file_number);
                    """)
        }
        migrator.registerMigration("department.desk.v3") { db in
            // The view is kept as the event brought it (the data of `household.registered` or
            // `household.updated`, an object with a `view` member), not encoded again; its category is a
            // column, for civil affairs' reviews. Decisions are kept as columns (`DecisionColumns`).
            try db.execute(
                sql: """
                    ALTER TABLE desk_households RENAME TO desk_households_v2;
                    CREATE TABLE desk_households (
                        file_number TEXT PRIMARY KEY, view_data BLOB NOT NULL, category INTEGER,
                        status TEXT NOT NULL, closed_reason TEXT, closed_on TEXT
                    );
                    """)
            let rows = try Row.fetchCursor(
                db, sql: "SELECT file_number, view, status, closed_reason, closed_on FROM desk_households_v2")
            while let row = try rows.next() {
                let view = try DeskCoding.decode(HouseholdView.self, from: row["view"])
                try db.execute(
                    sql: "INSERT INTO desk_households VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [
                        row["file_number"], try DeskCoding.encode(HouseholdUpdated(view: view)),
                        view.category?.rawValue,
                        row["status"], row["closed_reason"], row["closed_on"],
                    ])
            }
            try db.execute(
                sql: """
                    DROP TABLE desk_households_v2;
                    DROP INDEX desk_decisions_by_file;
                    ALTER TABLE desk_decisions RENAME TO desk_decisions_v2;
                    \(DecisionColumns.createTable("desk_decisions"));
                    """)
            try DecisionColumns.copy(fromJSONTable: "desk_decisions_v2", into: "desk_decisions", db: db)
            try db.execute(sql: "DROP TABLE desk_decisions_v2")
        }
        migrator.registerMigration("department.desk.v4") { db in
            // Maker-checker (policy C.6, 四眼原则): a clerk's proposal for a measure awaiting staff — the outcome
            // proposed (`approve` or `refuse`), its reason and the proposer's staff id — until an approver decides.
            try db.execute(
                sql: """
                    ALTER TABLE desk_awaiting_staff ADD COLUMN proposed_decision TEXT;
                    ALTER TABLE desk_awaiting_staff ADD COLUMN proposed_reason TEXT;
                    ALTER TABLE desk_awaiting_staff ADD COLUMN proposed_by TEXT;
                    """)
        }
        migrator.registerMigration("department.desk.v5") { db in
            // Maker-checker complete (policy C.6): a proposal's refusal reason code, its business date, the first
            // approver of an amount that needs two and the act a correction corrects; every staff act on a measure,
            // append-only.
            try db.execute(
                sql: """
                    ALTER TABLE desk_awaiting_staff ADD COLUMN proposed_code TEXT;
                    ALTER TABLE desk_awaiting_staff ADD COLUMN proposed_on TEXT;
                    ALTER TABLE desk_awaiting_staff ADD COLUMN first_approved_by TEXT;
                    ALTER TABLE desk_awaiting_staff ADD COLUMN corrects INTEGER;
                    CREATE TABLE desk_staff_acts (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, measure_id TEXT NOT NULL, file_number TEXT NOT NULL,
                        act TEXT NOT NULL, decision TEXT NOT NULL, reason_code TEXT, reason TEXT NOT NULL,
                        staff_id TEXT, business_date TEXT NOT NULL, recorded_at DATETIME NOT NULL, corrects INTEGER
                    );
                    CREATE INDEX desk_staff_acts_by_file ON desk_staff_acts (file_number, seq);
                    CREATE TRIGGER desk_staff_acts_no_update BEFORE UPDATE ON desk_staff_acts
                    BEGIN SELECT RAISE(ABORT, 'desk_staff_acts is append-only'); END;
                    CREATE TRIGGER desk_staff_acts_no_delete BEFORE DELETE ON desk_staff_acts
                    BEGIN SELECT RAISE(ABORT, 'desk_staff_acts is append-only'); END;
                    """)
        }
        registerDeliveryMigration(&migrator)
    }
}
