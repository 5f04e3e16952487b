import CareFlowCore
import Foundation
import Vapor

/// `/console/staff` and `/console/facilities/{id}/staff`: a facility's members, invitations,
/// role changes, removal and second-factor resets. The API's twin is `StaffController`: the
/// same `StaffService` calls (which check the policy table and `RoleGrantPolicy`, and audit),
/// the API's own bodies to judge the forms. The page offers only what the service would
/// accept (`RoleGrantPolicy.grantableRoles`, `StaffService.powers`); a forged form is refused
/// by the service all the same, as a 403 page.
struct ConsoleStaffController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("staff", use: index)
        let staff = routes.grouped("facilities", ":facilityID", "staff")
        staff.get(use: page)
        staff.post(use: invite)
        staff.post(":userID", "roles", use: changeRoles)
        staff.post(":userID", "remove", use: remove)
        staff.post(":userID", "mfa-reset", use: resetMFA)
    }

    /// The form field of a role checkbox: one flat field per role (`role_nurse=on`), because
    /// a repeated or bracketed field does not survive `ConsoleFormFields`' flat decoding.
    static func field(_ role: Role) -> String { "role_" + role.rawValue }

    /// The roles ticked in a posted form. Every role is looked for, not only the grantable ones:
    /// a forged `role_group_admin` goes to the service, which refuses and audits it.
    static func roles(in form: ConsoleFormFields) -> [Role] {
        Role.allCases.filter { form.text(field($0), maxLength: 10) != nil }
    }

    // MARK: - Pages

    struct FacilityLink: Encodable, Sendable {
        let code: String
        let name: String
        let href: String
    }

    struct IndexContent: Encodable, Sendable {
        let facilities: [FacilityLink]
        let nextHref: String?
    }

    /// The facilities whose staff the caller manages; with only one, straight to it.
    @Sendable
    func index(req: Request) async throws -> Response {
        let context = try req.context()
        let principal = context.principal
        if !principal.mayEver(.staffRead) {
            // Nothing to list: refused and audited as the API refuses a staff list.
            try await req.services.guardian.authorize(principal, .staffRead, on: .tenant, origin: req.origin, db: req.db)
        }
        let page = try await req.services.facilities.list(in: context, page: req.pageRequest())
        let links = page.items.compactMap { facility -> FacilityLink? in
            guard let id = facility.id, AccessDecision.isAllowed(principal, .staffRead, on: .facility(id)) else { return nil }
            return FacilityLink(code: facility.code, name: facility.name, href: ConsolePaths.facilityStaff(id))
        }
        if links.count == 1, page.nextCursor == nil, req.query[String.self, at: "cursor"] == nil {
            return req.redirect(to: links[0].href)
        }
        let content = IndexContent(facilities: links, nextHref: page.nextCursor.map(ConsolePaths.nextPage(of: ConsolePaths.staff)))
        return try await ConsolePage.render("staff-index", title: "Staff", content: content, on: req)
    }

    struct RoleOption: Encodable, Sendable {
        let field: String
        let value: String
        let checked: Bool
    }

    struct MemberRow: Encodable, Sendable {
        let id: String
        let email: String
        let displayName: String?
        let status: String
        let roles: String
        let isCaller: Bool
        let changeRoles: Bool
        let remove: Bool
        let resetMFA: Bool
        let roleOptions: [RoleOption]
        let rolesHref: String
        let removeHref: String
        let resetMFAHref: String
    }

    /// The invitation form as typed, with a reason per refused field.
    struct InviteForm: Encodable, Sendable {
        var email = ""
        var displayName = ""
        var roles: [Role] = []
        var emailError: String?
        var displayNameError: String?
        var rolesError: String?
    }

    struct StaffContent: Encodable, Sendable {
        let facilityName: String
        let facilityCode: String
        let members: [MemberRow]
        let nextHref: String?
        let mayInvite: Bool
        let inviteHref: String
        let invite: InviteForm
        let inviteOptions: [RoleOption]
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let notice: ConsoleNotice? = switch req.query[String.self, at: "notice"] {
        case "invited": .success("The invitation was sent and the roles granted.")
        case "roles-granted": .success("The roles were granted to the existing account.")
        case "roles-changed": .success("The member's roles were changed.")
        case "removed": .success("The member was removed from this facility.")
        case "mfa-reset": .success("The member's second factor was reset; they enrol again at their next sign-in.")
        default: nil
        }
        return try await render(req, facilityID: req.uuidParameter("facilityID", what: "Facility"), invite: InviteForm(), notice: notice)
    }

    private func render(_ req: Request, facilityID: UUID, invite: InviteForm, notice: ConsoleNotice?,
                        status: HTTPResponseStatus = .ok) async throws -> Response {
        let context = try req.context()
        let principal = context.principal
        // The service's guard first: another tenant's facility is a 404, one the caller does
        // not administer a 403, exactly as on the API.
        let page = try await req.services.staff.list(facilityID: facilityID, in: context, page: req.pageRequest())
        let facility = try await context.scope.require(Facility.self, facilityID, name: "Facility")
        let powers = try await req.services.staff.powers(over: page.items.map(\.profile.id), facilityID: facilityID, in: context)
        let grantable = Role.allCases.filter(RoleGrantPolicy.grantableRoles(by: principal, at: facilityID).contains)
        let base = ConsolePaths.facilityStaff(facilityID)
        let members = page.items.map { member in
            let id = member.profile.id
            let may = powers[id] ?? .none
            let href = base + "/" + id.lowercasedString
            return MemberRow(
                id: id.lowercasedString, email: member.profile.email, displayName: member.profile.displayName,
                status: member.user.status.rawValue, roles: member.roles.map(\.rawValue).joined(separator: ", "),
                isCaller: id == principal.subjectID, changeRoles: may.changeRoles, remove: may.remove, resetMFA: may.resetMFA,
                roleOptions: grantable.map { RoleOption(field: Self.field($0), value: $0.rawValue, checked: member.roles.contains($0)) },
                rolesHref: href + "/roles", removeHref: href + "/remove", resetMFAHref: href + "/mfa-reset")
        }
        let content = StaffContent(
            facilityName: facility.name, facilityCode: facility.code, members: members,
            nextHref: page.nextCursor.map(ConsolePaths.nextPage(of: base)),
            mayInvite: AccessDecision.isAllowed(principal, .staffInvite, on: .facility(facilityID)) && !grantable.isEmpty,
            inviteHref: base, invite: invite,
            inviteOptions: grantable.map { RoleOption(field: Self.field($0), value: $0.rawValue, checked: invite.roles.contains($0)) })
        return try await ConsolePage.render("staff", title: "Staff · \(facility.name)", content: content, notice: notice, status: status,
                                            on: req)
    }

    // MARK: - Actions

    @Sendable
    func invite(req: Request) async throws -> Response {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let context = try req.context()
        let fields = try ConsoleFormFields(req)
        let email = fields.text("email", maxLength: 1000), displayName = fields.text("display_name", maxLength: 1000)
        let roles = Self.roles(in: fields)
        var form = InviteForm(email: email ?? "", displayName: displayName ?? "", roles: roles)
        var object: [String: JSONValue] = ["roles": .array(roles.map { .string($0.rawValue) })]
        if let email { object["email"] = .string(email) }
        if let displayName { object["display_name"] = .string(displayName) }
        let member: StaffMember
        do {
            let body = try InviteStaffBody.read(object)
            member = try await req.services.staff.invite(
                email: body.email, displayName: body.displayName, roles: body.roles, facilityID: facilityID,
                tenant: req.currentTenant(), in: context)
        } catch let error as AppError {
            guard case .validation(let errors) = error else { throw error }
            for error in errors {
                switch error.field {
                case "email": form.emailError = error.reason
                case "display_name": form.displayNameError = error.reason
                default: form.rolesError = error.field == "roles" && error.reason == "must not be empty" ? "choose at least one role" : error.reason
                }
            }
            return try await render(req, facilityID: facilityID, invite: form,
                                    notice: .error("Nobody was invited: check the fields marked below."), status: .unprocessableEntity)
        }
        // An account that already works in the tenant gets the roles, not an email.
        let outcome = member.user.status == .invited ? "invited" : "roles-granted"
        return req.redirect(to: ConsolePaths.facilityStaff(facilityID) + "?notice=" + outcome)
    }

    @Sendable
    func changeRoles(req: Request) async throws -> Response {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        let userID = try req.uuidParameter("userID", what: "Staff member")
        let context = try req.context()
        let roles = Self.roles(in: try ConsoleFormFields(req))
        do {
            let body = try ChangeRolesBody.read(["roles": .array(roles.map { .string($0.rawValue) })])
            _ = try await req.services.staff.changeRoles(userID: userID, to: body.roles, facilityID: facilityID, in: context)
        } catch let error as AppError {
            guard case .validation = error else { throw error }
            return try await render(req, facilityID: facilityID, invite: InviteForm(),
                                    notice: .error("Choose at least one role; to take every role away, remove the member."),
                                    status: .unprocessableEntity)
        }
        return req.redirect(to: ConsolePaths.facilityStaff(facilityID) + "?notice=roles-changed")
    }

    @Sendable
    func remove(req: Request) async throws -> Response {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        _ = try ConsoleFormFields(req)
        try await req.services.staff.remove(userID: req.uuidParameter("userID", what: "Staff member"), facilityID: facilityID,
                                            in: req.context())
        return req.redirect(to: ConsolePaths.facilityStaff(facilityID) + "?notice=removed")
    }

    @Sendable
    func resetMFA(req: Request) async throws -> Response {
        let facilityID = try req.uuidParameter("facilityID", what: "Facility")
        _ = try ConsoleFormFields(req)
        try await req.services.staff.resetMFA(userID: req.uuidParameter("userID", what: "Staff member"), facilityID: facilityID,
                                              in: req.context(), mfa: req.services.mfa)
        return req.redirect(to: ConsolePaths.facilityStaff(facilityID) + "?notice=mfa-reset")
    }
}
