@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// A fully configured CareFlow on a fresh database and data folder, torn down afterwards.
func withCareFlow<T>(
    _ backend: TestBackend,
    tenantFiles: [String: String] = [:],
    configure adjust: (inout AppConfiguration) -> Void = { _ in },
    _ body: (Application) async throws -> T
) async throws -> T {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("careflow-test-\(UUID().uuidString)").path
    let tenantsDir = (dir as NSString).appendingPathComponent("tenants")
    try FileManager.default.createDirectory(atPath: tenantsDir, withIntermediateDirectories: true)
    for (name, yaml) in tenantFiles {
        try yaml.write(toFile: (tenantsDir as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    let database: AppConfiguration.DatabaseKind = switch backend {
    case .sqlite: .sqlite(path: (dir as NSString).appendingPathComponent("careflow.sqlite"))
    case .postgres: .postgres(url: TestBackend.postgresURL!, searchPath: schema)
    }
    var config = AppConfiguration(
        dataDirectory: dir, tenantsDirectory: tenantsDir, database: database, publicURL: "http://careflow.test",
        bcryptCost: 4, maxBodySize: "64kb", signingKeyFromEnvironment: nil, logLevel: .warning, jsonLogs: false)
    // In-memory requests have no client address: they would all share one rate-limit bucket.
    config.authRequestsPerMinute = 100_000
    config.throttle.ipThreshold = 10_000
    // Adapter tests call local fakes on 127.0.0.1, which production refuses by default.
    config.allowLoopbackAdapters = true
    // The repository's shipped models, whatever the working directory of the test run.
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    config.shippedModelsDirectory = packageRoot.appendingPathComponent("Models").path
    config.datasetsDirectory = packageRoot.appendingPathComponent("Resources/datasets").path
    adjust(&config)
    let app = try await Application.make(.testing)
    var configured = false
    func cleanUp() async {
        if configured, backend == .postgres, let sql = app.db as? any SQLDatabase {
            try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        }
        try? await app.asyncShutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }
    do {
        try await configure(app, configuration: config)
        configured = true
        if backend == .postgres, let sql = app.db as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA \(ident: schema)").run()
        }
        try await app.autoMigrate()
        let result = try await body(app)
        await cleanUp()
        return result
    } catch {
        await cleanUp()
        throw error
    }
}

/// Shorthand for requests in tests.
extension Application {
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if json != nil { headers.contentType = .json }
        for (k, v) in extra { headers.replaceOrAdd(name: k, value: v) }
        return try await testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestingHTTPResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }

    var isProblem: Bool {
        headers.contentType?.subType == "problem+json" && json["type"] is String && json["status"] as? Int == Int(status.code)
    }
}

/// JSON text from a dictionary literal.
func jsonBody(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}
