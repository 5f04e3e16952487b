import CareFlowCore

extension AppServices {
    /// `/ready`'s checks; stateless apart from the worker's heartbeat, which the worker owns.
    var readiness: ReadinessCheck {
        ReadinessCheck(probe: DatabaseProbe(timeout: configuration.readyTimeout), heartbeat: outboxWorker.heartbeat)
    }
}
