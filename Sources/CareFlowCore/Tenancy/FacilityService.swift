import FluentKit
import Foundation

/// Facilities of one tenant.
public struct FacilityService: Sendable {
    let audit: AuditLog
    let guardian: AccessGuard

    public init(audit: AuditLog, guardian: AccessGuard) {
        self.audit = audit
        self.guardian = guardian
    }

    public static let codePattern = #"^[a-z0-9][a-z0-9-]{1,40}$"#

    /// Onboards a facility (`facility.create`: group admins). The check is here as well as in
    /// the API controller so that every client of the service (the console too) is refused alike.
    public func create(code: String, name: String, timezone: String, address: String? = nil, in context: RequestContext) async throws -> Facility {
        let scope = context.scope
        try await guardian.authorize(context.principal, .facilityCreate, on: .tenant, origin: context.origin, db: scope.db)
        var errors: [FieldError] = []
        if code.range(of: Self.codePattern, options: .regularExpression) == nil {
            errors.append(FieldError(field: "code", reason: "must be 2-41 lowercase letters, digits or dashes"))
        }
        if TimeZone(identifier: timezone) == nil {
            errors.append(FieldError(field: "timezone", reason: "must be an IANA time zone such as Africa/Kigali"))
        }
        if !errors.isEmpty { throw AppError.validation(errors) }
        if try await scope.query(Facility.self).filter(\.$code == code).first() != nil {
            throw AppError.conflict("A facility with this code already exists")
        }
        let facility = Facility(tenantID: scope.tenantID, code: code, name: name, timezone: timezone, address: address)
        let actor = context.principal.auditActor
        try await scope.auditedWrite(by: audit, origin: context.origin) { scope in
            try await scope.create(facility)
            return AuditRecord(tenantID: scope.tenantID, facilityID: facility.id, actor: actor, action: .facilityCreate,
                               targetType: "facility", targetID: facility.id!.lowercasedString, details: ["code": code])
        }
        return facility
    }

    /// The facilities the principal may see: all of them for tenant-wide roles, otherwise those
    /// where they hold a role.
    public func list(in context: RequestContext, page: PageRequest) async throws -> Page<Facility> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let allowed = AccessDecision.facilities(for: principal, .facilityRead)
        if let allowed, allowed.isEmpty {
            // No role that sees any facility (a patient): deny and record it.
            try await guardian.authorize(principal, .facilityRead, on: .tenant, origin: origin, db: scope.db)
        }
        var query = scope.query(Facility.self).sort(\.$code).limit(page.limit + 1)
        if let allowed {
            query = query.filter(\.$id ~~ Array(allowed))
        }
        if let cursor = page.cursor { query = query.filter(\.$code > cursor.key) }
        let rows = try await query.all()
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextCursor: rows.count > page.limit ? Cursor(key: items.last!.code).encoded : nil)
    }
}
