import CareFlowCore
import Crypto
import Foundation
import Prometheus
import Vapor

/// `GET /metrics` in the Prometheus text format. Vapor's responder records
/// `http_requests_total` and `http_request_duration_seconds` per route pattern; the audit log
/// records its group commits; the database and outbox gauges are measured on each scrape
/// (`ScrapeTimeGauges`), after the token is checked so that no stranger makes us query.
///
/// Route names, error rates and timings tell an attacker what to probe, so the scraper must
/// present `CAREFLOW_METRICS_TOKEN` as a bearer token. Without the setting the endpoint does not
/// exist (404): metrics are an opt-in, never public by default.
struct MetricsController: RouteCollection {
    let registry: PrometheusCollectorRegistry
    let token: String?
    let gauges: ScrapeTimeGauges

    init(registry: PrometheusCollectorRegistry, token: String?, probeTimeout: Double = DatabaseProbe().timeout) {
        self.registry = registry
        self.token = token
        gauges = ScrapeTimeGauges(registry: registry, probe: DatabaseProbe(timeout: probeTimeout))
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    @Sendable
    func metrics(req: Request) async throws -> Response {
        guard let token else { throw AppError.notFound("Not found") }
        guard let presented = req.headers.bearerAuthorization?.token, Self.equalInConstantTime(presented, token) else {
            throw AppError.unauthenticated("A valid metrics bearer token is required")
        }
        await gauges.refresh(req.db, poolCapacity: Self.poolCapacity(req.application))
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: registry.emitToString()))
    }

    /// Fluent keeps one pool per event loop: SQLite one connection each (the driver's fixed
    /// size), PostgreSQL `CAREFLOW_DB_POOL_SIZE` each.
    static func poolCapacity(_ app: Application) -> Int {
        let loops = Array(app.eventLoopGroup.makeIterator()).count
        switch app.services.configuration.database {
        case .sqlite: return loops
        case .postgres: return loops * app.services.configuration.databasePoolSize
        }
    }

    /// Compares digests, so neither the position of the first wrong byte nor the token's
    /// length shows in the time taken.
    static func equalInConstantTime(_ a: String, _ b: String) -> Bool {
        let x = Array(SHA256.hash(data: Data(a.utf8))), y = Array(SHA256.hash(data: Data(b.utf8)))
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
