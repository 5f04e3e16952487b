import Vapor

/// One structured line per request. It logs the route pattern, never the concrete path or the
/// query string: those may carry identifiers or search terms that count as PHI.
///
/// The request path only measures and hands over values: the route and the duration are
/// rendered to text by the log writer thread (`LogSink`), when the line is formatted. It is
/// future-based, like `RequestIDMiddleware`, so it costs no task per request.
struct AccessLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        return next.respond(to: request).map { response in Self.log(response, of: request, since: start) }
    }

    private static func log(_ response: Response, of request: Request, since start: ContinuousClock.Instant) -> Response {
        let elapsed = ContinuousClock.now - start
        request.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "route": .stringConvertible(RoutePattern(request.route?.path)),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible(Milliseconds(elapsed)),
        ])
        return response
    }

    /// `/api/v1/patients/:patientID`, or `unmatched`; joined only when the line is written.
    struct RoutePattern: CustomStringConvertible, Sendable {
        let path: [PathComponent]?

        init(_ path: [PathComponent]?) { self.path = path }

        var description: String {
            path.map { "/" + $0.map(\.description).joined(separator: "/") } ?? "unmatched"
        }
    }

    /// A duration as milliseconds with two decimals ("12.34"), without `String(format:)`.
    struct Milliseconds: CustomStringConvertible, Sendable {
        let hundredths: Int64

        init(_ duration: Duration) {
            let (seconds, attoseconds) = duration.components
            hundredths = seconds * 100_000 + (attoseconds + 5_000_000_000_000) / 10_000_000_000_000
        }

        var description: String {
            let fraction = hundredths % 100
            return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
        }
    }
}
