import AdapterHTTP
import CareFlowCore
import Foundation

/// `POST {base}/chat/completions` with a JSON-schema response format. The answer is parsed and
/// validated against the schema here: nothing a model returns is trusted.
struct ChatCompletionsClient: LLMClient {
    let client: ProviderClient
    let apiKey: ResolvedSecret
    let model: String
    let retry: LLMRetryPolicy
    let format = StructuredOutputSupport()

    /// Strict `json_schema` first. A model that says it does not support it (some Groq models)
    /// gets `json_object` with the schema in the system prompt from then on; the answer is
    /// validated against the schema either way.
    func complete(_ request: LLMRequest, idempotencyKey: String) async throws -> LLMResponse {
        let jsonObjectOnly = await format.jsonObjectOnly
        do {
            return try await withRetries(ChatCompletionRequest(request, model: model, jsonObjectOnly: jsonObjectOnly),
                                         schema: request.schema)
        } catch let error as IntegrationError where !jsonObjectOnly && Self.isSchemaFormatUnsupported(error) {
            await format.useJSONObject()
            return try await withRetries(ChatCompletionRequest(request, model: model, jsonObjectOnly: true), schema: request.schema)
        }
    }

    static func isSchemaFormatUnsupported(_ error: IntegrationError) -> Bool {
        let message = error.message.lowercased()
        return error.httpStatus == 400 && message.contains("json_schema") && message.contains("not support")
    }

    private func withRetries(_ completionRequest: ChatCompletionRequest, schema: JSONValue) async throws -> LLMResponse {
        let body = try ProviderRequestBody.json(completionRequest)
        var backoff = retry.initialBackoff
        for attempt in 1... {
            do {
                return try await attemptOnce(body, schema: schema)
            } catch let error as IntegrationError where error.isRetryable && attempt < retry.maxAttempts {
                let wait = error.retryAfter ?? backoff
                guard wait <= retry.maxWait else { throw error }
                try await Task.sleep(for: wait)
                backoff *= 2
            }
        }
        fatalError("unreachable: the loop returns or throws")
    }

    private func attemptOnce(_ body: ProviderRequestBody, schema: JSONValue) async throws -> LLMResponse {
        let response = try await client.send(.POST, "/chat/completions", headers: [ProviderClient.bearer(apiKey)], body: body)
        guard response.isSuccess else {
            let error = response.decodeError(OpenAIErrorBody.self)?.error
            throw response.error(provider: client.provider, code: error?.code ?? error?.type, message: error?.message)
        }
        let completion = try response.decode(ChatCompletion.self, provider: client.provider)
        return try validate(completion, schema: schema, status: response.status)
    }

    private func validate(_ completion: ChatCompletion, schema: JSONValue, status: Int) throws -> LLMResponse {
        func invalid(_ code: String, _ message: String) -> IntegrationError {
            IntegrationError(.invalidResponse, provider: client.provider, httpStatus: status, providerCode: code, message: message)
        }
        guard let choice = completion.choices.first else { throw invalid("no_choices", "the completion has no choices") }
        if choice.finish_reason == "length" { throw invalid("truncated", "the answer was cut off (finish_reason: length)") }
        if choice.message.refusal != nil { throw invalid("refusal", "the model refused to answer") }
        guard let content = choice.message.content,
              let value = try? JSONDecoder().decode(JSONValue.self, from: Data(content.utf8))
        else { throw invalid("invalid_json", "the answer is not JSON") }
        let violations = JSONSchema.violations(of: value, against: schema)
        guard violations.isEmpty else {
            // Paths and reasons only: the offending values may echo the prompt.
            let shown = violations.prefix(5).map(\.description).joined(separator: "; ")
            throw invalid("schema_mismatch", "the answer does not match the schema: \(shown)")
        }
        let usage = completion.usage.map {
            LLMUsage(promptTokens: $0.prompt_tokens, completionTokens: $0.completion_tokens, totalTokens: $0.total_tokens)
        } ?? .zero
        return LLMResponse(value: value, model: completion.model ?? model, usage: usage, providerID: completion.id)
    }
}

struct ChatCompletionRequest: Encodable {
    struct Message: Encodable {
        let role: String
        let content: String
    }
    struct ResponseFormat: Encodable {
        struct Schema: Encodable {
            let name: String
            let schema: JSONValue
            let strict: Bool
        }
        let type: String
        let json_schema: Schema?
    }

    let model: String
    let messages: [Message]
    let temperature: Double
    let max_tokens: Int?
    let response_format: ResponseFormat

    init(_ request: LLMRequest, model: String, jsonObjectOnly: Bool = false) {
        self.model = model
        temperature = request.temperature
        max_tokens = request.maxTokens
        var system = request.system
        if jsonObjectOnly {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let schema = (try? encoder.encode(request.schema)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            system += "\n\nAnswer with one JSON object only, matching this JSON Schema:\n" + schema
            response_format = ResponseFormat(type: "json_object", json_schema: nil)
        } else {
            response_format = ResponseFormat(type: "json_schema",
                                             json_schema: .init(name: request.schemaName, schema: request.schema, strict: true))
        }
        messages = [Message(role: "system", content: system), Message(role: "user", content: request.user)]
    }
}

struct ChatCompletion: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable {
            let content: String?
            let refusal: String?
        }
        let message: Message
        let finish_reason: String?
    }
    struct Usage: Decodable {
        let prompt_tokens: Int
        let completion_tokens: Int
        let total_tokens: Int?
    }
    let id: String?
    let model: String?
    let choices: [Choice]
    let usage: Usage?
}

struct OpenAIErrorBody: Decodable {
    struct Detail: Decodable {
        let message: String?
        let type: String?
        let code: String?
    }
    let error: Detail
}
