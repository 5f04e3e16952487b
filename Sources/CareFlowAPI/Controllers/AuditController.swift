import CareFlowCore
import Vapor

/// `GET /api/v1/audit-events`: the tenant's audit trail, newest first.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "v1", "audit-events", use: list)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<AuditEventDTO> {
        var query = req.queryFields("action", "target_id", "actor_id", "facility_id", "outcome", "from", "to")
        var filters = AuditQuery.Filters()
        filters.action = query.string("action", required: false, maxLength: 100)
        filters.targetID = query.string("target_id", required: false, maxLength: 100)
        filters.actorID = query.uuid("actor_id", required: false)
        filters.facilityID = query.uuid("facility_id", required: false)
        filters.outcome = query.enumeration("outcome", AuditOutcome.self, required: false)
        filters.from = query.timestamp("from", required: false)
        filters.to = query.timestamp("to", required: false)
        try query.finish()
        let page = try await req.services.auditQuery.list(
            filters, in: req.tenantScope(), by: req.principal(), origin: req.origin, page: req.pageRequest())
        return ListResponse(page, AuditEventDTO.init)
    }
}
