import Foundation
import JWTKit

/// The claims of a CareFlow access token (PRODUCT §2, specs/jwt.md).
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var sub: SubjectClaim
    /// Tenant id; absent for platform admins.
    public var tid: String?
    public var roles: [RoleGrant]
    public var amr: [String]
    /// The session (refresh-token family) the token belongs to; revoking it ends the token.
    public var sid: String
    /// `mfa_enrolment` on tokens that may only enrol TOTP; absent otherwise.
    public var scope: String?
    public var iat: IssuedAtClaim
    public var nbf: NotBeforeClaim
    public var exp: ExpirationClaim
    public var jti: IDClaim

    public init(
        iss: String, aud: String, sub: String, tid: String?, roles: [RoleGrant], amr: [String], sid: String,
        issuedAt: Date, lifetime: TimeInterval, jti: String, scope: String? = nil
    ) {
        self.scope = scope
        self.iss = IssuerClaim(value: iss)
        self.aud = AudienceClaim(value: [aud])
        self.sub = SubjectClaim(value: sub)
        self.tid = tid
        self.roles = roles
        self.amr = amr
        self.sid = sid
        self.iat = IssuedAtClaim(value: issuedAt)
        self.nbf = NotBeforeClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: issuedAt.addingTimeInterval(lifetime))
        self.jti = IDClaim(value: jti)
    }

    /// Signature is checked by the key collection; `TokenVerifier` checks the claims with leeway.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
