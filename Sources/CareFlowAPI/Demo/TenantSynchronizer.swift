import CareFlowCore
import Fluent
import Foundation
import Vapor

/// Onboards every tenant file in `tenants/` that has no tenant row yet. Demo tenants
/// (`demo: true`) also get one user per role, with one-time passwords written to
/// `$CAREFLOW_DATA_DIR/demo-credentials.txt` (mode 0600), never to the log.
struct TenantSynchronizer {
    let app: Application

    struct Credential {
        let tenant: String
        let role: String
        let email: String
        let password: String
    }

    /// Returns the path of the credentials file when this run created demo accounts.
    func run() async throws -> String? {
        let services = app.services
        var created: [Credential] = []
        if try await PlatformAdmin.query(on: app.db).count() == 0, services.tenants.all.contains(where: \.demo) {
            let password = Self.oneTimePassword()
            try await PlatformAdmin(email: "operator@careflow.local", passwordHash: await services.hasher.hash(password)).create(on: app.db)
            created.append(Credential(tenant: "(platform)", role: "platform_admin", email: "operator@careflow.local", password: password))
        }
        for config in services.tenants.all {
            if try await Tenant.find(slug: config.slug, on: app.db) != nil { continue }
            let adminEmail = "group-admin@\(config.slug).example"
            let adminPassword = config.demo ? Self.oneTimePassword() : nil
            let result: OnboardingService.Result
            do {
                result = try await services.onboarding.onboard(
                    slug: config.slug, name: config.name, adminEmail: adminEmail, adminPassword: adminPassword,
                    actor: .system, origin: .none)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Another replica starting at the same moment onboarded it first.
                continue
            } catch AppError.conflict {
                continue
            }
            app.logger.info("tenant onboarded from file", metadata: ["tenant": .string(config.slug)])
            guard config.demo, let adminPassword else { continue }
            created.append(Credential(tenant: config.slug, role: "group_admin", email: adminEmail, password: adminPassword))
            created += try await seedDemoUsers(tenant: result.tenant, facilities: result.facilities)
            try await seedDemoWards(tenant: result.tenant, facilities: result.facilities)
        }
        guard !created.isEmpty else { return nil }
        return try write(created)
    }

    private func seedDemoUsers(tenant: Tenant, facilities: [Facility]) async throws -> [Credential] {
        guard let facility = facilities.first else { return [] }
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        let directory = UserDirectory(scope: scope, cipher: try await app.services.keyring.cipher(forTenant: tenant.id, on: app.db))
        var credentials: [Credential] = []
        let roles: [Role] = [.facilityAdmin, .doctor, .nurse, .receptionist, .billing, .patient]
        for role in roles {
            let email = "\(role.rawValue.replacingOccurrences(of: "_", with: "-"))@\(tenant.slug).example"
            let password = Self.oneTimePassword()
            let user = try await directory.create(email: email, displayName: "Demo \(role.rawValue)", status: .active,
                                                  passwordHash: try await app.services.hasher.hash(password))
            try await scope.create(RoleAssignment(tenantID: tenant.id!, userID: user.id!, role: role,
                                                  facilityID: role.scope == .facility ? facility.id : nil, grantedBy: nil))
            credentials.append(Credential(tenant: tenant.slug, role: role.rawValue, email: email, password: password))
        }
        return credentials
    }

    /// Two wards per demo facility, so the console's bed view and the occupancy analytics have
    /// something to show.
    private func seedDemoWards(tenant: Tenant, facilities: [Facility]) async throws {
        let scope = TenantScope(tenantID: tenant.id!, db: app.db)
        for facility in facilities {
            for (name, beds) in Self.demoWards {
                let ward = Ward()
                ward.facilityID = facility.id!
                ward.name = name
                ward.beds = beds
                try await scope.create(ward)
            }
        }
    }

    static let demoWards = [("General Medicine", 20), ("Maternity", 12)]

    /// Where the demo accounts' one-time passwords are written (and the banner points).
    static func credentialsPath(dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent("demo-credentials.txt")
    }

    private func write(_ credentials: [Credential]) throws -> String {
        let path = Self.credentialsPath(dataDirectory: app.services.configuration.dataDirectory)
        var text = "# CareFlow demo accounts. One-time passwords: change them; delete this file when done.\n"
        text += "# tenant\trole\temail\tpassword\n"
        for c in credentials { text += "\(c.tenant)\t\(c.role)\t\(c.email)\t\(c.password)\n" }
        if let existing = try? String(contentsOfFile: path, encoding: .utf8) {
            text = existing + text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).joined(separator: "\n")
        }
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        return path
    }

    static func oneTimePassword() -> String {
        // 18 random bytes → 24 base64url characters; passes the password policy.
        SecureToken.generate(bytes: 18)
    }
}
