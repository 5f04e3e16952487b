import FluentKit
import Foundation

/// Onboards hospital groups: the tenant row, its configuration file, its initial facilities
/// and its first group admin.
public struct OnboardingService: Sendable {
    let db: any Database
    let directory: TenantDirectory
    let hasher: any PasswordHasher
    let audit: AuditLog
    let invitations: InvitationService
    let keyring: Keyring

    let revoker: SessionRevoker

    public init(db: any Database, directory: TenantDirectory, hasher: any PasswordHasher, audit: AuditLog,
                invitations: InvitationService, keyring: Keyring, revoker: SessionRevoker) {
        self.revoker = revoker
        self.keyring = keyring
        self.db = db
        self.directory = directory
        self.hasher = hasher
        self.audit = audit
        self.invitations = invitations
    }

    public static let slugPattern = #"^[a-z0-9][a-z0-9-]{1,62}$"#
    /// Slugs that would collide with routes or the platform chain.
    public static let reservedSlugs: Set<String> = ["platform", "api", "admin", "webhooks", "health", "metrics"]

    public struct Result: Sendable {
        public let tenant: Tenant
        public let admin: User
        public let adminEmail: String
        /// Set when the admin was invited rather than given a password.
        public let invitationSent: Bool
        public let facilities: [Facility]
    }

    /// Creates a tenant. Uses `tenants/<slug>.yaml` when it exists, otherwise writes one with
    /// console adapters. With no password the group admin receives an invitation link.
    public func onboard(
        slug: String, name: String, adminEmail: String, adminPassword: String?,
        actor: AuditActor, origin: RequestOrigin
    ) async throws -> Result {
        var errors: [FieldError] = []
        if slug.range(of: Self.slugPattern, options: .regularExpression) == nil {
            errors.append(FieldError(field: "slug", reason: "must be 2-63 lowercase letters, digits or dashes"))
        } else if Self.reservedSlugs.contains(slug) {
            errors.append(FieldError(field: "slug", reason: "is reserved"))
        }
        if let adminPassword {
            for p in PasswordPolicy.problems(with: adminPassword, email: adminEmail) {
                errors.append(FieldError(field: "admin_password", reason: p))
            }
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        if try await Tenant.find(slug: slug, on: db) != nil {
            throw AppError.conflict("A tenant with this slug already exists")
        }
        let config = directory[slug] ?? TenantConfiguration(slug: slug, name: name, timezone: "UTC")
        let passwordHash: String? = if let adminPassword { try await hasher.hash(adminPassword) } else { nil }

        let master = keyring.master
        let audit = self.audit
        // The tenant, its keys, facilities and group admin, and the events of all of it: one transaction.
        let (tenant, admin, facilities) = try await WriteTransaction.run(on: db) { tx -> (Tenant, UserProfile, [Facility]) in
            let tenant = Tenant(slug: slug, name: name)
            try await tenant.create(on: tx)
            // The tenant's own data and index keys, wrapped under the master key.
            try await Keyring.createKeys(owner: WrappedKey.owner(for: tenant.id), master: master, on: tx)
            let scope = TenantScope(tenantID: tenant.id!, db: tx)
            let cipher = try await Keyring(master: master).cipher(forTenant: tenant.id, on: tx)
            let users = UserDirectory(scope: scope, cipher: cipher)
            var facilities: [Facility] = []
            for seed in config.facilities {
                let f = Facility(tenantID: tenant.id!, code: seed.code, name: seed.name, timezone: seed.timezone ?? config.timezone)
                try await scope.create(f)
                facilities.append(f)
            }
            let admin = try await users.create(email: adminEmail, displayName: "Group administrator",
                                               status: passwordHash == nil ? .invited : .active, passwordHash: passwordHash)
            try await scope.create(RoleAssignment(tenantID: tenant.id!, userID: admin.id!, role: .groupAdmin, facilityID: nil, grantedBy: nil))
            let details = ["slug": slug, "facilities": String(facilities.count)]
            try await audit.append(AuditRecord(tenantID: nil, actor: actor, action: .tenantOnboard, targetType: "tenant",
                                               targetID: tenant.id!.lowercasedString, details: details), origin: origin, on: tx)
            try await audit.append(AuditRecord(tenantID: tenant.id, actor: actor, action: .tenantOnboard, targetType: "tenant",
                                               targetID: tenant.id!.lowercasedString, details: details), origin: origin, on: tx)
            try await audit.append(AuditRecord(tenantID: tenant.id, actor: actor, action: .roleGrant, targetType: "user",
                                               targetID: admin.id!.lowercasedString, details: ["role": Role.groupAdmin.rawValue]),
                                   origin: origin, on: tx)
            return (tenant, try users.profile(admin), facilities)
        }
        try directory.register(config, writeFile: true)
        if passwordHash == nil {
            try await invitations.send(to: admin, tenant: tenant, facility: nil, invitedBy: nil, roles: [.groupAdmin], origin: origin)
        }
        return Result(tenant: tenant, admin: admin.user, adminEmail: admin.email, invitationSent: passwordHash == nil, facilities: facilities)
    }

    public func list(page: PageRequest) async throws -> Page<Tenant> {
        var query = Tenant.query(on: db).sort(\.$slug).limit(page.limit + 1)
        if let cursor = page.cursor { query = query.filter(\.$slug > cursor.key) }
        let rows = try await query.all()
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextCursor: rows.count > page.limit ? Cursor(key: items.last!.slug).encoded : nil)
    }

    /// Suspends a tenant: no login, no refresh, and every live session ends now.
    public func suspend(tenantID: UUID, actor: AuditActor, origin: RequestOrigin) async throws -> Tenant {
        guard let tenant = try await Tenant.find(tenantID, on: db) else { throw AppError.notFound("Tenant not found") }
        try await setStatus(tenant, .suspended, actor: actor, origin: origin)
        return tenant
    }

    public func suspend(slug: String, actor: AuditActor, origin: RequestOrigin) async throws -> Tenant {
        guard let tenant = try await Tenant.find(slug: slug, on: db) else { throw AppError.notFound("Tenant not found") }
        try await setStatus(tenant, .suspended, actor: actor, origin: origin)
        return tenant
    }

    public func reactivate(tenantID: UUID, actor: AuditActor, origin: RequestOrigin) async throws -> Tenant {
        guard let tenant = try await Tenant.find(tenantID, on: db) else { throw AppError.notFound("Tenant not found") }
        try await setStatus(tenant, .active, actor: actor, origin: origin)
        return tenant
    }

    private func setStatus(_ tenant: Tenant, _ status: Tenant.Status, actor: AuditActor, origin: RequestOrigin) async throws {
        guard tenant.status != status else { return }
        try await db.transaction { tx in
            tenant.status = status
            try await tenant.update(on: tx)
            if status == .suspended {
                try await revoker.revokeAll(ofTenant: tenant.id!, reason: "tenant_suspended", on: tx)
            }
        }
        let action = status == .suspended ? AuditAction.tenantSuspend : .tenantReactivate
        for chainTenant in [nil, tenant.id] {
            try await audit.append(AuditRecord(tenantID: chainTenant, actor: actor, action: action, targetType: "tenant",
                                               targetID: tenant.id!.lowercasedString), origin: origin, on: db)
        }
    }
}
