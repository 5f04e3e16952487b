import CareFlowCore
import Vapor

/// The first page after sign-in (who is signed in, where they can go) and sign-out.
struct ConsoleHomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    struct HomeContent: Encodable, Sendable {
        let tenantName: String
        let email: String
        let roles: [String]
        let pages: [ConsoleNavItem]
    }

    @Sendable
    func home(req: Request) async throws -> Response {
        let principal = try req.principal()
        let tenant = try await req.currentTenant()
        let scope = try req.tenantScope()
        let user = try await scope.require(User.self, principal.subjectID, name: "Account")
        let email = try await req.services.keyring.cipher(forTenant: scope.tenantID, on: req.db).open(user.emailSealed)
        let facilities = try await scope.query(Facility.self).all()
        let names = Dictionary(uniqueKeysWithValues: facilities.compactMap { f in f.id.map { ($0, f.name) } })
        let roles = principal.grants.map { grant in
            grant.facilityID.map { "\(grant.role.rawValue) — \(names[$0] ?? "a facility")" } ?? "\(grant.role.rawValue) — \(tenant.name)"
        }
        let content = HomeContent(tenantName: tenant.name, email: email, roles: roles,
                                  pages: ConsoleNavigation.items(for: principal, currentPath: ""))
        return try await ConsolePage.render("home", title: tenant.name, content: content, on: req)
    }
}

/// Sign-out ends the console session and revokes the login session behind it.
struct ConsoleSignOutController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("sign-out", use: signOut)
    }

    @Sendable
    func signOut(req: Request) async throws -> Response {
        let signedIn = try req.requireConsoleSession()
        try await req.services.consoleSessions.close(signedIn.session, principal: signedIn.principal, origin: req.origin)
        let response = req.redirect(to: ConsolePaths.signIn + "?notice=signed-out")
        response.cookies[ConsoleCookies.session] = ConsoleCookies.expired(request: req)
        return response
    }
}
