@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import VaporTesting

/// Issue 10, finding 10: `/metrics` is not public.
@Suite("Metrics access")
struct MetricsAccessTests {
    static let token = "metrics-token-0123456789abcdef"

    @Test("/metrics needs the configured bearer token: none or wrong is 401, right is 200")
    func tokenRequired() async throws {
        try await withCareFlow(.sqlite, configure: {
            $0.metricsToken = AppConfiguration.fromEnvironment(["CAREFLOW_METRICS_TOKEN": Self.token]).metricsToken
        }) { app in
            _ = try await app.send(.GET, "/health")
            let none = try await app.send(.GET, "/metrics")
            #expect(none.status == .unauthorized)
            #expect(none.isProblem)
            #expect(!none.text.contains("http_requests_total"))
            for wrong in ["wrong", Self.token + "x", String(Self.token.dropLast()), ""] {
                let res = try await app.send(.GET, "/metrics", token: wrong)
                #expect(res.status == .unauthorized, "\(wrong)")
                #expect(!res.text.contains("http_requests_total"))
            }
            let basic = try await app.send(.GET, "/metrics", headers: [("Authorization", "Basic " + Data("x:\(Self.token)".utf8).base64EncodedString())])
            #expect(basic.status == .unauthorized)
            let right = try await app.send(.GET, "/metrics", token: Self.token)
            #expect(right.status == .ok)
            #expect(right.headers.contentType?.subType == "plain")
        }
    }

    @Test("without CAREFLOW_METRICS_TOKEN, /metrics does not exist (404), with or without a token")
    func disabledWithoutToken() async throws {
        try await withCareFlow(.sqlite) { app in
            let anonymous = try await app.send(.GET, "/metrics")
            let withToken = try await app.send(.GET, "/metrics", token: "anything")
            #expect(anonymous.status == .notFound)
            #expect(withToken.status == .notFound)
        }
    }
}
