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
    let keyring: Keyring
    let mfa: MFAService
    let throttle: LoginThrottle
    let tenants: TenantDirectory
    /// A real bcrypt hash of a random password, checked when the account does not exist so an
    /// unknown email costs the same time as a wrong password.
    let decoyHash: String

    let revoker: SessionRevoker
    let liveness: SessionLiveness

    public init(db: any Database, hasher: any PasswordHasher, sessions: SessionIssuer, signer: AccessTokenSigner,
                audit: AuditLog, keyring: Keyring, mfa: MFAService, throttle: LoginThrottle, tenants: TenantDirectory,
                revoker: SessionRevoker, liveness: SessionLiveness) async throws {
        self.revoker = revoker
        self.liveness = liveness
        self.keyring = keyring
        self.mfa = mfa
        self.throttle = throttle
        self.tenants = tenants
        self.db = db
        self.hasher = hasher
        self.sessions = sessions
        self.signer = signer
        self.audit = audit
        self.decoyHash = try await hasher.hash(SecureToken.generate())
    }

    static let invalidCredentials = AppError.unauthenticated("The email or password is incorrect")

    /// The password step. Answers tokens, or a challenge for the TOTP step; an admin without
    /// TOTP gets tokens good only for enrolment. Unknown accounts, wrong passwords and locked
    /// accounts cost the same bcrypt time and answer alike.
    public func login(tenantSlug: String?, email: String, password: String, origin: RequestOrigin) async throws -> LoginOutcome {
        let keys = LoginThrottle.Keys(scope: tenantSlug ?? "platform", email: email, ip: origin.ip)
        // Counted before the password is checked, so parallel guesses cannot outrun the lock.
        let attempt = try await throttle.reserve(keys)
        guard let tenantSlug else { return try await platformLogin(email: email, password: password, attempt: attempt, origin: origin) }
        let tenant = try await Tenant.find(slug: tenantSlug, on: db)
        let user: User? = if let tenantID = tenant?.id {
            try await UserDirectory(scope: TenantScope(tenantID: tenantID, db: db),
                                    cipher: keyring.cipher(forTenant: tenantID, on: db)).find(email: email)
        } else { nil }
        let passwordOK = try await hasher.verify(password, against: user?.passwordHash ?? decoyHash)
        guard let tenant, let tenantID = tenant.id, let user, let userID = user.id, passwordOK, user.status == .active else {
            let locked = attempt.locksAccount
            if let tenantID = tenant?.id {
                var details = ["reason": user == nil ? "unknown_account" : (passwordOK ? "account_not_active" : "bad_password")]
                if locked { details["effect"] = "account_locked" }
                try await audit.append(
                    AuditRecord(tenantID: tenantID, actor: user?.id.map(AuditActor.user) ?? .anonymous,
                                action: .authLogin, outcome: .failure, targetType: "user", targetID: user?.id?.lowercasedString,
                                details: details),
                    origin: origin, on: db)
            }
            throw Self.invalidCredentials
        }
        try await throttle.succeeded(attempt)
        guard tenant.status == .active else { throw AppError.tenantSuspended }
        let grants = try await Self.grants(ofUser: userID, tenantID: tenantID, on: db)
        user.lastLoginAt = Date()
        try await user.update(on: db)
        return try await afterPassword(tenantID: tenantID, subjectID: userID, kind: .user, grants: grants,
                                       tenantRequires: tenants[tenant.slug]?.mfaRequiredFor ?? [], origin: origin)
    }

    private func platformLogin(email: String, password: String, attempt: LoginThrottle.Attempt, origin: RequestOrigin) async throws -> LoginOutcome {
        let admin = try await PlatformAdmin.query(on: db).filter(\.$email == BlindIndexKind.email.normalise(email)).first()
        let passwordOK = try await hasher.verify(password, against: admin?.passwordHash ?? decoyHash)
        guard let admin, let adminID = admin.id, admin.active, passwordOK else {
            let locked = attempt.locksAccount
            var details = ["reason": admin == nil ? "unknown_account" : "bad_password"]
            if locked { details["effect"] = "account_locked" }
            try await audit.append(
                AuditRecord(tenantID: nil, actor: admin?.id.map(AuditActor.platformAdmin) ?? .anonymous, action: .authLogin,
                            outcome: .failure, details: details),
                origin: origin, on: db)
            throw Self.invalidCredentials
        }
        try await throttle.succeeded(attempt)
        return try await afterPassword(tenantID: nil, subjectID: adminID, kind: .platformAdmin, grants: [RoleGrant(role: .platformAdmin)],
                                       tenantRequires: [], origin: origin)
    }

    private func afterPassword(tenantID: UUID?, subjectID: UUID, kind: SubjectKind, grants: [RoleGrant], tenantRequires: [Role],
                               origin: RequestOrigin) async throws -> LoginOutcome {
        if try await mfa.hasConfirmedTOTP(subjectID) {
            return .mfaRequired(mfaToken: try await mfa.createChallenge(tenantID: tenantID, subjectID: subjectID, kind: kind))
        }
        let enrolmentOnly = MFAPolicy.isRequired(for: grants, tenantRequires: tenantRequires)
        let record = AuditRecord(tenantID: tenantID, actor: kind == .platformAdmin ? .platformAdmin(subjectID) : .user(subjectID),
                                 action: .authLogin, targetType: kind.rawValue, targetID: subjectID.lowercasedString,
                                 details: enrolmentOnly ? ["amr": "pwd", "scope": "mfa_enrolment"] : ["amr": "pwd"])
        let (sessions, audit) = (sessions, audit)
        // The session and its login event commit together.
        let pair = try await WriteTransaction.run(on: db) { tx in
            let pair = try await sessions.start(tenantID: tenantID, subjectID: subjectID, kind: kind, grants: grants, amr: ["pwd"],
                                                enrolmentOnly: enrolmentOnly, on: tx)
            try await audit.append(record, origin: origin, on: tx)
            return pair
        }
        return .tokens(pair)
    }

    /// Revokes a session and records why, in one transaction.
    private func revoke(_ sessionID: UUID, reason: String, auditing record: AuditRecord, origin: RequestOrigin) async throws {
        let (revoker, audit) = (revoker, audit)
        try await WriteTransaction.run(on: db) { tx in
            try await revoker.revoke(sessionID: sessionID, reason: reason, on: tx)
            try await audit.append(record, origin: origin, on: tx)
        }
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
            try await revoke(session.id!, reason: "refresh_token_reuse",
                             auditing: AuditRecord(tenantID: session.tenantID, actor: Self.actor(of: session), action: .authRefreshReuse,
                                                   outcome: .denied, targetType: "session", targetID: session.id!.lowercasedString,
                                                   details: ["effect": "session_revoked"]),
                             origin: origin)
            throw invalid
        }
        guard try await SubjectStatus.isActive(subjectID: session.subjectID, kind: session.subjectKind, tenantID: session.tenantID, on: db)
        else { throw invalid }
        let grants: [RoleGrant] = if let tenantID = session.tenantID, session.subjectKind == .user {
            try await Self.grants(ofUser: session.subjectID, tenantID: tenantID, on: db)
        } else {
            [RoleGrant(role: .platformAdmin)]
        }
        return try await sessions.tokens(for: session, grants: grants, on: db, now: now)
    }

    public func logout(principal: Principal, origin: RequestOrigin) async throws {
        try await revoke(principal.sessionID, reason: "logout",
                         auditing: AuditRecord(tenantID: principal.tenantID, actor: principal.auditActor, action: .authLogout,
                                               targetType: "session", targetID: principal.sessionID.lowercasedString),
                         origin: origin)
    }

    /// Logout by refresh token alone (a client that lost its access token).
    public func logout(refreshToken: String, origin: RequestOrigin) async throws {
        guard let stored = try await RefreshToken.query(on: db).filter(\.$tokenHash == SecureToken.digest(refreshToken)).first(),
              let session = try await AuthSession.find(stored.sessionID, on: db)
        else { throw AppError.unauthenticated("The refresh token is invalid or expired") }
        try await revoke(session.id!, reason: "logout",
                         auditing: AuditRecord(tenantID: session.tenantID, actor: Self.actor(of: session), action: .authLogout,
                                               targetType: "session", targetID: session.id!.lowercasedString),
                         origin: origin)
    }

    /// Verifies an access token and checks that its session is still live, its account active
    /// and its tenant not suspended: from `SessionLiveness` when it answered within the last
    /// second, otherwise with one query.
    public func authenticate(bearer token: String, now: Date = Date()) async throws -> Principal {
        if let principal = try authenticateFromMemory(bearer: token, now: now) { return principal }
        let claims = try await signer.verify(token, now: now)
        guard let sessionID = UUID(canonical: claims.sid) else { throw Self.sessionEnded }
        let live: SessionLiveness.Snapshot
        if let remembered = liveness.snapshot(of: sessionID, now: now) {
            live = remembered
        } else {
            guard let looked = try await SessionLookup.live(sessionID, now: now, on: db) else { throw Self.sessionEnded }
            liveness.remember(looked, of: sessionID, now: now)
            live = looked
        }
        return try Self.principal(claims, sessionID: sessionID, live: live)
    }

    /// `authenticate` answered from what this process remembers (a token whose signature it has
    /// checked, a session it saw live less than a second ago), without suspending: `nil` when
    /// either is not remembered. Expiry and every claim check run as in `authenticate`.
    public func authenticateFromMemory(bearer token: String, now: Date = Date()) throws -> Principal? {
        guard let claims = try signer.rememberedClaims(of: token, now: now), let sessionID = UUID(canonical: claims.sid),
              let live = liveness.snapshot(of: sessionID, now: now)
        else { return nil }
        return try Self.principal(claims, sessionID: sessionID, live: live)
    }

    /// The caller behind a session held by the server (the admin console's cookie), with the
    /// grants the database holds now: a role changed or removed applies at the next page.
    /// `nil` when the session is not live (revoked, expired, account or tenant disabled).
    public func principal(ofSession sessionID: UUID, amr: [String], now: Date = Date()) async throws -> Principal? {
        let live: SessionLiveness.Snapshot
        if let remembered = liveness.snapshot(of: sessionID, now: now) {
            live = remembered
        } else {
            guard let looked = try await SessionLookup.live(sessionID, now: now, on: db) else { return nil }
            liveness.remember(looked, of: sessionID, now: now)
            live = looked
        }
        let grants: [RoleGrant] = switch live.subjectKind {
        case .user:
            if let tenantID = live.tenantID { try await Self.grants(ofUser: live.subjectID, tenantID: tenantID, on: db) } else { [] }
        case .platformAdmin: [RoleGrant(role: .platformAdmin)]
        case .system: []
        }
        return Principal(subjectID: live.subjectID, kind: live.subjectKind, tenantID: live.tenantID, sessionID: sessionID,
                         grants: grants, amr: amr, enrolmentOnly: live.enrolmentOnly)
    }

    private static let sessionEnded = AppError.unauthenticated("The session has ended; sign in again")

    private static func principal(_ claims: AccessTokenClaims, sessionID: UUID, live: SessionLiveness.Snapshot) throws -> Principal {
        guard let subjectID = UUID(canonical: claims.sub.value), live.subjectID == subjectID,
              live.tenantID?.lowercasedString == claims.tid
        else { throw sessionEnded }
        return Principal(subjectID: subjectID, kind: live.subjectKind, tenantID: live.tenantID,
                         sessionID: sessionID, grants: claims.roles, amr: claims.amr, enrolmentOnly: live.enrolmentOnly)
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

/// What the password step answers.
public enum LoginOutcome: Sendable, Equatable {
    case tokens(TokenPair)
    /// The user has TOTP: present a code with this token to `/api/v1/auth/mfa/verify`.
    case mfaRequired(mfaToken: String)
}
