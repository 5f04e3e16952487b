import CareFlowCore
import Foundation
import Vapor

/// `GET /console/dashboard?facility_id=&from=&to=&interval=`: the analytics of issue 14 as
/// charts with their numbers, one facility or the whole tenant. The query is the API's
/// (`AnalyticsSeriesQuery`, same validation), each chart is one call of `AnalyticsService`
/// (same rules, same audit), so the page and `GET /api/v1/analytics/{metric}` cannot disagree.
struct ConsoleDashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("dashboard", use: dashboard)
    }

    @Sendable
    func dashboard(req: Request) async throws -> Response {
        let principal = try req.principal()
        let ctx = try req.context()
        let tenant = try await req.currentTenant().name
        let reach = ConsoleDashboardReach(principal: principal, facilities: try await req.tenantScope().query(Facility.self).all())
        do {
            var filter = try Self.filter(of: req)
            if filter.facilityID == nil { filter.facilityID = reach.defaultFacilityID }
            let now = Date()
            var series: [AnalyticsSeries] = []
            for metric in reach.metrics(for: filter.facilityID) {
                series.append(try await req.services.analytics.series(metric: metric, filter: filter, in: ctx, now: now))
            }
            let content = ConsoleDashboardContent(filter: filter, reach: reach, series: series, tenant: tenant)
            return try await ConsolePage.render("dashboard", title: "Dashboard", content: content, on: req)
        } catch AppError.validation(let errors) {
            // The form again, with what to correct named per field (the API's 422, for people).
            let content = ConsoleDashboardContent(filter: AnalyticsFilter(), reach: reach, series: [], tenant: tenant)
            let notice = ConsoleNotice.error(errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; "))
            return try await ConsolePage.render("dashboard", title: "Dashboard", content: content, notice: notice,
                                                status: .unprocessableEntity, on: req)
        }
    }

    /// The API's query, read from the form: a form sends the fields it leaves blank as empty
    /// values ("All facilities" is `facility_id=`), which mean "not given" here.
    static func filter(of req: Request) throws -> AnalyticsFilter {
        var object: [String: JSONValue] = [:]
        for key in AnalyticsSeriesQuery.parameterNames {
            if let value = req.queryValue(key), !value.trimmingCharacters(in: .whitespaces).isEmpty { object[key] = .string(value) }
        }
        return try AnalyticsSeriesQuery.read(object).filter
    }
}
