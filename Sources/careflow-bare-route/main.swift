import Vapor

// `careflow-bare-route --port N`: a bare Vapor 4 route answering a small JSON body, the
// ceiling CareFlow's request path is compared with in `benchmarks/compare.sh`.
var env = try Environment.detect()
let app = try await Application.make(env)
app.logger.logLevel = .error
app.middleware = Middlewares()
app.get("bare") { _ -> Response in
    Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(staticString: #"{"ok":true}"#))
}
do {
    try await app.execute()
} catch {
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
