@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

/// PRODUCT §2: patients may register themselves where the tenant allows it; the account works
/// only after the email is confirmed; nothing tells a caller whether an address has an account.
@Suite("Patient self-signup")
struct SignupTests {
    static let openTenant = """
        slug: open
        name: Open Care
        timezone: Africa/Kigali
        patient_self_signup: true
        """
    static let closedTenant = """
        slug: closed
        name: Closed Care
        timezone: Africa/Kigali
        patient_self_signup: false
        """
    static let files = ["open.yaml": openTenant, "closed.yaml": closedTenant]
    static let password = "a-long-enough-passphrase"

    static func signup(_ app: Application, tenant: String = "open", email: String = "aline@mail.test",
                       extra: [String: Any] = [:], without: Set<String> = []) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["tenant": tenant, "email": email, "password": password, "given_name": "Aline",
                                   "family_name": "Uwase", "birth_date": "1990-05-17", "phone": "+250788555111"]
        body.merge(extra) { _, new in new }
        for key in without { body.removeValue(forKey: key) }
        return try await app.send(.POST, "/api/v1/auth/signup", json: jsonBody(body))
    }

    static func login(_ app: Application, email: String, password: String) async throws -> TestingHTTPResponse {
        try await app.send(.POST, "/api/v1/auth/login", json: jsonBody(["tenant": "open", "email": email, "password": password]))
    }

    @Test("sign up, confirm the email, then log in: a patient account linked to its sealed patient record",
          arguments: TestBackend.enabled)
    func signupVerifyLogin(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.files) { app in
            let t = try await Fixtures.tenant(app, slug: "open")
            let created = try await Self.signup(app, extra: ["email": "Aline@Mail.test"])
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["status"] as? String == "pending_verification")

            // Before confirmation the right password answers exactly like a wrong one.
            let early = try await Self.login(app, email: "aline@mail.test", password: Self.password)
            let wrong = try await Self.login(app, email: "aline@mail.test", password: "not-the-password-at-all")
            let unknown = try await Self.login(app, email: "nobody@mail.test", password: Self.password)
            #expect(early.status == .unauthorized)
            #expect(early.isProblem)
            for other in [wrong, unknown] {
                #expect(other.status == early.status)
                #expect(other.json["type"] as? String == early.json["type"] as? String)
                #expect(other.json["detail"] as? String == early.json["detail"] as? String)
            }

            let token = try #require(try await Mailbox.lastToken(app, tenantID: t.id, to: "aline@mail.test", path: "/console/verify-email"))
            #expect(try await app.send(.POST, "/api/v1/auth/verify-email", json: jsonBody(["token": token])).status == .noContent)
            #expect(try await app.send(.POST, "/api/v1/auth/verify-email", json: jsonBody(["token": token])).status == .gone)

            let signedIn = try await Self.login(app, email: "aline@mail.test", password: Self.password)
            #expect(signedIn.status == .ok, "\(signedIn.text)")
            let access = try #require(signedIn.json["access_token"] as? String)
            let me = try await app.send(.GET, "/api/v1/me", token: access)
            let roles = (me.json["roles"] as? [[String: Any]] ?? []).compactMap { $0["role"] as? String }
            #expect(roles == ["patient"])
            let userID = try #require((me.json["id"] as? String).flatMap(UUID.init(uuidString:)))

            // The patient record: linked to the account, numbered, readable by its owner.
            let patient = try #require(try await Patient.query(on: app.db).filter(\.$userID == userID).first())
            #expect(patient.tenantID == t.id)
            #expect(!patient.givenNameSealed.token.contains("Aline"))
            let own = try await app.send(.GET, "/api/v1/patients/\(patient.id!)", token: access)
            #expect(own.status == .ok, "\(own.text)")
            #expect(own.json["given_name"] as? String == "Aline")
            #expect(own.json["family_name"] as? String == "Uwase")
            #expect(own.json["birth_date"] as? String == "1990-05-17")
            #expect(own.json["phone"] as? String == "+250788555111")
            #expect((own.json["mrn"] as? String)?.hasPrefix("MRN") == true)
            // Staff find the new patient by phone like any other.
            let found = try await app.send(.GET, "/api/v1/patients?phone=%2B250788555111", token: t[.receptionist].token)
            #expect((found.json["items"] as? [[String: Any]])?.count == 1)

            let actions = Set(try await AuditEvent.query(on: app.db).all().map(\.action))
            #expect(actions.isSuperset(of: ["auth.signup", "auth.email_verified"]))
        }
    }

    @Test("signup where the tenant does not allow it (or does not exist) is a 403 problem", arguments: TestBackend.enabled)
    func notEnabled(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.files) { app in
            _ = try await Fixtures.tenant(app, slug: "closed")
            let users = try await User.query(on: app.db).count()
            for tenant in ["closed", "no-such-tenant"] {
                let res = try await Self.signup(app, tenant: tenant)
                #expect(res.status == .forbidden)
                #expect(res.isProblem)
                #expect((res.json["detail"] as? String)?.contains("not enabled") == true)
            }
            #expect(try await User.query(on: app.db).count() == users)
            #expect(try await Patient.query(on: app.db).count() == 0)
        }
    }

    @Test("an address that already has an account: the same answer, no new account, the owner is told by email",
          arguments: TestBackend.enabled)
    func existingAccount(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.files) { app in
            let t = try await Fixtures.tenant(app, slug: "open")
            let fresh = try await Self.signup(app, email: "new.person@mail.test")
            let users = try await User.query(on: app.db).count()
            let patients = try await Patient.query(on: app.db).count()
            let taken = try await Self.signup(app, email: t[.nurse].email.uppercased())
            #expect(taken.status == fresh.status)
            #expect(taken.text == fresh.text)
            #expect(try await User.query(on: app.db).count() == users)
            #expect(try await Patient.query(on: app.db).count() == patients)
            // The nurse keeps their password and roles, and gets a notice rather than a link.
            let login = try await Self.login(app, email: t[.nurse].email, password: testPassword)
            #expect(login.status == .ok)
            #expect(try await Self.login(app, email: t[.nurse].email, password: Self.password).status == .unauthorized)
            let mails = try await Mailbox.emails(app, tenantID: t.id, to: t[.nurse].email)
            #expect(mails.count == 1)
            #expect(mails.first?.subject.contains("already have") == true)
            #expect(mails.first?.body.contains("token=") == false)
            // A second signup of a pending address creates nothing either.
            #expect(try await Self.signup(app, email: "new.person@mail.test").text == fresh.text)
            #expect(try await User.query(on: app.db).count() == users)
        }
    }

    @Test("parallel signups of one address create one account and answer alike", arguments: TestBackend.enabled)
    func parallelSignups(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.files) { app in
            let t = try await Fixtures.tenant(app, slug: "open")
            let users = try await User.query(on: app.db).count()
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 { group.addTask { let res = try await Self.signup(app, email: "twin@mail.test"); return "\(res.status.code) \(res.text)" } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(answers).count == 1, "\(answers)")
            #expect(answers.first?.hasPrefix("201 ") == true)
            #expect(try await User.query(on: app.db).count() == users + 1)
            #expect(try await Patient.query(on: app.db).count() == 1)
            #expect(try await Mailbox.emails(app, tenantID: t.id, to: "twin@mail.test").filter { $0.body.contains("/console/verify-email?token=") }.count == 1)
        }
    }

    @Test("bad signup input names each field and writes nothing", arguments: TestBackend.enabled)
    func badInput(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.files) { app in
            _ = try await Fixtures.tenant(app, slug: "open")
            let users = try await User.query(on: app.db).count()
            let cases: [(extra: [String: Any], without: Set<String>, field: String)] = [
                ([:], ["birth_date"], "birth_date"),
                (["birth_date": "1990-02-30"], [], "birth_date"),
                (["birth_date": "2990-01-01"], [], "birth_date"),
                (["phone": "0788555111"], [], "phone"),
                (["email": "not-an-email"], [], "email"),
                (["password": "short"], [], "password"),
                ([:], ["given_name"], "given_name"),
                (["role": "doctor"], [], "role"),
            ]
            for c in cases {
                let res = try await Self.signup(app, extra: c.extra, without: c.without)
                #expect(res.status == .unprocessableEntity, "\(c.field): \(res.text)")
                #expect(res.isProblem)
                let fields = (res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(fields == [c.field], "\(res.text)")
            }
            #expect(try await User.query(on: app.db).count() == users)
            #expect(try await Patient.query(on: app.db).count() == 0)
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
        }
    }

    @Test("a verification link expires after 24 hours", arguments: TestBackend.enabled)
    func expiredLink(backend: TestBackend) async throws {
        try await withCareFlow(backend, tenantFiles: Self.files) { app in
            let t = try await Fixtures.tenant(app, slug: "open")
            #expect(try await Self.signup(app).status == .created)
            let token = try #require(try await Mailbox.lastToken(app, tenantID: t.id, to: "aline@mail.test", path: "/console/verify-email"))
            await #expect(throws: AppError.self) {
                try await app.services.accounts.signup.verifyEmail(token: token, origin: .none, now: Date().addingTimeInterval(25 * 3600))
            }
            #expect(try await Self.login(app, email: "aline@mail.test", password: Self.password).status == .unauthorized)
        }
    }
}
