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
        let principal = try req.principal()
        let scope = try req.tenantScope()
        try await req.services.guardian.authorize(principal, .facilityCreate, on: .tenant, origin: req.origin, db: req.db)
        var body = FieldReader(try await req.jsonObject())
        let code = body.string("code", maxLength: 41, pattern: FacilityService.codePattern,
                               patternHint: "must be 2-41 lowercase letters, digits or dashes")
        let name = body.string("name", maxLength: 200)
        let timezone = body.string("timezone", required: false, maxLength: 64)
        if let timezone, TimeZone(identifier: timezone) == nil {
            body.fail("timezone", "must be an IANA time zone such as Africa/Kigali")
        }
        try body.finish()
        let tenant = try await req.currentTenant()
        let zone = timezone ?? req.services.tenants[tenant.slug]?.timezone ?? "UTC"
        let facility = try await req.services.facilities.create(
            code: code!, name: name!, timezone: zone, in: scope, actor: principal, origin: req.origin)
        return try await FacilityDTO(facility).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<FacilityDTO> {
        let principal = try req.principal()
        let page = try await req.services.facilities.list(visibleTo: principal, in: req.tenantScope(), origin: req.origin, page: req.pageRequest())
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
