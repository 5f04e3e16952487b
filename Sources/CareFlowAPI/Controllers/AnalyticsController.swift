import CareFlowCore
import Vapor

/// `GET /api/v1/analytics/{metric}` (issue 14): one route per metric, so an unknown metric is
/// a 404 like any unknown path and each metric is documented with its own definition.
struct AnalyticsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let analytics = routes.grouped("api", "v1", "analytics")
        for metric in AnalyticsMetric.allCases {
            analytics.get(.constant(metric.rawValue)) { req in try await series(req: req, metric: metric) }
        }
    }

    @Sendable
    func series(req: Request, metric: AnalyticsMetric) async throws -> AnalyticsSeriesJSON {
        let query = try req.validatedQuery(AnalyticsSeriesQuery.self)
        return AnalyticsSeriesJSON(series: try await req.services.analytics.series(metric: metric, filter: query.filter, in: req.context()))
    }
}
