import FluentKit
import Foundation

/// A single-use link sent by email (invitation, password reset, email verification), opened:
/// the link row, its live tenant and its account. Invitations, resets and verifications
/// differ only in what they change once the link is claimed, so the checks live here once.
struct EmailedLink {
    let link: Invitation
    let tenant: Tenant
    let user: User
    let scope: TenantScope

    /// Finds the unused, unexpired link of `purpose` whose tenant is active and whose account
    /// is not deactivated; anything else is `invalid` (one answer, so nothing is revealed).
    static func open(token: String, purpose: Invitation.Purpose, invalid: AppError, now: Date, on db: any Database) async throws -> EmailedLink {
        guard let link = try await Invitation.query(on: db)
            .filter(\.$tokenHash == SecureToken.digest(token)).filter(\.$purpose == purpose).first(),
              link.acceptedAt == nil, link.expiresAt > now,
              let tenant = try await Tenant.find(link.tenantID, on: db), tenant.status == .active
        else { throw invalid }
        let scope = TenantScope(tenantID: link.tenantID, db: db)
        guard let user = try await scope.find(User.self, link.userID), user.status != .deactivated else { throw invalid }
        return EmailedLink(link: link, tenant: tenant, user: user, scope: scope)
    }

    /// The bcrypt hash of a new password that passes the policy for this account (422 naming
    /// `password` otherwise).
    func passwordHash(for password: String, keyring: Keyring, hasher: any PasswordHasher) async throws -> String {
        let email = try await keyring.cipher(forTenant: tenant.id, on: scope.db).open(user.emailSealed)
        let problems = PasswordPolicy.problems(with: password, email: email)
        if !problems.isEmpty { throw AppError.validation(problems.map { FieldError(field: "password", reason: $0) }) }
        return try await hasher.hash(password)
    }

    /// Claims the link, then applies `change` to the account, in one transaction: two
    /// concurrent requests with the same link cannot both succeed.
    /// Claims the link, applies `change` to the account and appends `event`, in one transaction.
    func redeem(invalid: AppError, now: Date, auditing event: AuditRecord, by audit: AuditLog, origin: RequestOrigin,
                _ change: @escaping @Sendable (User, TenantScope) async throws -> Void) async throws {
        let (link, user) = (self.link, self.user)
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            guard try await RowClaim.claim(table: Invitation.schema, column: "accepted_at", id: link.id!, at: now, on: scope.db)
            else { throw invalid }
            try await change(user, scope)
            try await scope.update(user)
            return event
        }
    }
}
