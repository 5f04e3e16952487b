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

    // Reachable by an admin who must still enrol TOTP (and by everyone signed in).
    let enrolling = console.grouped(ConsoleAuthMiddleware(allowEnrolmentOnly: true), ConsoleCSRFMiddleware())
    try enrolling.register(collection: ConsoleSignOutController())

    // Everything else: a full session.
    let signedIn = console.grouped(ConsoleAuthMiddleware(), ConsoleCSRFMiddleware())
    try signedIn.register(collection: ConsoleHomeController())
    try signedIn.register(collection: ConsoleFacilitiesController())
    try signedIn.register(collection: ConsoleStaffController())
}
