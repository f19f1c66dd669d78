import EventFabric
import Foundation
import GRDB
import HouseholdDomain
import ProgrammeEvents

extension CoordinatorDesk {
    /// The desk's tables (migrations `coordinator.desk.v1` to `coordinator.desk.v7`).
    public static func registerMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("coordinator.desk.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE coord_households (
                        file_number TEXT PRIMARY KEY, view BLOB NOT NULL, status TEXT NOT NULL,
                        exit_date TEXT, closed_reason TEXT, closed_on TEXT
                    );
                    CREATE TABLE coord_decisions (
                        measure_id TEXT PRIMARY KEY, file_number TEXT NOT NULL, decision BLOB NOT NULL
                    );
                    CREATE INDEX coord_decisions_by_file ON coord_decisions (file_number);
                    """)
        }
        migrator.registerMigration("coordinator.desk.v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE coord_timeline (
                        entry INTEGER PRIMARY KEY AUTOINCREMENT, file_number TEXT NOT NULL, event_id TEXT NOT NULL,
                        type TEXT NOT NULL, source TEXT NOT NULL, effective_date TEXT
                    );
                    CREATE INDEX coord_timeline_by_file ON coord_timeline (file_number, entry);
                    """)
        }
        migrator.registerMigration("coordinator.desk.v3") { db in
            try migrateToCompactState(db)
        }
        migrator.registerMigration("coordinator.desk.v4") { db in
            try addReportColumns(db)
        }
        migrator.registerMigration("coordinator.desk.v5") { db in
            try migrateToSteppedTimelineIndex(db)
        }
        migrator.registerMigration("coordinator.desk.v6") { db in
            try addCountyAndEarlierFileColumns(db)
        }
        migrator.registerMigration("coordinator.desk.v7") { db in
            try addBudgetActs(db)
        }
    }

    /// Migration `coordinator.desk.v6`: each file's county (the report's per-county table), filled from the kept
    /// views, and the closed file a new file's persons were in (policy Part C.5, `household.registered`'s
    /// `earlierFile`; none for the files kept before), indexed to find the later files of a file.
    private static func addCountyAndEarlierFileColumns(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE coord_households ADD COLUMN division_code TEXT NOT NULL DEFAULT '';
                ALTER TABLE coord_households ADD COLUMN earlier_file TEXT;
                ALTER TABLE coord_households ADD COLUMN earlier_prefecture TEXT;
                ALTER TABLE coord_households ADD COLUMN earlier_reason TEXT;
                ALTER TABLE coord_households ADD COLUMN earlier_closed_on TEXT;
                CREATE INDEX coord_households_by_earlier_file ON coord_households (earlier_file)
                    WHERE earlier_file IS NOT NULL;
                """)
        let views = try Row.fetchCursor(db, sql: "SELECT view_data FROM coord_views")
        while let row = try views.next() {
            let view = try DeskCoding.decode(KeptView.self, from: row["view_data"]).view
            try db.execute(
                sql: "UPDATE coord_households SET division_code = ? WHERE file_number = ?",
                arguments: [view.divisionCode, view.fileNumber])
        }
    }

    /// Migration `coordinator.desk.v5`: the timeline is indexed by file a step at a time (``timeline(of:in:)``), in
    /// `coord_timeline_index` up to the entry `coord_timeline_indexed.through`, instead of by an SQLite index kept on
    /// every insert; and its entries are numbered without AUTOINCREMENT (rows are only ever appended, so SQLite's
    /// next rowid orders them the same, without updating `sqlite_sequence` on every insert).
    private static func migrateToSteppedTimelineIndex(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE coord_timeline_v5 (
                    entry INTEGER PRIMARY KEY, file_number TEXT NOT NULL, event_id TEXT NOT NULL,
                    type TEXT NOT NULL, source TEXT NOT NULL, effective_date TEXT
                );
                INSERT INTO coord_timeline_v5 (entry, file_number, event_id, type, source, effective_date)
                    SELECT entry, file_number, event_id, type, source, effective_date FROM coord_timeline;
                DROP TABLE coord_timeline;
                ALTER TABLE coord_timeline_v5 RENAME TO coord_timeline;
                CREATE TABLE coord_timeline_index (
                    file_number TEXT NOT NULL, entry INTEGER NOT NULL, PRIMARY KEY (file_number, entry)
                ) WITHOUT ROWID;
                INSERT INTO coord_timeline_index (file_number, entry)
                    SELECT file_number, entry FROM coord_timeline ORDER BY file_number, entry;
                CREATE TABLE coord_timeline_indexed (through INTEGER NOT NULL);
                INSERT INTO coord_timeline_indexed (through) SELECT IFNULL(MAX(entry), 0) FROM coord_timeline;
                """)
    }

    /// Migration `coordinator.desk.v4`: each file's category and prefecture code as columns of `coord_households`,
    /// filled from the kept views, so that the report reads no view (decoding every one costs 2 s of the
    /// 71,000-household demo, at its very end).
    private static func addReportColumns(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE coord_households ADD COLUMN category INTEGER;
                ALTER TABLE coord_households ADD COLUMN prefecture_code TEXT NOT NULL DEFAULT '';
                """)
        let views = try Row.fetchCursor(db, sql: "SELECT file_number, view_data FROM coord_views")
        while let row = try views.next() {
            let view = try DeskCoding.decode(KeptView.self, from: row["view_data"]).view
            try db.execute(
                sql: "UPDATE coord_households SET category = ?, prefecture_code = ? WHERE file_number = ?",
                arguments: [view.category?.rawValue, view.prefectureCode, view.fileNumber])
        }
    }

    /// Migration `coordinator.desk.v3`: the view is kept as the event brought it (the data of
    /// `household.registered` or `household.updated`, an object with a `view` member) in `coord_views`, not
    /// encoded again; what §2.3 reads of the household (``ExitSubject``) and the decisions are kept as
    /// columns (``ExitFactColumns``, ``DecisionColumns``), so judging a file decodes no JSON. Files and decisions
    /// are keyed by file without a rowid (one B-tree each).
    private static func migrateToCompactState(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE coord_households RENAME TO coord_households_v2;
                CREATE TABLE coord_households (
                    file_number TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, exit_date TEXT, closed_reason TEXT,
                    closed_on TEXT, \(ExitFactColumns.definitions)
                ) WITHOUT ROWID;
                CREATE TABLE coord_views (file_number TEXT NOT NULL PRIMARY KEY, view_data BLOB NOT NULL);
                DROP INDEX coord_decisions_by_file;
                ALTER TABLE coord_decisions RENAME TO coord_decisions_v2;
                \(DecisionColumns.createTable("coord_decisions"));
                """)
        let households = try Row.fetchCursor(
            db, sql: "SELECT file_number, view, status, exit_date, closed_reason, closed_on FROM coord_households_v2")
        while let row = try households.next() {
            let view = try DeskCoding.decode(HouseholdView.self, from: row["view"])
            try db.execute(
                sql: """
                    INSERT INTO coord_households (
                        file_number, status, exit_date, closed_reason, closed_on, \(ExitFactColumns.names)
                    ) VALUES (?, ?, ?, ?, ?, \(ExitFactColumns.placeholders))
                    """,
                arguments: [
                    row["file_number"], row["status"], row["exit_date"], row["closed_reason"], row["closed_on"],
                ] + ExitFactColumns.arguments(try subject(of: view)))
            try db.execute(
                sql: "INSERT INTO coord_views (file_number, view_data) VALUES (?, ?)",
                arguments: [row["file_number"], try DeskCoding.encode(HouseholdUpdated(view: view))])
        }
        try db.execute(sql: "DROP TABLE coord_households_v2")
        try DecisionColumns.copy(fromJSONTable: "coord_decisions_v2", into: "coord_decisions", db: db)
        try db.execute(sql: "DROP TABLE coord_decisions_v2")
    }
}
