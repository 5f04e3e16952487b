import FluentKit
import Foundation

/// Which appointments a list shows.
public enum AppointmentListView: String, Sendable, CaseIterable {
    /// Live appointments that have not started, soonest first.
    case upcoming
    /// Appointments that have started, most recent first.
    case past
    /// Appointments starting today in their facility's zone, earliest first.
    case today
}

extension AppointmentService {
    /// The appointments the caller may see (doctors their own, facility staff their
    /// facilities', patients their own, group admins all), filtered and in view order.
    public func list(_ filters: AppointmentFilters, in context: RequestContext,
                     page: PageRequest, now: Date = Date()) async throws -> Page<VisibleAppointment> {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        var query = scope.query(Appointment.self)
        if let from = filters.from, let to = filters.to, to <= from { throw AppError.invalid("to", "must be after from") }
        try await restrictToVisible(&query, principal: principal, in: scope, origin: origin)
        query = filters.apply(to: query)
        switch filters.view {
        case .upcoming:
            query = query.filter(\.$startsAt >= now).filter(\.$status ~~ Appointment.Status.live)
        case .past:
            query = query.filter(\.$startsAt < now)
        case .today:
            var facilities = scope.query(Facility.self)
            if let f = filters.facilityID { facilities = facilities.filter(\.$id == f) }
            let days = try await facilities.all().map { facility -> (UUID, DateInterval) in
                let zone = StaffRoster.timeZone(of: facility)
                return (facility.id!, CalendarDay(containing: now, in: zone).interval(in: zone))
            }
            if days.isEmpty { return Page(items: [], nextCursor: nil) }
            query = query.group(.or) { or in
                for (facilityID, day) in days {
                    or.group(.and) { $0.filter(\.$facilityID == facilityID).filter(\.$startsAt >= day.start).filter(\.$startsAt < day.end) }
                }
            }
        case nil:
            break
        }
        let newestFirst = filters.view == .past
        query = query.sort(\.$startsAt, newestFirst ? .descending : .ascending).sort(\.$id, newestFirst ? .descending : .ascending)
        if let cursor = page.cursor {
            let (at, id) = try TimeCursor.decode(cursor)
            query = query.group(.or) { or in
                if newestFirst {
                    or.filter(\.$startsAt < at).group(.and) { $0.filter(\.$startsAt == at).filter(\.$id < id) }
                } else {
                    or.filter(\.$startsAt > at).group(.and) { $0.filter(\.$startsAt == at).filter(\.$id > id) }
                }
            }
        }
        let rows = try await query.limit(page.limit + 1).all()
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? TimeCursor.encode(items.last!.startsAt, items.last!.id!) : nil

        let patientIDs = Array(Set(items.map(\.patientID)))
        let accounts = patientIDs.isEmpty ? [:] : Dictionary(
            try await scope.query(Patient.self).filter(\.$id ~~ patientIDs).all().map { ($0.id!, $0.userID) },
            uniquingKeysWith: { a, _ in a })
        var visible: [VisibleAppointment] = []
        for appointment in items {
            visible.append(try await open(appointment, patientUserID: accounts[appointment.patientID] ?? nil, for: principal, in: scope))
        }
        if !items.isEmpty {
            try await audit.appendRetrying(
                AuditRecord(tenantID: scope.tenantID, actor: principal.auditActor, action: .phiRead, targetType: "appointments",
                            details: ["what": "appointment_list", "count": String(items.count),
                                      "patients": patientIDs.map { $0.lowercasedString }.sorted().joined(separator: ",")]),
                origin: origin, on: scope.db)
        }
        return Page(items: visible, nextCursor: next)
    }

    /// Narrows the query to what the policy table lets the principal read: facilities where a
    /// facility-scoped role reaches, and for `self` grants the caller's own appointments as
    /// doctor and as patient. No reach at all is a 403.
    private func restrictToVisible(_ query: inout QueryBuilder<Appointment>, principal: Principal, in scope: TenantScope,
                                   origin: RequestOrigin) async throws {
        guard let facilities = AccessDecision.facilities(for: principal, .appointmentRead) else { return }
        let ownScope = principal.grants.contains { AccessPolicy.scope(of: $0.role, for: .appointmentRead) == .self }
        if facilities.isEmpty && !ownScope {
            try await guardian.authorize(principal, .appointmentRead, on: .tenant, origin: origin, db: scope.db)
        }
        let ownPatients = ownScope
            ? try await scope.query(Patient.self).filter(\.$userID == principal.subjectID).all().compactMap(\.id) : []
        let me = principal.subjectID
        query = query.group(.or) { or in
            if !facilities.isEmpty { or.filter(\.$facilityID ~~ Array(facilities)) }
            if ownScope { or.filter(\.$doctorID == me) }
            if !ownPatients.isEmpty { or.filter(\.$patientID ~~ ownPatients) }
        }
    }
}
