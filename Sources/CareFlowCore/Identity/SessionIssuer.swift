import FluentKit
import Foundation

/// Starts sessions and mints the tokens of a session: one place that knows how access tokens
/// and refresh tokens relate.
public struct SessionIssuer: Sendable {
    let signer: AccessTokenSigner
    let settings: TokenSettings

    public init(signer: AccessTokenSigner, settings: TokenSettings) {
        self.signer = signer
        self.settings = settings
    }

    public func start(
        tenantID: UUID?, subjectID: UUID, kind: SubjectKind, grants: [RoleGrant], amr: [String],
        enrolmentOnly: Bool, on db: any Database, now: Date = Date()
    ) async throws -> TokenPair {
        // An enrolment-only session is short: it exists to reach the enrolment endpoints.
        let lifetime = enrolmentOnly ? settings.accessTokenLifetime : settings.sessionLifetime
        let session = AuthSession(
            tenantID: tenantID, subjectID: subjectID, subjectKind: kind, amr: amr, enrolmentOnly: enrolmentOnly,
            expiresAt: now.addingTimeInterval(lifetime))
        try await session.create(on: db)
        return try await tokens(for: session, grants: grants, on: db, now: now)
    }

    /// A fresh access token and the next refresh token of the session.
    public func tokens(for session: AuthSession, grants: [RoleGrant], on db: any Database, now: Date = Date()) async throws -> TokenPair {
        let refresh = SecureToken.generate()
        let refreshExpiry = min(now.addingTimeInterval(settings.refreshTokenLifetime), session.expiresAt)
        try await RefreshToken(sessionID: session.id!, tokenHash: SecureToken.digest(refresh), expiresAt: refreshExpiry)
            .create(on: db)
        // Whole seconds: NumericDate consumers (PyJWT among them) expect integers.
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessTokenClaims(
            iss: settings.issuer, aud: settings.audience, sub: session.subjectID.lowercasedString,
            tid: session.tenantID?.lowercasedString, roles: grants, amr: session.amrList,
            sid: session.id!.lowercasedString, issuedAt: issuedAt, lifetime: settings.accessTokenLifetime,
            jti: UUID().lowercasedString, scope: session.enrolmentOnly ? "mfa_enrolment" : nil)
        let access = try await signer.sign(claims)
        return TokenPair(accessToken: access, refreshToken: refresh, expiresIn: Int(settings.accessTokenLifetime))
    }
}
