import CareFlowCore
import Vapor

/// `/api/v1/outbox`: the tenant's outgoing messages without their content; dead letters re-queued.
struct OutboxController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let outbox = routes.grouped("api", "v1", "outbox")
        outbox.get(use: list)
        outbox.post(":messageID", "requeue", use: requeue)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<OutboxMessageDTO> {
        let query = try req.validatedQuery(OutboxListQuery.self)
        let page = try await req.services.outboxAdmin.list(status: query.status, in: req.context(),
                                                           page: req.pageRequest())
        return ListResponse(page, OutboxMessageDTO.init)
    }

    @Sendable
    func requeue(req: Request) async throws -> OutboxMessageDTO {
        let message = try await req.services.outboxAdmin.requeue(messageID: req.uuidParameter("messageID", what: "Outbox message"),
                                                                 in: req.context())
        return OutboxMessageDTO(message)
    }
}
