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
        var body = FieldReader(try await req.jsonObject())
        let input = StaffProfileInput(
            specialization: body.string("specialization", required: false, maxLength: 100),
            licenceNumber: body.string("licence_number", required: false, maxLength: 64),
            yearsOfExperience: body.integer("years_of_experience", required: false, range: 0...80),
            consultationFee: body.integer("consultation_fee", required: false, range: 0...1_000_000_000),
            bio: body.string("bio", required: false, maxLength: 4000))
        try body.finish()
        return StaffProfileDTO(try await req.services.staffProfiles.put(
            input, userID: userID, facilityID: facilityID, in: req.tenantScope(), by: req.principal(), origin: req.origin))
    }

    @Sendable
    func show(req: Request) async throws -> StaffProfileDTO {
        StaffProfileDTO(try await req.services.staffProfiles.read(
            userID: req.uuidParameter("userID", what: "Staff member"), facilityID: req.uuidParameter("facilityID", what: "Facility"),
            in: req.tenantScope(), by: req.principal(), origin: req.origin))
    }
}
