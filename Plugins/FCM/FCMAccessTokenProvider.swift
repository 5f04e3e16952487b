import AdapterHTTP
import CareFlowCore
import Foundation

/// The OAuth2 access token FCM sends need, fetched with the service account's JWT and shared by
/// every concurrent send: one fetch at a time, cached until a minute before it expires.
actor FCMAccessTokenProvider {
    static let scope = "https://www.googleapis.com/auth/firebase.messaging"
    /// Refresh this long before the provider's expiry, so a token never dies in flight.
    static let refreshMargin: TimeInterval = 60

    let account: ServiceAccount
    let client: ProviderClient
    private var cached: (token: ResolvedSecret, expiresAt: Date)?
    private var inFlight: Task<(ResolvedSecret, Date), any Error>?

    init(account: ServiceAccount, client: ProviderClient) {
        self.account = account
        self.client = client
    }

    func token() async throws -> ResolvedSecret {
        if let cached, Date() < cached.expiresAt.addingTimeInterval(-Self.refreshMargin) { return cached.token }
        if let inFlight { return try await inFlight.value.0 }
        let task = Task { [account, client] in try await Self.fetch(account: account, client: client) }
        inFlight = task
        defer { inFlight = nil }
        let fresh = try await task.value
        cached = fresh
        return fresh.0
    }

    /// Forgets `token` after FCM refused it (401), unless a newer one replaced it meanwhile.
    func invalidate(_ token: ResolvedSecret) {
        if cached?.token == token { cached = nil }
    }

    private static func fetch(account: ServiceAccount, client: ProviderClient) async throws -> (ResolvedSecret, Date) {
        let now = Date()
        let assertion: String
        do {
            assertion = try account.assertion(scope: scope, issuedAt: now)
        } catch {
            throw IntegrationError(.misconfigured, provider: "fcm", message: "could not sign the service-account assertion")
        }
        let response = try await client.send(.POST, account.tokenURI, body: .form([
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", .text(assertion)),
        ]))
        guard response.isSuccess else {
            // invalid_grant / invalid_client: the key is revoked or wrong, an admin must act.
            let body = response.decodeError(OAuthErrorBody.self)
            let kind: IntegrationError.Kind? = response.status == 400 ? .misconfigured : nil
            throw response.error(provider: "fcm", kind: kind, code: body?.error, message: body?.error_description)
        }
        let token = try response.decode(OAuthToken.self, provider: "fcm")
        return (ResolvedSecret(token.access_token), now.addingTimeInterval(TimeInterval(token.expires_in ?? 3600)))
    }
}

struct OAuthToken: Decodable {
    let access_token: String
    let expires_in: Int?
    let token_type: String?
}

struct OAuthErrorBody: Decodable {
    let error: String?
    let error_description: String?
}
