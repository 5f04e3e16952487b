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
