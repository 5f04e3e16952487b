@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 15: the console's sign-in, session cookie, CSRF and security headers, from the outside.
@Suite("Console sign-in")
struct ConsoleSignInTests {
    @Test("an anonymous visitor is sent to sign-in; the page carries the console's security headers",
          arguments: TestBackend.enabled)
    func anonymous(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let browser = ConsoleBrowser(app)
            let home = try await browser.get("/console")
            #expect(home.status == .seeOther)
            #expect(home.headers.first(name: .location) == "/console/sign-in")
            let page = try await browser.get("/console/sign-in")
            #expect(page.status == .ok)
            #expect(page.headers.contentType?.subType == "html")
            let csp = try #require(page.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("default-src 'none'"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
            // No inline script or style anywhere in the page.
            #expect(!page.text.contains("<script>") && !page.text.contains("style="))
            let formCookie = try #require(page.headers[.setCookie].first { $0.hasPrefix("careflow_console_csrf=") })
            #expect(formCookie.contains("HttpOnly") && formCookie.contains("SameSite=Strict") && formCookie.contains("Secure"))
            #expect(ConsoleBrowser.csrf(in: page.text) != nil)
            let css = try await browser.get("/console/assets/console.css")
            #expect(css.status == .ok && css.headers.contentType?.subType == "css")
        }
    }

    @Test("a group admin signs in with password and TOTP, lands on the home page, and signs out for good",
          arguments: TestBackend.enabled)
    func passwordAndTOTP(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-a")
            let admin = t[.groupAdmin]
            let browser = ConsoleBrowser(app)
            try await browser.get("/console/sign-in")
            let password = try await browser.post("/console/sign-in", form: [("tenant", "console-a"), ("email", admin.email), ("password", testPassword)])
            #expect(password.status == .seeOther)
            #expect(password.headers.first(name: .location) == "/console/sign-in/code")
            let challenge = try #require(password.headers[.setCookie].first { $0.hasPrefix("careflow_console_mfa=") })
            #expect(challenge.contains("HttpOnly") && challenge.contains("Max-Age=300"))
            // No session before the second factor.
            #expect(try await browser.get("/console").status == .seeOther)

            try await browser.get("/console/sign-in/code")
            let wrong = try await browser.post("/console/sign-in/code", form: [("code", "000000")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("The code is not valid"))
            let secret = try #require(admin.totpSecret)
            let code = TOTP(secret: secret).code(at: Date().addingTimeInterval(30))
            let verified = try await browser.post("/console/sign-in/code", form: [("code", code)])
            #expect(verified.status == .seeOther)
            #expect(verified.headers.first(name: .location) == "/console")
            let session = try #require(verified.headers[.setCookie].first { $0.hasPrefix("careflow_console=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict") && session.contains("Path=/console"))

            let home = try await browser.follow(verified)
            #expect(home.status == .ok)
            #expect(home.text.contains(admin.email))
            for page in ["Dashboard", "Facilities", "Staff", "Integrations", "Audit"] {
                #expect(home.text.contains(">\(page)</a>"), "a group admin's menu has \(page)")
            }
            let logins = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$actorID == admin.id).all()
            #expect(logins.contains { $0.details.contains("pwd otp") })

            let copied = browser.cookies["careflow_console"]
            let out = try await browser.post("/console/sign-out", form: [])
            #expect(out.status == .seeOther)
            #expect(out.headers.first(name: .location) == "/console/sign-in?notice=signed-out")
            #expect(try await browser.get("/console").status == .seeOther)
            // The copied cookie is worthless: its login session was revoked.
            let replay = try await app.testing().sendRequest(.GET, "/console", headers: ["Cookie": "careflow_console=\(copied ?? "")"])
            #expect(replay.status == .seeOther)
            #expect(replay.headers.first(name: .location) == "/console/sign-in")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.logout").count() == 1)
        }
    }

    @Test("a wrong password is refused plainly and audited; the account locks after five", arguments: TestBackend.enabled)
    func wrongPasswordAndLockout(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-b")
            let nurse = t[.nurse]
            let browser = ConsoleBrowser(app)
            try await browser.get("/console/sign-in")
            for _ in 0..<5 {
                let res = try await browser.post("/console/sign-in", form: [("tenant", "console-b"), ("email", nurse.email), ("password", "wrong-password")])
                #expect(res.status == .unauthorized)
                #expect(res.text.contains("The email or password is incorrect"))
                // The email stays filled in; the password never comes back.
                #expect(res.text.contains(#"value="\#(nurse.email)""#) && !res.text.contains("wrong-password"))
            }
            let locked = try await browser.post("/console/sign-in", form: [("tenant", "console-b"), ("email", nurse.email), ("password", testPassword)])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers.first(name: .retryAfter) != nil)
            #expect(locked.text.contains(#"id="notice""#))
            #expect(browser.cookies["careflow_console"] == nil)
            let failures = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.login").filter(\.$outcome == "failure").count()
            #expect(failures == 5)
        }
    }

    @Test("a form without its CSRF token, or posted from another site, is refused", arguments: TestBackend.enabled)
    func csrf(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-c")
            let browser = ConsoleBrowser(app)
            try await browser.get("/console/sign-in")
            let form = [("tenant", "console-c"), ("email", t[.nurse].email), ("password", testPassword)]
            #expect(try await browser.post("/console/sign-in", form: form, withCSRF: false).status == .forbidden)
            #expect(try await browser.post("/console/sign-in", form: form, csrf: "forged").status == .forbidden)
            let crossSite = try await browser.post("/console/sign-in", form: form, headers: [("Origin", "https://evil.example")])
            #expect(crossSite.status == .forbidden)
            #expect(browser.cookies["careflow_console"] == nil)

            // Signed in (a nurse has no second factor), the session's own token is required.
            try await browser.get("/console/sign-in")
            let home = try await browser.post("/console/sign-in", form: form)
            #expect(home.headers.first(name: .location) == "/console")
            try await browser.follow(home)
            #expect(try await browser.post("/console/sign-out", form: [], csrf: browser.cookies["careflow_console_csrf"]).status == .forbidden)
            #expect(try await browser.post("/console/sign-out", form: []).status == .seeOther)
        }
    }

    @Test("an admin whose role requires TOTP and who has none is held at enrolment", arguments: TestBackend.enabled)
    func enrolmentOnly(backend: TestBackend) async throws {
        let yaml = """
            slug: strict-console
            name: Strict Group
            timezone: Africa/Kigali
            mfa_required_for: [doctor]
            """
        try await withCareFlow(backend, tenantFiles: ["strict-console.yaml": yaml]) { app in
            let t = try await Fixtures.tenant(app, slug: "strict-console")
            let browser = ConsoleBrowser(app)
            try await browser.get("/console/sign-in")
            let res = try await browser.post("/console/sign-in", form: [("tenant", "strict-console"), ("email", t[.doctor].email), ("password", testPassword)])
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == "/console/mfa/enrol")
            let home = try await browser.get("/console")
            #expect(home.status == .seeOther)
            #expect(home.headers.first(name: .location) == "/console/mfa/enrol")
        }
    }
}
