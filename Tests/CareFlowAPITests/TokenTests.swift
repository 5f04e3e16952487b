@testable import CareFlowAPI
import CareFlowCore
import Crypto
import Fluent
import Foundation
import JWTKit
import Testing
import VaporTesting

@Suite("Access tokens")
struct TokenTests {
    @Test("the Authorization header: scheme in any case (RFC 6750 §2.1, RFC 9110 §11.1); anything else is 401",
          arguments: TestBackend.enabled)
    func authorizationHeader(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "tok-header")
            let token = t[.nurse].token
            // Twice each: the first request checks the token, the second is answered from memory.
            for value in ["Bearer \(token)", "bearer \(token)", "BEARER \(token)", "Bearer  \(token)"] {
                for _ in 0..<2 { #expect(try await app.send(.GET, "/api/v1/me", headers: [("Authorization", value)]).status == .ok, "\(value.prefix(8))") }
            }
            for value in ["Basic \(token)", "Bearer\(token)", "Bearer", "Bearer ", "Bearer \(token) extra", "Bearerx \(token)",
                          "Token \(token)", "Bearer \(token.dropLast())"] {
                let response = try await app.send(.GET, "/api/v1/me", headers: [("Authorization", value)])
                #expect(response.status == .unauthorized, "\(value.prefix(8))")
                #expect(response.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            }
        }
    }

    @Test("forged, expired and misdirected tokens are 401", arguments: TestBackend.enabled)
    func rejected(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let a = try await Fixtures.tenant(app, slug: "tok-a")
            let b = try await Fixtures.tenant(app, slug: "tok-b")
            let good = a[.doctor].token
            #expect(try await app.send(.GET, "/api/v1/me", token: good).status == .ok)

            let parts = good.split(separator: ".").map(String.init)
            let claims = try JSONSerialization.jsonObject(with: Base64URL.decode(parts[1])!) as! [String: Any]
            let kid = (try JSONSerialization.jsonObject(with: Base64URL.decode(parts[0])!) as! [String: Any])["kid"] as! String
            let jwks = try await app.send(.GET, "/.well-known/jwks.json")
            let publicX = ((jwks.json["keys"] as! [[String: Any]])[0]["x"] as! String)

            var forged: [String: String] = [:]
            // alg none, signature stripped.
            forged["alg none"] = unsigned(header: ["alg": "none", "typ": "JWT", "kid": kid], claims: claims) + "."
            // HS256 "signed" with the public key as the HMAC secret (key confusion).
            forged["HS256 with public key"] = hmacSigned(header: ["alg": "HS256", "typ": "JWT", "kid": kid], claims: claims,
                                                         secret: Data(publicX.utf8))
            forged["HS256 with raw public key"] = hmacSigned(header: ["alg": "HS256", "typ": "JWT", "kid": kid], claims: claims,
                                                             secret: Base64URL.decode(publicX)!)
            // A kid that is not ours, signed by a key that is not ours.
            let stranger = Curve25519.Signing.PrivateKey()
            forged["unknown kid"] = try edSigned(header: ["alg": "EdDSA", "typ": "JWT", "kid": "not-our-key"], claims: claims, key: stranger)
            forged["our kid, foreign key"] = try edSigned(header: ["alg": "EdDSA", "typ": "JWT", "kid": kid], claims: claims, key: stranger)
            forged["no kid"] = try edSigned(header: ["alg": "EdDSA", "typ": "JWT"], claims: claims, key: stranger)
            // One flipped claim keeps the old signature.
            var tampered = claims
            tampered["roles"] = [["role": "group_admin"]]
            forged["tampered claims"] = unsigned(header: ["alg": "EdDSA", "typ": "JWT", "kid": kid], claims: tampered) + "." + parts[2]
            forged["garbage"] = "not.a.jwt"
            forged["empty"] = ""

            // Correctly signed by our key but with bad claims.
            let now = Date()
            let base = AccessTokenClaims(
                iss: "http://careflow.test", aud: "careflow-api", sub: a[.doctor].id.uuidString.lowercased(),
                tid: a.id.uuidString.lowercased(), roles: [RoleGrant(role: .doctor, facilityID: a.f1.id)],
                amr: ["pwd"], sid: claims["sid"] as! String, issuedAt: now, lifetime: 900, jti: UUID().uuidString)
            let signer = app.services.signer
            #expect(try await app.send(.GET, "/api/v1/me", token: try await signer.sign(base)).status == .ok)
            var edited: [String: AccessTokenClaims] = [:]
            edited["expired"] = base.with { $0.exp = ExpirationClaim(value: now.addingTimeInterval(-120)) }
            edited["not yet valid"] = base.with { $0.nbf = NotBeforeClaim(value: now.addingTimeInterval(300)) }
            edited["wrong audience"] = base.with { $0.aud = AudienceClaim(value: ["someone-else"]) }
            edited["wrong issuer"] = base.with { $0.iss = IssuerClaim(value: "https://evil.example") }
            // Tenant B's id on tenant A's session, or another tenant's user.
            edited["other tenant"] = base.with { $0.tid = b.id.uuidString.lowercased() }
            edited["other subject"] = base.with { $0.sub = SubjectClaim(value: b[.doctor].id.uuidString.lowercased()) }
            for (name, c) in edited { forged[name] = try await signer.sign(c) }

            for (name, token) in forged.sorted(by: { $0.key < $1.key }) {
                let res = try await app.send(.GET, "/api/v1/me", token: token)
                #expect(res.status == .unauthorized, "\(name): \(res.status)")
                #expect(res.isProblem, "\(name)")
                #expect(res.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            }
            // Within the 60 s leeway an expired token is still accepted.
            // (Expired 30 s before it is signed, not before the test began: a loaded machine can take longer.)
            let justExpired = try await signer.sign(base.with { $0.exp = ExpirationClaim(value: Date().addingTimeInterval(-30)) })
            #expect(try await app.send(.GET, "/api/v1/me", token: justExpired).status == .ok)
            // No token at all.
            #expect(try await app.send(.GET, "/api/v1/me").status == .unauthorized)
        }
    }

    @Test("claims are those of PRODUCT §2", arguments: TestBackend.enabled)
    func claims(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "claims")
            let token = t[.doctor].token
            let parts = token.split(separator: ".").map(String.init)
            let header = try JSONSerialization.jsonObject(with: Base64URL.decode(parts[0])!) as! [String: Any]
            let claims = try JSONSerialization.jsonObject(with: Base64URL.decode(parts[1])!) as! [String: Any]
            #expect(header["alg"] as? String == "EdDSA")
            #expect(header["typ"] as? String == "JWT")
            #expect(header["kid"] is String)
            for key in ["iss", "aud", "sub", "tid", "roles", "amr", "iat", "exp", "jti", "nbf"] {
                #expect(claims[key] != nil, "missing \(key)")
            }
            let iat = claims["iat"] as! Double, exp = claims["exp"] as! Double
            #expect(exp - iat <= 900)
            #expect(iat == iat.rounded())
            #expect(claims["tid"] as? String == t.id.uuidString.lowercased())
            #expect(claims["amr"] as? [String] == ["pwd"])
            let roles = claims["roles"] as? [[String: Any]]
            #expect(roles?.first?["role"] as? String == "doctor")
            #expect((roles?.first?["facility_id"] as? String)?.lowercased() == t.f1.id!.uuidString.lowercased())
        }
    }

    @Test("access tokens verify with PyJWT using only the JWKS", .tags(.interop), .outsideFastLayer)
    func pyjwtInterop() async throws {
        try await withCareFlow(.sqlite) { app in
            let t = try await Fixtures.tenant(app, slug: "pyjwt")
            let jwks = try await app.send(.GET, "/.well-known/jwks.json").text
            let result = try await Interop.python(script: """
                import json, sys, jwt
                jwks, token = json.loads(sys.argv[1]), sys.argv[2]
                kid = jwt.get_unverified_header(token)["kid"]
                key = jwt.PyJWKSet.from_dict(jwks)[kid].key
                claims = jwt.decode(token, key, algorithms=["EdDSA"], audience="careflow-api", issuer="http://careflow.test")
                print(claims["tid"])
                """, arguments: [jwks, t[.doctor].token], requiredModule: "jwt")
            guard let result else { return }
            #expect(result.trimmingCharacters(in: .whitespacesAndNewlines) == t.id.uuidString.lowercased())
        }
    }

    @Test("a rotated signing key keeps verifying its tokens", arguments: TestBackend.enabled)
    func rotation(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "rot")
            let old = t[.nurse].token
            let (fresh, retired) = try app.services.signingKeys.rotate()
            #expect(retired.count == 1)
            try await app.services.signer.install(try app.services.signingKeys.loadOrCreate())
            #expect(try await app.send(.GET, "/api/v1/me", token: old).status == .ok)
            let jwks = try await app.send(.GET, "/.well-known/jwks.json")
            let kids = (jwks.json["keys"] as? [[String: Any]] ?? []).compactMap { $0["kid"] as? String }
            #expect(Set(kids) == Set(retired + [fresh.kid]))
            let newToken = try await Fixtures.login(app, slug: "rot", email: t[.nurse].email, id: t[.nurse].id, role: .nurse, facility: t.f1.id)
            let header = try JSONSerialization.jsonObject(with: Base64URL.decode(String(newToken.token.split(separator: ".")[0]))!) as! [String: Any]
            #expect(header["kid"] as? String == fresh.kid)
            // Past the retention window the retired key is dropped.
            let later = try app.services.signingKeys.loadOrCreate(now: Date().addingTimeInterval(3600))
            #expect(later.map(\.kid) == [fresh.kid])
        }
    }

    func unsigned(header: [String: Any], claims: [String: Any]) -> String {
        let h = try! JSONSerialization.data(withJSONObject: header)
        let c = try! JSONSerialization.data(withJSONObject: claims)
        return Base64URL.encode(h) + "." + Base64URL.encode(c)
    }

    func hmacSigned(header: [String: Any], claims: [String: Any], secret: Data) -> String {
        let input = unsigned(header: header, claims: claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: secret))
        return input + "." + Base64URL.encode(Data(mac))
    }

    func edSigned(header: [String: Any], claims: [String: Any], key: Curve25519.Signing.PrivateKey) throws -> String {
        let input = unsigned(header: header, claims: claims)
        return input + "." + Base64URL.encode(try key.signature(for: Data(input.utf8)))
    }
}

extension AccessTokenClaims {
    func with(_ edit: (inout AccessTokenClaims) -> Void) -> AccessTokenClaims {
        var copy = self
        edit(&copy)
        return copy
    }
}
