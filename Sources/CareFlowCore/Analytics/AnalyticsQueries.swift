import Foundation
import SQLKit

/// The SQL of every metric: each answer is an aggregate (COUNT/SUM … GROUP BY bucket) computed
/// by the database, never rows loaded into Swift. The buckets arrive as a `VALUES` list of
/// bound (index, start, end) triples joined to the table by a half-open range on the metric's
/// time column, so each bucket is one index range scan (`AddAnalyticsIndexes`) and the same
/// statement runs on SQLite and PostgreSQL. Dates are bound values on both (SQLite stores them
/// as seconds since 1970, PostgreSQL as timestamptz); only the length of an overlap needs each
/// dialect's own arithmetic.
struct AnalyticsQueries {
    let sql: any SQLDatabase
    let tenantID: UUID
    let facilityID: UUID?
    let buckets: [DateInterval]

    private var postgres: Bool { sql.dialect.name == "postgresql" }

    /// `b(i, s, e)`: bucket index, start, end (exclusive) as bound values.
    private func bucketTable(_ intervals: [DateInterval]) -> SQLQueryString {
        var values: SQLQueryString = "b(i, s, e) AS (VALUES "
        for (index, bucket) in intervals.enumerated() {
            if index > 0 { values += ", " }
            values += "(\(literal: index), \(bind: bucket.start), \(bind: bucket.end))"
        }
        return values + ")"
    }

    /// The tenant, and the facility when one is asked for, on the table under `alias`.
    private func scope(_ alias: String, facilityColumn: String = "facility_id") -> SQLQueryString {
        var condition: SQLQueryString = "\(ident: alias).tenant_id = \(bind: tenantID)"
        if let facilityID { condition += " AND \(ident: alias).\(ident: facilityColumn) = \(bind: facilityID)" }
        return condition
    }

    /// The whole range on `alias.column` as well as each bucket's: whatever join order the
    /// planner picks, the table is entered through one index range over the series.
    private func within(_ alias: String, _ column: String) -> SQLQueryString {
        let from = buckets.first?.start ?? Date(), to = buckets.last?.end ?? Date()
        return "\(ident: alias).\(ident: column) >= \(bind: from) AND \(ident: alias).\(ident: column) < \(bind: to)"
    }

    /// Rows of `table` whose `column` falls in each bucket, by bucket index.
    func counts(table: String, column: String) async throws -> [Int: Int] {
        let rows = try await sql.raw("""
            WITH \(bucketTable(buckets))
            SELECT b.i AS bucket, COUNT(*) AS n FROM b
            JOIN \(ident: table) x ON \(scope("x")) AND \(within("x", column))
                AND x.\(ident: column) >= b.s AND x.\(ident: column) < b.e
            GROUP BY b.i
            """).all()
        var counts: [Int: Int] = [:]
        for row in rows { counts[try row.decode(column: "bucket", as: Int.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    /// Appointments starting in each bucket, by status: from the hourly counts when `source`
    /// allows and every boundary is a whole UTC hour, from the appointments otherwise.
    func appointmentCounts(_ source: AppointmentCountSource) async throws -> [Int: [Appointment.Status: Int]] {
        source.usesHourCounts(buckets) ? try await appointmentCountsFromHours() : try await appointmentCountsFromRows()
    }

    /// Counting the appointments themselves: an index range per bucket, any boundaries.
    func appointmentCountsFromRows() async throws -> [Int: [Appointment.Status: Int]] {
        try Self.statusCounts(try await sql.raw("""
            WITH \(bucketTable(buckets))
            SELECT b.i AS bucket, x.status AS status, COUNT(*) AS n FROM b
            JOIN appointments x ON \(scope("x")) AND \(within("x", "starts_at")) AND x.starts_at >= b.s AND x.starts_at < b.e
            GROUP BY b.i, x.status
            """).all())
    }

    /// Summing the hourly counts kept by the triggers of migration 042 (a row per facility and
    /// hour, a column per status). Exact only for whole-hour boundaries: an appointment's hour
    /// lies in [s, e) exactly when its start does, because s and e are whole hours themselves.
    /// The columns are named after `Appointment.Status`: a status without its column is an
    /// SQL error here, never a count silently missing.
    func appointmentCountsFromHours() async throws -> [Int: [Appointment.Status: Int]] {
        var sums: SQLQueryString = ""
        for status in Appointment.Status.allCases {
            sums += ", CAST(SUM(x.\(ident: status.rawValue)) AS BIGINT) AS \(ident: status.rawValue)"
        }
        let rows = try await sql.raw("""
            WITH \(bucketTable(buckets))
            SELECT b.i AS bucket\(sums) FROM b
            JOIN appointment_hour_counts x ON \(scope("x")) AND \(within("x", "hour_start"))
                AND x.hour_start >= b.s AND x.hour_start < b.e
            GROUP BY b.i
            """).all()
        var counts: [Int: [Appointment.Status: Int]] = [:]
        for row in rows {
            let bucket = try row.decode(column: "bucket", as: Int.self)
            for status in Appointment.Status.allCases {
                // As from the rows: a status with nothing in the bucket is absent.
                let n = try row.decode(column: status.rawValue, as: Int.self)
                if n != 0 { counts[bucket, default: [:]][status] = n }
            }
        }
        return counts
    }

    private static func statusCounts(_ rows: [any SQLRow]) throws -> [Int: [Appointment.Status: Int]] {
        var counts: [Int: [Appointment.Status: Int]] = [:]
        for row in rows {
            // A status this build does not know is left out rather than failing the series.
            guard let status = Appointment.Status(rawValue: try row.decode(column: "status", as: String.self)) else { continue }
            counts[try row.decode(column: "bucket", as: Int.self), default: [:]][status] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// The beds of the scope's wards, as they are today (wards keep no history of their size).
    func beds() async throws -> Int {
        let row = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(x.beds), 0) AS BIGINT) AS beds FROM wards x WHERE \(scope("x"))
            """).first()
        return try row?.decode(column: "beds", as: Int.self) ?? 0
    }

    /// Occupied bed-seconds in each of `intervals` (already clipped to now, contiguous). The
    /// stays overlapping the whole range are found once through the admitted_at index; then one
    /// sweep: admissions (+1, from the range start at the earliest), discharges (−1) and the
    /// bucket starts as a single time-ordered list whose running sum is the beds occupied until
    /// the next event, each such segment lying in the bucket of the last start before it. That
    /// is a sort of stays + buckets; joining every stay to every bucket instead took 1.5 s for
    /// a year by day over 20,000 stays (benchmarks/analytics-RESULTS.md). One window, so that
    /// the sum, the bucket and the next event follow the same order; a bucket start sorts
    /// before an admission or discharge at the same instant.
    func occupiedSeconds(in intervals: [DateInterval]) async throws -> [Int: Double] {
        guard let first = intervals.first, let last = intervals.last else { return [:] }
        let start: SQLQueryString = postgres ? "GREATEST(st.admitted_at, \(bind: first.start))" : "MAX(st.admitted_at, \(bind: first.start))"
        let length: SQLQueryString = postgres ? "EXTRACT(EPOCH FROM (s.next - s.t))" : "(s.next - s.t)"
        let rows = try await sql.raw("""
            WITH \(bucketTable(intervals)),
            st AS (
                SELECT x.admitted_at AS admitted_at, x.discharged_at AS discharged_at FROM admissions x
                WHERE \(scope("x")) AND x.admitted_at < \(bind: last.end)
                AND (x.discharged_at IS NULL OR x.discharged_at > \(bind: first.start))
            ),
            ev(t, o, d, i) AS (
                SELECT \(start), 1, 1, CAST(NULL AS INTEGER) FROM st
                UNION ALL SELECT st.discharged_at, 1, -1, NULL FROM st WHERE st.discharged_at < \(bind: last.end)
                UNION ALL SELECT b.s, 0, 0, b.i FROM b
                UNION ALL SELECT \(bind: last.end), 0, 0, NULL
            ),
            s AS (
                SELECT ev.t AS t, SUM(ev.d) OVER w AS beds, MAX(ev.i) OVER w AS bucket, LEAD(ev.t) OVER w AS next FROM ev
                WINDOW w AS (ORDER BY ev.t, ev.o ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            )
            SELECT s.bucket AS bucket, CAST(SUM(s.beds * \(length)) AS DOUBLE PRECISION) AS seconds FROM s
            WHERE s.next IS NOT NULL AND s.bucket IS NOT NULL
            GROUP BY s.bucket
            """).all()
        var seconds: [Int: Double] = [:]
        for row in rows { seconds[try row.decode(column: "bucket", as: Int.self)] = try row.decode(column: "seconds", as: Double.self) }
        return seconds
    }

    /// Patients high-risk at each bucket's end. Every assessment is the latest of its (patient,
    /// model) from its own time until the next one of the same pair (`LEAD`, ties broken by id);
    /// a patient counts in a bucket when some high assessment is the latest of its model at the
    /// bucket's end. A facility is the patient's home facility (assessments carry none); a
    /// patient deleted before the end no longer counts.
    func highRiskPatients() async throws -> [Int: Int] {
        guard let last = buckets.last else { return [:] }
        let rows = try await sql.raw("""
            WITH \(bucketTable(buckets)),
            r AS (
                SELECT ra.patient_id AS patient_id, ra.high AS high, ra.created_at AS valid_from,
                    LEAD(ra.created_at) OVER (PARTITION BY ra.patient_id, ra.model ORDER BY ra.created_at, ra.id) AS valid_to,
                    p.deleted_at AS deleted_at
                FROM risk_assessments ra JOIN patients p ON p.id = ra.patient_id AND \(scope("p", facilityColumn: "home_facility_id"))
                WHERE ra.tenant_id = \(bind: tenantID) AND ra.created_at < \(bind: last.end)
            )
            SELECT b.i AS bucket, COUNT(DISTINCT r.patient_id) AS n FROM b
            JOIN r ON r.high = TRUE AND r.valid_from < b.e AND (r.valid_to IS NULL OR r.valid_to >= b.e)
                AND (r.deleted_at IS NULL OR r.deleted_at >= b.e)
            GROUP BY b.i
            """).all()
        var counts: [Int: Int] = [:]
        for row in rows { counts[try row.decode(column: "bucket", as: Int.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    /// Per bucket and currency: amounts paid on invoices at their paid_at, and succeeded
    /// refunds at their refunded_at.
    func revenue() async throws -> [Int: [String: (paid: Int, refunded: Int)]] {
        let rows = try await sql.raw("""
            WITH \(bucketTable(buckets))
            SELECT b.i AS bucket, x.currency AS currency, CAST(SUM(x.amount_paid) AS BIGINT) AS paid, CAST(0 AS BIGINT) AS refunded
            FROM b JOIN invoices x ON \(scope("x")) AND \(within("x", "paid_at")) AND x.paid_at >= b.s AND x.paid_at < b.e
            GROUP BY b.i, x.currency
            UNION ALL
            SELECT b.i AS bucket, y.currency AS currency, CAST(0 AS BIGINT) AS paid, CAST(SUM(y.amount) AS BIGINT) AS refunded
            FROM b JOIN invoice_refunds y ON \(scope("y")) AND y.status = 'succeeded' AND \(within("y", "refunded_at"))
                AND y.refunded_at >= b.s AND y.refunded_at < b.e
            GROUP BY b.i, y.currency
            """).all()
        var money: [Int: [String: (paid: Int, refunded: Int)]] = [:]
        for row in rows {
            let bucket = try row.decode(column: "bucket", as: Int.self)
            let currency = try row.decode(column: "currency", as: String.self)
            let sum = money[bucket]?[currency] ?? (0, 0)
            money[bucket, default: [:]][currency] = (sum.paid + (try row.decode(column: "paid", as: Int.self)),
                                                     sum.refunded + (try row.decode(column: "refunded", as: Int.self)))
        }
        return money
    }
}
