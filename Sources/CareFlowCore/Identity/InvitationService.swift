import FluentKit
import Foundation

/// Issues single-use, expiring invitation links by email and turns an accepted one into an
/// active account with a password.
public struct InvitationService: Sendable {
    let db: any Database
    let hasher: any PasswordHasher
    let outbox: Outbox
    let audit: AuditLog
    let keyring: Keyring
    /// Where the link points, e.g. `https://care.example.org`.
    let publicURL: String
    public let lifetime: TimeInterval

    public init(db: any Database, hasher: any PasswordHasher, outbox: Outbox, audit: AuditLog,
                keyring: Keyring, publicURL: String, lifetime: TimeInterval = 72 * 3600) {
        self.keyring = keyring
        self.db = db
        self.hasher = hasher
        self.outbox = outbox
        self.audit = audit
        self.publicURL = publicURL
        self.lifetime = lifetime
    }

    /// Creates the invitation row and emails its link. Earlier open invitations of the same
    /// user stop working: only the newest link is valid.
    public func send(to user: UserProfile, tenant: Tenant, facility: Facility?, invitedBy: UUID?, roles: [Role], origin: RequestOrigin) async throws {
        let token = SecureToken.generate()
        let scope = TenantScope(tenantID: tenant.id!, db: db)
        let user = user.user
        let address = try await keyring.cipher(forTenant: tenant.id, on: db).open(user.emailSealed)
        let invitation = Invitation(
            tenantID: tenant.id!, userID: user.id!, facilityID: facility?.id, tokenHash: SecureToken.digest(token),
            purpose: .invitation, invitedBy: invitedBy, expiresAt: Date().addingTimeInterval(lifetime))
        let place = facility.map { "\($0.name) (\(tenant.name))" } ?? tenant.name
        let link = "\(publicURL)/console/invitations/accept?token=\(token)"
        let body = """
            You have been invited to CareFlow at \(place) as \(roles.map(\.rawValue).joined(separator: ", ")).

            Set your password here (the link works once and expires in \(Int(lifetime / 3600)) hours):
            \(link)
            """
        let outbox = self.outbox
        let event = AuditRecord(tenantID: tenant.id, facilityID: facility?.id, actor: invitedBy.map(AuditActor.user) ?? .system,
                                action: .invitationSend, targetType: "user", targetID: user.id!.lowercasedString,
                                details: ["roles": roles.map(\.rawValue).joined(separator: ",")])
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.query(Invitation.self)
                .filter(\.$userID == user.id!).filter(\.$acceptedAt == nil).filter(\.$purpose == .invitation)
                .set(\.$expiresAt, to: Date()).update()
            try await scope.create(invitation)
            // The email leaves through the outbox, so it exists exactly when the invitation does.
            try await outbox.enqueue(.email(OutgoingEmail(to: address, subject: "Your CareFlow invitation", body: body)), in: scope)
            return event
        }
    }

    /// Sets the password and activates the account. The token works once.
    public func accept(token: String, password: String, origin: RequestOrigin, now: Date = Date()) async throws {
        let invalid = AppError.gone("This invitation link is invalid, used or expired")
        let opened = try await EmailedLink.open(token: token, purpose: .invitation, invalid: invalid, now: now, on: db)
        let (invitation, tenant, user) = (opened.link, opened.tenant, opened.user)
        let hash = try await opened.passwordHash(for: password, keyring: keyring, hasher: hasher)
        let event = AuditRecord(tenantID: tenant.id, facilityID: invitation.facilityID, actor: .user(user.id!),
                                action: .invitationAccept, targetType: "user", targetID: user.id!.lowercasedString)
        try await opened.redeem(invalid: invalid, now: now, auditing: event, by: audit, origin: origin) { user, _ in
            user.passwordHash = hash
            user.status = .active
        }
    }
}
