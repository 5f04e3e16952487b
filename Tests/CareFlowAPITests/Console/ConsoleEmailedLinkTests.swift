@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 15: every link CareFlow emails opens a real page — accept an invitation, reset a
/// password, confirm an address — and a used or expired link gets a plain page with a way to
/// ask again. The links are read out of the real emails in the outbox.
@Suite("Console pages behind emailed links")
struct ConsoleEmailedLinkTests {
    /// What the tests use as a new password: long, varied, unrelated to the addresses.
    static let newPassword = "violet-lantern-harbour-42"

    /// The path (with its query) of the newest link to `path` in the emails to `address`, and
    /// the full link for checking its origin.
    static func link(_ app: Application, tenantID: UUID, to address: String, path: String) async throws -> (url: String, path: String) {
        let emails = try await Mailbox.emails(app, tenantID: tenantID, to: address)
        for email in emails.reversed() {
            let pattern = try Regex("(https?://[^/\\s]+)(\(path)\\?token=[A-Za-z0-9_-]+)")
            if let match = email.body.firstMatch(of: pattern), let origin = match.output[1].substring, let rest = match.output[2].substring {
                return (String(origin) + String(rest), String(rest))
            }
        }
        Issue.record("no email to \(address) links to \(path)")
        throw CancellationError()
    }

    static func token(of path: String) -> String {
        String(path[path.range(of: "token=")!.upperBound...])
    }

    static func login(_ app: Application, tenant: String, email: String, password: String) async throws -> HTTPStatus {
        try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": tenant, "email": email, "password": password])).status
    }

    @Test("an invited nurse opens the emailed link, sets a password (weak and mismatched ones refused), then signs in",
          arguments: TestBackend.enabled)
    func invitation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "links-inv")
            let nurse = "new.nurse@links-inv.test"
            let invited = try await app.send(.POST, "/api/v1/facilities/\(t.f1.id!)/staff", token: t[.groupAdmin].token,
                                             json: jsonBody(["email": nurse, "roles": ["nurse"]]))
            #expect(invited.status == .created, "\(invited.text)")

            let link = try await Self.link(app, tenantID: t.id, to: nurse, path: "/console/invitations/accept")
            #expect(link.url.hasPrefix("http://careflow.test/console/invitations/accept?token="))
            let token = Self.token(of: link.path)

            let browser = ConsoleBrowser(app)
            let page = try await browser.get(link.path)
            #expect(page.status == .ok)
            #expect(page.text.contains(t.tenant.name))
            #expect(page.text.contains("Facility One"))
            #expect(page.text.contains(nurse))
            #expect(page.text.contains(#"id="invitation-accept-form""#))
            // The token only in the hidden field.
            #expect(page.text.components(separatedBy: token).count == 2)
            #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")

            // Too short: the policy's own words, 422, nothing changed.
            let weak = try await browser.post("/console/invitations/accept",
                                              form: [("token", token), ("password", "short-1"), ("password_confirm", "short-1")])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.text.contains("must be at least 12 characters"))
            #expect(weak.text.contains(nurse), "the page is shown again")
            #expect(!weak.text.contains("short-1"), "a password is never typed back into the page")
            #expect(try await Self.login(app, tenant: "links-inv", email: nurse, password: "short-1") == .unauthorized)

            let mismatched = try await browser.post("/console/invitations/accept",
                                                    form: [("token", token), ("password", Self.newPassword), ("password_confirm", Self.newPassword + "x")])
            #expect(mismatched.status == .unprocessableEntity)
            #expect(mismatched.text.contains("not the same"))
            #expect(try await Self.login(app, tenant: "links-inv", email: nurse, password: Self.newPassword) == .unauthorized)

            let accepted = try await browser.post("/console/invitations/accept",
                                                  form: [("token", token), ("password", Self.newPassword), ("password_confirm", Self.newPassword)])
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers.first(name: .location) == "/console/invitations/accepted?tenant=links-inv")
            let ready = try await browser.follow(accepted)
            #expect(ready.status == .ok)
            #expect(ready.text.contains("Your account is ready"))
            #expect(ready.text.contains(#"href="/console/sign-in?tenant=links-inv""#))
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "invitation.accept").count()
            #expect(audited == 1)

            // The link worked once.
            let again = try await browser.get(link.path)
            #expect(again.status == .gone)
            #expect(again.text.contains("This link has expired or was already used"))
            #expect(again.text.contains("Ask your administrator to send a new invitation"))
            // Posting the form again (from a page still open elsewhere, with its form token).
            let reposted = try await browser.post("/console/invitations/accept",
                                                  form: [("token", token), ("password", Self.newPassword), ("password_confirm", Self.newPassword)],
                                                  csrf: ConsoleBrowser.csrf(in: page.text))
            #expect(reposted.status == .gone)

            // Sign in with the new password, in a fresh browser: the nurse lands on the home page.
            let signIn = ConsoleBrowser(app)
            let prefilled = try await signIn.get("/console/sign-in?tenant=links-inv")
            #expect(prefilled.text.contains(#"value="links-inv""#))
            let home = try await signIn.signIn(tenant: "links-inv", email: nurse, password: Self.newPassword)
            #expect(home.status == .ok)
            #expect(home.text.contains(nurse))
        }
    }

    @Test("forgot password: the same answer for any address; the emailed link sets a new password once; no CSRF, no change",
          arguments: TestBackend.enabled)
    func passwordReset(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "links-pw")
            let nurse = t[.nurse]
            let browser = ConsoleBrowser(app)

            let signInPage = try await browser.get("/console/sign-in")
            #expect(signInPage.text.contains(#"href="/console/password/forgot""#))
            let forgotPage = try await browser.get("/console/password/forgot")
            #expect(forgotPage.status == .ok)
            #expect(forgotPage.text.contains(#"id="password-forgot-form""#))
            let known = try await browser.post("/console/password/forgot", form: [("tenant", "links-pw"), ("email", nurse.email)])
            let sent = try await browser.follow(known)
            try await browser.get("/console/password/forgot")
            let unknown = try await browser.post("/console/password/forgot", form: [("tenant", "links-pw"), ("email", "nobody@links-pw.test")])
            let noTenant = try await browser.post("/console/password/forgot", form: [("tenant", "no-such-tenant"), ("email", nurse.email)])
            for response in [known, unknown, noTenant] {
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == known.headers.first(name: .location))
            }
            #expect(sent.text.contains("If an account exists for that address, we sent it a link"))
            #expect(try await Mailbox.emails(app, tenantID: t.id, to: "nobody@links-pw.test").isEmpty)
            let resetEmails = try await Mailbox.emails(app, tenantID: t.id, to: nurse.email).filter { $0.subject.contains("Reset") }
            #expect(resetEmails.count == 1)

            let link = try await Self.link(app, tenantID: t.id, to: nurse.email, path: "/console/password/reset")
            #expect(link.url.hasPrefix("http://careflow.test/console/password/reset?token="))
            let token = Self.token(of: link.path)
            let page = try await browser.get(link.path)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="password-reset-form""#))
            #expect(page.text.components(separatedBy: token).count == 2)

            let weak = try await browser.post("/console/password/reset", form: [("token", token), ("password", "aaaaaaaaaaaaaa"), ("password_confirm", "aaaaaaaaaaaaaa")])
            #expect(weak.status == .unprocessableEntity)
            #expect(weak.text.contains("must use at least 4 different characters"))
            let forged = try await browser.post("/console/password/reset", form: [("token", token), ("password", Self.newPassword), ("password_confirm", Self.newPassword)],
                                                withCSRF: false)
            #expect(forged.status == .forbidden)
            #expect(try await Self.login(app, tenant: "links-pw", email: nurse.email, password: testPassword) == .ok, "nothing changed yet")

            try await browser.get(link.path)
            let done = try await browser.post("/console/password/reset", form: [("token", token), ("password", Self.newPassword), ("password_confirm", Self.newPassword)])
            #expect(done.status == .seeOther)
            #expect(done.headers.first(name: .location) == "/console/password/reset/done?tenant=links-pw")
            let changed = try await browser.follow(done)
            #expect(changed.text.contains("Password changed"))
            #expect(changed.text.contains(#"href="/console/sign-in?tenant=links-pw""#))
            #expect(try await Self.login(app, tenant: "links-pw", email: nurse.email, password: testPassword) == .unauthorized)

            let used = try await browser.get(link.path)
            #expect(used.status == .gone)
            #expect(used.text.contains("This link has expired or was already used"))
            #expect(used.text.contains(#"action="/console/password/forgot""#), "a way to ask for a new link")

            let home = try await ConsoleBrowser(app).signIn(tenant: "links-pw", email: nurse.email, password: Self.newPassword)
            #expect(home.status == .ok)
            #expect(home.text.contains(nurse.email))
        }
    }

    @Test("opening the confirmation link does not confirm; the button does, once", arguments: TestBackend.enabled)
    func emailVerification(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: SignupTests.files) { app in
            let t = try await Fixtures.tenant(app, slug: "open")
            let created = try await SignupTests.signup(app, email: "patient@mail.test")
            #expect(created.status == .created)
            let link = try await Self.link(app, tenantID: t.id, to: "patient@mail.test", path: "/console/verify-email")
            #expect(link.url.hasPrefix("http://careflow.test/console/verify-email?token="))
            let token = Self.token(of: link.path)

            let browser = ConsoleBrowser(app)
            let page = try await browser.get(link.path)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"id="verify-email-form""#))
            #expect(try await browser.get(link.path).status == .ok, "a second GET (a mail scanner, then the person) still shows the button")
            #expect(try await Self.login(app, tenant: "open", email: "patient@mail.test", password: SignupTests.password) == .unauthorized)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.email_verified").count() == 0)

            let forged = try await browser.post("/console/verify-email", form: [("token", token)], withCSRF: false)
            #expect(forged.status == .forbidden)
            #expect(try await Self.login(app, tenant: "open", email: "patient@mail.test", password: SignupTests.password) == .unauthorized)

            try await browser.get(link.path)
            let confirmed = try await browser.post("/console/verify-email", form: [("token", token)])
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.headers.first(name: .location) == "/console/verify-email/done?tenant=open")
            #expect(try await browser.follow(confirmed).text.contains("Email address confirmed"))
            #expect(try await Self.login(app, tenant: "open", email: "patient@mail.test", password: SignupTests.password) == .ok)

            let used = try await browser.get(link.path)
            #expect(used.status == .gone)
            #expect(used.text.contains("This link has expired or was already used"))
            #expect(used.text.contains(#"action="/console/password/forgot""#))
        }
    }

    @Test("a lost confirmation link: the expired page asks for a reset link, which activates the account",
          arguments: TestBackend.enabled)
    func lostVerification(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: SignupTests.files) { app in
            let t = try await Fixtures.tenant(app, slug: "open")
            #expect(try await SignupTests.signup(app, email: "late@mail.test").status == .created)
            let browser = ConsoleBrowser(app)
            let expired = try await browser.get("/console/verify-email?token=not-a-real-link")
            #expect(expired.status == .gone)
            #expect(expired.text.contains(#"id="password-forgot-form""#))
            let asked = try await browser.post("/console/password/forgot", form: [("tenant", "open"), ("email", "late@mail.test")])
            #expect(asked.headers.first(name: .location) == "/console/password/forgot?notice=sent")

            let link = try await Self.link(app, tenantID: t.id, to: "late@mail.test", path: "/console/password/reset")
            try await browser.get(link.path)
            let token = Self.token(of: link.path)
            let done = try await browser.post("/console/password/reset",
                                              form: [("token", token), ("password", Self.newPassword), ("password_confirm", Self.newPassword)])
            #expect(done.status == .seeOther)
            #expect(try await Self.login(app, tenant: "open", email: "late@mail.test", password: Self.newPassword) == .ok)
        }
    }

    @Test("the forms behind emailed links are rate limited per client like the API's auth routes", arguments: TestBackend.enabled)
    func rateLimited(backend: TestBackend) async throws {
        // Two a minute: the bucket gives a request back only every 30 s.
        try await withCareFlow(backend, configure: { $0.authRequestsPerMinute = 2 }) { app in
            let browser = ConsoleBrowser(app)
            let form = [("tenant", "nowhere"), ("email", "someone@nowhere.test")]
            try await browser.get("/console/password/forgot")
            let csrf = try #require(ConsoleBrowser.csrf(in: browser.page))
            var statuses: [HTTPStatus] = []
            for _ in 0..<2 { statuses.append(try await browser.post("/console/password/forgot", form: form, csrf: csrf).status) }
            let limited = try await browser.post("/console/password/forgot", form: form, csrf: csrf)
            let reset = try await browser.post("/console/password/reset", form: [("token", "x")], csrf: csrf)
            #expect(statuses == [.seeOther, .seeOther])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers.first(name: .retryAfter) != nil)
            #expect(limited.headers.contentType?.subType == "html")
            #expect(reset.status == .tooManyRequests, "the reset form shares the limit")
            // Opening a link is not limited: it changes nothing.
            #expect(try await browser.get("/console/password/reset?token=x").status == .gone)
        }
    }

    @Test("the addresses of emails already sent redirect to the console pages, with the token and nothing else",
          arguments: TestBackend.enabled)
    func oldAddressesRedirect(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let browser = ConsoleBrowser(app)
            for (old, new) in [("/invitations/accept", "/console/invitations/accept"), ("/password/reset", "/console/password/reset"),
                               ("/verify-email", "/console/verify-email")] {
                let moved = try await browser.get("\(old)?token=Ab-9_z")
                #expect(moved.status == .permanentRedirect, "\(old)")
                #expect(moved.headers.first(name: .location) == "\(new)?token=Ab-9_z")
                let hostile = try await browser.get("\(old)?token=%22%3E%3Cb%3E&next=https://evil.test")
                #expect(hostile.headers.first(name: .location) == new)
                // An unknown token: the plain page, not an error.
                let page = try await browser.follow(moved)
                #expect(page.status == .gone)
                #expect(page.text.contains("This link has expired or was already used"))
            }
        }
    }
}
