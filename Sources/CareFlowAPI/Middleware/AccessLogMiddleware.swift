import Vapor

/// One structured line per request. It logs the route pattern, never the concrete path or the
/// query string: those may carry identifiers or search terms that count as PHI.
/// Future-based, like `RequestIDMiddleware`, so it costs no task per request.
struct AccessLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        return next.respond(to: request).map { response in Self.log(response, of: request, since: start) }
    }

    private static func log(_ response: Response, of request: Request, since start: ContinuousClock.Instant) -> Response {
        let elapsed = ContinuousClock.now - start
        let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        request.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "route": .string(route),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.2f", ms)),
        ])
        return response
    }
}
