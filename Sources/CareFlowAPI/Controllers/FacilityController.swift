import CareFlowCore
import Vapor

/// `/api/v1/facilities`: group admins onboard facilities; staff see their own.
struct FacilityController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let facilities = routes.grouped("api", "v1", "facilities")
        facilities.post(use: create)
        facilities.get(use: list)
        facilities.get(":facilityID", use: show)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let context = try req.context()
        try await req.services.guardian.authorize(context.principal, .facilityCreate, on: .tenant, origin: req.origin, db: req.db)
        let body = try await req.validatedBody(CreateFacilityBody.self)
        let tenant = try await req.currentTenant()
        let zone = body.timezone ?? req.services.tenants[tenant.slug]?.timezone ?? "UTC"
        let facility = try await req.services.facilities.create(
            code: body.code, name: body.name, timezone: zone, address: body.address, in: context)
        return try await FacilityDTO(facility).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<FacilityDTO> {
        let page = try await req.services.facilities.list(in: req.context(), page: req.pageRequest())
        return ListResponse(page, FacilityDTO.init)
    }

    @Sendable
    func show(req: Request) async throws -> FacilityDTO {
        let principal = try req.principal()
        let facility = try await req.tenantScope().require(Facility.self, req.uuidParameter("facilityID", what: "Facility"), name: "Facility")
        try await req.services.guardian.authorize(principal, .facilityRead, on: .facility(facility.id!), origin: req.origin, db: req.db)
        return FacilityDTO(facility)
    }
}
