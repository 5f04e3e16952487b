import CareFlowCore
import Vapor

/// `/openapi.json` and `/docs`.
struct DocsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json", use: openapi)
        routes.get("docs", use: docs)
    }

    @Sendable
    func openapi(req: Request) async throws -> Response {
        let doc = OpenAPIDocument.render(serverURL: req.services.configuration.publicURL)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try encoder.encode(doc)))
    }

    /// A self-contained page (no external scripts: hospital networks often block CDNs).
    @Sendable
    func docs(req: Request) async throws -> Response {
        var rows = ""
        for op in OpenAPIDocument.operations {
            rows += "<tr><td><code>\(op.method.uppercased())</code></td><td><code>\(escape(op.path))</code></td>"
            rows += "<td>\(escape(op.summary))</td><td>\(op.authenticated ? "Bearer" : "–")</td></tr>\n"
        }
        let policy = AccessPolicy.table.map { row in
            "<tr><td><code>\(row.action.rawValue)</code></td><td>" +
            row.grants.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) (\($0.value.rawValue))" }.joined(separator: ", ") +
            "</td></tr>"
        }.joined(separator: "\n")
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>CareFlow API</title>
            <style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}
            table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}</style></head>
            <body><h1>CareFlow API</h1>
            <p>Machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
            JSON bodies use snake_case; lists answer <code>{"items": [...], "next_cursor": ...}</code>;
            errors are <code>application/problem+json</code> (RFC 9457) with a stable <code>type</code> under
            <code>\(AppError.typeBase)</code> and every bad field in <code>errors</code>.</p>
            <h2>Operations</h2><table><tr><th>Method</th><th>Path</th><th>Summary</th><th>Auth</th></tr>
            \(rows)</table>
            <h2>Access policy</h2><table><tr><th>Action</th><th>Roles (scope)</th></tr>\(policy)</table>
            </body></html>
            """
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
