import CareFlowCore
import Synchronization
import Vapor

/// Writes the `webhook.rejected` summaries of ended windows once per window inside `serve`, so
/// the count of a source that stopped sending still reaches the audit trail.
final class WebhookRejectionSummaries: LifecycleHandler, Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func didBootAsync(_ app: Application) async throws {
        let webhooks = app.services.webhooks, db = app.db, logger = app.logger
        let period = app.services.configuration.webhookRejections.window
        task.withLock {
            $0 = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(period))
                    do { try await webhooks.flushRejectionSummaries(on: db) } catch {
                        logger.error("webhook rejection summaries not written", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        let running = task.withLock { current -> Task<Void, Never>? in
            defer { current = nil }
            return current
        }
        running?.cancel()
        await running?.value
        try? await app.services.webhooks.flushRejectionSummaries(on: app.db, now: .distantFuture)
    }
}
