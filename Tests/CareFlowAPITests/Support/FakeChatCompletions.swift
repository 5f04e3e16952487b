import CareFlowCore
import Foundation
import Synchronization
import Vapor

/// A fake OpenAI-compatible chat-completions API on 127.0.0.1 (a real socket, the real path,
/// bearer auth and the wire format of `/chat/completions`): records every request body and
/// answers with what the test's handler makes of the user message.
final class FakeChatCompletions: Sendable {
    enum Reply: Sendable {
        /// A 200 completion whose message content is this text (JSON or not).
        case content(String)
        /// A 200 completion in which the model refuses.
        case refusal(String)
        /// An error status with OpenAI's error body.
        case status(Int, String)
    }

    let app: Application
    let port: Int
    private let recorded = Mutex<[JSONValue]>([])

    private init(app: Application, port: Int) {
        self.app = app
        self.port = port
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    /// Every request body received, oldest first.
    var bodies: [JSONValue] { recorded.withLock { $0 } }
    /// The raw text of every request received (what went over the wire).
    var rawBodies: [String] { bodies.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) } }

    static let apiKey = "sk-fake-careflow-key"

    static func start(_ handler: @escaping @Sendable (_ userMessage: String) -> Reply) async throws -> FakeChatCompletions {
        let app = try await Application.make(.testing)
        let box = Mutex<FakeChatCompletions?>(nil)
        app.post("v1", "chat", "completions") { req async throws -> Response in
            guard let fake = box.withLock({ $0 }) else { throw Abort(.internalServerError) }
            guard req.headers.bearerAuthorization?.token == apiKey else {
                return Self.json(401, #"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#)
            }
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: req.body.data ?? ByteBuffer()))
            fake.recorded.withLock { $0.append(body) }
            var user = ""
            if case .object(let root) = body, case .array(let messages)? = root["messages"] {
                for case .object(let message) in messages where message["role"] == .string("user") {
                    if case .string(let text)? = message["content"] { user = text }
                }
            }
            switch handler(user) {
            case .content(let content): return Self.completion(content: content, refusal: nil)
            case .refusal(let why): return Self.completion(content: nil, refusal: why)
            case .status(let status, let message):
                return Self.json(status, #"{"error":{"message":"\#(message)","type":"server_error","code":null}}"#)
            }
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        let fake = FakeChatCompletions(app: app, port: port)
        box.withLock { $0 = fake }
        return fake
    }

    private static func completion(content: String?, refusal: String?) -> Response {
        func quoted(_ text: String?) -> String {
            text.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) } ?? "null"
        }
        return json(200, """
            {"id":"chatcmpl-fake","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini-2024-07-18",
             "choices":[{"index":0,"message":{"role":"assistant","content":\(quoted(content)),"refusal":\(quoted(refusal))},
                         "logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":100,"completion_tokens":40,"total_tokens":140}}
            """)
    }

    private static func json(_ status: Int, _ body: String) -> Response {
        Response(status: HTTPResponseStatus(statusCode: status), headers: ["Content-Type": "application/json"], body: .init(string: body))
    }

    /// A tenant file whose LLM is this server (`openai` adapter), its key in `FAKE_LLM_KEY`.
    func tenantFile(slug: String) -> String {
        """
        slug: \(slug)
        name: Tenant \(slug)
        timezone: Africa/Kigali
        integrations:
          llm: {adapter: openai, api_key: env:FAKE_LLM_KEY, model: gpt-4o-mini, base_url: "\(baseURL)"}
        """
    }

    static let secretEnvironment = ["FAKE_LLM_KEY": apiKey]

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}

/// Runs `body` with a fake chat-completions server, stopped afterwards whatever happened.
func withFakeChatCompletions<T>(_ handler: @escaping @Sendable (String) -> FakeChatCompletions.Reply,
                                _ body: (FakeChatCompletions) async throws -> T) async throws -> T {
    let fake = try await FakeChatCompletions.start(handler)
    do {
        let result = try await body(fake)
        await fake.stop()
        return result
    } catch {
        await fake.stop()
        throw error
    }
}
