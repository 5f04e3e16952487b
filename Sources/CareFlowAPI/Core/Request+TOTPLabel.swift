import CareFlowCore
import Vapor

extension Request {
    /// How an authenticator app lists the caller's TOTP: issuer = the tenant's name (CareFlow
    /// for operators), account = the email. Shared by the API's enrolment and the console's.
    func totpLabel(for principal: Principal) async throws -> (issuer: String, account: String) {
        guard let tenantID = principal.tenantID else {
            let admin = try await PlatformAdmin.find(principal.subjectID, on: db)
            return ("CareFlow", admin?.email ?? "operator")
        }
        let tenant = try await currentTenant()
        let user = try await TenantScope(tenantID: tenantID, db: db).require(User.self, principal.subjectID, name: "Account")
        let email = try await services.keyring.cipher(forTenant: tenantID, on: db).open(user.emailSealed)
        return (tenant.name, email)
    }
}
