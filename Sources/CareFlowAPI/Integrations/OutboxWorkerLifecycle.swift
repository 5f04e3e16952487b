import AsyncHTTPClient
import CareFlowCore
import Synchronization
import Vapor

/// Runs the outbox worker and the reminder scheduler inside `serve` (PRODUCT §6, the default):
/// they start when the server boots and stop, finishing the message in hand, when it shuts down.
final class OutboxWorkerLifecycle: LifecycleHandler, Sendable {
    private let tasks = Mutex<[Task<Void, Never>]>([])

    func didBootAsync(_ app: Application) async throws {
        let worker = app.services.outboxWorker
        let reminders = app.services.reminders, clock = app.services.configuration.reminderClock
        tasks.withLock { $0 = [Task { await worker.run() }, Task { await reminders.run(clock: clock) }] }
    }

    func shutdownAsync(_ app: Application) async {
        let running = tasks.withLock { current -> [Task<Void, Never>] in
            defer { current = [] }
            return current
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }
}

/// SIGHUP makes a running server read `tenants/` again and rebuild every adapter
/// (`careflow tenants reload` sends it). An invalid file is logged and changes nothing.
final class TenantReloadOnHangup: LifecycleHandler, Sendable {
    // Set once at boot, cancelled once at shutdown, both on the lifecycle's own path.
    nonisolated(unsafe) private var source: (any DispatchSourceSignal)?

    func didBootAsync(_ app: Application) async throws {
        signal(SIGHUP, SIG_IGN)
        let signalSource = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        let integrations = app.services.integrations, models = app.services.models, logger = app.logger
        signalSource.setEventHandler {
            Task {
                do {
                    try await integrations.reload()
                    logger.notice("tenant files reloaded")
                } catch {
                    logger.error("tenant reload refused; the previous configuration stays in force", metadata: ["error": "\(error)"])
                }
                do {
                    try await models.reload()
                    logger.notice("active models reloaded")
                } catch {
                    logger.error("model reload refused; the models in memory stay in force", metadata: ["error": "\(error)"])
                }
            }
        }
        signalSource.resume()
        source = signalSource
        let pidFile = (app.services.configuration.dataDirectory as NSString).appendingPathComponent("careflow.pid")
        try? "\(getpid())\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
    }

    func shutdownAsync(_ app: Application) async {
        source?.cancel()
        source = nil
        try? FileManager.default.removeItem(atPath: (app.services.configuration.dataDirectory as NSString).appendingPathComponent("careflow.pid"))
    }
}

/// Closes the adapters' HTTP client when the application shuts down.
struct HTTPClientShutdown: LifecycleHandler {
    let client: HTTPClient

    func shutdownAsync(_ app: Application) async {
        try? await client.shutdown()
    }
}
