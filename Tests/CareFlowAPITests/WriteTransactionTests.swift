@testable import CareFlowAPI
@testable import CareFlowCore
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// `WriteTransaction` / `TenantScope.writeTransaction`: the one way services write.
@Suite("Write transactions")
struct WriteTransactionTests {
    @Test("a write nested in another (an SMS reply's check-in inside the webhook's) runs in it instead of waiting for it",
          arguments: TestBackend.enabled)
    func nested(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "nested-writes").id
            let scope = TenantScope(tenantID: tenantID, db: app.db)
            let outcome = try await Self.within(seconds: 20) {
                try await scope.writeTransaction { outer in
                    try await (outer.db as! any SQLDatabase).raw("UPDATE tenants SET slug = slug WHERE id = \(bind: tenantID)").run()
                    // Through the scope of the transaction, as the webhook's effect is called…
                    let inner = try await outer.writeTransaction { tx in try await tx.query(Facility.self).count() }
                    // …and through the root database, which another service would hold.
                    let queued = try await WriteTransaction.run(on: outer.db) { tx in try await Facility.query(on: tx).count() }
                    return inner == queued ? "same" : "different"
                }
            }
            #expect(outcome == "same")
        }
    }

    /// On SQLite a transaction that has read is refused at its first write when another
    /// connection committed in between (SQLITE_BUSY_SNAPSHOT), and runs again. Holding the write
    /// lock from its first statement, the body runs once and the other writer waits for it.
    @Test("a body that reads, then writes while another connection writes, runs exactly once; the other write lands after it",
          arguments: TestBackend.enabled)
    func readThenWrite(backend: TestBackend) async throws {
        try await withCareFlow(backend) { app in
            let tenantID = try await Fixtures.tenant(app, slug: "read-then-write").id
            let runs = RunCounter()
            let order = RunCounter()
            let mine = try await Self.within(seconds: 30) {
                try await TenantScope(tenantID: tenantID, db: app.db).writeTransaction { tx -> Int in
                    runs.increment()
                    _ = try await Tenant.query(on: tx.db).count()  // read first, as services do
                    // Another connection (another event loop's), outside this process's queue, writes meanwhile.
                    let otherLoop = try #require(app.eventLoopGroup.makeIterator().first { $0 !== tx.db.eventLoop })
                    let other = try #require(app.databases.database(logger: app.logger, on: otherLoop))
                    Task {
                        try await (other as! any SQLDatabase).raw("UPDATE tenants SET slug = slug WHERE id = \(bind: tenantID)").run()
                        order.increment()
                    }
                    try await Task.sleep(for: .milliseconds(300))
                    try await (tx.db as! any SQLDatabase).raw("UPDATE tenants SET slug = slug WHERE id = \(bind: tenantID)").run()
                    return order.increment()
                }
            }
            #expect(runs.value == 1, "the body ran \(runs.value) times")
            if backend == .sqlite {
                // The other write needs the lock this transaction holds until its commit.
                #expect(mine == 1, "this transaction wrote second: it did not hold the lock")
            }
            // Either way the other write completes.
            try await Self.within(seconds: 30) { while order.value < 2 { try await Task.sleep(for: .milliseconds(20)) } }
        }
    }

    /// `body`'s answer, or a failure after `seconds`: a deadlocked body is left behind rather
    /// than waited for (a task group would wait for it forever).
    static func within<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = Once()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Task {
                do {
                    let value = try await body()
                    if once.first() { continuation.resume(returning: value) }
                } catch {
                    if once.first() { continuation.resume(throwing: error) }
                }
            }
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                if once.first() { continuation.resume(throwing: TimedOut(seconds: seconds)) }
            }
        }
    }
}

private struct TimedOut: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "did not finish within \(seconds) s" }
}

private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func first() -> Bool { lock.withLock { defer { done = true }; return !done } }
}

private final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    @discardableResult func increment() -> Int { lock.withLock { count += 1; return count } }
}
