import CareFlowCore
import Vapor

/// OAuth 2.0 token response (RFC 6749 §5.1).
struct TokenResponse: Content {
    let accessToken: String
    let refreshToken: String
    let tokenType: String
    let expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}

extension TokenResponse {
    init(_ pair: TokenPair) {
        accessToken = pair.accessToken
        refreshToken = pair.refreshToken
        tokenType = "Bearer"
        expiresIn = pair.expiresIn
    }
}

/// The password was right; a second factor is needed (PRODUCT §2).
struct MFARequiredResponse: Content {
    let mfaRequired = true
    let mfaToken: String
    let methods = ["totp", "recovery_code"]

    enum CodingKeys: String, CodingKey {
        case mfaRequired = "mfa_required"
        case mfaToken = "mfa_token"
        case methods
    }
}

extension TokenResponse: SchemaSample {
    static var schemaSamples: [Self] { [TokenResponse(accessToken: "jwt", refreshToken: "opaque", tokenType: "Bearer", expiresIn: 900)] }
}

extension MFARequiredResponse: SchemaSample {
    static var schemaSamples: [Self] { [MFARequiredResponse(mfaToken: "jwt")] }
}
