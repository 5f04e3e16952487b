import Prometheus
import Vapor

/// `GET /metrics` in the Prometheus text format. Vapor's responder records
/// `http_requests_total` and `http_request_duration_seconds` per route pattern.
struct MetricsController: RouteCollection {
    let registry: PrometheusCollectorRegistry

    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    @Sendable
    func metrics(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return Response(status: .ok, headers: headers, body: .init(string: registry.emitToString()))
    }
}
