import FluentKit
import Foundation
import SQLKit

/// TOTP enrolment, the second login step, recovery codes, and resets. Secrets are sealed
/// under the owner's data key; a time step, once accepted, never works again.
public struct MFAService: Sendable {
    let db: any Database
    let keyring: Keyring
    let audit: AuditLog
    let sessions: SessionIssuer
    let throttle: LoginThrottle

    let revoker: SessionRevoker

    public init(db: any Database, keyring: Keyring, audit: AuditLog, sessions: SessionIssuer, throttle: LoginThrottle,
                revoker: SessionRevoker) {
        self.revoker = revoker
        self.db = db
        self.keyring = keyring
        self.audit = audit
        self.sessions = sessions
        self.throttle = throttle
    }

    /// Recovery codes carry ≥ 50 random bits, so a moderate PBKDF2 cost suffices.
    static let recoveryHashIterations = 25_000

    public struct Enrolment: Sendable {
        public let secret: String
        public let otpauthURI: String
    }

    // MARK: - Enrolment

    /// Starts (or restarts) enrolment with a fresh secret. Refused while a confirmed one exists:
    /// replacing it needs `disable` with a current code, or an admin reset.
    public func startEnrolment(_ principal: Principal, issuer: String, account: String, origin: RequestOrigin) async throws -> Enrolment {
        if let existing = try await credential(of: principal.subjectID), existing.confirmedAt != nil {
            throw AppError.conflict("TOTP is already active; disable it with a current code first")
        }
        let secret = TOTP.generateSecret()
        let base32 = Base32.encode(secret)
        let cipher = try await keyring.cipher(forTenant: principal.tenantID, on: db)
        let (audit, event) = (self.audit, event(principal, .mfaEnrolmentStarted))
        try await WriteTransaction.run(on: db) { tx in
            try await TOTPCredential.query(on: tx).filter(\.$subjectID == principal.subjectID).delete()
            try await TOTPCredential(tenantID: principal.tenantID, subjectID: principal.subjectID, subjectKind: principal.kind,
                                     secretSealed: cipher.seal(base32)).create(on: tx)
            try await audit.append(event, origin: origin, on: tx)
        }
        return Self.enrolment(secret: secret, issuer: issuer, account: account)
    }

    /// The enrolment started and not yet confirmed, or nil. The console shows it again (a reload,
    /// a mistyped code) rather than starting over, so the secret already scanned into an
    /// authenticator stays the one to confirm.
    public func pendingEnrolment(_ principal: Principal, issuer: String, account: String) async throws -> Enrolment? {
        guard let credential = try await credential(of: principal.subjectID), credential.confirmedAt == nil else { return nil }
        let cipher = try await keyring.cipher(forTenant: credential.tenantID, on: db)
        guard let secret = Base32.decode(try cipher.open(credential.secretSealed)) else { return nil }
        return Self.enrolment(secret: secret, issuer: issuer, account: account)
    }

    private static func enrolment(secret: [UInt8], issuer: String, account: String) -> Enrolment {
        Enrolment(secret: Base32.encode(secret), otpauthURI: OTPAuthURI(totp: TOTP(secret: secret), issuer: issuer, account: account).string)
    }

    /// Activates TOTP with a first code and returns ten single-use recovery codes (shown once).
    /// An enrolment-only session ends here: the next login goes through TOTP.
    public func confirm(_ principal: Principal, code: String, origin: RequestOrigin) async throws -> [String] {
        guard let credential = try await credential(of: principal.subjectID), credential.confirmedAt == nil else {
            throw AppError.conflict("There is no pending TOTP enrolment; start one first")
        }
        try await requireCode(code, credential: credential, principal: principal, origin: origin)
        let (codes, hashes) = Self.newRecoveryCodes()
        let (audit, revoker, event) = (self.audit, self.revoker, event(principal, .mfaEnrolled))
        // The factor, its recovery codes, the end of an enrolment-only session and the event: all or none.
        try await WriteTransaction.run(on: db) { tx in
            credential.confirmedAt = Date()
            try await credential.update(on: tx)
            try await Self.storeRecoveryCodes(hashes, of: principal, on: tx)
            if principal.enrolmentOnly {
                try await revoker.revoke(sessionID: principal.sessionID, reason: "mfa_enrolled", on: tx)
            }
            try await audit.append(event, origin: origin, on: tx)
        }
        return codes
    }

    public func regenerateRecoveryCodes(_ principal: Principal, code: String, origin: RequestOrigin) async throws -> [String] {
        let credential = try await requireConfirmed(principal)
        try await requireCode(code, credential: credential, principal: principal, origin: origin)
        let (codes, hashes) = Self.newRecoveryCodes()
        let (audit, event) = (self.audit, event(principal, .mfaRecoveryCodesRegenerated))
        try await WriteTransaction.run(on: db) { tx in
            try await Self.storeRecoveryCodes(hashes, of: principal, on: tx)
            try await audit.append(event, origin: origin, on: tx)
        }
        return codes
    }

    /// Turns TOTP off with a fresh code, unless a role or the tenant makes it mandatory.
    public func disable(_ principal: Principal, code: String, mandatory: Bool, origin: RequestOrigin) async throws {
        let credential = try await requireConfirmed(principal)
        if mandatory { throw AppError.forbidden("Two-factor authentication is mandatory for your roles") }
        try await requireCode(code, credential: credential, principal: principal, origin: origin)
        try await remove(subjectID: principal.subjectID, revokingSessions: nil, event: event(principal, .mfaDisabled), origin: origin)
    }

    /// An administrator clears another user's TOTP (lost phone): their sessions end and their
    /// next login asks them to enrol again.
    public func reset(userID: UUID, tenantID: UUID, facilityID: UUID?, by admin: Principal, origin: RequestOrigin) async throws {
        try await remove(subjectID: userID, revokingSessions: "mfa_reset",
                         event: AuditRecord(tenantID: tenantID, facilityID: facilityID, actor: admin.auditActor, action: .mfaReset,
                                            targetType: "user", targetID: userID.lowercasedString),
                         origin: origin)
    }

    public func hasConfirmedTOTP(_ subjectID: UUID) async throws -> Bool {
        try await credential(of: subjectID)?.confirmedAt != nil
    }

    // MARK: - Login challenge

    public func createChallenge(tenantID: UUID?, subjectID: UUID, kind: SubjectKind, now: Date = Date()) async throws -> String {
        let token = SecureToken.generate()
        try await MFAChallenge(tenantID: tenantID, subjectID: subjectID, subjectKind: kind, tokenHash: SecureToken.digest(token),
                               expiresAt: now.addingTimeInterval(MFAChallenge.lifetime)).create(on: db)
        return token
    }

    /// The second login step: a TOTP code or a recovery code against the challenge.
    public func verifyChallenge(token: String, code: String, origin: RequestOrigin, now: Date = Date()) async throws -> TokenPair {
        let invalid = AppError.unauthenticated("The MFA token is invalid or expired; sign in again")
        guard let challenge = try await MFAChallenge.query(on: db).filter(\.$tokenHash == SecureToken.digest(token)).first(),
              challenge.usedAt == nil, challenge.expiresAt > now,
              // Counted in one conditional statement: parallel codes cannot outrun the cap.
              try await claimAttempt(of: challenge, now: now)
        else { throw invalid }
        // The tenant may have been suspended, or the account deactivated, since the password step.
        guard try await SubjectStatus.isActive(subjectID: challenge.subjectID, kind: challenge.subjectKind,
                                               tenantID: challenge.tenantID, on: db)
        else { throw invalid }
        let keys = LoginThrottle.Keys(subjectID: challenge.subjectID, ip: origin.ip)
        let attempt = try await throttle.reserve(keys, now: now)

        let principalLike = Principal(subjectID: challenge.subjectID, kind: challenge.subjectKind, tenantID: challenge.tenantID,
                                      sessionID: challenge.id!, grants: [], amr: ["pwd"])
        guard let credential = try await credential(of: challenge.subjectID), credential.confirmedAt != nil else { throw invalid }
        var method = "totp"
        var accepted = try await acceptTOTP(code, credential: credential, now: now)
        if !accepted, try await useRecoveryCode(code, subjectID: challenge.subjectID, now: now) {
            accepted = true
            method = "recovery_code"
        }
        guard accepted else {
            let locked = attempt.locksAccount
            try await audit.append(
                AuditRecord(tenantID: challenge.tenantID, actor: principalLike.auditActor, action: .authMfa, outcome: .failure,
                            targetType: challenge.subjectKind.rawValue, targetID: challenge.subjectID.lowercasedString,
                            details: locked ? ["reason": "bad_code", "effect": "account_locked"] : ["reason": "bad_code"]),
                origin: origin, on: db)
            throw AppError.unauthenticated("The code is not valid")
        }
        guard try await RowClaim.claim(table: MFAChallenge.schema, column: "used_at", id: challenge.id!, at: now, on: db) else {
            throw invalid
        }
        try await throttle.succeeded(attempt)
        let grants = try await currentGrants(of: challenge)
        let record = AuditRecord(tenantID: challenge.tenantID, actor: principalLike.auditActor, action: .authLogin,
                                 targetType: challenge.subjectKind.rawValue, targetID: challenge.subjectID.lowercasedString,
                                 details: ["amr": "pwd otp", "method": method])
        let (sessions, audit) = (sessions, audit)
        let (tenantID, subjectID, kind) = (challenge.tenantID, challenge.subjectID, challenge.subjectKind)
        // The session and its login event commit together.
        return try await WriteTransaction.run(on: db) { tx in
            let pair = try await sessions.start(tenantID: tenantID, subjectID: subjectID, kind: kind,
                                                grants: grants, amr: ["pwd", "otp"], enrolmentOnly: false, on: tx, now: now)
            try await audit.append(record, origin: origin, on: tx)
            return pair
        }
    }

    // MARK: - Internals

    private func currentGrants(of challenge: MFAChallenge) async throws -> [RoleGrant] {
        switch challenge.subjectKind {
        case .platformAdmin: return [RoleGrant(role: .platformAdmin)]
        case .system: return []
        case .user:
            guard let tenantID = challenge.tenantID else { return [] }
            return try await AuthService.grants(ofUser: challenge.subjectID, tenantID: tenantID, on: db)
        }
    }

    private func credential(of subjectID: UUID) async throws -> TOTPCredential? {
        try await TOTPCredential.query(on: db).filter(\.$subjectID == subjectID).first()
    }

    private func requireConfirmed(_ principal: Principal) async throws -> TOTPCredential {
        guard let credential = try await credential(of: principal.subjectID), credential.confirmedAt != nil else {
            throw AppError.conflict("TOTP is not active")
        }
        return credential
    }

    /// A code the caller types to prove possession (enrolment, regeneration, disabling).
    private func requireCode(_ code: String, credential: TOTPCredential, principal: Principal, origin: RequestOrigin) async throws {
        let keys = LoginThrottle.Keys(subjectID: principal.subjectID, ip: origin.ip)
        let attempt = try await throttle.reserve(keys)
        guard try await acceptTOTP(code, credential: credential, now: Date()) else {
            try await record(principal, .mfaCodeRejected, outcome: .failure, origin: origin)
            throw AppError.invalid("code", "is not the current code of your authenticator")
        }
        try await throttle.succeeded(attempt)
    }

    /// Takes one of the challenge's attempts: the database counts, so at most `maxAttempts`
    /// codes are ever evaluated against one challenge.
    private func claimAttempt(of challenge: MFAChallenge, now: Date) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let rows = try await sql.raw("""
            UPDATE \(ident: MFAChallenge.schema) SET attempts = attempts + 1
            WHERE id = \(bind: challenge.id!) AND attempts < \(literal: MFAChallenge.maxAttempts) AND used_at IS NULL
            RETURNING attempts
            """).all()
        return rows.count == 1
    }

    /// Checks the code and records its time step in one conditional update, so two requests
    /// racing with the same code cannot both pass.
    private func acceptTOTP(_ code: String, credential: TOTPCredential, now: Date) async throws -> Bool {
        let cipher = try await keyring.cipher(forTenant: credential.tenantID, on: db)
        guard let secret = Base32.decode(try cipher.open(credential.secretSealed)),
              let step = TOTP(secret: secret).verify(code, at: now, window: 1, lastAcceptedStep: credential.lastStep)
        else { return false }
        let claimed = try await db.claimStep(credentialID: credential.id!, step: step)
        if claimed { credential.lastStep = step }
        return claimed
    }

    private func useRecoveryCode(_ code: String, subjectID: UUID, now: Date) async throws -> Bool {
        let normalised = RecoveryCodes.normalise(code)
        guard normalised.count >= 10 else { return false }
        let unused = try await RecoveryCodeRecord.query(on: db).filter(\.$subjectID == subjectID).filter(\.$usedAt == nil).all()
        guard let match = unused.first(where: { RecoveryCodes.verify(code, against: $0.codeHash) }) else { return false }
        return try await RowClaim.claim(table: RecoveryCodeRecord.schema, column: "used_at", id: match.id!, at: now, on: db)
    }

    /// Ten recovery codes and their hashes, made before any transaction (the hashing is slow on purpose).
    private static func newRecoveryCodes() -> (codes: [String], hashes: [String]) {
        let codes = RecoveryCodes.generate(count: 10)
        return (codes, codes.map { RecoveryCodes.hash($0, iterations: recoveryHashIterations) })
    }

    /// Replaces the account's recovery codes, inside the caller's transaction.
    private static func storeRecoveryCodes(_ hashes: [String], of principal: Principal, on tx: any Database) async throws {
        try await RecoveryCodeRecord.query(on: tx).filter(\.$subjectID == principal.subjectID).delete()
        for hash in hashes {
            try await RecoveryCodeRecord(tenantID: principal.tenantID, subjectID: principal.subjectID, codeHash: hash).create(on: tx)
        }
    }

    /// Deletes the second factor (and, with a reason, ends the account's sessions) in one
    /// transaction with its audit event: a factor is never gone without the trail saying so.
    private func remove(subjectID: UUID, revokingSessions reason: String?, event: AuditRecord, origin: RequestOrigin) async throws {
        let (audit, revoker) = (self.audit, self.revoker)
        try await WriteTransaction.run(on: db) { tx in
            try await TOTPCredential.query(on: tx).filter(\.$subjectID == subjectID).delete()
            try await RecoveryCodeRecord.query(on: tx).filter(\.$subjectID == subjectID).delete()
            if let reason { try await revoker.revokeAll(ofUser: subjectID, reason: reason, on: tx) }
            try await audit.append(event, origin: origin, on: tx)
        }
    }

    private func event(_ principal: Principal, _ action: AuditAction, outcome: AuditOutcome = .success) -> AuditRecord {
        AuditRecord(tenantID: principal.tenantID, actor: principal.auditActor, action: action, outcome: outcome,
                    targetType: principal.kind.rawValue, targetID: principal.subjectID.lowercasedString)
    }

    private func record(_ principal: Principal, _ action: AuditAction, outcome: AuditOutcome = .success, origin: RequestOrigin) async throws {
        try await audit.append(event(principal, action, outcome: outcome), origin: origin, on: db)
    }
}
