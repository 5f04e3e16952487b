import AsyncHTTPClient
import CareFlowCore
import Foundation
import OpenAIAdapter
import Testing

@Suite("OpenAI / Groq adapter against a fake chat-completions API")
struct OpenAIAdapterTests {
    static let apiKey = "sk-proj-careflow-llm-secret"

    /// The notes → steps schema of llm.md.
    static let schema = json("""
        {"type":"object","additionalProperties":false,"required":["checklist","plan"],
         "properties":{
           "checklist":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["title","details"],
             "properties":{"title":{"type":"string"},"details":{"type":"string"}}}},
           "plan":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["title","details","schedule"],
             "properties":{"title":{"type":"string"},"details":{"type":"string"},
               "schedule":{"type":"object","additionalProperties":false,"required":["frequency","times","duration_days"],
                 "properties":{"frequency":{"type":"string","enum":["daily","weekly","once"]},
                   "times":{"type":"array","items":{"type":"string"}},"duration_days":{"type":"integer"}}}}}}}}
        """)

    static let request = LLMRequest(system: "Turn the visit note into steps.", user: "Amoxicillin 500mg three times a day for 7 days.",
                                     schema: schema, schemaName: "care_steps")

    static let answer = #"{"checklist":[{"title":"Buy medicine","details":"Amoxicillin 500mg"}],"plan":[{"title":"Amoxicillin","details":"500mg","schedule":{"frequency":"daily","times":["08:00","14:00","20:00"],"duration_days":7}}]}"#

    static func completion(content: String, finish: String = "stop") -> FakeProvider.Action {
        let escaped = String(decoding: try! JSONEncoder().encode(content), as: UTF8.self)
        return .reply(.json(200, """
            {"id":"chatcmpl-123","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":\(escaped),"refusal":null},"logprobs":null,"finish_reason":"\(finish)"}],
             "usage":{"prompt_tokens":120,"completion_tokens":48,"total_tokens":168}}
            """))
    }

    func client(_ fake: FakeProvider, _ http: HTTPClient, adapter: String = "openai",
                retry: LLMRetryPolicy = .standard) throws -> any LLMClient {
        try OpenAIAdapterFactory.make(
            settings: AdapterSettings(adapter: adapter, values: ["api_key": Self.apiKey, "model": "gpt-4o-mini", "base_url": fake.baseURL + "/v1"]),
            http: http, retry: retry)
    }

    @Test("chat/completions with a strict json_schema response format; the answer parsed and validated")
    func complete() async throws {
        try await withFakeProvider({ _ in Self.completion(content: Self.answer) }) { fake, http in
            let response = try await client(fake, http).complete(Self.request, idempotencyKey: "outbox-llm-1")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST" && request.uri == "/v1/chat/completions")
            #expect(request.header("Authorization") == "Bearer \(Self.apiKey)")
            #expect(request.header("Content-Type") == "application/json")
            let expected: JSONValue = .object([
                "model": .string("gpt-4o-mini"),
                "messages": json("""
                    [{"role":"system","content":"Turn the visit note into steps."},
                     {"role":"user","content":"Amoxicillin 500mg three times a day for 7 days."}]
                    """),
                "temperature": .number(0),
                "response_format": .object(["type": .string("json_schema"), "json_schema": .object([
                    "name": .string("care_steps"), "strict": .bool(true), "schema": Self.schema,
                ])]),
            ])
            #expect(request.json == expected)
            #expect(response.value == json(Self.answer))
            #expect(response.model == "gpt-4o-mini-2024-07-18")
            #expect(response.usage == LLMUsage(promptTokens: 120, completionTokens: 48, totalTokens: 168))
            #expect(response.providerID == "chatcmpl-123")
        }
    }

    @Test("Schema-invalid, non-JSON and truncated answers are typed invalidResponse errors, not retried")
    func invalidAnswers() async throws {
        let wrongEnum = Self.answer.replacingOccurrences(of: "\"daily\"", with: "\"hourly\"")
        let fractionalDays = Self.answer.replacingOccurrences(of: "7}", with: "7.5}")
        let extra = Self.answer.replacingOccurrences(of: "{\"checklist\"", with: "{\"patient_name\":\"x\",\"checklist\"")
        let answers: [(String, String, String)] = [
            (wrongEnum, "stop", "$.plan[0].schedule.frequency: not one of the allowed values"),
            (fractionalDays, "stop", "$.plan[0].schedule.duration_days: expected integer, found number"),
            (extra, "stop", "$.patient_name: not allowed"),
            (#"{"checklist":[]}"#, "stop", "$.plan: required"),
            ("Sure! Here are the steps:", "stop", "not JSON"),
            (#"{"checklist":[{"title":"Buy"#, "length", "cut off"),
        ]
        let counter = Counter()
        try await withFakeProvider({ _ in
            let (content, finish, _) = answers[counter.next() - 1]
            return Self.completion(content: content, finish: finish)
        }) { fake, http in
            let client = try client(fake, http)
            for (_, _, expected) in answers {
                let error = try #require(await integrationError { _ = try await client.complete(Self.request, idempotencyKey: "k") })
                #expect(error.kind == .invalidResponse)
                #expect(error.message.contains(expected), "\(error.message)")
            }
            #expect(fake.requests.count == answers.count)
        }
    }

    @Test("429 then success: waits Retry-After, then answers")
    func retriesRateLimit() async throws {
        let counter = Counter()
        try await withFakeProvider({ _ in
            counter.next() == 1
                ? .reply(.json(429, #"{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"requests","code":"rate_limit_exceeded"}}"#,
                               headers: [("Retry-After", "1")]))
                : Self.completion(content: Self.answer)
        }) { fake, http in
            let started = ContinuousClock.now
            let response = try await client(fake, http).complete(Self.request, idempotencyKey: "k")
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(response.value == json(Self.answer))
            #expect(fake.requests.count == 2)
            #expect(fake.requests[0].body == fake.requests[1].body)
        }
    }

    @Test("retry-after-ms is honoured; 5xx retried up to the bound, then the retryable error is returned")
    func boundedRetries() async throws {
        try await withFakeProvider({ _ in
            .reply(.json(503, #"{"error":{"message":"Service Unavailable","type":"server_error","code":null}}"#,
                         headers: [("retry-after-ms", "50")]))
        }) { fake, http in
            // A backoff of 60 s if Retry-After were ignored: the bound below separates the two by far
            // more than a loaded CI machine can blur (this is not a speed test).
            let retry = LLMRetryPolicy(maxAttempts: 3, initialBackoff: .seconds(60), maxWait: .seconds(120))
            let started = ContinuousClock.now
            let error = try #require(await integrationError { _ = try await client(fake, http, retry: retry).complete(Self.request, idempotencyKey: "k") })
            #expect(error.kind == .retryable && error.httpStatus == 503 && error.retryAfter == .milliseconds(50))
            #expect(fake.requests.count == 3)
            #expect(ContinuousClock.now - started < .seconds(45), "waited retry-after-ms, not the 60 s backoff")
        }
    }

    @Test("A Retry-After beyond the wait bound goes back to the outbox at once; 400 and 401 are not retried")
    func notRetriedHere() async throws {
        let counter = Counter()
        try await withFakeProvider({ _ in
            switch counter.next() {
            case 1: .reply(.json(429, #"{"error":{"message":"Rate limit","type":"tokens","code":"rate_limit_exceeded"}}"#, headers: [("Retry-After", "3600")]))
            case 2: .reply(.json(400, #"{"error":{"message":"Invalid schema for response_format 'care_steps'","type":"invalid_request_error","code":null}}"#))
            default: .reply(.json(401, #"{"error":{"message":"Incorrect API key provided: sk-proj-****cret","type":"invalid_request_error","code":"invalid_api_key"}}"#))
            }
        }) { fake, http in
            let client = try client(fake, http)
            let errors = [await integrationError { _ = try await client.complete(Self.request, idempotencyKey: "k") },
                          await integrationError { _ = try await client.complete(Self.request, idempotencyKey: "k") },
                          await integrationError { _ = try await client.complete(Self.request, idempotencyKey: "k") }]
            #expect(errors.map { $0?.kind } == [.retryable, .permanent, .misconfigured])
            #expect(errors[0]?.retryAfter == .seconds(3600))
            #expect(errors[1]?.providerCode == "invalid_request_error")
            #expect(errors[2]?.message.contains("sk-proj") == false)
            #expect(fake.requests.count == 3)
        }
    }

    @Test("groq is the same API; the adapter name is the provider")
    func groq() async throws {
        try await withFakeProvider({ _ in Self.completion(content: Self.answer) }) { fake, http in
            _ = try await client(fake, http, adapter: "groq").complete(Self.request, idempotencyKey: "k")
            #expect(fake.requests[0].uri == "/v1/chat/completions")
        }
        #expect(OpenAIAdapterFactory.defaultBaseURLs == ["openai": "https://api.openai.com/v1", "groq": "https://api.groq.com/openai/v1"])
        #expect(throws: AdapterConfigurationError(adapter: "groq", field: "model", reason: "required")) {
            _ = try OpenAIAdapterFactory.make(settings: AdapterSettings(adapter: "groq", values: ["api_key": "k"]), http: HTTPClient.shared)
        }
    }

    @Test("A model without json_schema support: json_object with the schema in the system prompt, remembered")
    func jsonObjectFallback() async throws {
        let unsupported = #"{"error":{"message":"This model does not support response format `json_schema`. See supported models at https://console.groq.com/docs/structured-outputs#supported-models","type":"invalid_request_error"}}"#
        try await withFakeProvider({ request in
            guard case .object(let body)? = request.json, case .object(let format)? = body["response_format"] else {
                return .reply(.json(500, "{}"))
            }
            return format["type"] == .string("json_schema") ? .reply(.json(400, unsupported)) : Self.completion(content: Self.answer)
        }) { fake, http in
            let client = try client(fake, http, adapter: "groq")
            let first = try await client.complete(Self.request, idempotencyKey: "k1")
            _ = try await client.complete(Self.request, idempotencyKey: "k2")
            #expect(first.value == json(Self.answer))
            #expect(fake.requests.count == 3, "one refused json_schema request, then json_object only")
            let fallback = try #require(fake.requests[1].json?.objectValue)
            #expect(fallback["response_format"] == json(#"{"type":"json_object"}"#))
            let system = try #require(fallback["messages"]?.arrayValue?.first?.objectValue?["content"]?.stringValue)
            #expect(system.hasPrefix("Turn the visit note into steps.\n\nAnswer with one JSON object only"))
            #expect(system.contains(#""enum":["daily","weekly","once"]"#))
            #expect(fake.requests[2].json?.objectValue?["response_format"] == json(#"{"type":"json_object"}"#))
        }
    }
}
