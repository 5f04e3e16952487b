import Foundation
import SQLKit

/// The SQL of every metric: each answer is an aggregate (COUNT/SUM … GROUP BY bucket) computed
/// by the database, never rows loaded into Swift. The table is entered through one index range
/// over the whole series (`AddAnalyticsIndexes`), and each row is given its bucket:
/// - PostgreSQL: `width_bucket(time, starts)`, a binary search of the bound array of bucket
///   starts, per row. A join to a list of buckets was planned as a nested loop over every
///   bucket × every row of the range (3.6 million comparisons and 1.5 s for a year by day over
///   10,000 admissions, benchmarks/analytics-RESULTS.md, session 12), whatever the indexes.
/// - SQLite: a `VALUES` list of bound (index, start, end) triples joined by a half-open range,
///   which SQLite runs as one index range per bucket.
/// Dates are bound values on both (SQLite stores them as seconds since 1970, PostgreSQL as
/// timestamptz); only the length of an interval needs each dialect's own arithmetic.
struct AnalyticsQueries {
    let sql: any SQLDatabase
    let tenantID: UUID
    let facilityID: UUID?
    let buckets: [DateInterval]

    private var postgres: Bool { sql.dialect.name == "postgresql" }

    /// Where a statement reads `table` with each row's bucket: `with` opens the statement
    /// (empty, or the bucket list), `bucket` is the row's bucket index (from 0), `from` is the
    /// table entered through the series' range and scoped to the tenant (and facility).
    private struct Bucketed {
        var with: SQLQueryString
        var bucket: SQLQueryString
        var from: SQLQueryString
        /// Whether the rows are joined to the bucket list (`b.s`, `b.e` available per row).
        var joined: Bool
    }

    /// `table` (as `x`) by the bucket of its `column` among `intervals` (the query's buckets
    /// by default); `condition` further restricts the rows.
    private func bucketed(_ table: String, by column: String, over intervals: [DateInterval]? = nil,
                          where condition: SQLQueryString? = nil) -> Bucketed {
        let series = intervals ?? buckets
        let extra: SQLQueryString = condition.map { " AND " + $0 } ?? ""
        let scoped: SQLQueryString = "\(scope("x")) AND \(within("x", column, over: series))\(extra)"
        if postgres && Self.contiguous(series) {
            return Bucketed(with: "", bucket: "width_bucket(x.\(ident: column), \(bind: series.map(\.start))) - 1",
                            from: "\(ident: table) x WHERE \(scoped)", joined: false)
        }
        return Bucketed(with: "WITH \(bucketTable(series))", bucket: "b.i",
                        from: "b JOIN \(ident: table) x ON \(scoped) AND x.\(ident: column) >= b.s AND x.\(ident: column) < b.e",
                        joined: true)
    }

    /// Each interval ends where the next begins: then the starts alone place every row.
    static func contiguous(_ intervals: [DateInterval]) -> Bool {
        zip(intervals, intervals.dropFirst()).allSatisfy { $0.end == $1.start }
    }

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
    private func within(_ alias: String, _ column: String, over intervals: [DateInterval]? = nil) -> SQLQueryString {
        let series = intervals ?? buckets
        let from = series.first?.start ?? Date(), to = series.last?.end ?? Date()
        return "\(ident: alias).\(ident: column) >= \(bind: from) AND \(ident: alias).\(ident: column) < \(bind: to)"
    }

    /// Rows of `table` whose `column` falls in each bucket, by bucket index.
    func counts(table: String, column: String) async throws -> [Int: Int] {
        let source = bucketed(table, by: column)
        let rows = try await integerRows("""
            \(source.with)
            SELECT \(source.bucket) AS bucket, COUNT(*) AS n FROM \(source.from)
            GROUP BY bucket
            """, columns: ["bucket", "n"])
        var counts: [Int: Int] = [:]
        for row in rows { counts[row[0]] = row[1] }
        return counts
    }

    /// The integer columns of the rows of `inner`, packed by the database into one text value
    /// (`1,20,3;2,18,4`): one cell to decode instead of buckets × columns cells through SQLKit's
    /// generic decoding, which was ~20 % of the application's CPU for a year by day
    /// (benchmarks/PROFILE.md, session 14). Every column must be a non-null integer.
    func integerRows(_ inner: SQLQueryString, columns: [String]) async throws -> [[Int]] {
        guard let text = try await packed(inner, cells: columns) else { return [] }
        guard let rows = Self.unpack(text, columns: columns.count) else { throw AppError.unavailable("An aggregate could not be read") }
        return rows
    }

    /// The `cells` of the rows of `inner` as one text value made by the database: `,` between
    /// cells, `;` between rows; nil when there are no rows.
    private func packed(_ inner: SQLQueryString, cells: [String]) async throws -> String? {
        var joined: SQLQueryString = ""
        for (i, cell) in cells.enumerated() {
            joined += (i == 0 ? "" : " || ',' || ") + "CAST(q.\(ident: cell) AS TEXT)"
        }
        let aggregate: SQLQueryString = postgres ? "string_agg(\(joined), ';')" : "group_concat(\(joined), ';')"
        guard let row = try await sql.raw("SELECT \(aggregate) AS packed FROM (\(inner)) AS q").first() else { return nil }
        return try row.decode(column: "packed", as: String?.self)
    }

    /// `1,20,3;2,18,4` as `[[1, 20, 3], [2, 18, 4]]`, read byte by byte (splitting into
    /// substrings and parsing each was ~10 % of a year by day's CPU). Nil unless every row has
    /// `columns` integers.
    static func unpack(_ packed: String, columns: Int) -> [[Int]]? {
        var rows: [[Int]] = []
        if packed.isEmpty { return rows }
        var row: [Int] = []
        row.reserveCapacity(columns)
        var value = 0, negative = false, digits = 0
        func endValue() -> Bool {
            guard digits > 0 else { return false }
            row.append(negative ? -value : value)
            (value, negative, digits) = (0, false, 0)
            return true
        }
        var text = packed
        let complete: Bool = text.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                    let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                    if overflow1 || overflow2 { return false }
                    value = sum
                    digits += 1
                case UInt8(ascii: "-") where digits == 0 && !negative:
                    negative = true
                case UInt8(ascii: ","):
                    guard endValue() else { return false }
                case UInt8(ascii: ";"):
                    guard endValue(), row.count == columns else { return false }
                    rows.append(row)
                    row.removeAll(keepingCapacity: true)
                default:
                    return false
                }
            }
            guard endValue(), row.count == columns else { return false }
            rows.append(row)
            return true
        }
        return complete ? rows : nil
    }

    /// Rows of integer columns and one floating-point measure, packed as `integerRows` packs
    /// them (the measure last, in the database's text form of a double: PostgreSQL writes the
    /// shortest text that reads back to the same double). Occupancy's ~1,500 rows for a year by
    /// day spent a fifth of the server's CPU in SQLKit's generic decoding (PROFILE.md, session 15).
    func measuredRows(_ inner: SQLQueryString, integers: [String], measure: String) async throws -> [(integers: [Int], measure: Double)] {
        guard let text = try await packed(inner, cells: integers + [measure]) else { return [] }
        guard let rows = Self.unpackMeasured(text, integers: integers.count) else {
            throw AppError.unavailable("An aggregate could not be read")
        }
        return rows
    }

    /// `1,20,3.5;2,18,-1e-07` as `[([1, 20], 3.5), ([2, 18], -1e-07)]` with `integers` = 2: the
    /// integers read as `unpack` reads them, the last cell as a double. Nil unless every row has
    /// that shape.
    static func unpackMeasured(_ packed: String, integers: Int) -> [(integers: [Int], measure: Double)]? {
        var rows: [(integers: [Int], measure: Double)] = []
        if packed.isEmpty { return rows }
        for line in packed.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false) {
            guard let comma = line.lastIndex(of: UInt8(ascii: ",")),
                  let head = unpack(String(decoding: line[..<comma], as: UTF8.self), columns: integers),
                  head.count == 1, let measure = Self.double(line[line.index(after: comma)...]) else { return nil }
            rows.append((head[0], measure))
        }
        return rows
    }

    /// A double in C's syntax (as PostgreSQL and SQLite write them), all of `text` or nil;
    /// Swift's parser reads it in the C locale whatever the process's locale.
    private static func double(_ text: Substring.UTF8View) -> Double? {
        text.isEmpty ? nil : Double(Substring(text))
    }

    /// Appointments starting in each bucket, by status: from the hourly counts when `source`
    /// allows and every boundary is a whole UTC hour, from the appointments otherwise.
    func appointmentCounts(_ source: AppointmentCountSource) async throws -> [StatusCounts] {
        source.usesHourCounts(buckets) ? try await appointmentCountsFromHours() : try await appointmentCountsFromRows()
    }

    /// Counting the appointments themselves: an index range per bucket, any boundaries.
    func appointmentCountsFromRows() async throws -> [StatusCounts] {
        let source = bucketed("appointments", by: "starts_at")
        return try statusCounts(try await sql.raw("""
            \(source.with)
            SELECT \(source.bucket) AS bucket, x.status AS status, COUNT(*) AS n FROM \(source.from)
            GROUP BY bucket, x.status
            """).all())
    }

    /// Summing the hourly counts kept by the triggers of migration 042 (a row per facility and
    /// hour, a column per status). Exact only for whole-hour boundaries: an appointment's hour
    /// lies in [s, e) exactly when its start does, because s and e are whole hours themselves.
    /// The columns are named after `Appointment.Status`: a status without its column is an
    /// SQL error here, never a count silently missing.
    func appointmentCountsFromHours() async throws -> [StatusCounts] {
        var sums: SQLQueryString = ""
        for status in Appointment.Status.allCases {
            sums += ", CAST(SUM(x.\(ident: status.rawValue)) AS BIGINT) AS \(ident: status.rawValue)"
        }
        let source = bucketed("appointment_hour_counts", by: "hour_start")
        let statuses = Appointment.Status.allCases
        let rows = try await integerRows("""
            \(source.with)
            SELECT \(source.bucket) AS bucket\(sums) FROM \(source.from)
            GROUP BY bucket
            """, columns: ["bucket"] + statuses.map(\.rawValue))
        var counts = Array(repeating: StatusCounts(), count: buckets.count)
        for row in rows where counts.indices.contains(row[0]) {
            for (offset, status) in statuses.enumerated() { counts[row[0]][status] = row[offset + 1] }
        }
        return counts
    }

    private func statusCounts(_ rows: [any SQLRow]) throws -> [StatusCounts] {
        var counts = Array(repeating: StatusCounts(), count: buckets.count)
        for row in rows {
            // A status this build does not know is left out rather than failing the series.
            guard let status = Appointment.Status(rawValue: try row.decode(column: "status", as: String.self)) else { continue }
            let bucket = try row.decode(column: "bucket", as: Int.self)
            guard counts.indices.contains(bucket) else { continue }
            counts[bucket][status] = try row.decode(column: "n", as: Int.self)
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

    /// Occupied bed-seconds in each of `intervals` (already clipped to now, contiguous), from
    /// aggregates alone — no sort of the stays. Occupancy is a step function: +1 at each
    /// admission, −1 at each discharge. Over a bucket [s, e) its integral is
    ///   (e − s) × (stays open at s) + Σ (e − admitted_at) − Σ (e − discharged_at)
    /// over the admissions and discharges inside the bucket, and the stays open at the next
    /// bucket's start are those open at s, plus the bucket's admissions, minus its discharges.
    /// So the database answers the stays open at the first start — those discharged since, and
    /// those not discharged: two index ranges on the discharge time, never the whole history of
    /// admissions before the series (as `admitted_at < start` alone would read) — and, per bucket,
    /// a count and a sum of admissions and of discharges — each row of a bucket found by one
    /// index range, as the `admissions` and `discharges` metrics — and the running total over
    /// the buckets is arithmetic here. A sweep sorting every admission, discharge and bucket
    /// start took p50 120–235 ms for a year over 20,000 stays (benchmarks/analytics-RESULTS.md).
    ///
    /// On PostgreSQL the leading buckets that start and end on whole UTC hours (all of them but
    /// a last one clipped to now, in whole-hour zones) read the hourly sums of migration 050
    /// instead (`hourRows`): per hour, a count and the microseconds past the hour of its
    /// admissions and of its discharges, so Σ (e − t) over an hour's n events is
    /// n × (e − hour) − Σ (t − hour). The rest read the admissions.
    func occupiedSeconds(in intervals: [DateInterval], hourRows: Bool = true) async throws -> [Int: Double] {
        guard let first = intervals.first else { return [:] }
        let hourly = postgres && hourRows && Self.contiguous(intervals) ? Self.leadingWholeHours(intervals) : 0
        var parts: [SQLQueryString] = []
        var with: [SQLQueryString] = []
        // Each source's first bucket index and, when its seconds run to the series' end rather
        // than each bucket's, that end.
        var spans: [OccupancyPart.Source: (offset: Int, seriesEnd: Date?)] = [:]
        if hourly > 0 {
            let span = Array(intervals[0..<hourly])
            let source = bucketed("admission_hour_events", by: "hour_start", over: span)
            let end: SQLQueryString = "CAST(\(bind: span[span.count - 1].end) AS TIMESTAMPTZ)"
            func seconds(_ n: String) -> SQLQueryString {
                "CAST(SUM(x.\(ident: n) * date_part('epoch', \(end) - x.hour_start)) - CAST(SUM(x.\(ident: n + "_us")) AS DOUBLE PRECISION) / 1000000 AS DOUBLE PRECISION)"
            }
            with.append("""
                h AS (SELECT \(source.bucket) AS bucket, CAST(SUM(x.admitted) AS BIGINT) AS a, \(seconds("admitted")) AS a_s,
                    CAST(SUM(x.discharged) AS BIGINT) AS d, \(seconds("discharged")) AS d_s FROM \(source.from) GROUP BY bucket)
                """)
            parts.append("SELECT \(literal: OccupancyPart.hourAdmitted.rawValue) AS kind, bucket, a AS n, a_s AS seconds FROM h")
            parts.append("SELECT \(literal: OccupancyPart.hourDischarged.rawValue) AS kind, bucket, d AS n, d_s AS seconds FROM h")
            spans[.hours] = (0, span[span.count - 1].end)
        }
        if hourly < intervals.count {
            let span = Array(intervals[hourly...])
            let last = span[span.count - 1]
            let admittedRows = bucketed("admissions", by: "admitted_at", over: span)
            let dischargedRows = bucketed("admissions", by: "discharged_at", over: span)
            // Seconds from each row to its bucket's end where the join gives the end per row;
            // otherwise to the series' end E, and the buckets after the row's are taken off below
            // (Σ (E − t) − n × (E − e) = Σ (e − t) over the n rows of a bucket ending at e).
            func untilEnd(_ column: String, _ source: Bucketed) -> SQLQueryString {
                let end: SQLQueryString = source.joined ? "b.e" : "CAST(\(bind: last.end) AS TIMESTAMPTZ)"
                // `date_part` is double precision; `EXTRACT` is numeric since PostgreSQL 14, and
                // summing 40,000 numerics cost ~10 % of a year's statement.
                return postgres ? "date_part('epoch', \(end) - x.\(ident: column))" : "(\(end) - x.\(ident: column))"
            }
            func perBucket(_ kind: OccupancyPart, _ column: String, _ source: Bucketed) -> SQLQueryString {
                """
                SELECT \(literal: kind.rawValue) AS kind, \(source.bucket) AS bucket, COUNT(*) AS n,
                    CAST(SUM(\(untilEnd(column, source))) AS DOUBLE PRECISION) AS seconds
                FROM \(source.from)
                GROUP BY bucket
                """
            }
            // The bucket list (SQLite, or buckets that are not contiguous) is the same for both.
            if admittedRows.joined { with.append(bucketTable(span)) }
            parts.append(perBucket(.rowAdmitted, "admitted_at", admittedRows))
            parts.append(perBucket(.rowDischarged, "discharged_at", dischargedRows))
            spans[.admissions] = (hourly, admittedRows.joined ? nil : last.end)
        }
        parts.append("""
            SELECT \(literal: OccupancyPart.open.rawValue) AS kind, -1 AS bucket, COUNT(*) AS n, CAST(0 AS DOUBLE PRECISION) AS seconds
            FROM admissions x WHERE \(scope("x")) AND x.discharged_at >= \(bind: first.start) AND x.admitted_at < \(bind: first.start)
            """)
        parts.append("""
            SELECT \(literal: OccupancyPart.open.rawValue) AS kind, -1 AS bucket, COUNT(*) AS n, CAST(0 AS DOUBLE PRECISION) AS seconds
            FROM admissions x WHERE \(scope("x")) AND x.discharged_at IS NULL AND x.admitted_at < \(bind: first.start)
            """)
        var statement: SQLQueryString = with.isEmpty ? "" : "WITH "
        for (i, part) in with.enumerated() { statement += (i == 0 ? "" : ", ") + part }
        for (i, part) in parts.enumerated() { statement += (i == 0 ? " " : " UNION ALL ") + part }
        var open = 0
        var admitted = Array(repeating: (n: 0, seconds: 0.0), count: intervals.count), discharged = admitted
        for row in try await measuredRows(statement, integers: ["kind", "bucket", "n"], measure: "seconds") {
            let n = row.integers[2]
            guard let kind = OccupancyPart(rawValue: row.integers[0]) else { continue }
            guard let source = kind.source, let part = spans[source] else { open += n; continue }
            let bucket = part.offset + row.integers[1]
            guard intervals.indices.contains(bucket) else { continue }
            var seconds = row.measure
            // Seconds to the series' end: those after this bucket's end are taken off.
            if let end = part.seriesEnd { seconds -= Double(n) * end.timeIntervalSince(intervals[bucket].end) }
            if kind.admits {
                admitted[bucket].n += n
                admitted[bucket].seconds += seconds
            } else {
                discharged[bucket].n += n
                discharged[bucket].seconds += seconds
            }
        }
        var occupied: [Int: Double] = [:]
        for (index, bucket) in intervals.enumerated() {
            let inflow = admitted[index], outflow = discharged[index]
            occupied[index] = Double(open) * bucket.duration + inflow.seconds - outflow.seconds
            open += inflow.n - outflow.n
        }
        return occupied
    }

    /// How many leading intervals start and end on whole UTC hours.
    static func leadingWholeHours(_ intervals: [DateInterval]) -> Int {
        intervals.prefix { AppointmentCountSource.onWholeHours([$0]) }.count
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
        let paid = bucketed("invoices", by: "paid_at")
        let refunds = bucketed("invoice_refunds", by: "refunded_at", where: "x.status = 'succeeded'")
        let rows = try await sql.raw("""
            \(paid.with)
            SELECT \(paid.bucket) AS bucket, x.currency AS currency, CAST(SUM(x.amount_paid) AS BIGINT) AS paid, CAST(0 AS BIGINT) AS refunded
            FROM \(paid.from)
            GROUP BY bucket, x.currency
            UNION ALL
            SELECT \(refunds.bucket) AS bucket, x.currency AS currency, CAST(0 AS BIGINT) AS paid, CAST(SUM(x.amount) AS BIGINT) AS refunded
            FROM \(refunds.from)
            GROUP BY bucket, x.currency
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

/// The parts of occupancy's statement, by the code in its `kind` column.
enum OccupancyPart: Int {
    /// Stays open at the series' start.
    case open = 0
    case hourAdmitted, hourDischarged, rowAdmitted, rowDischarged

    /// Where a part's sums come from: migration 050's hourly sums, or the admissions.
    enum Source { case hours, admissions }

    var source: Source? {
        switch self {
        case .open: nil
        case .hourAdmitted, .hourDischarged: .hours
        case .rowAdmitted, .rowDischarged: .admissions
        }
    }

    var admits: Bool { self == .hourAdmitted || self == .rowAdmitted }
}
