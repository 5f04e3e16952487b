import FluentKit
import Foundation
import SQLKit

/// Aggregates for hospital management (issue 14, PRODUCT.md §9): one metric over day, week or
/// month buckets in the tenant's time zone, for one facility or the whole tenant.
///
/// Who may: `analytics.read` (group admin across the tenant, facility admin at their facility);
/// revenue needs `analytics.read_revenue` (also billing at their facilities). Without a
/// facility the series is tenant-wide, which only a tenant-scoped grant reaches: a
/// facility-scoped caller gets a 403 and names their facility instead. A facility of another
/// tenant is a 404, as everywhere. Every answered read is audited (`analytics.read`, with the
/// metric and the filter); the values are counts and sums, never a patient's data.
public struct AnalyticsService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let tenants: TenantDirectory
    /// `.automatic` in the app; `.appointments` lets a test (or an operator in doubt) compare
    /// the hourly counts with the rows they summarise.
    let appointmentSource: AppointmentCountSource
    /// The tenant's slug (which names its configuration file) without reading its row.
    let identities: TenantIdentities

    public init(guardian: AccessGuard, audit: AuditLog, tenants: TenantDirectory,
                appointmentSource: AppointmentCountSource = .automatic, identities: TenantIdentities = TenantIdentities()) {
        self.guardian = guardian
        self.audit = audit
        self.tenants = tenants
        self.appointmentSource = appointmentSource
        self.identities = identities
    }

    /// The series of `metric` for `filter`, the entry point of the API and of the exports.
    public func series(metric: AnalyticsMetric, filter: AnalyticsFilter, in ctx: RequestContext,
                       now: Date = Date()) async throws -> AnalyticsSeries {
        if let facilityID = filter.facilityID {
            _ = try await ctx.scope.require(Facility.self, facilityID, name: "Facility")
            try await guardian.authorize(ctx.principal, metric.action, on: .facility(facilityID), origin: ctx.origin, db: ctx.db)
        } else {
            try await guardian.authorize(ctx.principal, metric.action, on: .tenant, origin: ctx.origin, db: ctx.db)
        }
        let (zone, zoneName) = try await timeZone(in: ctx)
        let intervals = try AnalyticsBuckets.make(filter, zone: zone, now: now)
        guard let sql = ctx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let queries = AnalyticsQueries(sql: sql, tenantID: ctx.tenantID, facilityID: filter.facilityID, buckets: intervals)
        let values = try await Self.values(of: metric, queries: queries, intervals: intervals, now: now, source: appointmentSource)
        let series = AnalyticsSeries(
            metric: metric, interval: filter.interval, timeZone: zone, timeZoneName: zoneName, from: intervals[0].start, to: intervals[intervals.count - 1].end,
            facilityID: filter.facilityID,
            buckets: zip(intervals, values).map { AnalyticsBucket(start: $0.start, end: $0.end, values: $1) })
        try await audit.append(
            AuditRecord(tenantID: ctx.tenantID, facilityID: filter.facilityID, actor: ctx.principal.auditActor, action: .analyticsRead,
                        targetType: "analytics", targetID: metric.rawValue,
                        details: ["interval": filter.interval.rawValue,
                                  "from": series.from.ISO8601Format(), "to": series.to.ISO8601Format(),
                                  "facility_id": filter.facilityID?.lowercasedString ?? "tenant"]),
            origin: ctx.origin, on: ctx.db)
        return series
    }

    /// The tenant's zone from its configuration file, and its name there; UTC for a tenant
    /// without one.
    func timeZone(in ctx: RequestContext) async throws -> (zone: TimeZone, name: String) {
        var slug = identities.slug(of: ctx.tenantID)
        if slug == nil, let tenant = try await Tenant.find(ctx.tenantID, on: ctx.db) {
            identities.remember(id: ctx.tenantID, slug: tenant.slug)
            slug = tenant.slug
        }
        let named = NamedTimeZone(configured: slug.flatMap { tenants[$0]?.timezone })
        return (named.zone, named.name)
    }

    /// One value per interval, in order.
    static func values(of metric: AnalyticsMetric, queries: AnalyticsQueries, intervals: [DateInterval],
                       now: Date, source: AppointmentCountSource) async throws -> [AnalyticsValues] {
        let indices = intervals.indices
        switch metric {
        case .admissions:
            let counts = try await queries.counts(table: "admissions", column: "admitted_at")
            return indices.map { .count(counts[$0] ?? 0) }
        case .discharges:
            let counts = try await queries.counts(table: "admissions", column: "discharged_at")
            return indices.map { .count(counts[$0] ?? 0) }
        case .highRiskPatients:
            let counts = try await queries.highRiskPatients()
            return indices.map { .count(counts[$0] ?? 0) }
        case .appointments:
            return try await queries.appointmentCounts(source).map { .statusCounts($0) }
        case .noShowRate:
            // The same statement as `appointments`: a status list bound into it made PostgreSQL
            // leave the index-only plan for a bitmap scan (570 ms instead of 60 ms for a month by
            // day over 1M rows, benchmarks/analytics.sh); the other statuses cost nothing extra.
            return try await queries.appointmentCounts(source).map { counts in
                let noShow = counts[.noShow], completed = counts[.completed]
                let total = noShow + completed
                return .noShowRate(noShow: noShow, completed: completed, rate: total == 0 ? nil : Double(noShow) / Double(total))
            }
        case .occupancy:
            let beds = try await queries.beds()
            // Only the part of each bucket that has happened: the current one up to now, a
            // future one not at all (its values are null rather than a misleading zero).
            let elapsed = intervals.map { $0.start < now ? DateInterval(start: $0.start, end: min($0.end, now)) : nil }
            let seconds = try await queries.occupiedSeconds(in: elapsed.compactMap { $0 }, hourRows: source == .automatic)
            return indices.map { index in
                guard let part = elapsed[index] else { return .occupancy(beds: beds, averageOccupiedBeds: nil, occupancy: nil) }
                // `occupiedSeconds` numbers the elapsed buckets only; they are the first ones.
                let average = (seconds[index] ?? 0) / part.duration
                return .occupancy(beds: beds, averageOccupiedBeds: average, occupancy: beds == 0 ? nil : average / Double(beds))
            }
        case .revenue:
            let money = try await queries.revenue()
            return indices.map { index in
                .revenue((money[index] ?? [:]).sorted { $0.key < $1.key }.map {
                    CurrencyRevenue(currency: $0.key, paid: $0.value.paid, refunded: $0.value.refunded)
                })
            }
        }
    }
}
