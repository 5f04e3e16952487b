@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 15: the console's facilities page. PRODUCT §1: onboarding facilities is the group
/// admin's; everyone else sees the facilities they work in and no onboarding form.
@Suite("Console facilities")
struct ConsoleFacilitiesTests {
    @Test("a group admin onboards a facility through the page; the API lists it; a duplicate code is 409 and a bad time zone 422, fields kept",
          arguments: TestBackend.enabled)
    func groupAdminOnboards(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "cf-onboard")
            let admin = t[.groupAdmin]
            let browser = ConsoleBrowser(app)
            try await browser.signIn(admin, tenant: t)

            let list = try await browser.get("/console/facilities")
            #expect(list.status == .ok)
            #expect(list.text.contains(#"id="facility-list""#))
            #expect(list.text.contains(#"id="facility-row-cf-onboard-f1""#) && list.text.contains(#"id="facility-row-cf-onboard-f2""#))
            #expect(list.text.contains(#"id="onboard-facility-form""#))
            #expect(!list.text.contains("style="))

            let created = try await browser.post("/console/facilities", form: [
                ("name", "Nyamata District Hospital"), ("code", "nyamata"), ("timezone", "Africa/Kigali"),
                ("address", "Nyamata, Bugesera District"),
            ])
            #expect(created.status == .seeOther)
            #expect(created.headers.first(name: .location) == "/console/facilities?notice=onboarded")
            let after = try await browser.follow(created)
            #expect(after.status == .ok)
            #expect(after.text.contains(#"id="notice""#) && after.text.contains("notice-success"))
            #expect(after.text.contains(#"id="facility-row-nyamata""#))
            #expect(after.text.contains("Nyamata District Hospital"))
            #expect(after.text.contains("Nyamata, Bugesera District"))

            // The API sees the same facility.
            let api = try await app.send(.GET, "/api/v1/facilities", token: admin.token)
            let items = api.json["items"] as? [[String: Any]] ?? []
            let onboarded = try #require(items.first { $0["code"] as? String == "nyamata" })
            #expect(onboarded["name"] as? String == "Nyamata District Hospital")
            #expect(onboarded["timezone"] as? String == "Africa/Kigali")
            #expect(onboarded["address"] as? String == "Nyamata, Bugesera District")
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "facility.create").filter(\.$actorID == admin.id).all()
            #expect(audited.count == 1)
            #expect(audited.first?.targetID == (onboarded["id"] as? String)?.lowercased())

            // The same code again: refused, what was typed stays in the form.
            let duplicate = try await browser.post("/console/facilities", form: [
                ("name", "Another Nyamata"), ("code", "nyamata"), ("timezone", "Africa/Kigali"),
            ])
            #expect(duplicate.status == .conflict)
            #expect(duplicate.text.contains(#"id="facility-code-error""#))
            #expect(duplicate.text.contains(#"value="Another Nyamata""#))
            #expect(try await Facility.query(on: app.db).filter(\.$code == "nyamata").count() == 1)

            // A time zone that does not exist.
            let badZone = try await browser.post("/console/facilities", form: [
                ("name", "Mars Base Clinic"), ("code", "mars-base"), ("timezone", "Mars/Olympus_Mons"),
            ])
            #expect(badZone.status == .unprocessableEntity)
            #expect(badZone.text.contains(#"id="facility-timezone-error""#))
            #expect(badZone.text.contains(#"value="Mars/Olympus_Mons""#) && badZone.text.contains(#"value="mars-base""#))
            // A code that breaks the pattern, and no name at all.
            let badCode = try await browser.post("/console/facilities", form: [("name", ""), ("code", "Not A Code")])
            #expect(badCode.status == .unprocessableEntity)
            #expect(badCode.text.contains(#"id="facility-code-error""#) && badCode.text.contains(#"id="facility-name-error""#))
            #expect(try await Facility.query(on: app.db).filter(\.$tenantID == t.id).count() == 3)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "facility.create").count() == 1)
        }
    }

    @Test("a facility admin sees only their facility and no onboarding form; a forged onboarding is 403, audited, and creates nothing",
          arguments: TestBackend.enabled)
    func facilityAdminCannotOnboard(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "cf-fa")
            let admin = t[.facilityAdmin]
            let browser = ConsoleBrowser(app)
            try await browser.signIn(admin, tenant: t)

            let list = try await browser.get("/console/facilities")
            #expect(list.status == .ok)
            #expect(list.text.contains(#"id="facility-row-cf-fa-f1""#))
            #expect(!list.text.contains("cf-fa-f2"), "a facility admin of f1 does not see f2")
            #expect(!list.text.contains(#"id="onboard-facility-form""#))
            #expect(!list.text.contains(#"name="code""#))

            let forged = try await browser.post("/console/facilities", form: [
                ("name", "Rogue Clinic"), ("code", "rogue"), ("timezone", "Africa/Kigali"),
            ])
            #expect(forged.status == .forbidden)
            #expect(forged.headers.contentType?.subType == "html")
            #expect(try await Facility.query(on: app.db).filter(\.$code == "rogue").count() == 0)
            let denied = try await AuditEvent.query(on: app.db).filter(\.$action == "access.denied").filter(\.$actorID == admin.id)
                .filter(\.$targetID == "facility.create").count()
            #expect(denied == 1)
            // The API refuses the same caller the same way.
            let api = try await app.send(.POST, "/api/v1/facilities", token: admin.token, json: jsonBody(["code": "rogue", "name": "Rogue"]))
            #expect(api.status == .forbidden)
        }
    }
}
