import CareFlowCore
import Vapor

/// `GET /api/v1/audit-events`: the tenant's audit trail, newest first.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("api", "v1", "audit-events", use: list)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<AuditEventDTO> {
        var filters = AuditQuery.Filters()
        var errors: [FieldError] = []
        filters.action = req.query[String.self, at: "action"]
        filters.targetID = req.query[String.self, at: "target_id"]
        func uuid(_ key: String) -> UUID? {
            guard let raw = req.query[String.self, at: key] else { return nil }
            if let id = UUID(uuidString: raw) { return id }
            errors.append(FieldError(field: key, reason: "must be a UUID"))
            return nil
        }
        filters.actorID = uuid("actor_id")
        filters.facilityID = uuid("facility_id")
        if let raw = req.query[String.self, at: "outcome"] {
            if let o = AuditOutcome(rawValue: raw) { filters.outcome = o } else {
                errors.append(FieldError(field: "outcome", reason: "must be one of: success, denied, failure"))
            }
        }
        let iso = ISO8601DateFormatter()
        for key in ["from", "to"] {
            guard let raw = req.query[String.self, at: key] else { continue }
            guard let date = iso.date(from: raw) else {
                errors.append(FieldError(field: key, reason: "must be an RFC 3339 timestamp"))
                continue
            }
            if key == "from" { filters.from = date } else { filters.to = date }
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        let page = try await req.services.auditQuery.list(
            filters, in: req.tenantScope(), by: req.principal(), origin: req.origin, page: req.pageRequest())
        return ListResponse(page, AuditEventDTO.init)
    }
}
