@testable import CareFlowAPI
import CareFlowCore
import Fluent
import Foundation
import Prometheus
import SQLKit
import Testing
import VaporTesting

/// A fully configured CareFlow on a fresh database and data folder, torn down afterwards. On
/// SQLite the database is a copy of the process's migrated template (`TemplateDatabase`), so the
/// app starts as `serve` does on a migrated database: everything `configure` does, no migration.
/// On PostgreSQL each test migrates its own schema.
///
/// `queued: false` is for the few tests that hold one app for minutes while another process
/// does the work (the contract fuzzer, the browser walk): queued behind the gate they started
/// last and then ran alone, on one core, for the last minute of the suite.
func withCareFlow<T>(
    _ backend: TestBackend,
    tenantFiles: [String: String] = [:],
    configure adjust: (inout AppConfiguration) -> Void = { _ in },
    metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    queued: Bool = true,
    _ body: (Application) async throws -> T
) async throws -> T {
    guard queued, !TestAppGate.held else {
        return try await withCareFlowUngated(backend, tenantFiles: tenantFiles, configure: adjust, metrics: metrics, body)
    }
    let gate = backend == .postgres ? TestAppGate.postgres : TestAppGate.sqlite
    await gate.acquire()
    do {
        let result = try await TestAppGate.$held.withValue(true) {
            try await withCareFlowUngated(backend, tenantFiles: tenantFiles, configure: adjust, metrics: metrics, body)
        }
        await gate.release()
        return result
    } catch {
        await gate.release()
        throw error
    }
}

/// How many test apps of each backend live at once. Swift Testing starts every test at once.
/// PostgreSQL: each app opens a pool (several connections per event loop), and with the suite's
/// size the server ran out of connection slots ("too many clients") on CI. SQLite: each app has
/// its own blocking thread pool and connections; unbounded, a run peaked at ~2,000 threads and
/// ~1,800 descriptors on two cores, and concurrent-write tests then waited out their timeouts
/// behind a lock holder that got no CPU. A test that starts a second app inside its first
/// (`held`) does not wait for a slot, so nesting cannot deadlock.
actor TestAppGate {
    static let postgres = TestAppGate(slots: 24)
    static let sqlite = TestAppGate(slots: 16)
    @TaskLocal static var held = false

    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) {
        available = slots
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { available += 1 } else { waiters.removeFirst().resume() }
    }
}

private func withCareFlowUngated<T>(
    _ backend: TestBackend,
    tenantFiles: [String: String],
    configure adjust: (inout AppConfiguration) -> Void,
    metrics: PrometheusCollectorRegistry,
    _ body: (Application) async throws -> T
) async throws -> T {
    let (dir, tenantsDir) = try makeTestDataDirectory(tenantFiles: tenantFiles)
    let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    var app: Application?
    var schemaCreated = false
    func cleanUp() async {
        if schemaCreated, let sql = app.map({ ownerDatabase($0) }) as? any SQLDatabase {
            try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        }
        try? await app?.asyncShutdown()
        try? FileManager.default.removeItem(atPath: dir)
    }
    let bootStarted = Date()
    do {
        let database: AppConfiguration.DatabaseKind
        switch backend {
        case .sqlite:
            let path = (dir as NSString).appendingPathComponent("careflow.sqlite")
            if !TemplateDatabase.migrateEachTest { try await TemplateDatabase.copySQLite(to: path) }
            database = .sqlite(path: path)
        case .postgres:
            database = .postgres(url: TestBackend.postgresAppURL!, searchPath: schema)
        }
        var config = testConfiguration(dataDirectory: dir, tenantsDirectory: tenantsDir, database: database)
        if backend == .postgres { config.databaseMigrationURL = TestBackend.postgresURL }
        adjust(&config)
        let started = try await Application.make(.testing)
        app = started
        try await configure(started, configuration: config, metrics: metrics)
        if backend == .postgres, let sql = ownerDatabase(started) as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA \(ident: schema)").run()
            schemaCreated = true
            try await TemplateDatabase.migrate(started)
        } else if TemplateDatabase.migrateEachTest {
            try await TemplateDatabase.migrate(started)
        }
        TemplateDatabase.recordBoot(seconds: Date().timeIntervalSince(bootStarted))
        let result = try await body(started)
        await cleanUp()
        return result
    } catch {
        await cleanUp()
        throw error
    }
}

/// The connection of the tables' owner on PostgreSQL (schema changes, what the application role
/// may not do); the application's own elsewhere.
func ownerDatabase(_ app: Application) -> any Database {
    app.services.configuration.databaseMigrationURL == nil ? app.db : app.db(.migrationOwner)
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
