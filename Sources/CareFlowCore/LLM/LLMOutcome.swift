/// How one exchange with a tenant's LLM ended (`llm_exchanges.outcome`).
public enum LLMOutcome: String, Sendable, Codable, CaseIterable {
    /// A JSON answer that passed the schema and the caller's validation.
    case ok
    /// An answer that is not JSON, was cut off, or does not match the schema or the caller's rules.
    case malformed
    /// The model declined to answer.
    case refused
    /// No usable answer from the provider: unreachable, rate-limited, credentials refused, switched off.
    case error
}
