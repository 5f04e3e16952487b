import CareFlowCore
import Fluent
import Vapor

/// Unauthenticated operational endpoints: liveness, readiness, JWKS.
struct SystemController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
        routes.get("ready", use: ready)
        routes.get(".well-known", "jwks.json", use: jwks)
    }

    struct Status: Content {
        let status: String
    }

    @Sendable
    func health(req: Request) async throws -> Status {
        Status(status: "ok")
    }

    /// Ready while the database answers a bounded `SELECT 1`; otherwise 503 with `Retry-After`,
    /// so the load balancer sends traffic elsewhere and retries. The outbox lag is reported but
    /// never makes a replica unready (`Readiness`). Cheap on purpose: the balancer polls it.
    @Sendable
    func ready(req: Request) async throws -> Response {
        let readiness = await req.services.readiness.check(req.db)
        switch readiness.database {
        case .up(let reading):
            let body = ReadinessDTO(readiness, reading: reading, workerInProcess: req.services.configuration.inProcessWorker)
            let response = try await body.encodeResponse(for: req)
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        case .down(let unreachable):
            req.logger.warning("not ready: database unreachable", metadata: ["reason": .string(unreachable.reason.rawValue)])
            let response = ProblemMiddleware.response(for: AppError.unavailable("Not ready: \(unreachable)"), request: req)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Self.retryAfterSeconds))
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }

    /// How soon a balancer or client should ask again: about a database restart's length.
    static let retryAfterSeconds = 5

    @Sendable
    func jwks(req: Request) async throws -> Response {
        let doc = await req.services.signer.jwks()
        let response = try await doc.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }
}

extension JWKSDocument: Content {}
