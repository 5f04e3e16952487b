import Fluent
import SQLKit

/// Appointment counts per (tenant, facility, UTC hour of `starts_at`), one column per status,
/// kept exact by triggers on `appointments` (issue 14: the `appointments` and `no_show_rate`
/// metrics over a year read ~17,500 of these rows tenant-wide instead of a million index
/// entries). A column per status rather than a row per status: five times fewer rows to read
/// and group, which took a tenant's year by month from 70–120 ms to 20–30 ms of SQL on the
/// loaded benchmark machine (benchmarks/analytics-RESULTS.md). The statuses are frozen here as
/// a migration must be; the query names its columns from `Appointment.Status`, so a status
/// added without a migration fails loudly instead of going uncounted. Triggers rather than
/// application code, so every write path — booking, status changes, SMS replies, imports, seed
/// commands, raw SQL — keeps the counts without having to remember them.
///
/// Hours in UTC, not local days: the tenant's zone is not known to the database and may change,
/// while every whole-hour-offset zone cuts its days on whole UTC hours (clock changes included).
/// `AnalyticsService` reads this table only when every bucket boundary of a request is a whole
/// UTC hour, and the raw table otherwise.
///
/// - PostgreSQL: inserts and deletes are counted per statement from the transition table (a
///   bulk `INSERT … SELECT` of a million rows is one grouped upsert, not a million), updates per
///   row; `INSERT … ON CONFLICT DO UPDATE` adds to the existing count, so concurrent bookings
///   into one hour stay exact. An update touches its old and new key in key order, so two moves
///   in opposite directions take their row locks in the same order and cannot deadlock.
/// - SQLite: row triggers (SQLite has no statement triggers); `starts_at` is stored as REAL
///   seconds since 1970, so the hour is the largest multiple of 3600 not above it, corrected in
///   the same floating-point comparisons the raw query makes.
/// Rows whose counts fall to 0 are kept (deleting them would race with a concurrent upsert).
struct CreateAppointmentHourCounts: AsyncMigration {
    static let table = "appointment_hour_counts"
    static let key = "tenant_id, facility_id, hour_start"
    /// `Appointment.Status` as of this migration, each a column.
    static let statuses = ["booked", "confirmed", "completed", "cancelled", "no_show"]

    func prepare(on db: any Database) async throws {
        // One transaction: no appointment written between creating the triggers and the
        // backfill is counted twice or not at all (PostgreSQL's CREATE TRIGGER locks out
        // writers to `appointments` until the commit).
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { return }
            if sql.dialect.name == "postgresql" {
                try await Self.preparePostgres(sql)
            } else {
                try await Self.prepareSQLite(sql)
            }
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        for trigger in ["insert", "update", "delete"] {
            try await sql.raw("""
                DROP TRIGGER IF EXISTS \(unsafeRaw: Self.table)_\(unsafeRaw: trigger)\(unsafeRaw: postgres ? " ON appointments" : "")
                """).run()
        }
        if postgres {
            for function in ["inserted", "moved", "deleted"] {
                try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: Self.table)_\(unsafeRaw: function)()").run()
            }
        }
        try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: Self.table)").run()
    }

    static var statusColumns: String { statuses.joined(separator: ", ") }

    /// `booked = c.booked + excluded.booked, …`: what an upsert adds to an existing row.
    static func addition(_ existing: String) -> String {
        statuses.map { "\($0) = \(existing)\($0) + excluded.\($0)" }.joined(separator: ", ")
    }

    // MARK: PostgreSQL

    /// The UTC hour of a timestamptz; `date_trunc` alone would cut in the session's zone.
    static func postgresHour(_ column: String) -> String {
        "(date_trunc('hour', \(column) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
    }

    /// Adds the rows of `source` — (tenant_id, facility_id, hour_start, status, n), n signed —
    /// to the counts: summed per key first (one upsert may not touch a row twice), and in key
    /// order, so that concurrent writers lock the rows they share in the same order.
    static func postgresUpsert(_ source: String) -> String {
        let sums = statuses.map { "COALESCE(SUM(d.n) FILTER (WHERE d.status = '\($0)'), 0)" }.joined(separator: ", ")
        return """
            INSERT INTO \(table) AS c (\(key), \(statusColumns))
            SELECT d.tenant_id, d.facility_id, d.hour_start, \(sums)
            FROM (\(source)) AS d (tenant_id, facility_id, hour_start, status, n)
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (\(key)) DO UPDATE SET \(addition("c."))
            """
    }

    static func preparePostgres(_ sql: any SQLDatabase) async throws {
        let counts = statuses.map { "\($0) BIGINT NOT NULL DEFAULT 0" }.joined(separator: ", ")
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: table) (
                tenant_id UUID NOT NULL, facility_id UUID NOT NULL, hour_start TIMESTAMPTZ NOT NULL, \(unsafeRaw: counts),
                PRIMARY KEY (\(unsafeRaw: key)) INCLUDE (\(unsafeRaw: statusColumns))
            )
            """).run()
        // Tenant-wide series range over the hour without a facility; both are index-only.
        try await sql.raw("""
            CREATE INDEX \(unsafeRaw: table)_tenant ON \(unsafeRaw: table) (tenant_id, hour_start)
            INCLUDE (facility_id, \(unsafeRaw: statusColumns))
            """).run()

        for (name, rows, n) in [("inserted", "inserted", "1"), ("deleted", "deleted", "-1")] {
            let upsert = postgresUpsert("SELECT tenant_id, facility_id, \(postgresHour("starts_at")), status, \(n) FROM \(rows)")
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: table)_\(unsafeRaw: name)() RETURNS trigger AS $$
                BEGIN
                    \(unsafeRaw: upsert);
                    RETURN NULL;
                END $$ LANGUAGE plpgsql
                """).run()
        }
        let moved = postgresUpsert("""
            VALUES (OLD.tenant_id, OLD.facility_id, \(postgresHour("OLD.starts_at")), OLD.status::text, -1),
                   (NEW.tenant_id, NEW.facility_id, \(postgresHour("NEW.starts_at")), NEW.status::text, 1)
            """)
        try await sql.raw("""
            CREATE FUNCTION \(unsafeRaw: table)_moved() RETURNS trigger AS $$
            BEGIN
                IF (OLD.tenant_id, OLD.facility_id, \(unsafeRaw: postgresHour("OLD.starts_at")), OLD.status)
                    IS NOT DISTINCT FROM (NEW.tenant_id, NEW.facility_id, \(unsafeRaw: postgresHour("NEW.starts_at")), NEW.status) THEN
                    RETURN NULL;
                END IF;
                \(unsafeRaw: moved);
                RETURN NULL;
            END $$ LANGUAGE plpgsql
            """).run()

        // Inserts and deletes per statement from the transition table: a bulk INSERT … SELECT
        // of a million rows is one grouped upsert. Updates per row: PostgreSQL allows no
        // transition table on a trigger limited to some columns.
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_insert AFTER INSERT ON appointments
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION \(unsafeRaw: table)_inserted()
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_update AFTER UPDATE OF tenant_id, facility_id, starts_at, status ON appointments
            FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: table)_moved()
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_delete AFTER DELETE ON appointments
            REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION \(unsafeRaw: table)_deleted()
            """).run()

        try await sql.raw("""
            \(unsafeRaw: postgresUpsert("SELECT tenant_id, facility_id, \(postgresHour("starts_at")), status, 1 FROM appointments"))
            """).run()
    }

    // MARK: SQLite

    /// The UTC hour of a REAL `starts_at` (seconds since 1970): the multiple of 3600 at or below
    /// it. `CAST … AS INTEGER` truncates toward zero and the division can round up just below an
    /// hour, so the candidate is moved down when it lies above the value, by the same REAL
    /// comparison the raw query makes against a bucket boundary.
    static func sqliteHour(_ column: String) -> String {
        let candidate = "(CAST(\(column) / 3600 AS INTEGER) * 3600)"
        return "(\(candidate) - 3600 * (\(candidate) > \(column)))"
    }

    /// Adds `delta` to the status column of the row `row` (NEW or OLD).
    static func sqliteUpsert(_ row: String, _ delta: Int) -> String {
        let values = statuses.map { "\(delta) * (\(row).status = '\($0)')" }.joined(separator: ", ")
        return """
            INSERT INTO \(table) (\(key), \(statusColumns))
            VALUES (\(row).tenant_id, \(row).facility_id, \(sqliteHour("\(row).starts_at")), \(values))
            ON CONFLICT (\(key)) DO UPDATE SET \(addition(""));
            """
    }

    static func prepareSQLite(_ sql: any SQLDatabase) async throws {
        let counts = statuses.map { "\($0) INTEGER NOT NULL DEFAULT 0" }.joined(separator: ", ")
        // WITHOUT ROWID: the table is its primary-key b-tree, so a facility's hours are one
        // range of it with the counts inside.
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: table) (
                tenant_id UUID NOT NULL, facility_id UUID NOT NULL, hour_start REAL NOT NULL, \(unsafeRaw: counts),
                PRIMARY KEY (\(unsafeRaw: key))
            ) WITHOUT ROWID
            """).run()
        try await sql.raw("""
            CREATE INDEX \(unsafeRaw: table)_tenant ON \(unsafeRaw: table) (tenant_id, hour_start, facility_id, \(unsafeRaw: statusColumns))
            """).run()
        // Row triggers: SQLite has no statement triggers. An update takes its count from the
        // old key and gives it to the new (the same key: no change).
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_insert AFTER INSERT ON appointments BEGIN
            \(unsafeRaw: sqliteUpsert("NEW", 1))
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_update AFTER UPDATE OF tenant_id, facility_id, starts_at, status ON appointments BEGIN
            \(unsafeRaw: sqliteUpsert("OLD", -1))
            \(unsafeRaw: sqliteUpsert("NEW", 1))
            END
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_delete AFTER DELETE ON appointments BEGIN
            \(unsafeRaw: sqliteUpsert("OLD", -1))
            END
            """).run()
        let sums = statuses.map { "SUM(status = '\($0)')" }.joined(separator: ", ")
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: key), \(unsafeRaw: statusColumns))
            SELECT tenant_id, facility_id, \(unsafeRaw: sqliteHour("starts_at")), \(unsafeRaw: sums) FROM appointments GROUP BY 1, 2, 3
            """).run()
    }
}
