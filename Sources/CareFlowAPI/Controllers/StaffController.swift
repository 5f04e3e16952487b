import CareFlowCore
import Vapor

/// `/api/v1/facilities/{id}/staff`: invitations, roles and removal of a facility's staff.
struct StaffController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped("api", "v1", "facilities", ":facilityID", "staff")
        staff.get(use: list)
        staff.post(use: invite)
        staff.put(":userID", "roles", use: changeRoles)
        staff.delete(":userID", use: remove)
        staff.delete(":userID", "mfa", use: resetMFA)
    }

    @Sendable
    func list(req: Request) async throws -> ListResponse<StaffMemberDTO> {
        let page = try await req.services.staff.list(
            facilityID: req.uuidParameter("facilityID", what: "Facility"), in: req.context(), page: req.pageRequest())
        return ListResponse(page, StaffMemberDTO.init)
    }

    @Sendable
    func invite(req: Request) async throws -> Response {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let context = try req.context()
        let body = try await req.validatedBody(InviteStaffBody.self)
        let member = try await req.services.staff.invite(
            email: body.email, displayName: body.displayName, roles: body.roles, facilityID: facilityID, tenant: req.currentTenant(),
            in: context)
        return try await StaffMemberDTO(member).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func changeRoles(req: Request) async throws -> StaffMemberDTO {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let userID = try req.uuidParameter("userID", what: "Staff member")
        let body = try await req.validatedBody(ChangeRolesBody.self)
        let member = try await req.services.staff.changeRoles(
            userID: userID, to: body.roles, facilityID: facilityID, in: req.context())
        return StaffMemberDTO(member)
    }

    /// An admin clears a member's TOTP (lost device); audited, the member's sessions end.
    @Sendable
    func resetMFA(req: Request) async throws -> Response {
        try await req.services.staff.resetMFA(
            userID: req.uuidParameter("userID", what: "Staff member"), facilityID: req.uuidParameter("facilityID", what: "Facility"),
            in: req.context(), mfa: req.services.mfa)
        return Response(status: .noContent)
    }

    @Sendable
    func remove(req: Request) async throws -> Response {
        try await req.services.staff.remove(
            userID: req.uuidParameter("userID", what: "Staff member"), facilityID: req.uuidParameter("facilityID", what: "Facility"),
            in: req.context())
        return Response(status: .noContent)
    }
}
