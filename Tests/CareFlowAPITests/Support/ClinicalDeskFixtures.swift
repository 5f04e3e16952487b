@testable import CareFlowAPI
import CareFlowCore
import Foundation
import VaporTesting

extension Fixtures {
    /// A user who is both receptionist and nurse at `facility`: the one kind of caller who may
    /// register a patient together with clinical content (`patient.create` and, for a patient
    /// of that facility, `patient.update_clinical`).
    static func clinicalDesk(_ app: Application, _ t: TestTenant, facility: UUID, email: String? = nil) async throws -> TestUser {
        let email = email ?? "desk-nurse-\(UUID().uuidString.prefix(8).lowercased())@\(t.tenant.slug).test"
        let user = try await directory(app, t.id).create(email: email, displayName: nil, status: .active,
                                                           passwordHash: testPasswordHash)
        let scope = TenantScope(tenantID: t.id, db: app.db)
        for role in [Role.receptionist, .nurse] {
            try await scope.create(RoleAssignment(tenantID: t.id, userID: user.id!, role: role, facilityID: facility, grantedBy: nil))
        }
        return try await login(app, slug: t.tenant.slug, email: email, id: user.id!, role: .nurse, facility: facility)
    }
}
