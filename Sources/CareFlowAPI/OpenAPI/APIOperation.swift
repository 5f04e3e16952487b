import CareFlowCore

/// One documented operation. `OpenAPIDocument.operations` lists every route the application
/// registers; a test fails when a registered route is missing here or vice versa.
struct APIOperation: Sendable {
    let method: String
    /// OpenAPI path template, e.g. `/api/v1/facilities/{facilityID}`.
    let path: String
    let summary: String
    let tag: String
    let authenticated: Bool
    let requestSchema: String?
    /// Status code → schema name (nil for an empty body).
    let responses: [(Int, String?)]

    init(_ method: String, _ path: String, _ summary: String, tag: String, auth: Bool = true,
         request: String? = nil, responses: [(Int, String?)]) {
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.authenticated = auth
        self.requestSchema = request
        self.responses = responses
    }

    /// The route as Vapor spells it, `GET /api/v1/facilities/:facilityID`.
    var vaporRoute: String {
        let segments = path.split(separator: "/").map { s -> String in
            s.hasPrefix("{") ? ":" + s.dropFirst().dropLast() : String(s)
        }
        return method.uppercased() + " /" + segments.joined(separator: "/")
    }
}
