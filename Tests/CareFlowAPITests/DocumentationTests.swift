@testable import CareFlowAPI
import CareFlowCore
import Foundation
import Testing
import VaporTesting

@Suite("Documentation stays true")
struct DocumentationTests {
    @Test("every registered route is in /openapi.json and every documented operation is registered")
    func openAPICoversRoutes() async throws {
        try await withCareFlow(.sqlite) { app in
            // The admin console's HTML pages are not part of the API contract, nor are the old
            // addresses of emailed links, which redirect to console pages.
            let legacyLinks = Set(ConsoleLegacyLinkRedirects.moved.map { "GET /" + $0.old.map(\.description).joined(separator: "/") })
            let registered = Set(app.routes.all.map { route in
                route.method.rawValue + " /" + route.path.map(\.description).joined(separator: "/")
            }.filter { !$0.contains(" /console") && !legacyLinks.contains($0) })
            let documented = Set(OpenAPIDocument.operations.map(\.vaporRoute))
            #expect(registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented).sorted())")
            #expect(documented.subtracting(registered).isEmpty, "documented but missing: \(documented.subtracting(registered).sorted())")

            let res = try await app.send(.GET, "/openapi.json")
            #expect(res.status == .ok)
            #expect(res.json["openapi"] as? String == "3.1.0")
            let paths = res.json["paths"] as? [String: Any] ?? [:]
            #expect(paths.count == Set(OpenAPIDocument.operations.map(\.path)).count)
            // Every $ref points at a defined schema.
            let schemas = Set(((res.json["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]).keys)
            let refs = Set(res.text.matches(of: /#\/components\/schemas\/(\w+)/).map { String($0.1) })
            #expect(refs.subtracting(schemas).isEmpty, "dangling refs: \(refs.subtracting(schemas))")
            let docs = try await app.send(.GET, "/docs")
            #expect(docs.status == .ok)
            #expect(docs.text.contains("/api/v1/facilities/{facilityID}/staff"))
        }
    }

    /// Found by schemathesis (issue 16): `POST /api/v1/auth/refresh` with the body `false`
    /// answered 400, `{"refresh_token": []}` 422, and neither status was documented for it.
    @Test("every operation with a body documents the answers of the body reader, and they are what it sends")
    func bodyReaderAnswersDocumented() async throws {
        try await withCareFlow(.sqlite) { app in
            let doc = try await app.send(.GET, "/openapi.json")
            let paths = doc.json["paths"] as? [String: [String: Any]] ?? [:]
            var withBody = 0
            for (path, item) in paths {
                for (method, value) in item {
                    guard let operation = value as? [String: Any], operation["requestBody"] != nil else { continue }
                    withBody += 1
                    let responses = operation["responses"] as? [String: Any] ?? [:]
                    for status in ["400", "413", "415", "422"] {
                        let content = (responses[status] as? [String: Any])?["content"] as? [String: Any]
                        #expect(content?["application/problem+json"] != nil, "\(method.uppercased()) \(path) does not document \(status)")
                    }
                }
            }
            #expect(withBody > 40)
            let refresh = (paths["/api/v1/auth/refresh"]?["post"] as? [String: Any])?["responses"] as? [String: Any] ?? [:]
            for (body, status) in [("false", 400), ("null", 400), ("{\"refresh_token\": []}", 422)] {
                let res = try await app.send(.POST, "/api/v1/auth/refresh", json: body)
                #expect(res.status.code == UInt(status), "\(body): \(res.status)")
                #expect(res.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                #expect(refresh[String(status)] != nil, "\(status) is not documented for POST /api/v1/auth/refresh")
            }
            let text = try await app.send(.POST, "/api/v1/auth/refresh", json: "refresh_token=x",
                                          headers: [("Content-Type", "text/plain")])
            #expect(text.status.code == 415, "\(text.status)")
        }
    }

    @Test("the README's RBAC table is the policy table of the code")
    func readmeTable() throws {
        let readme = try String(contentsOfFile: Self.repositoryRoot + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- rbac-table:start -->"))
        let end = try #require(readme.range(of: "<!-- rbac-table:end -->"))
        let table = readme[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(table == AccessPolicy.markdownTable(), "regenerate it with: swift run careflow docs rbac-table")
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }
}
