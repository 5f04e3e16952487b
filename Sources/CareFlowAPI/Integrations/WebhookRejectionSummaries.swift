import CareFlowCore
import Vapor

/// Writes the `webhook.rejected` summaries of ended windows once per window inside `serve`, so
/// the count of a source that stopped sending still reaches the audit trail.
final class WebhookRejectionSummaries: LifecycleHandler, Sendable {
    private let task = RepeatingTask()

    func didBootAsync(_ app: Application) async throws {
        let webhooks = app.services.webhooks, db = app.db, logger = app.logger
        let period = app.services.configuration.webhookRejections.window
        task.start(every: .seconds(period)) {
            do { try await webhooks.flushRejectionSummaries(on: db) } catch {
                logger.error("webhook rejection summaries not written", metadata: ["error": "\(error)"])
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        await task.stop()
        try? await app.services.webhooks.flushRejectionSummaries(on: app.db, now: .distantFuture)
    }
}
