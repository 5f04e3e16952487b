import FluentKit
import Foundation

/// A doctor's free slots: the weekly schedule at a facility minus exceptions, minus live
/// appointments (at any facility: a doctor is in one place at a time), minus the past.
public struct SlotService: Sendable {
    let guardian: AccessGuard

    public init(guardian: AccessGuard) {
        self.guardian = guardian
    }

    /// Free slots on `day` (a civil date in each facility's own zone) at one facility, or at
    /// every facility where the doctor works when none is named.
    public func available(doctorID: UUID, facilityID: UUID?, on day: CalendarDay, in context: RequestContext,
                          now: Date = Date()) async throws -> [FacilitySlot] {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let roster = StaffRoster(scope: scope)
        _ = try await roster.requireDoctor(doctorID)
        let facilities: [Facility]
        if let facilityID {
            let facility = try await scope.require(Facility.self, facilityID, name: "Facility")
            try await guardian.authorize(principal, .slotRead, onAnyOf: [.facility(facilityID), .account(doctorID)],
                                         origin: origin, db: scope.db)
            guard try await roster.isDoctor(doctorID, at: facilityID) else {
                throw AppError.invalid("facility_id", "is not a facility where this doctor works")
            }
            facilities = [facility]
        } else {
            let ids = try await scope.query(RoleAssignment.self).filter(\.$userID == doctorID).filter(\.$role == .doctor).all()
                .compactMap(\.facilityID)
            try await guardian.authorize(principal, .slotRead, onAnyOf: ids.map { .facility($0) } + [.account(doctorID)],
                                         origin: origin, db: scope.db)
            let reachable = ids.filter {
                AccessDecision.isAllowed(principal, .slotRead, on: .facility($0))
                    || AccessDecision.isAllowed(principal, .slotRead, on: .account(doctorID))
            }
            facilities = try await scope.query(Facility.self).filter(\.$id ~~ reachable).sort(\.$code).all()
        }
        var result: [FacilitySlot] = []
        for facility in facilities {
            let zone = StaffRoster.timeZone(of: facility)
            for slot in try await slots(doctorID: doctorID, at: facility, on: day, in: scope, now: now) {
                result.append(FacilitySlot(facilityID: facility.id!, timeZone: zone, slot: slot))
            }
        }
        return result.sorted { ($0.slot.start, $0.facilityID.uuidString) < ($1.slot.start, $1.facilityID.uuidString) }
    }

    /// The slots of the doctor's schedule at the facility on `day` that have not started by
    /// `now` and fall in no exception; with `includingBooked: false` (the default) also
    /// without those a live appointment of the doctor overlaps.
    func slots(doctorID: UUID, at facility: Facility, on day: CalendarDay, in scope: TenantScope, now: Date,
               includingBooked: Bool = false) async throws -> [Slot] {
        let windows = try await scope.query(DoctorAvailability.self)
            .filter(\.$doctorID == doctorID).filter(\.$facilityID == facility.id!).filter(\.$weekday == day.isoWeekday)
            .all().map(\.window)
        if windows.isEmpty { return [] }
        let zone = StaffRoster.timeZone(of: facility)
        let span = day.interval(in: zone)
        var blocked = try await scope.query(AvailabilityException.self)
            .filter(\.$doctorID == doctorID).filter(\.$startsAt < span.end).filter(\.$endsAt > span.start)
            .all().filter { $0.facilityID == nil || $0.facilityID == facility.id }.map(\.interval)
        if !includingBooked {
            blocked += try await liveAppointments(of: doctorID, overlapping: span, in: scope).map(\.interval)
        }
        return SlotCalculator.slots(on: day, in: zone, windows: windows, blocked: blocked, notBefore: now)
    }

    func liveAppointments(of doctorID: UUID, overlapping span: DateInterval, in scope: TenantScope) async throws -> [Appointment] {
        try await scope.query(Appointment.self)
            .filter(\.$doctorID == doctorID).filter(\.$status ~~ Appointment.Status.live)
            .filter(\.$startsAt < span.end).filter(\.$endsAt > span.start).all()
    }
}

/// A free slot at a facility, with the zone its wall-clock time is read in.
public struct FacilitySlot: Sendable {
    public let facilityID: UUID
    public let timeZone: TimeZone
    public let slot: Slot
}
