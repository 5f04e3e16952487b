import CareFlowCore
import Foundation
import _CryptoExtras

/// A Google service-account key (the JSON downloaded from the Cloud console), parsed and its
/// RSA key loaded once, when the adapter is built.
struct ServiceAccount: Sendable {
    let clientEmail: String
    let privateKeyID: String?
    let tokenURI: String
    let projectID: String
    let privateKey: _RSA.Signing.PrivateKey

    private struct File: Decodable {
        let client_email: String?
        let private_key: String?
        let private_key_id: String?
        let token_uri: String?
        let project_id: String?
    }

    init(json: ResolvedSecret, adapter: String) throws {
        func problem(_ field: String, _ reason: String) -> AdapterConfigurationError {
            AdapterConfigurationError(adapter: adapter, field: field.isEmpty ? "service_account" : "service_account.\(field)",
                                      reason: reason)
        }
        guard let file = try? JSONDecoder().decode(File.self, from: Data(json.reveal().utf8)) else {
            throw problem("", "not a service-account JSON document")
        }
        func required(_ value: String?, _ field: String) throws -> String {
            guard let value, !value.isEmpty else { throw problem(field, "required") }
            return value
        }
        clientEmail = try required(file.client_email, "client_email")
        projectID = try required(file.project_id, "project_id")
        tokenURI = file.token_uri ?? "https://oauth2.googleapis.com/token"
        guard tokenURI.hasPrefix("https://") || tokenURI.hasPrefix("http://") else { throw problem("token_uri", "expected a URL") }
        privateKeyID = file.private_key_id
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: try required(file.private_key, "private_key"))
        } catch let error as AdapterConfigurationError {
            throw error
        } catch {
            throw problem("private_key", "not a PEM RSA private key")
        }
    }

    /// The RS256 JWT that asks `token_uri` for an access token (RFC 7523 JWT bearer grant).
    func assertion(scope: String, issuedAt: Date) throws -> String {
        let iat = Int(issuedAt.timeIntervalSince1970)
        var header: [String: String] = ["alg": "RS256", "typ": "JWT"]
        if let privateKeyID { header["kid"] = privateKeyID }
        let claims = Claims(iss: clientEmail, scope: scope, aud: tokenURI, iat: iat, exp: iat + 3600)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput = Self.base64URL(try encoder.encode(header)) + "." + Self.base64URL(try encoder.encode(claims))
        let signature = try privateKey.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    private struct Claims: Encodable {
        let iss: String
        let scope: String
        let aud: String
        let iat: Int
        let exp: Int
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
