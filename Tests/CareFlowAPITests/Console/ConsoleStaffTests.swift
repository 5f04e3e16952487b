@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 15: the console's staff pages. The expectations are PRODUCT §1 and the README's
/// role-grant rules, written out here: a facility admin grants `doctor`, `nurse`,
/// `receptionist`, `billing` at their own facility; a group admin those and `facility_admin`
/// anywhere in the tenant; nobody grants `group_admin`.
@Suite("Console staff")
struct ConsoleStaffTests {
    static let facilityAdminGrants: Set<String> = ["doctor", "nurse", "receptionist", "billing"]
    static let groupAdminGrants: Set<String> = ["facility_admin", "doctor", "nurse", "receptionist", "billing"]

    @Test("a facility admin invites a nurse (email in the outbox), changes a member's roles, removes one and resets a nurse's TOTP",
          arguments: TestBackend.enabled)
    func facilityAdminManagesStaff(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "cs-manage")
            let admin = t[.facilityAdmin]
            let (receptionist, billing, nurse) = (t[.receptionist], t[.billing], t[.nurse])
            _ = try await Fixtures.enrolTOTP(app, tenantID: t.id, subjectID: nurse.id, kind: .user)
            let staffPage = "/console/facilities/\(t.f1.id!.lowercasedString)/staff"
            let browser = ConsoleBrowser(app)
            try await browser.signIn(admin, tenant: t)

            let page = try await browser.get(staffPage)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="staff-list""#) && page.text.contains(#"id="invite-form""#))
            // The menu marks Staff, not Facilities, although the path starts with /console/facilities.
            #expect(page.text.contains(#"<a href="/console/staff" aria-current="page">Staff</a>"#))
            #expect(!page.text.contains(#"<a href="/console/facilities" aria-current="page">"#))
            for user in [receptionist, billing, nurse, t[.doctor]] {
                #expect(page.text.contains(#"data-email="\#(user.email)""#))
                #expect(page.text.contains(#"id="roles-form-\#(user.id.lowercasedString)""#))
                #expect(page.text.contains(#"id="remove-form-\#(user.id.lowercasedString)""#))
                #expect(page.text.contains(#"id="reset-mfa-form-\#(user.id.lowercasedString)""#))
            }
            // Not on oneself.
            let me = admin.id.lowercasedString
            #expect(!page.text.contains("roles-form-\(me)") && !page.text.contains("remove-form-\(me)") && !page.text.contains("reset-mfa-form-\(me)"))
            #expect(!page.text.contains("style="))

            // Invite a new nurse who also works at reception.
            let invited = try await browser.post(staffPage, form: [
                ("email", "New.Nurse@cs-manage.test"), ("display_name", "Night nurse"), ("role_nurse", "on"), ("role_receptionist", "on"),
            ])
            #expect(invited.status == .seeOther)
            #expect(invited.headers.first(name: .location) == staffPage + "?notice=invited")
            let afterInvite = try await browser.follow(invited)
            #expect(afterInvite.text.contains("notice-success"))
            #expect(afterInvite.text.contains(#"data-email="new.nurse@cs-manage.test""#))
            let directory = try await Fixtures.directory(app, t.id)
            let newcomer = try #require(try await directory.find(email: "new.nurse@cs-manage.test"))
            #expect(newcomer.status == .invited)
            #expect(try await roles(app, newcomer.id!, at: t.f1.id!) == [.nurse, .receptionist])
            #expect(try await invitationLink(app, slug: "cs-manage", to: "new.nurse@cs-manage.test"))
            let grants = try await AuditEvent.query(on: app.db).filter(\.$action == "role.grant").filter(\.$actorID == admin.id)
                .filter(\.$outcome == "success").filter(\.$targetID == newcomer.id!.lowercasedString).count()
            #expect(grants == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.send").count() == 1)

            // An account already in the tenant gets the roles, without an invitation email.
            let existing = try await browser.post(staffPage, form: [("email", t[.doctor].email), ("role_receptionist", "on")])
            #expect(existing.status == .seeOther)
            #expect(existing.headers.first(name: .location) == staffPage + "?notice=roles-granted")
            #expect(try await roles(app, t[.doctor].id, at: t.f1.id!) == [.doctor, .receptionist])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.send").count() == 1)
            try await browser.follow(existing)

            // Receptionist → receptionist and billing.
            let changed = try await browser.post("\(staffPage)/\(receptionist.id.lowercasedString)/roles",
                                                 form: [("role_receptionist", "on"), ("role_billing", "on")])
            #expect(changed.status == .seeOther)
            #expect(changed.headers.first(name: .location) == staffPage + "?notice=roles-changed")
            #expect(try await roles(app, receptionist.id, at: t.f1.id!) == [.receptionist, .billing])
            let billingGrant = try await AuditEvent.query(on: app.db).filter(\.$action == "role.grant").filter(\.$actorID == admin.id)
                .filter(\.$targetID == receptionist.id.lowercasedString).all()
            #expect(billingGrant.count == 1 && billingGrant[0].details.contains("billing"))
            // No role ticked: refused with a plain line, nothing changes.
            try await browser.follow(changed)
            let empty = try await browser.post("\(staffPage)/\(receptionist.id.lowercasedString)/roles", form: [])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("notice-error"))
            #expect(try await roles(app, receptionist.id, at: t.f1.id!) == [.receptionist, .billing])

            // Remove the billing clerk: no role left anywhere, so the account is deactivated.
            let removed = try await browser.post("\(staffPage)/\(billing.id.lowercasedString)/remove", form: [])
            #expect(removed.status == .seeOther)
            #expect(removed.headers.first(name: .location) == staffPage + "?notice=removed")
            #expect(try await roles(app, billing.id, at: t.f1.id!).isEmpty)
            #expect(try await User.find(billing.id, on: app.db)?.status == .deactivated)
            let afterRemove = try await browser.follow(removed)
            #expect(!afterRemove.text.contains(#"data-email="\#(billing.email)""#))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "staff.remove")
                .filter(\.$targetID == billing.id.lowercasedString).filter(\.$actorID == admin.id).count() == 1)

            // Reset the nurse's second factor.
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == nurse.id).count() == 1)
            let reset = try await browser.post("\(staffPage)/\(nurse.id.lowercasedString)/mfa-reset", form: [])
            #expect(reset.status == .seeOther)
            #expect(reset.headers.first(name: .location) == staffPage + "?notice=mfa-reset")
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == nurse.id).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.reset")
                .filter(\.$targetID == nurse.id.lowercasedString).filter(\.$actorID == admin.id).count() == 1)
            #expect(try await AuditChainVerifier().verify(on: app.db).ok)
        }
    }

    @Test("a facility admin is offered exactly the roles it may grant; forged grants of group_admin or facility_admin are 403 and change nothing",
          arguments: TestBackend.enabled)
    func grantableRolesOnly(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "cs-grant")
            let admin = t[.facilityAdmin]
            let nurse = t[.nurse]
            let staffPage = "/console/facilities/\(t.f1.id!.lowercasedString)/staff"
            // Also at f1: the admin of f2 (as a nurse), and a doctor who is a nurse at f2.
            let scope = TenantScope(tenantID: t.id, db: app.db)
            try await scope.create(RoleAssignment(tenantID: t.id, userID: t.f2Admin.id, role: .nurse, facilityID: t.f1.id, grantedBy: nil))
            let twoPlaces = try await Fixtures.user(app, tenant: t.tenant, email: "two-places@cs-grant.test", role: .doctor, facility: t.f1.id)
            try await scope.create(RoleAssignment(tenantID: t.id, userID: twoPlaces.id, role: .nurse, facilityID: t.f2.id, grantedBy: nil))

            let browser = ConsoleBrowser(app)
            try await browser.signIn(admin, tenant: t)
            let page = try await browser.get(staffPage)
            #expect(page.status == .ok)
            #expect(Self.ids(in: page.text, prefix: "invite-role-") == Self.facilityAdminGrants)
            #expect(Self.ids(in: page.text, prefix: "roles-\(nurse.id.lowercasedString)-") == Self.facilityAdminGrants)
            #expect(!page.text.contains("role_group_admin") && !page.text.contains("role_facility_admin"))
            #expect(!page.text.contains("role_platform_admin") && !page.text.contains("role_patient"))
            // The admin of f2 holds a role this facility admin cannot grant: listed, with no control.
            let outranking = t.f2Admin.id.lowercasedString
            #expect(page.text.contains(#"data-email="\#(t.f2Admin.email)""#))
            #expect(!page.text.contains("roles-form-\(outranking)") && !page.text.contains("remove-form-\(outranking)")
                    && !page.text.contains("reset-mfa-form-\(outranking)"))
            #expect(page.text.contains("No changes you can make"))
            // A doctor here who is a nurse at f2: roles here may change, but the second factor
            // guards the whole account, so no reset.
            let both = twoPlaces.id.lowercasedString
            #expect(page.text.contains("roles-form-\(both)") && page.text.contains("remove-form-\(both)"))
            #expect(!page.text.contains("reset-mfa-form-\(both)"))

            let before = try await RoleAssignment.query(on: app.db).filter(\.$tenantID == t.id).count()
            for role in ["group_admin", "facility_admin"] {
                let forgedInvite = try await browser.post(staffPage, form: [("email", "sneaky-\(role)@cs-grant.test"), ("role_\(role)", "on")])
                #expect(forgedInvite.status == .forbidden, "inviting as \(role)")
                #expect(forgedInvite.headers.contentType?.subType == "html")
                #expect(try await Fixtures.directory(app, t.id).find(email: "sneaky-\(role)@cs-grant.test") == nil)
                try await browser.get(staffPage)
                let forgedChange = try await browser.post("\(staffPage)/\(nurse.id.lowercasedString)/roles",
                                                          form: [("role_nurse", "on"), ("role_\(role)", "on")])
                #expect(forgedChange.status == .forbidden, "granting \(role) to a nurse")
                try await browser.get(staffPage)
            }
            #expect(try await roles(app, nurse.id, at: t.f1.id!) == [.nurse])
            #expect(try await RoleAssignment.query(on: app.db).filter(\.$tenantID == t.id).count() == before)
            #expect(try await RoleAssignment.query(on: app.db).filter(\.$role == .groupAdmin).filter(\.$tenantID == t.id).count() == 1)
            let refusals = try await AuditEvent.query(on: app.db).filter(\.$action == "role.grant").filter(\.$outcome == "denied")
                .filter(\.$actorID == admin.id).all()
            #expect(refusals.count == 4)
            #expect(refusals.allSatisfy { $0.details.contains("role_not_grantable") })
            // The hidden controls, forged: refused by the service.
            let removeOutranking = try await browser.post("\(staffPage)/\(outranking)/remove", form: [])
            #expect(removeOutranking.status == .forbidden)
            #expect(try await RoleAssignment.query(on: app.db).filter(\.$userID == t.f2Admin.id).count() == 2)
            try await browser.get(staffPage)
            let resetBoth = try await browser.post("\(staffPage)/\(both)/mfa-reset", form: [])
            #expect(resetBoth.status == .forbidden)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.reset").count() == 0)

            // A group admin is offered facility_admin as well, and never group_admin.
            let groupBrowser = ConsoleBrowser(app)
            try await groupBrowser.signIn(t[.groupAdmin], tenant: t)
            let groupPage = try await groupBrowser.get(staffPage)
            #expect(groupPage.status == .ok)
            #expect(Self.ids(in: groupPage.text, prefix: "invite-role-") == Self.groupAdminGrants)
            #expect(Self.ids(in: groupPage.text, prefix: "roles-\(admin.id.lowercasedString)-") == Self.groupAdminGrants)
        }
    }

    @Test("another facility's staff page answers what the API answers: 403 for a facility admin of facility 2, 404 for another tenant's facility",
          arguments: TestBackend.enabled)
    func otherFacilities(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "cs-reach")
            let other = try await Fixtures.tenant(app, slug: "cs-elsewhere")
            let f2Admin = t.f2Admin
            let browser = ConsoleBrowser(app)
            try await browser.signIn(f2Admin, tenant: t)

            let f1 = t.f1.id!.lowercasedString
            let api = try await app.send(.GET, "/api/v1/facilities/\(f1)/staff", token: f2Admin.token)
            let console = try await browser.get("/console/facilities/\(f1)/staff")
            #expect(api.status == .forbidden)
            #expect(console.status == api.status)
            #expect(!console.text.contains(t[.nurse].email))
            let foreign = other.f1.id!.lowercasedString
            let foreignAPI = try await app.send(.GET, "/api/v1/facilities/\(foreign)/staff", token: f2Admin.token)
            let foreignConsole = try await browser.get("/console/facilities/\(foreign)/staff")
            #expect(foreignAPI.status == .notFound)
            #expect(foreignConsole.status == foreignAPI.status)
            #expect(try await browser.get("/console/facilities/not-a-uuid/staff").status == .notFound)

            // Their own facility works; from there, forms posted at facility 1 are refused.
            let own = try await browser.get("/console/facilities/\(t.f2.id!.lowercasedString)/staff")
            #expect(own.status == .ok)
            let forged = try await browser.post("/console/facilities/\(f1)/staff", form: [("email", "x@cs-reach.test"), ("role_nurse", "on")])
            #expect(forged.status == .forbidden)
            #expect(try await Fixtures.directory(app, t.id).find(email: "x@cs-reach.test") == nil)
            try await browser.get("/console/facilities/\(t.f2.id!.lowercasedString)/staff")
            let removal = try await browser.post("/console/facilities/\(f1)/staff/\(t[.nurse].id.lowercasedString)/remove", form: [])
            #expect(removal.status == .forbidden)
            #expect(try await roles(app, t[.nurse].id, at: t.f1.id!) == [.nurse])
            let denied = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").filter(\.$actorID == f2Admin.id).count()
            #expect(denied >= 3)
        }
    }

    @Test("the staff index lists a group admin's facilities, takes a facility admin straight to theirs, and refuses a nurse",
          arguments: TestBackend.enabled)
    func staffIndex(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "cs-index")
            let group = ConsoleBrowser(app)
            try await group.signIn(t[.groupAdmin], tenant: t)
            let index = try await group.get("/console/staff")
            #expect(index.status == .ok)
            #expect(index.text.contains(#"id="staff-link-cs-index-f1""#) && index.text.contains(#"id="staff-link-cs-index-f2""#))

            let facilityAdmin = ConsoleBrowser(app)
            try await facilityAdmin.signIn(t[.facilityAdmin], tenant: t)
            let straight = try await facilityAdmin.get("/console/staff")
            #expect(straight.status == .seeOther)
            #expect(straight.headers.first(name: .location) == "/console/facilities/\(t.f1.id!.lowercasedString)/staff")

            let nurse = ConsoleBrowser(app)
            try await nurse.signIn(t[.nurse], tenant: t)
            #expect(try await nurse.get("/console/staff").status == .forbidden)
            #expect(try await nurse.get("/console/facilities/\(t.f1.id!.lowercasedString)/staff").status == .forbidden)
        }
    }

    // MARK: - Helpers

    /// The suffixes of every `id="<prefix>…"` checkbox of the page.
    static func ids(in html: String, prefix: String) -> Set<String> {
        var found = Set<String>()
        var rest = html[...]
        while let start = rest.range(of: #"id="\#(prefix)"#) {
            let tail = rest[start.upperBound...]
            guard let end = tail.firstIndex(of: "\"") else { break }
            found.insert(String(tail[..<end]))
            rest = tail[end...]
        }
        return found
    }

    func roles(_ app: Application, _ userID: UUID, at facilityID: UUID) async throws -> Set<Role> {
        Set(try await RoleAssignment.query(on: app.db).filter(\.$userID == userID).filter(\.$facilityID == facilityID).all().map(\.role))
    }

    /// Whether the console email adapter's journal holds an invitation link sent to `to`.
    func invitationLink(_ app: Application, slug: String, to: String) async throws -> Bool {
        while try await app.services.outboxWorker.runOnce() > 0 {}
        let path = app.services.configuration.consoleDirectory + "/\(slug).jsonl"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        return try lines.contains { line in
            let message = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            guard message["capability"] as? String == "email", message["to"] as? String == to,
                  let body = message["body"] as? String else { return false }
            return body.contains("invitations/accept?token=")
        }
    }
}
