import FluentKit
import Foundation

/// Staff profiles per facility. Admins of the facility (or the group) maintain them; a doctor
/// maintains their own.
public struct StaffProfileService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog

    public init(guardian: AccessGuard, audit: AuditLog) {
        self.guardian = guardian
        self.audit = audit
    }

    /// Creates or replaces the profile of a member of the facility's staff.
    public func put(_ input: StaffProfileInput, userID: UUID, facilityID: UUID, in context: RequestContext) async throws -> StaffProfile {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await StaffRoster(scope: scope).requireStaff(userID, at: facilityID)
        try await guardian.authorize(principal, .staffProfileUpdate, onAnyOf: [.facility(facilityID), .account(userID)],
                                     origin: origin, db: scope.db)
        let event = AuditRecord(tenantID: scope.tenantID, facilityID: facility.id, actor: principal.auditActor, action: .staffProfileUpdate,
                                targetType: "user", targetID: userID.lowercasedString)
        let save = { @Sendable () async throws -> StaffProfile in
            try await scope.audited(by: audit, origin: origin) { scope in
                (try await self.save(input, userID: userID, facilityID: facilityID, in: scope), event)
            }
        }
        do {
            return try await save()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // A concurrent first PUT created it: ours replaces it.
            return try await save()
        }
    }

    public func read(userID: UUID, facilityID: UUID, in context: RequestContext) async throws -> StaffProfile {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        _ = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await StaffRoster(scope: scope).requireStaff(userID, at: facilityID)
        try await guardian.authorize(principal, .staffProfileRead, onAnyOf: [.facility(facilityID), .account(userID)],
                                     origin: origin, db: scope.db)
        guard let profile = try await find(userID: userID, facilityID: facilityID, in: scope) else {
            throw AppError.notFound("Staff profile not found")
        }
        return profile
    }

    private func find(userID: UUID, facilityID: UUID, in scope: TenantScope) async throws -> StaffProfile? {
        try await scope.query(StaffProfile.self).filter(\.$userID == userID).filter(\.$facilityID == facilityID).first()
    }

    private func save(_ input: StaffProfileInput, userID: UUID, facilityID: UUID, in scope: TenantScope) async throws -> StaffProfile {
        let existing = try await find(userID: userID, facilityID: facilityID, in: scope)
        let profile = existing ?? StaffProfile(tenantID: scope.tenantID, userID: userID, facilityID: facilityID)
        profile.specialization = input.specialization
        profile.specializationKey = StaffProfile.specializationKey(input.specialization)
        profile.licenceNumber = input.licenceNumber
        profile.yearsOfExperience = input.yearsOfExperience
        profile.consultationFee = input.consultationFee
        profile.bio = input.bio
        if existing == nil { try await scope.create(profile) } else { try await scope.update(profile) }
        return profile
    }
}
