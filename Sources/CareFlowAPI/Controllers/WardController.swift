import CareFlowCore
import Vapor

/// `/api/v1/facilities/{facilityID}/wards`: a facility's wards and their free beds.
struct WardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let facility = routes.grouped("api", "v1", "facilities", ":facilityID")
        facility.post("wards", use: create)
        facility.get("wards", use: list)
        facility.patch("wards", ":wardID", use: update)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let body = try await req.validatedBody(WardBody.self)
        let ward = try await req.services.wards.create(name: body.name, beds: body.beds, facilityID: facilityID, in: req.context())
        return try await WardDTO(ward).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<WardDTO> {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let page = try await req.services.wards.list(facilityID: facilityID, page: req.pageRequest(), in: req.context())
        return ListResponse(page, WardDTO.init)
    }

    @Sendable
    func update(req: Request) async throws -> WardDTO {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let wardID = try req.uuidParameter("wardID", what: "Ward")
        let body = try await req.validatedBody(WardChangesBody.self)
        return WardDTO(try await req.services.wards.update(wardID: wardID, facilityID: facilityID, name: body.name, beds: body.beds,
                                                           in: req.context()))
    }
}
