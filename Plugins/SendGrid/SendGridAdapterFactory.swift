import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore

/// Builds the `sendgrid` email adapter from a tenant's resolved settings.
public enum SendGridAdapterFactory {
    public static let defaultBaseURL = "https://api.sendgrid.com"

    /// - Settings: `api_key` (secret), `from` (address), `base_url` (optional).
    ///   `webhook_verification_key` belongs to the event-webhook verifier and is not read here.
    /// - Throws: `AdapterConfigurationError` naming the missing or unusable field.
    public static func make(settings: AdapterSettings, http: HTTPClient,
                            timeouts: IntegrationTimeouts = .standard) throws -> any EmailSender {
        let client = ProviderClient(provider: "sendgrid", baseURL: try settings.baseURL(default: defaultBaseURL),
                                    http: http, timeouts: timeouts)
        return SendGridEmailSender(client: client, apiKey: try settings.secret("api_key"), from: try settings.required("from"))
    }
}
