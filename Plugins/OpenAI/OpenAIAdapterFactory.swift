import AdapterHTTP
import AsyncHTTPClient
import CareFlowCore

/// Builds the `openai` and `groq` LLM adapters (one OpenAI-compatible API, two base URLs).
public enum OpenAIAdapterFactory {
    public static let defaultBaseURLs = [
        "openai": "https://api.openai.com/v1",
        "groq": "https://api.groq.com/openai/v1",
    ]

    /// - Settings: `api_key` (secret), `model`, `base_url` (optional; the default follows the
    ///   adapter name, `settings.adapter`: `openai` or `groq`).
    /// - Parameter retry: attempts on 429/5xx/timeouts inside one call.
    /// - Throws: `AdapterConfigurationError` naming the missing or unusable field.
    public static func make(settings: AdapterSettings, http: HTTPClient, timeouts: IntegrationTimeouts = .llm,
                            retry: LLMRetryPolicy = .standard) throws -> any LLMClient {
        guard let defaultURL = defaultBaseURLs[settings.adapter] else {
            throw AdapterConfigurationError(adapter: settings.adapter, field: "adapter", reason: "expected openai or groq")
        }
        let client = ProviderClient(provider: settings.adapter, baseURL: try settings.baseURL(default: defaultURL),
                                    http: http, timeouts: timeouts)
        return ChatCompletionsClient(client: client, apiKey: try settings.secret("api_key"),
                                     model: try settings.required("model"), retry: retry)
    }
}

/// How often and how long one completion call retries before giving the error to the outbox.
public struct LLMRetryPolicy: Sendable, Equatable {
    /// Total tries, the first included.
    public var maxAttempts: Int
    /// Wait before the second try when the provider gave no `Retry-After`; doubles each time.
    public var initialBackoff: Duration
    /// A `Retry-After` longer than this is not waited out here: the retryable error goes back
    /// to the caller (the outbox schedules it).
    public var maxWait: Duration

    public init(maxAttempts: Int, initialBackoff: Duration, maxWait: Duration) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxWait = maxWait
    }

    public static let standard = LLMRetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(500), maxWait: .seconds(30))
}
