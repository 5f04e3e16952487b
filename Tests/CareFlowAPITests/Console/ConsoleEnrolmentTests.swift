@testable import CareFlowAPI
import CareFlowCore
import CareFlowSVG
import Fluent
import Foundation
import Testing
import VaporTesting

/// Issue 15: an admin whose role requires MFA and who has no TOTP enrols in the console — the
/// QR code drawn by the server, the secret as text, a first code, the recovery codes once.
@Suite("Console TOTP enrolment")
struct ConsoleEnrolmentTests {
    /// A facility admin (a role that requires MFA) who has never enrolled.
    static func adminWithoutTOTP(_ app: Application, _ t: TestTenant) async throws -> (id: UUID, email: String) {
        let email = "new-admin@\(t.tenant.slug).test"
        let user = try await Fixtures.directory(app, t.id).create(email: email, displayName: nil, status: .active,
                                                                 passwordHash: testPasswordHash)
        try await TenantScope(tenantID: t.id, db: app.db).create(
            RoleAssignment(tenantID: t.id, userID: user.id!, role: .facilityAdmin, facilityID: t.f1.id, grantedBy: nil))
        return (user.id!, email)
    }

    /// Password step of the console's sign-in; returns the redirect.
    static func password(_ browser: ConsoleBrowser, tenant: String, email: String) async throws -> TestingHTTPResponse {
        try await browser.get("/console/sign-in")
        return try await browser.post("/console/sign-in", form: [("tenant", tenant), ("email", email), ("password", testPassword)])
    }

    /// The text of the element with `id` (no nested markup), HTML entities left as they are.
    static func element(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\""), let open = html[start.upperBound...].firstIndex(of: ">") else { return nil }
        let rest = html[html.index(after: open)...]
        guard let close = rest.range(of: "</") else { return nil }
        return String(rest[..<close.lowerBound])
    }

    /// The `<li>` items of the element with `id`.
    static func listItems(_ id: String, in html: String) -> [String] {
        guard let start = html.range(of: "id=\"\(id)\""), let end = html[start.upperBound...].range(of: "</ol>") else { return [] }
        return html[start.upperBound..<end.lowerBound].matches(of: /<li>([^<]*)<\/li>/).map { String($0.1) }
    }

    /// Six digits that none of the steps around now accepts.
    static func wrongCode(for secret: [UInt8]) -> String {
        let totp = TOTP(secret: secret)
        let valid = Set((-2...2).map { totp.code(at: Date().addingTimeInterval(Double(30 * $0))) })
        return (0..<1_000_000).lazy.map { String(format: "%06d", ($0 * 7919 + 123_457) % 1_000_000) }.first { !valid.contains($0) }!
    }

    @Test("an admin without TOTP enrols: QR as inline SVG and the secret in groups of four, a wrong code refused, ten recovery codes shown once, then sign-in asks for the code",
          arguments: TestBackend.enabled)
    func enrolment(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "enrol-a")
            let admin = try await Self.adminWithoutTOTP(app, t)
            let browser = ConsoleBrowser(app)
            let landed = try await Self.password(browser, tenant: "enrol-a", email: admin.email)
            #expect(landed.status == .seeOther)
            #expect(landed.headers.first(name: .location) == "/console/mfa/enrol")

            let page = try await browser.follow(landed)
            #expect(page.status == .ok)
            #expect(page.headers.contentType?.subType == "html")
            #expect(page.headers.first(name: .cacheControl) == "no-store", "the secret is not cached")
            let svgStart = try #require(page.text.range(of: "<svg"))
            let svgEnd = try #require(page.text.range(of: "</svg>"))
            let svg = String(page.text[svgStart.lowerBound..<svgEnd.upperBound])
            #expect(!page.text.contains("style="), "no inline style under the console's CSP")

            // The secret as text: Base32 in groups of four, decoding to 20 bytes (160 bits).
            let grouped = try #require(Self.element("secret", in: page.text))
            let groups = grouped.split(separator: " ")
            #expect(groups.count >= 8 && groups.dropLast().allSatisfy { $0.count == 4 } && (1...4).contains(groups.last?.count ?? 0))
            #expect(grouped.allSatisfy { $0 == " " || "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
            let secret = try #require(Base32.decode(grouped.replacingOccurrences(of: " ", with: "")))
            #expect(secret.count == 20)
            // The QR code holds the otpauth URI of that same secret, labelled with the tenant and the email.
            let uri = OTPAuthURI(secret: secret, issuer: "Tenant enrol-a", account: admin.email).string
            #expect(svg == (try QRCode(uri).svg(moduleSize: 5, label: "QR code for your authenticator app")))
            #expect(page.text.contains(admin.email))

            // Held at enrolment: nothing else, and a reload shows the same secret.
            let home = try await browser.get("/console")
            #expect(home.status == .seeOther && home.headers.first(name: .location) == "/console/mfa/enrol")
            let reloaded = try await browser.get("/console/mfa/enrol")
            #expect(Self.element("secret", in: reloaded.text) == grouped)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.enrolment_started").filter(\.$actorID == admin.id).count() == 1)

            // A wrong code and an empty one: refused plainly, the same secret still on the page.
            let wrong = try await browser.post("/console/mfa/enrol", form: [("code", Self.wrongCode(for: secret))])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("That code is not the one your authenticator app shows now"))
            #expect(Self.element("secret", in: wrong.text) == grouped)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.code_rejected").filter(\.$actorID == admin.id).count() == 1)
            let empty = try await browser.post("/console/mfa/enrol", form: [("code", "  ")])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("Enter the 6-digit code"))

            // The right code: ten distinct recovery codes, the enrolment-only session ended.
            let code = TOTP(secret: secret).code(at: Date())
            let confirmed = try await browser.post("/console/mfa/enrol", form: [("code", code)])
            #expect(confirmed.status == .ok)
            #expect(confirmed.text.contains("Store these recovery codes now"))
            let codes = Self.listItems("recovery-codes", in: confirmed.text)
            #expect(codes.count == 10)
            #expect(Set(codes).count == 10)
            #expect(codes.allSatisfy { RecoveryCodes.normalise($0).count >= 10 })
            #expect(confirmed.text.contains("/console/sign-in?notice=enrolled"))
            #expect(browser.cookies["careflow_console"] == nil, "the enrolment session's cookie is cleared")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.enrolled").filter(\.$actorID == admin.id).count() == 1)

            // Shown once: neither a reload nor a resubmission shows them again.
            let again = try await browser.get("/console/mfa/enrol")
            #expect(again.status == .seeOther && again.headers.first(name: .location) == "/console/sign-in")
            let resubmitted = try await browser.post("/console/mfa/enrol", form: [("code", code)])
            #expect(resubmitted.status == .seeOther)
            let after = try await browser.follow(resubmitted)
            #expect(codes.allSatisfy { !after.text.contains($0) })
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.enrolled").filter(\.$actorID == admin.id).count() == 1)

            // A new sign-in asks for the code from the app, and lands home.
            let next = try await Self.password(browser, tenant: "enrol-a", email: admin.email)
            #expect(next.headers.first(name: .location) == "/console/sign-in/code")
            try await browser.get("/console/sign-in/code")
            let verified = try await browser.post("/console/sign-in/code",
                                                  form: [("code", TOTP(secret: secret).code(at: Date().addingTimeInterval(30)))])
            #expect(verified.headers.first(name: .location) == "/console")
            let signedIn = try await browser.follow(verified)
            #expect(signedIn.status == .ok && signedIn.text.contains(admin.email))

            // A recovery code shown on that page signs in too.
            try await browser.post("/console/sign-out", form: [])
            try await Self.password(browser, tenant: "enrol-a", email: admin.email)
            try await browser.get("/console/sign-in/code")
            let recovered = try await browser.post("/console/sign-in/code", form: [("code", codes[3])])
            #expect(recovered.headers.first(name: .location) == "/console")
        }
    }

    @Test("the code form without its CSRF token, or with another, is refused with 403 and enrols nothing",
          arguments: TestBackend.enabled)
    func csrf(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "enrol-b")
            let admin = try await Self.adminWithoutTOTP(app, t)
            let browser = ConsoleBrowser(app)
            try await browser.follow(try await Self.password(browser, tenant: "enrol-b", email: admin.email))
            let grouped = try #require(Self.element("secret", in: browser.page))
            let secret = try #require(Base32.decode(grouped.replacingOccurrences(of: " ", with: "")))
            let code = TOTP(secret: secret).code(at: Date())
            #expect(try await browser.post("/console/mfa/enrol", form: [("code", code)], withCSRF: false).status == .forbidden)
            #expect(try await browser.post("/console/mfa/enrol", form: [("code", code)], csrf: "forged").status == .forbidden)
            #expect(try await browser.post("/console/mfa/enrol", form: [("code", code)],
                                           headers: [("Origin", "https://evil.example")]).status == .forbidden)
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == admin.id).first()?.confirmedAt == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "mfa.enrolled").count() == 0)
        }
    }

    @Test("an enrolment session that ended is said to have expired, and nothing is enrolled", arguments: TestBackend.enabled)
    func expired(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "enrol-c")
            let admin = try await Self.adminWithoutTOTP(app, t)
            let browser = ConsoleBrowser(app)
            try await browser.follow(try await Self.password(browser, tenant: "enrol-c", email: admin.email))
            let grouped = try #require(Self.element("secret", in: browser.page))
            let secret = try #require(Base32.decode(grouped.replacingOccurrences(of: " ", with: "")))
            // Idle past the console's limit.
            try await ConsoleSession.query(on: app.db).set(\.$idleExpiresAt, to: Date().addingTimeInterval(-1)).update()
            let late = try await browser.post("/console/mfa/enrol", form: [("code", TOTP(secret: secret).code(at: Date()))])
            #expect(late.status == .seeOther)
            #expect(late.headers.first(name: .location) == "/console/sign-in?notice=expired")
            let page = try await browser.follow(late)
            #expect(page.text.contains("That step took too long; sign in again."))
            #expect(try await TOTPCredential.query(on: app.db).filter(\.$subjectID == admin.id).first()?.confirmedAt == nil)
        }
    }

    @Test("an admin who already has TOTP is told so, not given a new secret", arguments: TestBackend.enabled)
    func alreadyEnrolled(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "enrol-d")
            let browser = ConsoleBrowser(app)
            try await browser.signIn(t[.groupAdmin], tenant: t)
            let page = try await browser.get("/console/mfa/enrol")
            #expect(page.status == .conflict)
            #expect(page.text.contains("TOTP is already active"))
            #expect(!page.text.contains("<svg"))
        }
    }

    @Test("a user whose role does not require TOTP may enrol from a full session and stays signed in", arguments: TestBackend.enabled)
    func voluntary(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "enrol-e")
            let nurse = t[.nurse]
            let browser = ConsoleBrowser(app)
            let home = try await browser.signIn(nurse, tenant: t)
            #expect(home.status == .ok)
            let page = try await browser.get("/console/mfa/enrol")
            #expect(page.status == .ok && page.text.contains("<svg"))
            let grouped = try #require(Self.element("secret", in: page.text))
            let secret = try #require(Base32.decode(grouped.replacingOccurrences(of: " ", with: "")))
            let confirmed = try await browser.post("/console/mfa/enrol", form: [("code", TOTP(secret: secret).code(at: Date()))])
            #expect(confirmed.status == .ok)
            #expect(Self.listItems("recovery-codes", in: confirmed.text).count == 10)
            #expect(confirmed.text.contains("href=\"/console\""))
            #expect(browser.cookies["careflow_console"] != nil)
            #expect(try await browser.get("/console").status == .ok, "the full session goes on")
        }
    }
}
