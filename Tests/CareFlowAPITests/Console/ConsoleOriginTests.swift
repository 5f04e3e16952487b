@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import VaporTesting

/// A real browser posts console forms with `Origin: null`: the pages are served with
/// `Referrer-Policy: no-referrer`, and Chromium then serialises the origin of a form post as
/// `null` (found by the headless Chromium suite, whose first sign-in was refused as "from
/// another site"). Such a post stands or falls by its CSRF token; a foreign origin is refused.
@Suite("Console form origin")
struct ConsoleOriginTests {
    @Test("a form posted with Origin: null is judged by its token; another site's origin is refused",
          arguments: TestBackend.enabled)
    func nullOrigin(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "console-origin")
            let browser = ConsoleBrowser(app)
            let form = [("tenant", "console-origin"), ("email", t[.nurse].email), ("password", testPassword)]

            try await browser.get("/console/sign-in")
            let forged = try await browser.post("/console/sign-in", form: form, csrf: "forged", headers: [("Origin", "null")])
            #expect(forged.status == .forbidden)
            try await browser.get("/console/sign-in")
            let untokened = try await browser.post("/console/sign-in", form: form, withCSRF: false, headers: [("Origin", "null")])
            #expect(untokened.status == .forbidden)
            // With a valid token, only the origin is wrong.
            try await browser.get("/console/sign-in")
            let foreign = try await browser.post("/console/sign-in", form: form, headers: [("Origin", "https://evil.example")])
            #expect(foreign.status == .forbidden)
            #expect(browser.cookies["careflow_console"] == nil)

            // The same form as Chromium sends it: token present, Origin null. A nurse has no
            // second factor, so the password alone opens the console.
            try await browser.get("/console/sign-in")
            let signedIn = try await browser.post("/console/sign-in", form: form, headers: [("Origin", "null")])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/console")
            #expect(browser.cookies["careflow_console"] != nil)
            let home = try await browser.follow(signedIn)
            #expect(home.status == .ok)
            let out = try await browser.post("/console/sign-out", form: [], headers: [("Origin", "null")])
            #expect(out.status == .seeOther)
            #expect(out.headers.first(name: .location) == "/console/sign-in?notice=signed-out")
        }
    }
}
