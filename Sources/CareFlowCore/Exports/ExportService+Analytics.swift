import FluentKit
import Foundation

/// An analytics series ready to write as CSV or PDF. It is a few hundred rows at most (the
/// analytics service bounds the buckets), computed by SQL aggregates, so it is held whole; the
/// export is recorded once the rows are known, before the response.
public struct AnalyticsExport: Sendable {
    public let series: AnalyticsSeries
    public let header: [String]
    public let rows: [[String]]

    /// Integer cells (counts, minor units, bed counts) as numbers, exempt from the formula rule,
    /// so a negative net revenue stays `-500`; everything else (bounds, rates, codes) as text.
    public var csv: String {
        var out = CSVWriter.header(header)
        for row in rows { CSVWriter.appendRow(row.map { Int($0).map(CSVCell.number) ?? .text($0) }, to: &out) }
        return out
    }
}

extension ExportService {
    /// One metric's series (`GET /api/v1/analytics/{metric}`'s filters) as an export: `export.run`
    /// where it reaches (the facility asked for, or the whole tenant without one) and the
    /// metric's own read action, which the analytics service checks and audits.
    public func analytics(_ metric: AnalyticsMetric, filter: AnalyticsFilter, format: String,
                          in context: RequestContext) async throws -> AnalyticsExport {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let target: AccessTarget
        if let facilityID = filter.facilityID {
            _ = try await scope.require(Facility.self, facilityID, name: "Facility")
            target = .facility(facilityID)
        } else {
            target = .tenant
        }
        try await guardian.authorize(principal, .exportRun, on: target, origin: origin, db: scope.db)
        let series = try await analyticsService.series(metric: metric, filter: filter, in: context)
        let (header, rows) = series.table
        var details = ExportAudit.details(.analytics, ["metric": metric.rawValue, "interval": filter.interval.rawValue,
                                                       "facility_id": filter.facilityID?.lowercasedString ?? "tenant",
                                                       "from": ExportTimestamp.format(series.from), "to": ExportTimestamp.format(series.to)])
        details["format"] = format
        details["row_count"] = String(rows.count)
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: filter.facilityID, actor: principal.auditActor, action: .exportCompleted,
                        targetType: "export", targetID: ExportDataset.analytics.rawValue, details: details),
            origin: origin, on: scope.db)
        return AnalyticsExport(series: series, header: header, rows: rows)
    }
}
