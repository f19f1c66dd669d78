import EventFabric
import Foundation
import GRDB
import HouseholdDomain

extension UnionDesk {
    /// The desk's tables (migrations `agency.budgets.v1` and `union.desk.v1` to `union.desk.v5`).
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        StoredBudgets.registerMigrations(&migrator)
        migrator.registerMigration("union.desk.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE union_files (
                        file_number TEXT PRIMARY KEY, division_code TEXT NOT NULL, filed_on TEXT NOT NULL,
                        household BLOB NOT NULL, assessment BLOB NOT NULL, helper TEXT,
                        status TEXT NOT NULL, closed_reason TEXT, closed_on TEXT
                    );
                    CREATE TABLE union_members (
                        identity_number TEXT PRIMARY KEY, file_number TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE union_decisions (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, decision BLOB NOT NULL
                    );
                    CREATE INDEX union_decisions_by_file ON union_decisions (file_number);
                    """)
        }
        migrator.registerMigration("union.desk.v2") { db in
            try migrateToCompactFiles(db)
        }
        // No `union_decisions`: the coordinator keeps and shows the departments' decisions, and the union reads
        // only the requests it pays (a copy of every decision, which nothing reads, is a tenth of its import time).
        migrator.registerMigration("union.desk.v3") { db in
            try db.execute(sql: "DROP TABLE union_decisions")
        }
        // A person may be in several files, at most one of them open: a household that falls back is filed again
        // and its persons stay in the closed file too, which links the new file to it (policy Part C.5).
        migrator.registerMigration("union.desk.v4") { db in
            try db.execute(
                sql: """
                    ALTER TABLE union_members RENAME TO union_members_v3;
                    CREATE TABLE union_members (
                        identity_number TEXT NOT NULL, file_number TEXT NOT NULL,
                        PRIMARY KEY (identity_number, file_number)
                    ) WITHOUT ROWID;
                    INSERT INTO union_members (identity_number, file_number)
                        SELECT identity_number, file_number FROM union_members_v3;
                    DROP TABLE union_members_v3;
                    """)
        }
        // The exit procedure (policy C.4): one procedure per file (a new proposal after a return replaces it; the
        // acts keep the history), its objections, its append-only acts, and the follow-up visits after exit (C.5).
        migrator.registerMigration("union.desk.v5") { db in
            try db.execute(
                sql: """
                    CREATE TABLE union_exits (
                        file_number TEXT PRIMARY KEY, division_code TEXT NOT NULL, state TEXT NOT NULL,
                        origin TEXT NOT NULL, proposed_on TEXT NOT NULL, proposed_by TEXT, reviewed_on TEXT,
                        reviewed_by TEXT, publicity_from TEXT, publicity_until TEXT, approved_on TEXT, approved_by TEXT,
                        reason TEXT
                    );
                    CREATE INDEX union_exits_by_state ON union_exits (state, file_number);
                    CREATE TABLE union_exit_objections (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, file_number TEXT NOT NULL, recorded_on TEXT NOT NULL,
                        recorded_by TEXT, text TEXT NOT NULL, resolution TEXT, resolved_on TEXT, resolved_by TEXT,
                        resolution_reason TEXT
                    );
                    CREATE INDEX union_exit_objections_by_file ON union_exit_objections (file_number);
                    CREATE TABLE union_exit_acts (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, file_number TEXT NOT NULL, act TEXT NOT NULL,
                        staff_id TEXT, business_date TEXT NOT NULL, recorded_at DATETIME NOT NULL,
                        reason TEXT NOT NULL, simulated INTEGER NOT NULL
                    );
                    CREATE INDEX union_exit_acts_by_file ON union_exit_acts (file_number, seq);
                    CREATE TRIGGER union_exit_acts_no_update BEFORE UPDATE ON union_exit_acts
                    BEGIN SELECT RAISE(ABORT, 'union_exit_acts is append-only'); END;
                    CREATE TRIGGER union_exit_acts_no_delete BEFORE DELETE ON union_exit_acts
                    BEGIN SELECT RAISE(ABORT, 'union_exit_acts is append-only'); END;
                    CREATE TABLE union_visits (
                        file_number TEXT NOT NULL, division_code TEXT NOT NULL, number INTEGER NOT NULL,
                        due_on TEXT NOT NULL, latest_on TEXT NOT NULL, visited_on TEXT, visited_by TEXT,
                        stable INTEGER, findings TEXT, recorded_at DATETIME,
                        PRIMARY KEY (file_number, number)
                    ) WITHOUT ROWID;
                    CREATE INDEX union_visits_by_due ON union_visits (visited_on, due_on);
                    """)
        }
    }

    /// Migration `union.desk.v2`: the file keeps its category instead of the whole assessment (the household is
    /// kept, so the assessment can always be made again), the open files per helper are counted in
    /// `union_helper_load` (pairing reads the load, not the county's files), and the departments' decisions are kept
    /// as columns instead of JSON (``DecisionColumns``).
    private static func migrateToCompactFiles(_ db: Database) throws {
        try db.execute(
            sql: """
                DROP INDEX union_decisions_by_file;
                ALTER TABLE union_files RENAME TO union_files_v1;
                ALTER TABLE union_decisions RENAME TO union_decisions_v1;
                CREATE TABLE union_files (
                    file_number TEXT PRIMARY KEY, division_code TEXT NOT NULL, filed_on TEXT NOT NULL,
                    household BLOB NOT NULL, category INTEGER NOT NULL, helper TEXT,
                    status TEXT NOT NULL, closed_reason TEXT, closed_on TEXT
                );
                \(DecisionColumns.createTable("union_decisions"));
                CREATE TABLE union_helper_load (
                    division_code TEXT NOT NULL, helper TEXT NOT NULL, open_files INTEGER NOT NULL,
                    PRIMARY KEY (division_code, helper)
                ) WITHOUT ROWID;
                """)
        let files = try Row.fetchCursor(
            db,
            sql: """
                SELECT file_number, division_code, filed_on, household, assessment, helper, status, closed_reason,
                closed_on FROM union_files_v1
                """)
        while let row = try files.next() {
            // Only eligible households were ever filed, so every assessment has a category.
            guard let category = try DeskCoding.decode(Assessment.self, from: row["assessment"]).category else {
                throw DatabaseError(message: "union.desk.v2: file \(row["file_number"] as String) has no category")
            }
            try db.execute(
                sql: "INSERT INTO union_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    row["file_number"], row["division_code"], row["filed_on"], row["household"] as Data,
                    category.rawValue, row["helper"], row["status"], row["closed_reason"], row["closed_on"],
                ])
        }
        try DecisionColumns.copy(fromJSONTable: "union_decisions_v1", into: "union_decisions", db: db)
        try db.execute(
            sql: """
                DROP TABLE union_files_v1;
                DROP TABLE union_decisions_v1;
                INSERT INTO union_helper_load (division_code, helper, open_files)
                SELECT division_code, helper, COUNT(*) FROM union_files
                WHERE status = 'open' AND helper IS NOT NULL GROUP BY division_code, helper;
                """)
    }
}
