import FluentKit
import Foundation

/// Doctors' weekly schedules per facility and their exceptions. A doctor manages their own;
/// admins manage those of their facility (and a group admin those of every facility, including
/// exceptions that apply everywhere).
public struct AvailabilityService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog

    public init(guardian: AccessGuard, audit: AuditLog) {
        self.guardian = guardian
        self.audit = audit
    }

    /// Replaces the doctor's weekly schedule at the facility.
    public func replaceWeekly(doctorID: UUID, facilityID: UUID, windows: [AvailabilityWindow],
                              in context: RequestContext) async throws -> [DoctorAvailability] {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let roster = StaffRoster(scope: scope)
        _ = try await roster.requireDoctor(doctorID)
        _ = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .availabilityManage, onAnyOf: [.facility(facilityID), .account(doctorID)],
                                     origin: origin, db: scope.db)
        var problems = AvailabilityWindow.problems(windows)
        if try await !roster.isDoctor(doctorID, at: facilityID) {
            problems.insert(FieldError(field: "facility_id", reason: "is not a facility where this doctor works"), at: 0)
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        let event = AuditRecord(tenantID: scope.tenantID, facilityID: facilityID, actor: principal.auditActor, action: .availabilityReplace,
                                targetType: "user", targetID: doctorID.lowercasedString, details: ["windows": String(windows.count)])
        let rows = try await scope.audited(by: audit, origin: origin) { tx -> ([DoctorAvailability], AuditRecord) in
            // Delete first: on SQLite the transaction then holds the write lock before it reads.
            try await tx.query(DoctorAvailability.self).filter(\.$doctorID == doctorID).filter(\.$facilityID == facilityID).delete()
            var rows: [DoctorAvailability] = []
            for window in windows {
                let row = DoctorAvailability(tenantID: tx.tenantID, doctorID: doctorID, facilityID: facilityID, window: window)
                try await tx.create(row)
                rows.append(row)
            }
            return (rows, event)
        }
        return Self.ordered(rows)
    }

    /// The doctor's weekly schedule, at one facility or all of them.
    public func weekly(doctorID: UUID, facilityID: UUID?, in context: RequestContext) async throws -> [DoctorAvailability] {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        _ = try await StaffRoster(scope: scope).requireDoctor(doctorID)
        var query = scope.query(DoctorAvailability.self).filter(\.$doctorID == doctorID)
        if let facilityID {
            _ = try await scope.require(Facility.self, facilityID, name: "Facility")
            try await guardian.authorize(principal, .availabilityRead, onAnyOf: [.facility(facilityID), .account(doctorID)],
                                         origin: origin, db: scope.db)
            query = query.filter(\.$facilityID == facilityID)
        } else {
            try await authorizeAnywhere(principal, .availabilityRead, doctorID: doctorID, in: scope, origin: origin)
        }
        return Self.ordered(try await query.all().filter { readable($0.facilityID, doctorID: doctorID, by: principal, .availabilityRead) })
    }

    public func addException(doctorID: UUID, facilityID: UUID?, startsAt: Date, endsAt: Date, reason: AvailabilityException.Reason,
                             in context: RequestContext) async throws -> AvailabilityException {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let roster = StaffRoster(scope: scope)
        _ = try await roster.requireDoctor(doctorID)
        if let facilityID { _ = try await scope.require(Facility.self, facilityID, name: "Facility") }
        try await guardian.authorize(principal, .availabilityManage, onAnyOf: Self.targets(facilityID, doctorID: doctorID),
                                     origin: origin, db: scope.db)
        var problems: [FieldError] = []
        if let facilityID, try await !roster.isDoctor(doctorID, at: facilityID) {
            problems.append(FieldError(field: "facility_id", reason: "is not a facility where this doctor works"))
        }
        if endsAt <= startsAt {
            problems.append(FieldError(field: "ends_at", reason: "must be after starts_at"))
        } else if endsAt.timeIntervalSince(startsAt) > 366 * 86_400 {
            problems.append(FieldError(field: "ends_at", reason: "must be at most 366 days after starts_at"))
        }
        if !problems.isEmpty { throw AppError.validation(problems) }
        let exception = AvailabilityException(tenantID: scope.tenantID, doctorID: doctorID, facilityID: facilityID, startsAt: startsAt,
                                              endsAt: endsAt, reason: reason, createdBy: principal.subjectID)
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.create(exception)
            return AuditRecord(tenantID: scope.tenantID, facilityID: facilityID, actor: principal.auditActor,
                               action: .availabilityExceptionCreate, targetType: "availability_exception",
                               targetID: exception.id!.lowercasedString,
                               details: ["doctor_id": doctorID.lowercasedString, "reason": reason.rawValue])
        }
        return exception
    }

    /// Exceptions that have not ended before `from` (default: all), earliest first.
    public func exceptions(doctorID: UUID, from: Date?, in context: RequestContext,
                           page: PageRequest) async throws -> Page<AvailabilityException> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        _ = try await StaffRoster(scope: scope).requireDoctor(doctorID)
        try await authorizeAnywhere(principal, .availabilityRead, doctorID: doctorID, in: scope, origin: origin)
        var query = scope.query(AvailabilityException.self).filter(\.$doctorID == doctorID)
            .sort(\.$startsAt).sort(\.$id).limit(page.limit + 1)
        if let from { query = query.filter(\.$endsAt > from) }
        if let cursor = page.cursor {
            let (at, id) = try TimeCursor.decode(cursor)
            query = query.group(.or) { or in
                or.filter(\.$startsAt > at).group(.and) { and in and.filter(\.$startsAt == at).filter(\.$id > id) }
            }
        }
        let rows = try await query.all()
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? TimeCursor.encode(items.last!.startsAt, items.last!.id!) : nil
        return Page(items: items.filter { readable($0.facilityID, doctorID: doctorID, by: principal, .availabilityRead) },
                    nextCursor: next)
    }

    public func deleteException(_ exceptionID: UUID, doctorID: UUID, in context: RequestContext) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        _ = try await StaffRoster(scope: scope).requireDoctor(doctorID)
        guard let exception = try await scope.find(AvailabilityException.self, exceptionID), exception.doctorID == doctorID else {
            throw AppError.notFound("Exception not found")
        }
        try await guardian.authorize(principal, .availabilityManage, onAnyOf: Self.targets(exception.facilityID, doctorID: doctorID),
                                     origin: origin, db: scope.db)
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.query(AvailabilityException.self).filter(\.$id == exceptionID).delete()
            return AuditRecord(tenantID: scope.tenantID, facilityID: exception.facilityID, actor: principal.auditActor,
                               action: .availabilityExceptionDelete, targetType: "availability_exception",
                               targetID: exceptionID.lowercasedString, details: ["doctor_id": doctorID.lowercasedString])
        }
    }

    /// An exception at a facility belongs to that facility; one without applies everywhere,
    /// so only tenant-wide roles (or the doctor) reach it.
    static func targets(_ facilityID: UUID?, doctorID: UUID) -> [AccessTarget] {
        [facilityID.map { .facility($0) } ?? .tenant, .account(doctorID)]
    }

    private func readable(_ facilityID: UUID?, doctorID: UUID, by principal: Principal, _ action: Action) -> Bool {
        Self.targets(facilityID, doctorID: doctorID).contains { AccessDecision.isAllowed(principal, action, on: $0) }
            || facilityID == nil && AccessDecision.facilities(for: principal, action).map { !$0.isEmpty } == true
    }

    /// Reading everything about a doctor: allowed with any reach over the doctor's facilities
    /// (each row is then filtered to what the caller may see).
    private func authorizeAnywhere(_ principal: Principal, _ action: Action, doctorID: UUID, in scope: TenantScope,
                                   origin: RequestOrigin) async throws {
        let facilities = try await scope.query(RoleAssignment.self).filter(\.$userID == doctorID).filter(\.$role == .doctor).all()
            .compactMap(\.facilityID)
        try await guardian.authorize(principal, action, onAnyOf: [.tenant] + facilities.map { .facility($0) } + [.account(doctorID)],
                                     origin: origin, db: scope.db)
    }

    static func ordered(_ rows: [DoctorAvailability]) -> [DoctorAvailability] {
        rows.sorted { ($0.facilityID.uuidString, $0.weekday, $0.startMinute) < ($1.facilityID.uuidString, $1.weekday, $1.startMinute) }
    }
}
