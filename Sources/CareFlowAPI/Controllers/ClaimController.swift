import CareFlowCore
import Vapor

/// `/api/v1/claims`: filing an insurance claim for an invoice, moving it along its states,
/// reading one with its history, and the list.
struct ClaimController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let claims = routes.grouped("api", "v1", "claims")
        claims.post(use: submit)
        claims.get(use: list)
        claims.get(":claimID", use: show)
        claims.post(":claimID", "transition", use: transition)
    }

    @Sendable
    func submit(req: Request) async throws -> Response {
        let body = try await req.validatedBody(ClaimBody.self)
        let view = try await req.services.claims.submit(body.submission, in: req.context())
        return try await ClaimDTO(view).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func transition(req: Request) async throws -> ClaimDTO {
        let body = try await req.validatedBody(ClaimTransitionBody.self)
        return ClaimDTO(try await req.services.claims.transition(req.uuidParameter("claimID", what: "Claim"), to: body.to,
                                                                 note: body.note, in: req.context()))
    }

    @Sendable
    func show(req: Request) async throws -> ClaimDTO {
        ClaimDTO(try await req.services.claims.read(req.uuidParameter("claimID", what: "Claim"), in: req.context()))
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<ClaimDTO> {
        let query = try req.validatedQuery(ClaimListQuery.self)
        return ListResponse(try await req.services.claims.list(query.filters, page: req.pageRequest(), in: req.context()), ClaimDTO.init)
    }
}
