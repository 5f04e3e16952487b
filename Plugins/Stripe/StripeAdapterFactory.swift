import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore

/// Builds the `stripe` payments adapter from a tenant's resolved settings.
public enum StripeAdapterFactory {
    public static let defaultBaseURL = "https://api.stripe.com"

    /// - Settings: `secret_key` (secret, `sk_…` or a restricted `rk_…`), `base_url` (optional).
    ///   `webhook_secret` belongs to the webhook verifier and is not read here.
    /// - Throws: `AdapterConfigurationError` naming the missing or unusable field.
    public static func make(settings: AdapterSettings, http: HTTPClient,
                            timeouts: IntegrationTimeouts = .standard) throws -> any PaymentGateway {
        let key = try settings.secret("secret_key")
        let client = ProviderClient(provider: "stripe", baseURL: try settings.baseURL(default: defaultBaseURL),
                                    http: http, timeouts: timeouts)
        return StripePaymentGateway(client: client, secretKey: key)
    }
}
