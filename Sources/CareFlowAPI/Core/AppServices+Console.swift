import CareFlowCore

extension AppServices {
    /// The admin console's browser sessions; stateless, built from the auth service.
    var consoleSessions: ConsoleSessionService { ConsoleSessionService(auth: auth) }
}
