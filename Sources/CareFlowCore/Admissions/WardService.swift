import FluentKit
import Foundation
import SQLKit

/// A ward as a console shows it: its beds and how many hold a current admission.
public struct WardOccupancy: Sendable {
    public let ward: Ward
    public let occupied: Int
}

/// Wards of a facility (issue 14). A ward's name is unique in its facility (a unique index);
/// its beds are numbered 1…`beds`, and a ward never shrinks below a bed that is occupied.
public struct WardService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog

    public init(guardian: AccessGuard, audit: AuditLog) {
        self.guardian = guardian
        self.audit = audit
    }

    public static let maximumBeds = 500

    public func create(name: String, beds: Int, facilityID: UUID, in ctx: RequestContext) async throws -> WardOccupancy {
        _ = try await ctx.scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(ctx.principal, .wardManage, on: .facility(facilityID), origin: ctx.origin, db: ctx.db)
        if try await nameTaken(name, facilityID: facilityID, except: nil, in: ctx.scope) { throw Self.nameConflict }
        let ward = Ward()
        ward.id = TimeOrderedID.make()
        ward.facilityID = facilityID
        ward.name = name
        ward.beds = beds
        let audit = self.audit
        do {
            try await ctx.scope.writeTransaction { tx in
                try await tx.create(ward)
                try await audit.append(
                    AuditRecord(tenantID: tx.tenantID, facilityID: facilityID, actor: ctx.principal.auditActor, action: .wardCreate,
                                targetType: "ward", targetID: ward.id!.lowercasedString, details: ["beds": String(beds)]),
                    origin: ctx.origin, on: tx.db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // A concurrent request created the same name first (unique facility + name).
            throw Self.nameConflict
        }
        return WardOccupancy(ward: ward, occupied: 0)
    }

    /// The facility's wards by name, each with its occupied beds (one aggregate query).
    public func list(facilityID: UUID, page: PageRequest, in ctx: RequestContext) async throws -> Page<WardOccupancy> {
        _ = try await ctx.scope.require(Facility.self, facilityID, name: "Facility")
        try await guardian.authorize(ctx.principal, .wardRead, on: .facility(facilityID), origin: ctx.origin, db: ctx.db)
        var query = ctx.scope.query(Ward.self).filter(\.$facilityID == facilityID).sort(\.$name).sort(\.$id)
        // Names are unique in a facility, so the last name is the whole position.
        if let cursor = page.cursor { query = query.filter(\.$name > cursor.key) }
        let rows = try await query.limit(page.limit + 1).all()
        let items = Array(rows.prefix(page.limit))
        let occupied = try await Self.occupiedBeds(facilityID: facilityID, in: ctx.scope)
        return Page(items: items.map { WardOccupancy(ward: $0, occupied: occupied[$0.id!] ?? 0) },
                    nextCursor: rows.count > page.limit ? Cursor(key: items.last!.name).encoded : nil)
    }

    /// Renames or resizes a ward. Shrinking below an occupied bed is a 409; on PostgreSQL the
    /// ward row is locked so an admission cannot take a bed being removed meanwhile (admissions
    /// read the ward `FOR SHARE`); on SQLite the write comes first, so the check runs under the
    /// single writer's lock.
    public func update(wardID: UUID, facilityID: UUID, name: String?, beds: Int?, in ctx: RequestContext) async throws -> WardOccupancy {
        _ = try await ctx.scope.require(Facility.self, facilityID, name: "Facility")
        guard let ward = try await ctx.scope.find(Ward.self, wardID), ward.facilityID == facilityID else {
            throw AppError.notFound("Ward not found")
        }
        try await guardian.authorize(ctx.principal, .wardManage, on: .facility(facilityID), origin: ctx.origin, db: ctx.db)
        if let name, name != ward.name, try await nameTaken(name, facilityID: facilityID, except: wardID, in: ctx.scope) {
            throw Self.nameConflict
        }
        let audit = self.audit
        do {
            try await ctx.scope.writeTransaction { tx in
                try await Self.lock(wardID, on: tx.db)
                guard let fresh = try await tx.find(Ward.self, wardID) else { throw AppError.notFound("Ward not found") }
                var details: [String: String] = [:]
                if let name { fresh.name = name; details["renamed"] = "true" }
                if let beds { details["beds"] = String(beds); fresh.beds = beds }
                try await tx.update(fresh)
                if let beds {
                    let highest = try await tx.query(Admission.self).filter(\.$wardID == wardID).filter(\.$status == .current)
                        .max(\.$bed) ?? 0
                    if highest > beds {
                        throw AppError.conflict("Bed \(highest) of this ward is occupied: the ward cannot have fewer than \(highest) beds")
                    }
                }
                try await audit.append(
                    AuditRecord(tenantID: tx.tenantID, facilityID: facilityID, actor: ctx.principal.auditActor, action: .wardUpdate,
                                targetType: "ward", targetID: wardID.lowercasedString, details: details),
                    origin: ctx.origin, on: tx.db)
                ward.name = fresh.name
                ward.beds = fresh.beds
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Self.nameConflict
        }
        let occupied = try await Self.occupiedBeds(facilityID: facilityID, in: ctx.scope)
        return WardOccupancy(ward: ward, occupied: occupied[wardID] ?? 0)
    }

    static let nameConflict = AppError.conflict("This facility already has a ward of that name")

    private func nameTaken(_ name: String, facilityID: UUID, except: UUID?, in scope: TenantScope) async throws -> Bool {
        var query = scope.query(Ward.self).filter(\.$facilityID == facilityID).filter(\.$name == name)
        if let except { query = query.filter(\.$id != except) }
        return try await query.count() > 0
    }

    /// Current admissions per ward of the facility, counted by the database.
    static func occupiedBeds(facilityID: UUID, in scope: TenantScope) async throws -> [UUID: Int] {
        guard let sql = scope.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let rows = try await sql.raw("""
            SELECT ward_id, COUNT(*) AS occupied FROM admissions
            WHERE tenant_id = \(bind: scope.tenantID) AND facility_id = \(bind: facilityID) AND status = \(bind: Admission.Status.current.rawValue)
            GROUP BY ward_id
            """).all()
        var result: [UUID: Int] = [:]
        for row in rows {
            result[try row.decode(column: "ward_id", as: UUID.self)] = try row.decode(column: "occupied", as: Int.self)
        }
        return result
    }

    /// PostgreSQL: holds the ward row for this transaction (`FOR UPDATE` to resize, `FOR SHARE`
    /// to admit), so a resize and an admission to the same ward are ordered. Nothing on SQLite,
    /// whose single writer orders them already.
    static func lock(_ wardID: UUID, shared: Bool = false, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        try await sql.raw("SELECT id FROM wards WHERE id = \(bind: wardID) \(unsafeRaw: shared ? "FOR SHARE" : "FOR UPDATE")").run()
    }
}
