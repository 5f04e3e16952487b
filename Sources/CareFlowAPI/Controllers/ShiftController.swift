import CareFlowCore
import Vapor

/// `/api/v1/facilities/{facilityID}/shifts` and `/coverage`: the facility's rota.
struct ShiftController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let facility = routes.grouped("api", "v1", "facilities", ":facilityID")
        facility.post("shifts", use: create)
        facility.get("shifts", use: list)
        facility.delete("shifts", ":shiftID", use: delete)
        facility.get("coverage", use: coverage)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let body = try await req.validatedBody(ShiftBody.self)
        let shift = try await req.services.shifts.create(
            userID: body.userID, role: body.role, startsAt: body.startsAt, endsAt: body.endsAt, facilityID: facilityID, in: req.context())
        return try await ShiftDTO(shift).encodeResponse(status: .created, for: req)
    }

    /// `?from=&to=` (RFC 3339) keep the shifts overlapping that stretch; `?user_id=` one person's.
    @Sendable
    func list(req: Request) async throws -> ListResponse<ShiftDTO> {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let query = try req.validatedQuery(ShiftListQuery.self)
        let page = try await req.services.shifts.list(facilityID: facilityID, from: query.from, to: query.to, userID: query.userID, in: req.context(),
                                                      page: req.pageRequest())
        return ListResponse(page, ShiftDTO.init)
    }

    @Sendable
    func delete(req: Request) async throws -> Response {
        try await req.services.shifts.delete(
            req.uuidParameter("shiftID", what: "Shift"), facilityID: req.uuidParameter("facilityID", what: "Facility"),
            in: req.context())
        return Response(status: .noContent)
    }

    @Sendable
    func coverage(req: Request) async throws -> ShiftCoverageDTO {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let query = try req.validatedQuery(CoverageQuery.self)
        return ShiftCoverageDTO(try await req.services.shifts.coverage(facilityID: facilityID, on: query.day, in: req.context()))
    }
}
