import CareFlowCore

/// The `console` adapter for the LLM: records the prompt and answers with the smallest value
/// that satisfies the schema (`JSONSchema.example(of:)`), so flows that need a structured
/// answer work in development without a provider.
public struct ConsoleLLMClient: LLMClient {
    let journal: ConsoleJournal

    public init(journal: ConsoleJournal) {
        self.journal = journal
    }

    public func complete(_ request: LLMRequest, idempotencyKey: String) async throws -> LLMResponse {
        try await journal.append(capability: "llm", to: request.schemaName, subject: nil, body: request.user,
                                 idempotencyKey: idempotencyKey, details: ["system": .string(request.system)])
        return LLMResponse(value: JSONSchema.example(of: request.schema), model: "console", usage: .zero,
                           providerID: "console-\(idempotencyKey)")
    }
}
