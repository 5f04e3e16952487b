@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing

/// PRODUCT §2: the same answer for an unknown user and a bad password; lockout after repeated
/// failures per account.
@Suite("Password login, without HTTP")
struct LoginServiceTests {
    @Test("unknown account and wrong password answer alike; repeated failures lock the account", arguments: TestBackend.enabled)
    func answersAlikeThenLocks(backend: TestBackend) async throws {
        try await ServiceTestBed.with(backend) { bed in
            let (tenant, _) = try await bed.tenant("login")
            let auth = bed.services.auth
            let admin = "group-admin@login.test"
            func failure(_ email: String, _ password: String) async -> String? {
                do {
                    _ = try await auth.login(tenantSlug: tenant.slug, email: email, password: password, origin: .none)
                    return nil
                } catch {
                    return String(describing: error)
                }
            }
            let unknown = await failure("nobody@login.test", testPassword)
            let wrong = await failure(admin, "not-the-password")
            #expect(unknown != nil && unknown == wrong)

            // The right password still works before the threshold...
            _ = try await auth.login(tenantSlug: tenant.slug, email: admin, password: testPassword, origin: .none)
            // ...and is refused once the account is locked.
            for _ in 0..<bed.services.configuration.throttle.accountThreshold {
                _ = await failure(admin, "not-the-password")
            }
            #expect(await failure(admin, testPassword) != nil)
        }
    }
}
