import FluentKit
import Foundation
import SQLKit

/// "Forgot password": a single-use, expiring link by email, and setting a new password with
/// it. The request always answers the same (no account oracle); the reset ends every session.
public struct PasswordResetService: Sendable {
    let db: any Database
    let hasher: any PasswordHasher
    let outbox: Outbox
    let audit: AuditLog
    let keyring: Keyring
    let publicURL: String
    public let lifetime: TimeInterval
    /// Reset emails per account per hour; requests beyond it are dropped silently, so the
    /// endpoint cannot be used to flood someone's mailbox.
    public let maxEmailsPerHour: Int
    /// Known and unknown addresses answer after the same time.
    let floor: AnswerFloor

    let revoker: SessionRevoker

    public init(db: any Database, hasher: any PasswordHasher, outbox: Outbox, audit: AuditLog, keyring: Keyring, publicURL: String,
                revoker: SessionRevoker, lifetime: TimeInterval = 30 * 60, maxEmailsPerHour: Int = 3,
                answerFloor: Duration = .milliseconds(200)) {
        self.revoker = revoker
        self.floor = AnswerFloor(answerFloor)
        self.db = db
        self.hasher = hasher
        self.outbox = outbox
        self.audit = audit
        self.keyring = keyring
        self.publicURL = publicURL
        self.lifetime = lifetime
        self.maxEmailsPerHour = maxEmailsPerHour
    }

    /// Emails a reset link when the tenant and a usable account exist; otherwise does nothing.
    /// The caller cannot tell which happened. A new link makes the older open ones void.
    public func requestReset(tenantSlug: String, email: String, origin: RequestOrigin, now: Date = Date()) async throws {
        try await floor.run { try await sendLink(tenantSlug: tenantSlug, email: email, origin: origin, now: now) }
    }

    private func sendLink(tenantSlug: String, email: String, origin: RequestOrigin, now: Date) async throws {
        guard let tenant = try await Tenant.find(slug: tenantSlug, on: db), let tenantID = tenant.id,
              tenant.status == .active
        else { return }
        let cipher = try await keyring.cipher(forTenant: tenantID, on: db)
        let scope = TenantScope(tenantID: tenantID, db: db)
        guard let user = try await UserDirectory(scope: scope, cipher: cipher).find(email: email), let userID = user.id,
              user.status != .deactivated
        else {
            try await audit.append(
                AuditRecord(tenantID: tenantID, actor: .anonymous, action: .authPasswordForgot, outcome: .failure,
                            details: ["reason": "unknown_account"]),
                origin: origin, on: db)
            return
        }
        let address = try cipher.open(user.emailSealed)
        let token = SecureToken.generate()
        let message = OutgoingEmail(
            to: address, subject: "Reset your CareFlow password",
            body: """
                Someone (perhaps you) asked to reset the password of your CareFlow account at \(tenant.name).

                Choose a new password here (the link works once and expires in \(Int(lifetime / 60)) minutes):
                \(publicURL)/console/password/reset?token=\(token)

                If this was not you, ignore this message: your password stays as it is.
                """)
        let (outbox, lifetime, cap) = (self.outbox, self.lifetime, maxEmailsPerHour)
        func event(sent: Bool) -> AuditRecord {
            AuditRecord(tenantID: tenantID, actor: .anonymous, action: .authPasswordForgot, outcome: sent ? .success : .denied,
                        targetType: "user", targetID: userID.lowercasedString,
                        details: ["effect": sent ? "email_sent" : "suppressed_hourly_limit"])
        }
        let (suppressed, emailed) = (event(sent: false), event(sent: true))
        try await scope.audited(by: audit, origin: origin) { scope -> ((), AuditRecord) in
            // Serialise requests for this account (a row lock on PostgreSQL, the write lock on
            // SQLite), so the hourly count below sees every earlier request: parallel requests
            // cannot send more than the cap.
            try await Self.lockAccount(userID, on: scope.db)
            let recent = try await scope.query(Invitation.self)
                .filter(\.$userID == userID).filter(\.$purpose == .passwordReset)
                .filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
            guard recent < cap else { return ((), suppressed) }
            try await scope.query(Invitation.self)
                .filter(\.$userID == userID).filter(\.$purpose == .passwordReset).filter(\.$acceptedAt == nil)
                .filter(\.$expiresAt > now)
                .set(\.$expiresAt, to: now).update()
            let link = Invitation(tenantID: tenantID, userID: userID, facilityID: nil, tokenHash: SecureToken.digest(token),
                                  purpose: .passwordReset, invitedBy: nil, expiresAt: now.addingTimeInterval(lifetime))
            try await scope.create(link)
            try await outbox.enqueue(.email(message), in: scope)
            return ((), emailed)
        }
    }

    /// Sets the new password, consumes the link (once, also under concurrent requests) and
    /// ends every session of the account. An invited account that never set a password is
    /// activated: the link proves the mailbox, as an invitation link does.
    public func reset(token: String, password: String, origin: RequestOrigin, now: Date = Date()) async throws {
        let invalid = AppError.gone("This reset link is invalid, used or expired")
        let opened = try await EmailedLink.open(token: token, purpose: .passwordReset, invalid: invalid, now: now, on: db)
        let (link, userID) = (opened.link, opened.user.id!)
        let hash = try await opened.passwordHash(for: password, keyring: keyring, hasher: hasher)
        let event = AuditRecord(tenantID: link.tenantID, actor: .user(userID), action: .authPasswordReset, targetType: "user",
                                targetID: userID.lowercasedString, details: ["effect": "sessions_revoked"])
        try await opened.redeem(invalid: invalid, now: now, auditing: event, by: audit, origin: origin) { user, scope in
            user.passwordHash = hash
            if user.status == .invited { user.status = .active }
            // Whoever knew the old password (or holds a stolen token) is out.
            try await revoker.revokeAll(ofUser: userID, reason: "password_reset", on: scope.db)
        }
    }

    /// A no-op write on the account row: it takes the row's lock until the transaction ends.
    static func lockAccount(_ userID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        try await sql.raw("UPDATE users SET status = status WHERE id = \(bind: userID)").run()
    }
}
