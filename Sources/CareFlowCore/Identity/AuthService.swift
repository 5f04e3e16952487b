import FluentKit
import Foundation

/// Password login, refresh-token rotation with reuse detection, logout, and turning an access
/// token back into a `Principal`.
public struct AuthService: Sendable {
    let db: any Database
    let hasher: any PasswordHasher
    let sessions: SessionIssuer
    let signer: AccessTokenSigner
    let audit: AuditLog
    /// A real bcrypt hash of a random password, checked when the account does not exist so an
    /// unknown email costs the same time as a wrong password.
    let decoyHash: String

    public init(db: any Database, hasher: any PasswordHasher, sessions: SessionIssuer, signer: AccessTokenSigner, audit: AuditLog) throws {
        self.db = db
        self.hasher = hasher
        self.sessions = sessions
        self.signer = signer
        self.audit = audit
        self.decoyHash = try hasher.hash(SecureToken.generate())
    }

    static let invalidCredentials = AppError.unauthenticated("The email or password is incorrect")

    public func login(tenantSlug: String?, email: String, password: String, origin: RequestOrigin) async throws -> TokenPair {
        guard let tenantSlug else { return try await platformLogin(email: email, password: password, origin: origin) }
        let tenant = try await Tenant.query(on: db).filter(\.$slug == tenantSlug).first()
        let user: User? = if let tenantID = tenant?.id {
            try await TenantScope(tenantID: tenantID, db: db).query(User.self).filter(\.$email == email).first()
        } else { nil }
        let passwordOK = try hasher.verify(password, against: user?.passwordHash ?? decoyHash)
        guard let tenant, let tenantID = tenant.id, let user, let userID = user.id, passwordOK, user.status == .active else {
            if let tenantID = tenant?.id {
                try await audit.append(
                    AuditRecord(tenantID: tenantID, actor: user?.id.map(AuditActor.user) ?? .anonymous,
                                action: "auth.login", outcome: .failure, targetType: "user", targetID: user?.id?.uuidString.lowercased(),
                                details: ["reason": user == nil ? "unknown_account" : (passwordOK ? "account_not_active" : "bad_password")]),
                    origin: origin, on: db)
            }
            throw Self.invalidCredentials
        }
        guard tenant.status == .active else { throw AppError.tenantSuspended }
        let grants = try await Self.grants(ofUser: userID, tenantID: tenantID, on: db)
        let pair = try await sessions.start(tenantID: tenantID, subjectID: userID, kind: .user, grants: grants, amr: ["pwd"], on: db)
        user.lastLoginAt = Date()
        try await user.update(on: db)
        try await audit.append(
            AuditRecord(tenantID: tenantID, actor: .user(userID), action: "auth.login", targetType: "user",
                        targetID: userID.uuidString.lowercased(), details: ["amr": "pwd"]),
            origin: origin, on: db)
        return pair
    }

    private func platformLogin(email: String, password: String, origin: RequestOrigin) async throws -> TokenPair {
        let admin = try await PlatformAdmin.query(on: db).filter(\.$email == email).first()
        let passwordOK = try hasher.verify(password, against: admin?.passwordHash ?? decoyHash)
        guard let admin, let adminID = admin.id, admin.active, passwordOK else {
            try await audit.append(
                AuditRecord(tenantID: nil, actor: admin?.id.map(AuditActor.platformAdmin) ?? .anonymous, action: "auth.login",
                            outcome: .failure, details: ["reason": admin == nil ? "unknown_account" : "bad_password"]),
                origin: origin, on: db)
            throw Self.invalidCredentials
        }
        let pair = try await sessions.start(
            tenantID: nil, subjectID: adminID, kind: .platformAdmin, grants: [RoleGrant(role: .platformAdmin)], amr: ["pwd"], on: db)
        try await audit.append(
            AuditRecord(tenantID: nil, actor: .platformAdmin(adminID), action: "auth.login", targetType: "platform_admin",
                        targetID: adminID.uuidString.lowercased()),
            origin: origin, on: db)
        return pair
    }

    /// Rotates a refresh token. Presenting one that was already used revokes its whole session:
    /// either the client is confused or the token was stolen, and only the latter matters.
    public func refresh(_ token: String, origin: RequestOrigin, now: Date = Date()) async throws -> TokenPair {
        let invalid = AppError.unauthenticated("The refresh token is invalid or expired")
        guard let stored = try await RefreshToken.query(on: db).filter(\.$tokenHash == SecureToken.digest(token)).first(),
              let session = try await AuthSession.find(stored.sessionID, on: db)
        else { throw invalid }
        guard !session.isRevoked, session.expiresAt > now, stored.expiresAt > now else { throw invalid }
        guard try await RowClaim.claim(table: RefreshToken.schema, column: "used_at", id: stored.id!, at: now, on: db) else {
            try await SessionRevoker.revoke(sessionID: session.id!, reason: "refresh_token_reuse", on: db)
            try await audit.append(
                AuditRecord(tenantID: session.tenantID, actor: Self.actor(of: session), action: "auth.refresh_reuse",
                            outcome: .denied, targetType: "session", targetID: session.id!.uuidString.lowercased(),
                            details: ["effect": "session_revoked"]),
                origin: origin, on: db)
            throw invalid
        }
        let grants: [RoleGrant]
        switch session.subjectKind {
        case .platformAdmin:
            guard let admin = try await PlatformAdmin.find(session.subjectID, on: db), admin.active else { throw invalid }
            grants = [RoleGrant(role: .platformAdmin)]
        case .user:
            guard let tenantID = session.tenantID,
                  let tenant = try await Tenant.find(tenantID, on: db), tenant.status == .active,
                  let user = try await TenantScope(tenantID: tenantID, db: db).find(User.self, session.subjectID),
                  user.status == .active
            else { throw invalid }
            grants = try await Self.grants(ofUser: session.subjectID, tenantID: tenantID, on: db)
        }
        return try await sessions.tokens(for: session, grants: grants, on: db, now: now)
    }

    public func logout(principal: Principal, origin: RequestOrigin) async throws {
        try await SessionRevoker.revoke(sessionID: principal.sessionID, reason: "logout", on: db)
        try await audit.append(
            AuditRecord(tenantID: principal.tenantID, actor: principal.auditActor, action: "auth.logout",
                        targetType: "session", targetID: principal.sessionID.uuidString.lowercased()),
            origin: origin, on: db)
    }

    /// Logout by refresh token alone (a client that lost its access token).
    public func logout(refreshToken: String, origin: RequestOrigin) async throws {
        guard let stored = try await RefreshToken.query(on: db).filter(\.$tokenHash == SecureToken.digest(refreshToken)).first(),
              let session = try await AuthSession.find(stored.sessionID, on: db)
        else { throw AppError.unauthenticated("The refresh token is invalid or expired") }
        try await SessionRevoker.revoke(sessionID: session.id!, reason: "logout", on: db)
        try await audit.append(
            AuditRecord(tenantID: session.tenantID, actor: Self.actor(of: session), action: "auth.logout",
                        targetType: "session", targetID: session.id!.uuidString.lowercased()),
            origin: origin, on: db)
    }

    /// Verifies an access token and checks that its session is still live.
    public func authenticate(bearer token: String, now: Date = Date()) async throws -> Principal {
        let claims = try await signer.verify(token, now: now)
        guard let sessionID = UUID(uuidString: claims.sid), let subjectID = UUID(uuidString: claims.sub.value),
              let session = try await AuthSession.find(sessionID, on: db),
              !session.isRevoked, session.expiresAt > now, session.subjectID == subjectID,
              session.tenantID?.uuidString.lowercased() == claims.tid
        else { throw AppError.unauthenticated("The session has ended; sign in again") }
        return Principal(subjectID: subjectID, kind: session.subjectKind, tenantID: session.tenantID,
                         sessionID: sessionID, grants: claims.roles, amr: claims.amr)
    }

    public static func grants(ofUser userID: UUID, tenantID: UUID, on db: any Database) async throws -> [RoleGrant] {
        try await TenantScope(tenantID: tenantID, db: db).query(RoleAssignment.self)
            .filter(\.$userID == userID).all()
            .map(\.grant)
            .sorted { ($0.role.rawValue, $0.facilityID?.uuidString ?? "") < ($1.role.rawValue, $1.facilityID?.uuidString ?? "") }
    }

    static func actor(of session: AuthSession) -> AuditActor {
        session.subjectKind == .platformAdmin ? .platformAdmin(session.subjectID) : .user(session.subjectID)
    }
}
