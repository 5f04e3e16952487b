import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore

/// Builds the `twilio` SMS adapter from a tenant's resolved settings.
public enum TwilioAdapterFactory {
    public static let defaultBaseURL = "https://api.twilio.com"

    /// - Settings: `account_sid`, `auth_token` (secret), `from` (E.164), `base_url` (optional).
    /// - Throws: `AdapterConfigurationError` naming the missing or unusable field.
    public static func make(settings: AdapterSettings, http: HTTPClient,
                            timeouts: IntegrationTimeouts = .standard) throws -> any SMSSender {
        let accountSID = try settings.required("account_sid")
        guard accountSID.hasPrefix("AC") else {
            throw AdapterConfigurationError(adapter: settings.adapter, field: "account_sid", reason: "expected an account SID (AC…)")
        }
        let client = ProviderClient(provider: "twilio", baseURL: try settings.baseURL(default: defaultBaseURL),
                                    http: http, timeouts: timeouts)
        return TwilioSMSSender(client: client, accountSID: accountSID, authToken: try settings.secret("auth_token"),
                               from: try settings.required("from"))
    }
}
