import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore

/// Builds the `fcm` push adapter from a tenant's resolved settings.
public enum FCMAdapterFactory {
    public static let defaultBaseURL = "https://fcm.googleapis.com"

    /// - Settings: `service_account` (secret: the service-account JSON itself, read from its
    ///   `file:` reference), `base_url` (optional; the token endpoint is the key's `token_uri`).
    /// - Throws: `AdapterConfigurationError` naming the missing or unusable field, e.g.
    ///   `service_account.private_key` (never its value).
    public static func make(settings: AdapterSettings, http: HTTPClient,
                            timeouts: IntegrationTimeouts = .standard) throws -> any PushSender {
        let account = try ServiceAccount(json: try settings.secret("service_account"), adapter: settings.adapter)
        let baseURL = try settings.baseURL(default: defaultBaseURL)
        let client = ProviderClient(provider: "fcm", baseURL: baseURL, http: http, timeouts: timeouts)
        return FCMPushSender(client: client, projectID: account.projectID, tokens: FCMAccessTokenProvider(account: account, client: client))
    }
}
