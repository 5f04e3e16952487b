import CareFlowCore
import Vapor

/// `/api/v1/facilities/{facilityID}/staff/{userID}/profile`: a staff member's profile there.
struct StaffProfileController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let profile = routes.grouped("api", "v1", "facilities", ":facilityID", "staff", ":userID", "profile")
        profile.put(use: put)
        profile.get(use: show)
    }

    @Sendable
    func put(req: Request) async throws -> StaffProfileDTO {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let userID = try req.uuidParameter("userID", what: "Staff member")
        let body = try await req.validatedBody(StaffProfileBody.self)
        return StaffProfileDTO(try await req.services.staffProfiles.put(
            body.input, userID: userID, facilityID: facilityID, in: req.context()))
    }

    @Sendable
    func show(req: Request) async throws -> StaffProfileDTO {
        StaffProfileDTO(try await req.services.staffProfiles.read(
            userID: req.uuidParameter("userID", what: "Staff member"), facilityID: req.uuidParameter("facilityID", what: "Facility"),
            in: req.context()))
    }
}
