import CareFlowCore
import Vapor

/// `/api/v1/platform/tenants`: the platform operator onboards, lists and suspends tenants.
struct PlatformTenantController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenants = routes.grouped("api", "v1", "platform", "tenants")
        tenants.post(use: create)
        tenants.get(use: list)
        tenants.post(":tenantID", "suspend", use: suspend)
        tenants.post(":tenantID", "reactivate", use: reactivate)
        tenants.delete(":tenantID", "group-admins", ":userID", "mfa", use: resetGroupAdminMFA)
    }

    /// A group admin lost their authenticator: only the platform operator may clear it.
    @Sendable
    func resetGroupAdminMFA(req: Request) async throws -> Response {
        let principal = try req.principal()
        let tenantID = try req.uuidParameter("tenantID", what: "Tenant")
        guard try await Tenant.find(tenantID, on: req.db) != nil else { throw AppError.notFound("Tenant not found") }
        // The operator acts inside the group admin's tenant, not one of their own.
        let context = RequestContext(scope: TenantScope(tenantID: tenantID, db: req.db), principal: principal, origin: req.origin)
        try await req.services.staff.resetGroupAdminMFA(
            userID: req.uuidParameter("userID", what: "Group admin"), in: context, mfa: req.services.mfa)
        return Response(status: .noContent)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let principal = try req.principal()
        try await req.services.guardian.authorize(principal, .tenantCreate, on: .platform, origin: req.origin, db: req.db)
        let body = try await req.validatedBody(CreateTenantBody.self)
        let result = try await req.services.onboarding.onboard(
            slug: body.slug, name: body.name, adminEmail: body.adminEmail, adminPassword: nil, actor: principal.auditActor, origin: req.origin)
        let dto = OnboardedTenantDTO(tenant: TenantDTO(result.tenant), groupAdmin: UserSummaryDTO(id: result.admin.id!, email: result.adminEmail, displayName: nil,
                                                                     status: result.admin.status.rawValue),
                                     invitationSent: result.invitationSent, facilities: result.facilities.map(FacilityDTO.init))
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<TenantDTO> {
        let principal = try req.principal()
        try await req.services.guardian.authorize(principal, .tenantList, on: .platform, origin: req.origin, db: req.db)
        return ListResponse(try await req.services.onboarding.list(page: req.pageRequest()), TenantDTO.init)
    }

    @Sendable
    func suspend(req: Request) async throws -> TenantDTO {
        let principal = try req.principal()
        try await req.services.guardian.authorize(principal, .tenantSuspend, on: .platform, origin: req.origin, db: req.db)
        let id = try req.uuidParameter("tenantID", what: "Tenant")
        return TenantDTO(try await req.services.onboarding.suspend(tenantID: id, actor: principal.auditActor, origin: req.origin))
    }

    @Sendable
    func reactivate(req: Request) async throws -> TenantDTO {
        let principal = try req.principal()
        try await req.services.guardian.authorize(principal, .tenantSuspend, on: .platform, origin: req.origin, db: req.db)
        let id = try req.uuidParameter("tenantID", what: "Tenant")
        return TenantDTO(try await req.services.onboarding.reactivate(tenantID: id, actor: principal.auditActor, origin: req.origin))
    }
}
