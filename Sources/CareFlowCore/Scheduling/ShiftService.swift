import FluentKit
import Foundation
import SQLKit

/// A facility's shifts and its coverage by hour. One person's shifts never overlap, at any
/// facility of the tenant: the overlap check and the insert share one transaction; on
/// PostgreSQL an exclusion constraint on (user, time range) refuses it as well, and a
/// per-person advisory lock orders concurrent writers; on SQLite (one process, one writer)
/// this process's shift writes are queued.
public struct ShiftService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let keyring: Keyring

    public init(guardian: AccessGuard, audit: AuditLog, keyring: Keyring) {
        self.guardian = guardian
        self.audit = audit
        self.keyring = keyring
    }

    /// Roles a shift can be worked in: the facility roles.
    public static let shiftRoles: [Role] = Role.allCases.filter { $0.scope == .facility }

    public func create(userID: UUID, role: Role, startsAt: Date, endsAt: Date, facilityID: UUID,
                       in context: RequestContext) async throws -> Shift {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        _ = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .shiftManage, on: .facility(facilityID), origin: origin, db: scope.db)
        let (_, held) = try await StaffRoster(scope: scope).requireStaff(userID, at: facilityID)
        var problems: [FieldError] = []
        if !held.contains(role) { problems.append(FieldError(field: "role", reason: "is not a role this person holds at the facility")) }
        if endsAt <= startsAt {
            problems.append(FieldError(field: "ends_at", reason: "must be after starts_at"))
        } else if endsAt.timeIntervalSince(startsAt) > Shift.maximumLength {
            problems.append(FieldError(field: "ends_at", reason: "must be at most 24 hours after starts_at"))
        }
        if !problems.isEmpty { throw AppError.validation(problems) }

        let shift = Shift(tenantID: scope.tenantID, userID: userID, facilityID: facilityID, startsAt: startsAt, endsAt: endsAt,
                          role: role, createdBy: principal.subjectID)
        let audit = self.audit
        do {
            try await scope.auditedWrite(by: audit, origin: origin) { tx in
                // PostgreSQL: one writer per person at a time, so the check sees every
                // committed shift even where the exclusion constraint could not be created.
                try await Self.lockPerson(userID, on: tx.db)
                let overlapping = try await tx.query(Shift.self)
                    .filter(\.$userID == userID).filter(\.$startsAt < endsAt).filter(\.$endsAt > startsAt).count()
                if overlapping > 0 { throw Self.overlap }
                try await tx.create(shift)
                return AuditRecord(tenantID: tx.tenantID, facilityID: facilityID, actor: principal.auditActor, action: .shiftCreate,
                                   targetType: "shift", targetID: shift.id!.lowercasedString,
                                   details: ["user_id": userID.lowercasedString, "role": role.rawValue])
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Self.overlap
        }
        return shift
    }

    /// Shifts at the facility overlapping [from, to), earliest first.
    public func list(facilityID: UUID, from: Date?, to: Date?, userID: UUID?, in context: RequestContext,
                     page: PageRequest) async throws -> Page<Shift> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        _ = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .shiftRead, on: .facility(facilityID), origin: origin, db: scope.db)
        var query = scope.query(Shift.self).filter(\.$facilityID == facilityID).sort(\.$startsAt).sort(\.$id).limit(page.limit + 1)
        if let from { query = query.filter(\.$endsAt > from) }
        if let to { query = query.filter(\.$startsAt < to) }
        if let userID { query = query.filter(\.$userID == userID) }
        if let cursor = page.cursor {
            let (at, id) = try TimeCursor.decode(cursor)
            query = query.group(.or) { or in
                or.filter(\.$startsAt > at).group(.and) { $0.filter(\.$startsAt == at).filter(\.$id > id) }
            }
        }
        let rows = try await query.all()
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextCursor: rows.count > page.limit ? TimeCursor.encode(items.last!.startsAt, items.last!.id!) : nil)
    }

    public func delete(_ shiftID: UUID, facilityID: UUID, in context: RequestContext) async throws {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        _ = try await scope.require(Facility.self, facilityID, name: "Facility")
        guard let shift = try await scope.find(Shift.self, shiftID), shift.facilityID == facilityID else {
            throw AppError.notFound("Shift not found")
        }
        try await guardian.authorize(principal, .shiftManage, on: .facility(facilityID), origin: origin, db: scope.db)
        try await scope.auditedWrite(by: audit, origin: origin) { scope in
            try await scope.query(Shift.self).filter(\.$id == shiftID).delete()
            return AuditRecord(tenantID: scope.tenantID, facilityID: facilityID, actor: principal.auditActor, action: .shiftDelete,
                               targetType: "shift", targetID: shiftID.lowercasedString, details: ["user_id": shift.userID.lowercasedString])
        }
    }

    /// Who is on shift at the facility in each hour of `day` in its zone, with display names.
    public func coverage(facilityID: UUID, on day: CalendarDay, in context: RequestContext) async throws -> FacilityCoverage {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(principal, .shiftRead, on: .facility(facilityID), origin: origin, db: scope.db)
        let zone = StaffRoster.timeZone(of: facility)
        let span = day.interval(in: zone)
        let shifts = try await scope.query(Shift.self).filter(\.$facilityID == facilityID)
            .filter(\.$startsAt < span.end).filter(\.$endsAt > span.start).all()
        let directory = UserDirectory(scope: scope, cipher: try await keyring.cipher(forTenant: scope.tenantID, on: scope.db))
        var names: [UUID: String?] = [:]
        let userIDs = Array(Set(shifts.map(\.userID)))
        if !userIDs.isEmpty {
            for user in try await scope.query(User.self).filter(\.$id ~~ userIDs).all() {
                names[user.id!] = try directory.profile(user).displayName
            }
        }
        return FacilityCoverage(facility: facility, day: day, timeZone: zone,
                                hours: ShiftCoverage.hours(of: day, in: zone, shifts: shifts), displayNames: names)
    }

    static let overlap = AppError.conflict("This person already has a shift overlapping this time")

    /// A transaction-scoped advisory lock per person on PostgreSQL; nothing elsewhere.
    static func lockPerson(_ userID: UUID, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        var hasher = Hasher64()
        let key = hasher.fnv1a("shift:" + userID.lowercasedString)
        try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: key))").run()
    }
}

/// A facility's day of shifts, hour by hour.
public struct FacilityCoverage: Sendable {
    public let facility: Facility
    public let day: CalendarDay
    public let timeZone: TimeZone
    public let hours: [ShiftCoverage.Hour]
    public let displayNames: [UUID: String?]
}
