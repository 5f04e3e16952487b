@testable import CareFlowAPI
import CareFlowCore
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Synchronization
import Testing
import VaporTesting

/// Helpers of the readiness and metrics tests: a tenant with an empty outbox, a pool held
/// busy, a database that stops answering, and the Prometheus text read back.
enum OperationsFixtures {
    static let metricsToken = "metrics-token-ops-0123456789abcdef"

    /// A tenant (onboarding alone) whose outbox has been delivered, so counts start at zero.
    static func tenantWithEmptyOutbox(_ app: Application, slug: String) async throws -> UUID {
        let result = try await app.services.onboarding.onboard(
            slug: slug, name: "Tenant \(slug)", adminEmail: "group-admin@\(slug).test", adminPassword: testPassword,
            actor: .system, origin: .none)
        let senders = OutboxTests.ScriptedSenders()
        senders.failing.withLock { $0 = false }
        let worker = OutboxTests.worker(app, senders)
        while try await worker.runOnce() > 0 {}
        return result.tenant.id!
    }

    /// Queues an email due at `due` (in the past: already late by `now - due`).
    @discardableResult
    static func enqueue(_ app: Application, tenantID: UUID, due: Date) async throws -> UUID {
        let scope = TenantScope(tenantID: tenantID, db: app.db)
        return try await app.services.outbox.enqueue(.email(OutgoingEmail(to: "p@example.org", subject: "S", body: "B")),
                                                     in: scope, notBefore: due).id!
    }

    /// Takes every pooled connection of every event loop (SQLite: one per loop, the driver's fixed
    /// size; PostgreSQL: the configured size per loop) for `seconds`, and returns once all are held.
    /// `release` gives them back early (cancelling would not reach the holders: Fluent runs an async
    /// `withConnection` body in a task of its own).
    static func holdEveryConnection(_ app: Application, backend: TestBackend, for seconds: Double,
                                    release: ReleaseSignal = ReleaseSignal()) async -> Task<Void, Never> {
        let perLoop = backend == .sqlite ? 1 : app.services.configuration.databasePoolSize
        let loops = Array(app.eventLoopGroup.makeIterator())
        let (acquired, signal) = AsyncStream<Void>.makeStream()
        let holder = Task {
            await withTaskGroup(of: Void.self) { group in
                for loop in loops {
                    for _ in 0..<perLoop {
                        let db = app.databases.database(logger: app.logger, on: loop)!
                        group.addTask {
                            _ = try? await db.withConnection { _ in
                                signal.yield()
                                let until = ContinuousClock.now + .seconds(seconds)
                                while ContinuousClock.now < until, !release.isSet {
                                    try await Task.sleep(for: .milliseconds(10))
                                }
                            }
                        }
                    }
                }
            }
        }
        var held = 0
        for await _ in acquired {
            held += 1
            if held == loops.count * perLoop { break }
        }
        return holder
    }

    /// Makes the default database one that cannot be reached: a file in a folder that does not
    /// exist (SQLite), a closed port (PostgreSQL). Requests use it from then on.
    static func takeDatabaseDown(_ app: Application, backend: TestBackend) {
        let id = DatabaseID(string: "unreachable")
        switch backend {
        case .sqlite:
            app.databases.use(.sqlite(.file("/nonexistent-careflow-\(UUID().uuidString)/down.sqlite")), as: id, isDefault: true)
        case .postgres:
            let config = SQLPostgresConfiguration(hostname: "127.0.0.1", port: 1, username: "careflow", password: "careflow",
                                                  database: "careflow_test", tls: .disable)
            app.databases.use(.postgres(configuration: config), as: id, isDefault: true)
        }
    }

    static func scrape(_ app: Application) async throws -> PrometheusText {
        let res = try await app.send(.GET, "/metrics", token: metricsToken)
        #expect(res.status == .ok)
        return PrometheusText(res.text)
    }
}

/// Samples of the Prometheus text format, by series (name and labels as written).
struct PrometheusText {
    let samples: [(name: String, labels: String, value: Double)]

    init(_ text: String) {
        var samples: [(String, String, Double)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            if let brace = series.firstIndex(of: "{") {
                samples.append((String(series[..<brace]), String(series[brace...]), value))
            } else {
                samples.append((String(series), "", value))
            }
        }
        self.samples = samples
    }

    var names: Set<String> { Set(samples.map(\.name)) }

    /// The value of an unlabelled series (a gauge, a histogram's `_sum` or `_count`).
    func value(_ name: String) -> Double? {
        samples.first { $0.name == name && $0.labels.isEmpty }?.value
    }
}

/// Set once, read from any task: ends `OperationsFixtures.holdEveryConnection` early.
final class ReleaseSignal: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}
