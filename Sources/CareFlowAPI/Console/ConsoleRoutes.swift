import Vapor

/// The admin console at `/console`: server-rendered pages (Leaf) over the same services as
/// the API. Every response gets the console's security headers; errors become HTML pages;
/// every form is checked for its CSRF token. Pages for signed-in people sit behind
/// `ConsoleAuthMiddleware`; a page registers itself here with one line.
func consoleRoutes(_ app: Application) throws {
    let console = app.grouped("console")
        .grouped(ConsoleSecurityHeadersMiddleware(), ConsoleFormTokenMiddleware(), ConsoleErrorMiddleware())
    try console.register(collection: ConsoleAssetsController(resourcesDirectory: app.services.configuration.resourcesDirectory))

    // Before sign-in: sign-in itself and the pages behind emailed links.
    let open = console.grouped(ConsoleCSRFMiddleware())
    try open.register(collection: ConsoleSignInController(requestsPerMinute: app.services.configuration.authRequestsPerMinute))
    try registerEmailedLinkPages(app, open: open)

    // Reachable by an admin who must still enrol TOTP (and by everyone signed in).
    let enrolling = console.grouped(ConsoleAuthMiddleware(allowEnrolmentOnly: true), ConsoleCSRFMiddleware())
    try enrolling.register(collection: ConsoleSignOutController())
    // TOTP enrolment; a session that ended meanwhile is said to have expired.
    try console.grouped(ConsoleAuthMiddleware(allowEnrolmentOnly: true, endedSessionNotice: "expired"), ConsoleCSRFMiddleware())
        .register(collection: ConsoleEnrolmentController())

    // Everything else: a full session.
    let signedIn = console.grouped(ConsoleAuthMiddleware(), ConsoleCSRFMiddleware())
    try signedIn.register(collection: ConsoleHomeController())
    try signedIn.register(collection: ConsoleFacilitiesController())
    try signedIn.register(collection: ConsoleStaffController())
    try signedIn.register(collection: ConsoleIntegrationsController())
    try signedIn.register(collection: ConsoleAuditController())
    try signedIn.register(collection: ConsoleDashboardController())
}

/// The pages behind emailed links (invitation, password reset, email verification), with one
/// rate limit like the API's auth routes, and the old link addresses redirecting to them.
private func registerEmailedLinkPages(_ app: Application, open: any RoutesBuilder) throws {
    let limit = AuthRateLimitMiddleware(requestsPerMinute: app.services.configuration.authRequestsPerMinute)
    try open.register(collection: ConsoleInvitationController(limit: limit))
    try open.register(collection: ConsolePasswordResetController(limit: limit))
    try open.register(collection: ConsoleEmailVerificationController(limit: limit))
    try app.register(collection: ConsoleLegacyLinkRedirects())
}
