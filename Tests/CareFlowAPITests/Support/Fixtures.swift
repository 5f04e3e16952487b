@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Testing
import VaporTesting

let testPassword = "correct-horse-battery-staple"

/// bcrypt of `testPassword` at the test configuration's cost, hashed once per test process:
/// every fixture account stores it (salt included) and it verifies as a hash of its own would.
/// Logging in still runs bcrypt; tests of hashing go through the services.
let testPasswordHash: String = try! Bcrypt.hash(testPassword, cost: testBcryptCost)

/// A signed-in test user.
struct TestUser: Sendable {
    let id: UUID
    let email: String
    let role: Role
    let facilityID: UUID?
    let tokens: TokenPair
    /// Set for users enrolled in TOTP (every admin).
    let totpSecret: [UInt8]?
    var token: String { tokens.accessToken }
}

/// A tenant with two facilities and one signed-in user per role. Facility roles are held at
/// the first facility (`f1`); `f2Admin` administers the second.
struct TestTenant: Sendable {
    let tenant: Tenant
    let f1: Facility
    let f2: Facility
    let users: [Role: TestUser]
    let f2Admin: TestUser
    var id: UUID { tenant.id! }
    subscript(role: Role) -> TestUser { users[role]! }
}

enum Fixtures {
    static func tenant(_ app: Application, slug: String) async throws -> TestTenant {
        let result = try await app.services.onboarding.onboard(
            slug: slug, name: "Tenant \(slug)", adminEmail: "group-admin@\(slug).test", adminPassword: testPassword,
            actor: .system, origin: .none)
        let tenant = result.tenant
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        let f1 = Facility(tenantID: tenant.id!, code: "\(slug)-f1", name: "Facility One", timezone: "Africa/Kigali")
        let f2 = Facility(tenantID: tenant.id!, code: "\(slug)-f2", name: "Facility Two", timezone: "Africa/Kigali")
        try await scope.create(f1)
        try await scope.create(f2)
        let adminSecret = try await enrolTOTP(app, tenantID: tenant.id, subjectID: result.admin.id!, kind: .user)
        var users: [Role: TestUser] = [.groupAdmin: try await login(app, slug: slug, email: result.adminEmail, id: result.admin.id!,
                                                                   role: .groupAdmin, facility: nil, totpSecret: adminSecret)]
        for role in [Role.facilityAdmin, .doctor, .nurse, .receptionist, .billing, .patient] {
            let facility = role.scope == .facility ? f1.id : nil
            users[role] = try await user(app, tenant: tenant, email: "\(role.rawValue)@\(slug).test", role: role, facility: facility)
        }
        let f2Admin = try await user(app, tenant: tenant, email: "f2-admin@\(slug).test", role: .facilityAdmin, facility: f2.id)
        return TestTenant(tenant: tenant, f1: f1, f2: f2, users: users, f2Admin: f2Admin)
    }

    static func user(_ app: Application, tenant: Tenant, email: String, role: Role, facility: UUID?) async throws -> TestUser {
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        let user = try await directory(app, tenant.id!).create(email: email, displayName: nil, status: .active,
                                                              passwordHash: testPasswordHash)
        try await scope.create(RoleAssignment(tenantID: tenant.id!, userID: user.id!, role: role, facilityID: facility, grantedBy: nil))
        let secret = role.requiresMFA ? try await enrolTOTP(app, tenantID: tenant.id, subjectID: user.id!, kind: .user) : nil
        return try await login(app, slug: tenant.slug, email: email, id: user.id!, role: role, facility: facility, totpSecret: secret)
    }

    /// A confirmed TOTP credential, as if the user had enrolled.
    static func enrolTOTP(_ app: Application, tenantID: UUID?, subjectID: UUID, kind: SubjectKind) async throws -> [UInt8] {
        let secret = TOTP.generateSecret()
        let cipher = try await app.services.keyring.cipher(forTenant: tenantID, on: app.db)
        let credential = TOTPCredential(tenantID: tenantID, subjectID: subjectID, subjectKind: kind, secretSealed: try cipher.seal(Base32.encode(secret)))
        credential.confirmedAt = Date()
        try await credential.create(on: app.db)
        return secret
    }

    static func directory(_ app: Application, _ tenantID: UUID) async throws -> UserDirectory {
        UserDirectory(scope: TenantScope(tenantID: tenantID, db: app.db),
                      cipher: try await app.services.keyring.cipher(forTenant: tenantID, on: app.db))
    }

    /// Password login, then the TOTP step when the user has TOTP. Fixtures may log one user in
    /// several times within a time step, so the stored step is cleared first (tests of the
    /// once-only rule go through the service without this).
    static func login(_ app: Application, slug: String?, email: String, id: UUID, role: Role, facility: UUID?,
                      totpSecret: [UInt8]? = nil) async throws -> TestUser {
        switch try await app.services.auth.login(tenantSlug: slug, email: email, password: testPassword, origin: .none) {
        case .tokens(let tokens):
            return TestUser(id: id, email: email, role: role, facilityID: facility, tokens: tokens, totpSecret: totpSecret)
        case .mfaRequired(let mfaToken):
            let secret = try #require(totpSecret, "\(email) has TOTP but the fixture has no secret")
            try await TOTPCredential.query(on: app.db).filter(\.$subjectID == id).set(\.$lastStep, to: nil).update()
            let tokens = try await app.services.mfa.verifyChallenge(token: mfaToken, code: TOTP(secret: secret).code(at: Date()), origin: .none)
            return TestUser(id: id, email: email, role: role, facilityID: facility, tokens: tokens, totpSecret: secret)
        }
    }

    /// A patient of `t` at f1, linked to `t[.patient]`'s account, with `t[.doctor]` as primary doctor.
    /// Registered as an import would be: no role may both register and set clinical content.
    static func patient(_ app: Application, _ t: TestTenant, given: String = "Aline", family: String = "Uwase",
                        nationalID: String? = nil, phone: String? = nil) async throws -> UUID {
        let admin = Principal.system(tenantID: t.id)
        let scope = TenantScope(tenantID: t.id, db: app.db)
        let view = try await app.services.patients.register(
            PatientInput(givenName: given, familyName: family, birthDate: "1988-04-12", sex: .female, phone: phone,
                         nationalID: nationalID, homeFacilityID: t.f1.id,
                         details: PatientDetails(bloodType: "O+", allergies: ["penicillin"]),
                         conditions: [ConditionInput(code: "I10", note: "Essential hypertension")]),
            in: RequestContext(scope: scope, principal: admin, origin: .none))
        let patient = view.patient
        patient.userID = t[.patient].id
        try await scope.update(patient)
        try await scope.create(CareRelationship(tenantID: t.id, patientID: patient.id!, doctorID: t[.doctor].id, kind: .primary,
                                                referredBy: nil, endsOn: nil))
        return patient.id!
    }

    static func platformAdmin(_ app: Application) async throws -> TestUser {
        let email = "operator@platform.test"
        let admin = PlatformAdmin(email: email, passwordHash: testPasswordHash)
        try await admin.create(on: app.db)
        let secret = try await enrolTOTP(app, tenantID: nil, subjectID: admin.id!, kind: .platformAdmin)
        return try await login(app, slug: nil, email: email, id: admin.id!, role: .platformAdmin, facility: nil, totpSecret: secret)
    }
}
