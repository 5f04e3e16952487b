import CareFlowCore
import Vapor

/// Links audit events that were staged and never linked (`AuditStagedEvent`) once a minute
/// inside `serve`. A write's own request links its event at once; what is left is what a
/// replica that stopped between a commit and its link left behind. `serve` links those when it
/// starts and a later write of the chain sweeps them; this covers an idle tenant whose replica
/// is not the one restarting.
final class StagedAuditLinker: LifecycleHandler, Sendable {
    private let period: Duration
    private let task = RepeatingTask()

    init(period: Duration = .seconds(60)) {
        self.period = period
    }

    func didBootAsync(_ app: Application) async throws {
        let audit = app.services.audit, db = app.db, logger = app.logger
        task.start(every: period) {
            do {
                let chains = try await audit.linkAllStaged(on: db)
                if chains > 0 { logger.notice("linked staged audit events left in \(chains) chains") }
            } catch {
                logger.error("staged audit events not linked", metadata: ["error": "\(error)"])
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        await task.stop()
    }
}
