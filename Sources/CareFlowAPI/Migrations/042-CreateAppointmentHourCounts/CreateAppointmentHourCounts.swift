import Fluent
import SQLKit

/// Appointment counts per (tenant, facility, UTC hour of `starts_at`, status), kept exact by
/// triggers on `appointments` (issue 14: the `appointments` and `no_show_rate` metrics over a
/// year read ~90,000 of these rows instead of a million index entries). Triggers rather than
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
/// Rows whose count falls to 0 are kept (deleting them would race with a concurrent upsert).
struct CreateAppointmentHourCounts: AsyncMigration {
    static let table = "appointment_hour_counts"
    static let key = "tenant_id, facility_id, hour_start, status"

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
        for trigger in ["insert", "update", "delete"] {
            if sql.dialect.name == "postgresql" {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: Self.table)_\(unsafeRaw: trigger) ON appointments").run()
            } else {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: Self.table)_\(unsafeRaw: trigger)").run()
            }
        }
        if sql.dialect.name == "postgresql" {
            for function in ["inserted", "moved", "deleted"] {
                try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: Self.table)_\(unsafeRaw: function)()").run()
            }
        }
        try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: Self.table)").run()
    }

    // MARK: PostgreSQL

    /// The UTC hour of a timestamptz; `date_trunc` alone would cut in the session's zone.
    static func postgresHour(_ column: String) -> String {
        "(date_trunc('hour', \(column) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
    }

    /// Adds the rows of `source` (key columns and a signed `n`) to the counts, in key order.
    static func postgresUpsert(_ source: String) -> String {
        """
        INSERT INTO \(table) AS c (\(key), count)
        \(source)
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (\(key)) DO UPDATE SET count = c.count + EXCLUDED.count
        """
    }

    static func preparePostgres(_ sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: table) (
                tenant_id UUID NOT NULL,
                facility_id UUID NOT NULL,
                hour_start TIMESTAMPTZ NOT NULL,
                status TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (\(unsafeRaw: key)) INCLUDE (count)
            )
            """).run()
        // Tenant-wide series range over the hour without a facility; both are index-only.
        try await sql.raw("""
            CREATE INDEX \(unsafeRaw: table)_tenant ON \(unsafeRaw: table) (tenant_id, hour_start) INCLUDE (facility_id, status, count)
            """).run()

        for (name, rows, sign) in [("inserted", "inserted", ""), ("deleted", "deleted", "-")] {
            let grouped = postgresUpsert("""
                SELECT tenant_id, facility_id, \(postgresHour("starts_at")), status, \(sign)COUNT(*)
                FROM \(rows) GROUP BY 1, 2, 3, 4
                """)
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: table)_\(unsafeRaw: name)() RETURNS trigger AS $$
                BEGIN
                    \(unsafeRaw: grouped);
                    RETURN NULL;
                END $$ LANGUAGE plpgsql
                """).run()
        }
        let moved = postgresUpsert("""
            SELECT * FROM (VALUES (OLD.tenant_id, OLD.facility_id, \(postgresHour("OLD.starts_at")), OLD.status::text, -1::bigint),
                                  (NEW.tenant_id, NEW.facility_id, \(postgresHour("NEW.starts_at")), NEW.status::text, 1::bigint)) AS v
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
            INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: key), count)
            SELECT tenant_id, facility_id, \(unsafeRaw: postgresHour("starts_at")), status, COUNT(*) FROM appointments GROUP BY 1, 2, 3, 4
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

    static func sqliteUpsert(_ row: String, _ delta: Int) -> String {
        """
        INSERT INTO \(table) (\(key), count)
        VALUES (\(row).tenant_id, \(row).facility_id, \(sqliteHour("\(row).starts_at")), \(row).status, \(delta))
        ON CONFLICT (\(key)) DO UPDATE SET count = count + excluded.count;
        """
    }

    static func prepareSQLite(_ sql: any SQLDatabase) async throws {
        // WITHOUT ROWID: the table is its primary-key b-tree, so a facility's hours are one
        // range of it with the counts inside.
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: table) (
                tenant_id UUID NOT NULL,
                facility_id UUID NOT NULL,
                hour_start REAL NOT NULL,
                status TEXT NOT NULL,
                count INTEGER NOT NULL,
                PRIMARY KEY (\(unsafeRaw: key))
            ) WITHOUT ROWID
            """).run()
        try await sql.raw("""
            CREATE INDEX \(unsafeRaw: table)_tenant ON \(unsafeRaw: table) (tenant_id, hour_start, facility_id, status, count)
            """).run()
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
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: key), count)
            SELECT tenant_id, facility_id, \(unsafeRaw: sqliteHour("starts_at")), status, COUNT(*) FROM appointments GROUP BY 1, 2, 3, 4
            """).run()
    }
}
