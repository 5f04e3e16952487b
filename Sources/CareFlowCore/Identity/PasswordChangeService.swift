import FluentKit
import Foundation

/// A signed-in person changing their own password. The current password is checked like a
/// login: wrong guesses count toward the account's lockout, so a stolen access token cannot
/// be used to brute-force the password behind it.
public struct PasswordChangeService: Sendable {
    let db: any Database
    let hasher: any PasswordHasher
    let keyring: Keyring
    let audit: AuditLog
    let throttle: LoginThrottle

    let revoker: SessionRevoker

    public init(db: any Database, hasher: any PasswordHasher, keyring: Keyring, audit: AuditLog, throttle: LoginThrottle,
                revoker: SessionRevoker) {
        self.revoker = revoker
        self.db = db
        self.hasher = hasher
        self.keyring = keyring
        self.audit = audit
        self.throttle = throttle
    }

    /// Sets the new password and ends every other session of the account; the caller's
    /// session stays.
    public func change(of principal: Principal, current: String, new: String, origin: RequestOrigin) async throws {
        guard principal.kind == .user, let tenantID = principal.tenantID,
              let tenant = try await Tenant.find(tenantID, on: db)
        else { throw AppError.forbidden("Only tenant accounts change their password here") }
        let scope = TenantScope(tenantID: tenantID, db: db)
        let user = try await scope.require(User.self, principal.subjectID, name: "Account")
        let email = try await keyring.cipher(forTenant: tenantID, on: db).open(user.emailSealed)
        // The login's keys: the same counter, whichever door the guesses come through.
        let keys = LoginThrottle.Keys(scope: tenant.slug, email: email, ip: origin.ip)
        // Reserved before the check, as at login: parallel guesses cannot outrun the lock.
        let attempt = try await throttle.reserve(keys)
        guard let stored = user.passwordHash, try await hasher.verify(current, against: stored) else {
            let locked = attempt.locksAccount
            try await audit.append(
                AuditRecord(tenantID: tenantID, actor: principal.auditActor, action: .authPasswordChange, outcome: .failure,
                            targetType: "user", targetID: principal.subjectID.lowercasedString,
                            details: locked ? ["reason": "bad_password", "effect": "account_locked"] : ["reason": "bad_password"]),
                origin: origin, on: db)
            throw AppError.validation([FieldError(field: "current_password", reason: "is not the current password")])
        }
        try await throttle.succeeded(attempt)
        var problems = PasswordPolicy.problems(with: new, email: email)
        if new == current { problems.append("must differ from the current password") }
        if !problems.isEmpty { throw AppError.validation(problems.map { FieldError(field: "new_password", reason: $0) }) }
        let hash = try await hasher.hash(new)
        let keep = principal.sessionID
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            user.passwordHash = hash
            try await scope.update(user)
            try await revoker.revokeAll(ofUser: principal.subjectID, except: keep, reason: "password_change", on: scope.db)
            return AuditRecord(tenantID: tenantID, actor: principal.auditActor, action: .authPasswordChange, targetType: "user",
                               targetID: principal.subjectID.lowercasedString, details: ["effect": "other_sessions_revoked"])
        }
    }
}
