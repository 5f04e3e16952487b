import FluentKit
import Foundation

/// Patient–doctor relationships: who may read a patient as their doctor.
public struct CareTeamService: Sendable {
    let access: PatientAccess
    let audit: AuditLog

    public init(access: PatientAccess, audit: AuditLog) {
        self.access = access
        self.audit = audit
    }

    public func assign(patientID: UUID, doctorID: UUID, kind: CareRelationship.Kind, referredBy: UUID?, endsOn: Date?,
                       in context: RequestContext) async throws -> CareRelationship {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await access.authorize(principal, .careRelationshipManage, patientID: patientID, in: scope, origin: origin)
        var errors: [FieldError] = []
        if try await !isDoctor(doctorID, scope: scope) { errors.append(FieldError(field: "doctor_id", reason: "is not a doctor of this tenant")) }
        switch kind {
        case .referral:
            if referredBy == nil { errors.append(FieldError(field: "referred_by", reason: "is required for a referral")) }
            else if try await !isDoctor(referredBy!, scope: scope) {
                errors.append(FieldError(field: "referred_by", reason: "is not a doctor of this tenant"))
            }
        case .temporary:
            if endsOn == nil { errors.append(FieldError(field: "ends_on", reason: "is required for a temporary relationship")) }
            else if endsOn! <= Date() { errors.append(FieldError(field: "ends_on", reason: "must be in the future")) }
        case .primary:
            break
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        let event = AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .careRelationshipCreate, targetType: "patient",
                                targetID: patientID.lowercasedString,
                                details: ["doctor_id": doctorID.lowercasedString, "kind": kind.rawValue])
        return try await create(patientID: patientID, doctorID: doctorID, kind: kind, referredBy: referredBy,
                                endsOn: endsOn, event: event, origin: origin, in: scope)
    }

    /// A patient choosing their own primary doctor (PRODUCT §7), where the tenant allows it.
    /// The previous primary doctor steps down, as when staff assign one.
    public func choosePrimaryDoctor(patientID: UUID, doctorID: UUID, tenantAllowsChoice: Bool,
                                    in context: RequestContext) async throws -> CareRelationship {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await access.authorize(principal, .careRelationshipChoose, patientID: patientID, in: scope, origin: origin)
        guard tenantAllowsChoice else {
            throw AppError.forbidden("This organisation does not let patients choose their doctor; ask the front desk")
        }
        guard try await isDoctor(doctorID, scope: scope) else {
            throw AppError.validation([FieldError(field: "doctor_id", reason: "is not a doctor of this tenant")])
        }
        let event = AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .careRelationshipChoose, targetType: "patient",
                                targetID: patientID.lowercasedString,
                                details: ["doctor_id": doctorID.lowercasedString, "kind": "primary"])
        return try await create(patientID: patientID, doctorID: doctorID, kind: .primary, referredBy: nil,
                                endsOn: nil, event: event, origin: origin, in: scope)
    }

    public func list(patientID: UUID, in context: RequestContext) async throws -> [CareRelationship] {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await access.authorize(principal, .patientRead, patientID: patientID, in: scope, origin: origin)
        return try await scope.query(CareRelationship.self).filter(\.$patientID == patientID).sort(\.$createdAt).all()
    }

    public func end(patientID: UUID, relationshipID: UUID, in context: RequestContext) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        try await access.authorize(principal, .careRelationshipManage, patientID: patientID, in: scope, origin: origin)
        guard let r = try await scope.find(CareRelationship.self, relationshipID), r.patientID == patientID, r.endedAt == nil else {
            throw AppError.notFound("Care relationship not found")
        }
        r.endedAt = Date()
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.update(r)
            return AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .careRelationshipEnd, targetType: "patient",
                               targetID: patientID.lowercasedString, details: ["doctor_id": r.doctorID.lowercasedString])
        }
    }

    /// The patients a doctor currently cares for.
    public func patientIDs(ofDoctor doctorID: UUID, in scope: TenantScope) async throws -> [UUID] {
        Array(Set(try await scope.query(CareRelationship.self).filter(\.$doctorID == doctorID).filter(\.$endedAt == nil).all()
            .filter { $0.isActive() }.map(\.patientID)))
    }

    /// The new relationship and its audit event, in one transaction.
    private func create(patientID: UUID, doctorID: UUID, kind: CareRelationship.Kind, referredBy: UUID?, endsOn: Date?,
                        event: AuditRecord, origin: RequestOrigin, in scope: TenantScope) async throws -> CareRelationship {
        try await scope.audited(by: audit, origin: origin) { scope -> (CareRelationship, AuditRecord) in
            if kind == .primary {
                // One primary doctor at a time: the previous one steps down.
                try await scope.query(CareRelationship.self).filter(\.$patientID == patientID).filter(\.$kind == .primary)
                    .filter(\.$endedAt == nil).set(\.$endedAt, to: Date()).update()
            }
            let r = CareRelationship(tenantID: scope.tenantID, patientID: patientID, doctorID: doctorID, kind: kind,
                                     referredBy: referredBy, endsOn: endsOn)
            try await scope.create(r)
            return (r, event)
        }
    }

    private func isDoctor(_ userID: UUID, scope: TenantScope) async throws -> Bool {
        try await scope.query(RoleAssignment.self).filter(\.$userID == userID).filter(\.$role == .doctor).first() != nil
    }
}
