import Fluent
import SQLKit

/// Admissions and discharges per (tenant, facility, UTC hour), kept exact by triggers on
/// `admissions` (issue 14: occupancy over a year). Per hour and kind: how many, and the sum of
/// their microseconds past the hour — enough for the occupancy integral of any bucket made of
/// whole hours (`AnalyticsQueries.occupiedSeconds`), from ~8,800 rows a year in the benchmark
/// instead of 40,000 index entries read twice. Microseconds as integers, so updates and deletes
/// subtract exactly what inserts added.
///
/// PostgreSQL only: SQLite, the embedded single-node default, answers from the admissions
/// themselves (its analytics are not where a year of a large group is aggregated). As in
/// migration 042: inserts and deletes per statement from the transition table, updates per row,
/// upserts summed per key and taken in key order (no deadlock between opposite moves), rows that
/// fall to zero kept (deleting them would race with a concurrent upsert). The table gets the
/// tenant policy of row-level security like every tenant table.
struct CreateAdmissionHourEvents: AsyncMigration {
    static let table = "admission_hour_events"
    static let key = "tenant_id, facility_id, hour_start"
    static let counts = "admitted, admitted_us, discharged, discharged_us"

    func prepare(on db: any Database) async throws {
        // One transaction: no admission written between the triggers and the backfill is
        // counted twice or not at all (CREATE TRIGGER locks out writers until the commit).
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
            try await Self.preparePostgres(sql)
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        for trigger in ["insert", "update", "delete"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: Self.table)_\(unsafeRaw: trigger) ON admissions").run()
        }
        for function in ["inserted", "moved", "deleted"] {
            try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: Self.table)_\(unsafeRaw: function)()").run()
        }
        try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: Self.table)").run()
    }

    /// The UTC hour of a timestamptz; `date_trunc` alone would cut in the session's zone.
    static func hour(_ column: String) -> String {
        "(date_trunc('hour', \(column) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')"
    }

    /// Whole microseconds from the hour to the instant (timestamptz keeps microseconds).
    static func micros(_ column: String) -> String {
        "CAST(ROUND(EXTRACT(EPOCH FROM (\(column) - \(hour(column)))) * 1000000) AS BIGINT)"
    }

    /// The events of the admission rows `rows` (a table, or OLD/NEW), each signed `sign`:
    /// (tenant_id, facility_id, hour_start, admitted, admitted_us, discharged, discharged_us).
    static func events(of rows: String, sign: String, from: String? = nil) -> String {
        let source = from.map { " FROM \($0)" } ?? ""
        let prefix = from == nil ? "\(rows)." : ""
        return """
            SELECT \(prefix)tenant_id, \(prefix)facility_id, \(hour("\(prefix)admitted_at")), \(sign), \(sign) * \(micros("\(prefix)admitted_at")), 0, CAST(0 AS BIGINT)\(source)
            UNION ALL
            SELECT \(prefix)tenant_id, \(prefix)facility_id, \(hour("\(prefix)discharged_at")), 0, CAST(0 AS BIGINT), \(sign), \(sign) * \(micros("\(prefix)discharged_at"))\(source)
            WHERE \(prefix)discharged_at IS NOT NULL
            """
    }

    /// Adds the event rows of `source` to the table: summed per key first (one upsert may not
    /// touch a row twice), in key order.
    static func upsert(_ source: String) -> String {
        """
        INSERT INTO \(table) AS c (\(key), \(counts))
        SELECT d.tenant_id, d.facility_id, d.hour_start, SUM(d.a), SUM(d.a_us), SUM(d.d), SUM(d.d_us)
        FROM (\(source)) AS d (tenant_id, facility_id, hour_start, a, a_us, d, d_us)
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (\(key)) DO UPDATE SET admitted = c.admitted + excluded.admitted, admitted_us = c.admitted_us + excluded.admitted_us,
            discharged = c.discharged + excluded.discharged, discharged_us = c.discharged_us + excluded.discharged_us
        """
    }

    static func preparePostgres(_ sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: table) (
                tenant_id UUID NOT NULL, facility_id UUID NOT NULL, hour_start TIMESTAMPTZ NOT NULL,
                admitted BIGINT NOT NULL DEFAULT 0, admitted_us BIGINT NOT NULL DEFAULT 0,
                discharged BIGINT NOT NULL DEFAULT 0, discharged_us BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (\(unsafeRaw: key)) INCLUDE (\(unsafeRaw: counts))
            )
            """).run()
        // Tenant-wide series range over the hour without a facility; both are index-only.
        try await sql.raw("""
            CREATE INDEX \(unsafeRaw: table)_tenant ON \(unsafeRaw: table) (tenant_id, hour_start) INCLUDE (facility_id, \(unsafeRaw: counts))
            """).run()
        try await EnableRowLevelSecurity.protect(table, on: sql)

        for (name, rows, sign) in [("inserted", "inserted", "1"), ("deleted", "deleted", "-1")] {
            let body = upsert(events(of: rows, sign: sign, from: rows))
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: table)_\(unsafeRaw: name)() RETURNS trigger AS $$
                BEGIN
                    \(unsafeRaw: body);
                    RETURN NULL;
                END $$ LANGUAGE plpgsql
                """).run()
        }
        let moved = upsert(events(of: "OLD", sign: "-1") + "\nUNION ALL\n" + events(of: "NEW", sign: "1"))
        try await sql.raw("""
            CREATE FUNCTION \(unsafeRaw: table)_moved() RETURNS trigger AS $$
            BEGIN
                IF (OLD.tenant_id, OLD.facility_id, OLD.admitted_at, OLD.discharged_at)
                    IS NOT DISTINCT FROM (NEW.tenant_id, NEW.facility_id, NEW.admitted_at, NEW.discharged_at) THEN
                    RETURN NULL;
                END IF;
                \(unsafeRaw: moved);
                RETURN NULL;
            END $$ LANGUAGE plpgsql
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_insert AFTER INSERT ON admissions
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION \(unsafeRaw: table)_inserted()
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_update AFTER UPDATE OF tenant_id, facility_id, admitted_at, discharged_at ON admissions
            FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: table)_moved()
            """).run()
        try await sql.raw("""
            CREATE TRIGGER \(unsafeRaw: table)_delete AFTER DELETE ON admissions
            REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION \(unsafeRaw: table)_deleted()
            """).run()
        try await sql.raw("\(unsafeRaw: upsert(events(of: "admissions", sign: "1", from: "admissions")))").run()
    }
}
