/// Structured completions through the adapter the tenant's configuration chose.
public protocol LLMClient: Sendable {
    /// - Parameter idempotencyKey: the outbox row id (providers without idempotency ignore it).
    /// - Throws: `IntegrationError`; `.invalidResponse` when the answer is not JSON matching
    ///   the schema, or was cut off.
    func complete(_ request: LLMRequest, idempotencyKey: String) async throws -> LLMResponse
}
