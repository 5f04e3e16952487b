@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import VaporTesting

@Suite("Hostile input gets problem+json, never a 500")
struct BadInputTests {
    @Test("malformed bodies, wrong types, missing and unknown fields", arguments: TestBackend.enabled)
    func bodies(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let t = try await Fixtures.tenant(app, slug: "bad")
            let admin = t[.groupAdmin].token
            let cases: [(String, HTTPMethod, String, String?, [(String, String)], HTTPStatus, Set<String>)] = [
                ("broken JSON", .POST, "/api/v1/auth/login", "{\"email\": ", [], .badRequest, []),
                ("JSON array", .POST, "/api/v1/auth/login", "[1,2]", [], .badRequest, []),
                ("empty body", .POST, "/api/v1/auth/login", nil, [], .badRequest, []),
                ("form body", .POST, "/api/v1/auth/login", "email=a", [("Content-Type", "application/x-www-form-urlencoded")], .unsupportedMediaType, []),
                ("wrong types", .POST, "/api/v1/auth/login", #"{"tenant": 7, "email": true, "password": {"a":1}}"#, [], .unprocessableEntity,
                 ["tenant", "email", "password"]),
                ("missing fields", .POST, "/api/v1/auth/login", "{}", [], .unprocessableEntity, ["email", "password"]),
                ("unknown field", .POST, "/api/v1/auth/refresh", #"{"refresh_token": "x", "admin": true}"#, [], .unprocessableEntity, ["admin"]),
                ("bad email", .POST, "/api/v1/facilities/\(t.f1.id!)/staff", #"{"email": "not-an-email", "roles": ["nurse", "wizard", 3]}"#,
                 [], .unprocessableEntity, ["email", "roles[1]", "roles[2]"]),
                ("empty roles", .POST, "/api/v1/facilities/\(t.f1.id!)/staff", #"{"email": "a@b.test", "roles": []}"#, [], .unprocessableEntity, ["roles"]),
                ("bad facility", .POST, "/api/v1/facilities", #"{"code": "Bad Code!", "name": "", "timezone": "Mars/Olympus"}"#, [],
                 .unprocessableEntity, ["code", "name", "timezone"]),
                ("bad timezone", .POST, "/api/v1/facilities", #"{"code": "ok-code", "name": "X", "timezone": "Mars/Olympus"}"#, [],
                 .unprocessableEntity, ["timezone"]),
                ("bad limit", .GET, "/api/v1/facilities?limit=100000", nil, [], .unprocessableEntity, ["limit"]),
                ("bad cursor", .GET, "/api/v1/facilities?cursor=%%%", nil, [], .unprocessableEntity, ["cursor"]),
                ("malformed id", .GET, "/api/v1/facilities/not-a-uuid", nil, [], .notFound, []),
                ("no such route", .GET, "/api/v1/nothing-here", nil, [], .notFound, []),
            ]
            for (name, method, path, body, headers, status, fields) in cases {
                var extra = headers
                if body != nil && headers.isEmpty { extra = [("Content-Type", "application/json")] }
                let res = try await app.testing().sendRequest(method, path, headers: HTTPHeaders(extra + [("Authorization", "Bearer \(admin)")]),
                                                              body: body.map { ByteBuffer(string: $0) })
                #expect(res.status == status, "\(name): \(res.status) \(res.text)")
                #expect(res.isProblem, "\(name): \(res.text)")
                if !fields.isEmpty {
                    let named = Set((res.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                    #expect(named == fields, "\(name): named \(named)")
                }
                #expect(res.headers.first(name: "X-Request-ID") != nil)
            }
        }
    }

    @Test("oversized bodies are 413 problem+json on a real socket")
    func oversized() async throws {
        try await withCareFlow(.sqlite) { app in
            let big = "{\"email\": \"" + String(repeating: "a", count: 200_000) + "\", \"password\": \"x\"}"
            try await app.testing(method: .running(port: 0)).test(.POST, "/api/v1/auth/login", beforeRequest: { req in
                req.headers.contentType = .json
                req.body = ByteBuffer(string: big)
            }, afterResponse: { res in
                #expect(res.status == .payloadTooLarge)
                #expect(res.isProblem)
            })
        }
    }

    @Test("a caller's request id is echoed when well formed and replaced when not")
    func requestIDs() async throws {
        try await withCareFlow(.sqlite) { app in
            let ok = try await app.send(.GET, "/health", headers: [("X-Request-ID", "proxy-123.abc")])
            #expect(ok.headers.first(name: "X-Request-ID") == "proxy-123.abc")
            let evil = try await app.send(.GET, "/health", headers: [("X-Request-ID", "bad id\" injected")])
            #expect(evil.headers.first(name: "X-Request-ID") != "bad id\" injected")
        }
    }
}
