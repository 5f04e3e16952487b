import FluentKit
import Foundation
import SQLKit

/// Staff management inside a facility: invitations, role changes, removal. Enforces the
/// policy table and `RoleGrantPolicy`; refused escalations are audited.
public struct StaffService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let invitations: InvitationService
    let keyring: Keyring

    let revoker: SessionRevoker

    public init(guardian: AccessGuard, audit: AuditLog, invitations: InvitationService, keyring: Keyring, revoker: SessionRevoker) {
        self.revoker = revoker
        self.keyring = keyring
        self.guardian = guardian
        self.audit = audit
        self.invitations = invitations
    }

    public func list(facilityID: UUID, in context: RequestContext,
                     page: PageRequest) async throws -> Page<StaffMember> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .staffRead, on: .facility(facility.id!), origin: origin, db: scope.db)
        let assignments = try await scope.query(RoleAssignment.self).filter(\.$facilityID == facility.id!).all()
        let rolesByUser = Dictionary(grouping: assignments, by: \.userID).mapValues { $0.map(\.role) }
        var query = scope.query(User.self).filter(\.$id ~~ Array(rolesByUser.keys)).sort(\.$id).limit(page.limit + 1)
        if let cursor = page.cursor, let after = UUID(uuidString: cursor.key) { query = query.filter(\.$id > after) }
        let users = try await query.all()
        let directory = try await directory(scope)
        let items = try users.prefix(page.limit).map {
            StaffMember(profile: try directory.profile($0), roles: Self.sorted(rolesByUser[$0.id!] ?? []))
        }
        let next = users.count > page.limit ? Cursor(key: items.last!.user.id!.uuidString).encoded : nil
        return Page(items: Array(items), nextCursor: next)
    }

    /// Invites a person to the facility with roles. An existing account of the tenant gets the
    /// roles added; a new one is created as `invited` and emailed a link.
    public func invite(email: String, displayName: String?, roles: [Role], facilityID: UUID, tenant: Tenant,
                       in context: RequestContext) async throws -> StaffMember {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .staffInvite, on: .facility(facility.id!), origin: origin, db: scope.db)
        try await checkGrantable(roles, facility: facility, scope: scope, principal: principal, origin: origin)

        let directory = try await directory(scope)
        let existing = try await directory.find(email: email)
        if let existing, existing.id == principal.subjectID {
            try await refuse("self_grant", roles: roles, facility: facility, scope: scope, principal: principal, origin: origin)
        }
        if let existing {
            // Inviting an existing account changes that account: the same reach as managing it.
            try await checkManageable(user: existing, requested: roles, facility: facility, scope: scope,
                                      principal: principal, origin: origin)
        }
        let audit = self.audit
        let (user, added, needsInvitation) = try await scope.auditedEach(by: audit, origin: origin) { scope -> ((User, [Role], Bool), [AuditRecord]) in
            let user: User
            if let existing {
                user = existing
                if user.status == .deactivated {
                    user.status = .invited
                    user.passwordHash = nil
                    try await scope.update(user)
                }
            } else {
                user = try await directory.on(scope.db).create(email: email, displayName: displayName, status: .invited)
            }
            let held = try await scope.query(RoleAssignment.self)
                .filter(\.$userID == user.id!).filter(\.$facilityID == facility.id!).all().map(\.role)
            let added = roles.filter { !held.contains($0) }
            for role in added {
                try await scope.create(RoleAssignment(tenantID: scope.tenantID, userID: user.id!, role: role,
                                                      facilityID: facility.id!, grantedBy: principal.subjectID))
            }
            let events = added.map { role in
                AuditRecord(tenantID: scope.tenantID, facilityID: facility.id, actor: principal.auditActor, action: .roleGrant,
                            targetType: "user", targetID: user.id!.lowercasedString, details: ["role": role.rawValue])
            }
            return ((user, added, user.status == .invited), events)
        }
        if needsInvitation {
            try await invitations.send(to: directory.profile(user), tenant: tenant, facility: facility, invitedBy: principal.subjectID,
                                       roles: roles, origin: origin)
        } else if !added.isEmpty {
            // Their current tokens list the old roles.
            try await revoker.revokeAll(ofUser: user.id!, reason: "roles_changed", on: scope.db)
        }
        return try await member(user, at: facility, scope: scope)
    }

    /// Replaces the user's roles at the facility.
    public func changeRoles(userID: UUID, to roles: [Role], facilityID: UUID, in context: RequestContext) async throws -> StaffMember {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .staffChangeRoles, on: .facility(facility.id!), origin: origin, db: scope.db)
        let (user, _) = try await staffMember(userID, at: facility, scope: scope)
        try await checkManageable(user: user, requested: roles, facility: facility, scope: scope,
                                  principal: principal, origin: origin)
        // The difference is taken inside the write: taken before it, two changes sent together
        // both inserted the same role and the second failed on the unique index (a 500). On
        // PostgreSQL the member's row is locked first, so a second change reads what the first
        // left (unlocked, the two deleted and inserted past each other and left the union); a
        // unique conflict left over is run again. SQLite's write lock is held from the start
        // (`WriteTransaction`).
        let revoker = self.revoker
        let audit = self.audit
        try await Self.retryingUniqueConflict { try await scope.auditedEach(by: audit, origin: origin) { scope -> ((), [AuditRecord]) in
            if let sql = scope.db as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT id FROM \(ident: User.schema) WHERE id = \(bind: user.id!) FOR UPDATE").run()
            }
            let held = try await scope.query(RoleAssignment.self)
                .filter(\.$userID == user.id!).filter(\.$facilityID == facility.id!).all().map(\.role)
            let removed = held.filter { !roles.contains($0) }
            let added = roles.filter { !held.contains($0) }
            if !removed.isEmpty {
                try await scope.query(RoleAssignment.self)
                    .filter(\.$userID == user.id!).filter(\.$facilityID == facility.id!).filter(\.$role ~~ removed).delete()
            }
            for role in added {
                try await scope.create(RoleAssignment(tenantID: scope.tenantID, userID: user.id!, role: role,
                                                      facilityID: facility.id!, grantedBy: principal.subjectID))
            }
            try await revoker.revokeAll(ofUser: user.id!, reason: "roles_changed", on: scope.db)
            let events = [(AuditAction.roleRevoke, removed), (AuditAction.roleGrant, added)].flatMap { action, changed in
                changed.map { role in
                    AuditRecord(tenantID: scope.tenantID, facilityID: facility.id, actor: principal.auditActor, action: action,
                                targetType: "user", targetID: user.id!.lowercasedString, details: ["role": role.rawValue])
                }
            }
            return ((), events)
        } }
        return try await member(user, at: facility, scope: scope)
    }

    /// Removes the user from the facility; an account left with no role anywhere is deactivated.
    public func remove(userID: UUID, facilityID: UUID, in context: RequestContext) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .staffDeactivate, on: .facility(facility.id!), origin: origin, db: scope.db)
        let (user, held) = try await staffMember(userID, at: facility, scope: scope)
        try await checkManageable(user: user, requested: [], facility: facility, scope: scope,
                                  principal: principal, origin: origin)
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.query(RoleAssignment.self).filter(\.$userID == user.id!).filter(\.$facilityID == facility.id!).delete()
            let remaining = try await scope.query(RoleAssignment.self).filter(\.$userID == user.id!).count()
            if remaining == 0 {
                user.status = .deactivated
                try await scope.update(user)
            }
            try await revoker.revokeAll(ofUser: user.id!, reason: "removed_from_facility", on: scope.db)
            return AuditRecord(tenantID: scope.tenantID, facilityID: facility.id, actor: principal.auditActor, action: .staffRemove,
                               targetType: "user", targetID: user.id!.lowercasedString,
                               details: ["roles": held.map(\.rawValue).joined(separator: ","), "account_deactivated": String(remaining == 0)])
        }
    }

    /// Clears a member's TOTP (a lost phone). The second factor guards the whole account, so
    /// the admin must be able to grant every role the member holds *where it is held*: a
    /// facility admin resets only people who work nowhere else, and a `group_admin`'s factor is
    /// reset by the platform operator alone (`resetGroupAdminMFA`).
    public func resetMFA(userID: UUID, facilityID: UUID, in context: RequestContext, mfa: MFAService) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .staffResetMFA, on: .facility(facility.id!), origin: origin, db: scope.db)
        let (user, _) = try await staffMember(userID, at: facility, scope: scope)
        try await checkManageable(user: user, requested: [], facility: facility, scope: scope, principal: principal,
                                  origin: origin, everywhere: true)
        try await mfa.reset(userID: user.id!, tenantID: scope.tenantID, facilityID: facility.id, by: principal, origin: origin)
    }

    /// The platform operator clears the TOTP of a tenant's group admin, the one account no
    /// tenant admin may reset. Nobody else's: facility staff are reset inside their tenant.
    public func resetGroupAdminMFA(userID: UUID, in context: RequestContext, mfa: MFAService) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await guardian.authorize(principal, .groupAdminResetMFA, on: .platform, origin: origin, db: scope.db)
        let held = try await scope.query(RoleAssignment.self).filter(\.$userID == userID).all().map(\.role)
        guard held.contains(.groupAdmin), try await scope.find(User.self, userID) != nil else {
            throw AppError.notFound("Group admin not found")
        }
        try await mfa.reset(userID: userID, tenantID: scope.tenantID, facilityID: nil, by: principal, origin: origin)
    }

    /// What the principal may do to each of these members of the facility, decided by the rules
    /// the actions enforce (`checkManageable`, the policy table): the console offers only these
    /// controls. A user who holds no role anywhere in the tenant is left out.
    public func powers(over userIDs: [UUID], facilityID: UUID, in context: RequestContext) async throws -> [UUID: StaffPowers] {
        let (scope, principal) = (context.scope, context.principal)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        guard !userIDs.isEmpty else { return [:] }
        let assignments = try await scope.query(RoleAssignment.self).filter(\.$userID ~~ userIDs).all()
        let target = AccessTarget.facility(facility.id!)
        var result: [UUID: StaffPowers] = [:]
        for (userID, held) in Dictionary(grouping: assignments, by: \.userID) {
            let other = userID != principal.subjectID
            let here = other && Self.outranking(held, by: principal, from: facility.id!, everywhere: false).isEmpty
            let everywhere = other && Self.outranking(held, by: principal, from: facility.id!, everywhere: true).isEmpty
            result[userID] = StaffPowers(
                changeRoles: here && AccessDecision.isAllowed(principal, .staffChangeRoles, on: target),
                remove: here && AccessDecision.isAllowed(principal, .staffDeactivate, on: target),
                resetMFA: everywhere && AccessDecision.isAllowed(principal, .staffResetMFA, on: target))
        }
        return result
    }

    // MARK: - Rules

    /// The assignments that stand in the way of the principal managing their holder.
    static func outranking(_ assignments: [RoleAssignment], by principal: Principal, from facilityID: UUID,
                           everywhere: Bool) -> [RoleAssignment] {
        assignments.filter { !RoleGrantPolicy.mayManage(holder: $0.grant, by: principal, from: facilityID, everywhere: everywhere) }
    }

    private func staffMember(_ userID: UUID, at facility: Facility, scope: TenantScope) async throws -> (User, [Role]) {
        let held = try await scope.query(RoleAssignment.self)
            .filter(\.$userID == userID).filter(\.$facilityID == facility.id!).all().map(\.role)
        guard !held.isEmpty, let user = try await scope.find(User.self, userID) else {
            throw AppError.notFound("Staff member not found")
        }
        return (user, held)
    }

    /// An admin may only manage people whose every role *anywhere in the tenant* is one they
    /// could grant, and never themself (that is how an admin would hand themself clinical
    /// access). Judging by the roles at this facility alone let a facility admin add a role
    /// here to the group admin and then manage them. `everywhere` also requires each role to
    /// be grantable at the facility where it is held (account-wide changes such as an MFA reset).
    private func checkManageable(user: User, requested: [Role], facility: Facility, scope: TenantScope,
                                 principal: Principal, origin: RequestOrigin, everywhere: Bool = false) async throws {
        if user.id == principal.subjectID {
            try await refuse("self_change", roles: requested, facility: facility, scope: scope, principal: principal, origin: origin)
        }
        let assignments = try await scope.query(RoleAssignment.self).filter(\.$userID == user.id!).all()
        let outranking = Self.outranking(assignments, by: principal, from: facility.id!, everywhere: everywhere)
        if !outranking.isEmpty {
            try await refuse("target_outranks_actor", roles: outranking.map(\.role), facility: facility, scope: scope,
                             principal: principal, origin: origin)
        }
        try await checkGrantable(requested, facility: facility, scope: scope, principal: principal, origin: origin)
    }

    private static func retryingUniqueConflict<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        for _ in 1..<3 {
            do {
                return try await body()
            } catch let error as any DatabaseError where error.isConstraintFailure {
                continue
            }
        }
        return try await body()
    }

    private func checkGrantable(_ roles: [Role], facility: Facility, scope: TenantScope, principal: Principal,
                                origin: RequestOrigin) async throws {
        let refused = RoleGrantPolicy.refused(roles, by: principal, at: facility.id!)
        if !refused.isEmpty {
            try await refuse("role_not_grantable", roles: refused, facility: facility, scope: scope, principal: principal, origin: origin)
        }
    }

    private func refuse(_ reason: String, roles: [Role], facility: Facility, scope: TenantScope, principal: Principal,
                        origin: RequestOrigin) async throws -> Never {
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: facility.id, actor: principal.auditActor, action: .roleGrant,
                        outcome: .denied, targetType: "facility", targetID: facility.id!.lowercasedString,
                        details: ["reason": reason, "roles": roles.map(\.rawValue).joined(separator: ",")]),
            origin: origin, on: scope.db)
        let message = switch reason {
        case "self_grant", "self_change": "You cannot change your own roles"
        case "target_outranks_actor": "You cannot manage a member who holds roles you cannot grant"
        default: "You cannot grant: " + roles.map(\.rawValue).joined(separator: ", ")
        }
        throw AppError.forbidden(message)
    }

    private func member(_ user: User, at facility: Facility, scope: TenantScope) async throws -> StaffMember {
        let roles = try await scope.query(RoleAssignment.self)
            .filter(\.$userID == user.id!).filter(\.$facilityID == facility.id!).all().map(\.role)
        return StaffMember(profile: try await directory(scope).profile(user), roles: Self.sorted(roles))
    }

    private func directory(_ scope: TenantScope) async throws -> UserDirectory {
        UserDirectory(scope: scope, cipher: try await keyring.cipher(forTenant: scope.tenantID, on: scope.db))
    }

    static func sorted(_ roles: [Role]) -> [Role] {
        roles.sorted { Role.allCases.firstIndex(of: $0)! < Role.allCases.firstIndex(of: $1)! }
    }
}
