import FluentKit
import Foundation

/// Opens, resolves and ends admin-console sessions. Sign-in itself is `AuthService.login` and
/// `MFAService.verifyChallenge`, exactly as for the API (same throttles, lockout and audit);
/// this only binds the login session they start to a browser cookie.
public struct ConsoleSessionService: Sendable {
    /// How long an unused console stays signed in.
    public static let idleLifetime: TimeInterval = 30 * 60
    /// The longest a console session lives, however busy.
    public static let absoluteLifetime: TimeInterval = 12 * 3600
    /// The idle limit is written at most this often, not on every page.
    static let idleRefreshInterval: TimeInterval = 60

    let auth: AuthService
    var db: any Database { auth.db }

    public init(auth: AuthService) {
        self.auth = auth
    }

    /// A signed-in browser: the cookie token (returned once, never stored) and its session.
    public struct Opened: Sendable {
        public let cookieToken: String
        public let session: ConsoleSession
        public let principal: Principal
    }

    /// Binds the login that just succeeded (its token pair) to a new console session.
    public func open(after pair: TokenPair, now: Date = Date()) async throws -> Opened {
        let principal = try await auth.authenticate(bearer: pair.accessToken, now: now)
        guard let tenantID = principal.tenantID else {
            throw AppError.forbidden("The console is for the people who run a hospital group; platform operators use the API")
        }
        let token = SecureToken.generate()
        let session = ConsoleSession(
            tenantID: tenantID, tokenHash: SecureToken.digest(token), authSessionID: principal.sessionID,
            csrfToken: SecureToken.generate(), amr: principal.amr,
            idleExpiresAt: now.addingTimeInterval(Self.idleLifetime), expiresAt: now.addingTimeInterval(Self.absoluteLifetime))
        try await session.create(on: db)
        return Opened(cookieToken: token, session: session, principal: principal)
    }

    /// The session and caller behind a cookie, or nil when it is unknown, idle too long, past
    /// its limit, or its login session has ended.
    public func resolve(cookieToken: String, now: Date = Date()) async throws -> (ConsoleSession, Principal)? {
        guard let session = try await ConsoleSession.query(on: db).filter(\.$tokenHash == SecureToken.digest(cookieToken)).first(),
              session.idleExpiresAt > now, session.expiresAt > now,
              let principal = try await auth.principal(ofSession: session.authSessionID,
                                                       amr: session.amr.split(separator: " ").map(String.init), now: now),
              principal.tenantID == session.tenantID
        else { return nil }
        if session.idleExpiresAt.timeIntervalSince(now) < Self.idleLifetime - Self.idleRefreshInterval {
            session.idleExpiresAt = now.addingTimeInterval(Self.idleLifetime)
            try await session.update(on: db)
        }
        return (session, principal)
    }

    /// Sign-out: the console session goes and its login session is revoked (audited as
    /// `auth.logout`), so the cookie is worthless even if it was copied.
    public func close(_ session: ConsoleSession, principal: Principal, origin: RequestOrigin) async throws {
        try await session.delete(on: db)
        try await auth.logout(principal: principal, origin: origin)
    }

    /// Ends a console session whose login session already ended (enrolment finished, revoked).
    public func discard(cookieToken: String) async throws {
        try await ConsoleSession.query(on: db).filter(\.$tokenHash == SecureToken.digest(cookieToken)).delete()
    }
}
