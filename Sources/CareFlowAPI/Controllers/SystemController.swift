import CareFlowCore
import Fluent
import SQLKit
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

    @Sendable
    func ready(req: Request) async throws -> Status {
        guard let sql = req.db as? any SQLDatabase else { throw AppError.unavailable("Database unavailable") }
        do {
            try await sql.raw("SELECT 1").run()
        } catch {
            throw AppError.unavailable("Database unreachable")
        }
        return Status(status: "ready")
    }

    @Sendable
    func jwks(req: Request) async throws -> Response {
        let doc = await req.services.signer.jwks()
        let response = try await doc.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }
}

extension JWKSDocument: Content {}
