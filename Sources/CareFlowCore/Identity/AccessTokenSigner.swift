import Crypto
import Foundation
import JWTKit

/// Signs and verifies access tokens with the Ed25519 keys of a `SigningKeyStore`.
///
/// Verification pins the algorithm: the header must say `EdDSA` and name a `kid` of our key
/// set; `alg: none`, HS256-with-the-public-key and unknown keys never reach a verifier.
public actor AccessTokenSigner {
    private let settings: TokenSettings
    private var keys = JWTKeyCollection()
    private var currentKid: String
    private var publicKeys: [String: Curve25519.Signing.PublicKey] = [:]
    /// Re-reads the key set: another replica may have rotated it.
    private let reload: (@Sendable () throws -> [SigningKey])?
    private var lastReload = ContinuousClock.now
    /// Signatures already checked: read without entering the actor, so verification of known
    /// tokens runs on every core at once.
    private let verified = VerifiedTokenMemo()

    public init(keys signingKeys: [SigningKey], settings: TokenSettings,
                reload: (@Sendable () throws -> [SigningKey])? = nil) async throws {
        self.settings = settings
        self.currentKid = ""
        self.reload = reload
        try await install(signingKeys)
    }

    /// On an unknown `kid`, re-read the key file at most every 10 s, so a rotation done by the
    /// CLI or another replica is picked up without a restart (and forged kids cannot make us
    /// hammer the disk).
    private func reloadIfStale(after interval: Duration = .seconds(10)) async -> Bool {
        guard let reload, ContinuousClock.now - lastReload > interval else { return false }
        lastReload = ContinuousClock.now
        guard let keys = try? reload() else { return false }
        return (try? await install(keys)) != nil
    }

    /// Replaces the key set (after `keys rotate-signing`, without a restart).
    public func install(_ signingKeys: [SigningKey]) async throws {
        guard let current = signingKeys.last(where: { $0.retiredAt == nil }) else { throw SigningKeyError.noCurrentKey }
        let collection = JWTKeyCollection()
        var publics: [String: Curve25519.Signing.PublicKey] = [:]
        for key in signingKeys {
            let curve = try key.curveKey()
            await collection.add(eddsa: EdDSA.PrivateKey(backing: curve), kid: JWKIdentifier(string: key.kid))
            publics[key.kid] = curve.publicKey
        }
        keys = collection
        publicKeys = publics
        currentKid = current.kid
        // A key that left the set must stop vouching for the tokens it signed.
        verified.removeAll()
    }

    public func sign(_ claims: AccessTokenClaims) async throws -> String {
        // Follow rotations made elsewhere, so this replica never signs with a key the others
        // have already dropped.
        _ = await reloadIfStale(after: .seconds(60))
        var header = JWTHeader()
        header.typ = "JWT"
        header.alg = "EdDSA"
        return try await keys.sign(claims, kid: JWKIdentifier(string: currentKid), header: header)
    }

    /// The public half of every live key, as `/.well-known/jwks.json` serves it.
    public func jwks() -> JWKSDocument {
        JWKSDocument(keys: publicKeys.keys.sorted().map { kid in
            JWKSDocument.Key(kty: "OKP", crv: "Ed25519", x: Base64URL.encode(publicKeys[kid]!.rawRepresentation),
                             kid: kid, use: "sig", alg: "EdDSA")
        })
    }

    public nonisolated func verify(_ token: String, now: Date = Date()) async throws(AppError) -> AccessTokenClaims {
        if let claims = try rememberedClaims(of: token, now: now) { return claims }
        let claims = try await verifySignature(token, now: now)
        verified.remember(claims, of: token, now: now)
        return claims
    }

    /// The claims of a token whose signature this process has already checked, times checked
    /// now; `nil` if it has not seen the token (then `verify` checks the signature).
    public nonisolated func rememberedClaims(of token: String, now: Date = Date()) throws(AppError) -> AccessTokenClaims? {
        guard let claims = verified.claims(of: token) else { return nil }
        try checkTimes(claims, now: now)
        return claims
    }

    private func verifySignature(_ token: String, now: Date) async throws(AppError) -> AccessTokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count < 8192, parts.count == 3,
              let headerData = Base64URL.decode(String(parts[0])),
              let header = try? JSONDecoder().decode(PinnedHeader.self, from: headerData)
        else { throw .unauthenticated("The access token is malformed") }
        guard header.alg == "EdDSA" else { throw .unauthenticated("The access token's algorithm is not accepted") }
        guard let kid = header.kid else { throw .unauthenticated("The access token was signed by an unknown key") }
        if publicKeys[kid] == nil, await !reloadIfStale() || publicKeys[kid] == nil {
            throw .unauthenticated("The access token was signed by an unknown key")
        }
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch {
            throw .unauthenticated("The access token's signature is invalid")
        }
        guard claims.iss.value == settings.issuer, claims.aud.value.contains(settings.audience) else {
            throw .unauthenticated("The access token is not meant for this service")
        }
        try checkTimes(claims, now: now)
        return claims
    }

    private nonisolated func checkTimes(_ claims: AccessTokenClaims, now: Date) throws(AppError) {
        guard claims.exp.value.addingTimeInterval(settings.leeway) > now else {
            throw .unauthenticated("The access token has expired")
        }
        guard claims.nbf.value.addingTimeInterval(-settings.leeway) <= now else {
            throw .unauthenticated("The access token is not valid yet")
        }
    }

    private struct PinnedHeader: Decodable {
        let alg: String?
        let kid: String?
    }
}

/// RFC 7517 key set with OKP (Ed25519) keys.
public struct JWKSDocument: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        public let kty: String
        public let crv: String
        public let x: String
        public let kid: String
        public let use: String
        public let alg: String
    }

    public let keys: [Key]
}
