import FluentKit
import Foundation
import SQLKit

/// What a booking asks for.
public struct BookingRequest: Sendable {
    public var patientID: UUID
    public var doctorID: UUID
    public var facilityID: UUID
    public var startsAt: Date
    public var reason: String?

    public init(patientID: UUID, doctorID: UUID, facilityID: UUID, startsAt: Date, reason: String?) {
        self.patientID = patientID
        self.doctorID = doctorID
        self.facilityID = facilityID
        self.startsAt = startsAt
        self.reason = reason
    }
}

/// An appointment as one caller may see it: the reason is clinical content, opened only for
/// those `patient.read_clinical` allows (the appointment's doctor, nurses of its facility, the
/// patient).
public struct VisibleAppointment: Sendable {
    public let appointment: Appointment
    public let showsReason: Bool
    /// The opened reason; nil when there is none or when `showsReason` is false.
    public let reason: String?
}

/// Booking, the status machine and reading of appointments. Double-booking is refused by the
/// database (a partial unique index over doctor and start of live appointments); the checks
/// here only give the common case a precise answer.
public struct AppointmentService: Sendable {
    let guardian: AccessGuard
    let audit: AuditLog
    let keyring: Keyring
    let slots: SlotService
    let patientAccess: PatientAccess

    public init(guardian: AccessGuard, audit: AuditLog, keyring: Keyring, slots: SlotService, patientAccess: PatientAccess) {
        self.guardian = guardian
        self.audit = audit
        self.keyring = keyring
        self.slots = slots
        self.patientAccess = patientAccess
    }

    /// Books a free slot of the doctor's schedule.
    public func book(_ request: BookingRequest, in context: RequestContext,
                     now: Date = Date()) async throws -> VisibleAppointment {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let facility = try await scope.require(Facility.self, request.facilityID, name: "Facility")
        let roster = StaffRoster(scope: scope)
        _ = try await roster.requireDoctor(request.doctorID)
        let (patient, context) = try await patientAccess.context(of: request.patientID, in: scope)
        try await guardian.authorize(
            principal, .appointmentBook,
            onAnyOf: Self.targets(facilityID: facility.id!, doctorID: request.doctorID, patientID: patient.id!, patientUserID: patient.userID),
            origin: origin, db: scope.db)
        // An appointment puts its doctor on the patient's care team, so booking must not be a
        // way in: the booker must already be allowed to read this patient (a doctor booking
        // with themself for a stranger is refused; reception or the patient books for them).
        try await guardian.authorize(principal, .patientRead, on: .patient(context), origin: origin, db: scope.db)
        guard try await roster.isDoctor(request.doctorID, at: facility.id!) else {
            throw AppError.invalid("doctor_id", "is not a doctor at this facility")
        }
        let day = CalendarDay(containing: request.startsAt, in: StaffRoster.timeZone(of: facility))
        let scheduled = try await slots.slots(doctorID: request.doctorID, at: facility, on: day, in: scope, now: now, includingBooked: true)
        guard let slot = scheduled.first(where: { $0.start == request.startsAt }) else {
            throw AppError.invalid("starts_at", request.startsAt < now ? "is in the past" : "is not a slot of this doctor's schedule at this facility")
        }
        let taken = try await slots.liveAppointments(of: request.doctorID, overlapping: DateInterval(start: slot.start, end: slot.end), in: scope)
        if !taken.isEmpty { throw Self.slotTaken }

        // The reason is the patient's: sealed under their own key.
        let cipher = try await keyring.cipher(forPatient: patient.id!, tenantID: scope.tenantID, on: scope.db)
        let appointment = Appointment(
            tenantID: scope.tenantID, facilityID: facility.id!, doctorID: request.doctorID, patientID: patient.id!,
            startsAt: slot.start, endsAt: slot.end, reasonSealed: try request.reason.map { try cipher.seal($0) },
            bookedBy: principal.subjectID)
        let patientID = patient.id!
        do {
            try await scope.auditedWrite(by: audit, origin: origin) { scope in
                // One statement: the partial unique index decides between concurrent bookings.
                try await scope.create(appointment)
                return AuditRecord(tenantID: scope.tenantID, facilityID: facility.id, actor: principal.auditActor, action: .appointmentBook,
                                   targetType: "appointment", targetID: appointment.id!.lowercasedString,
                                   details: ["patient_id": patientID.lowercasedString, "doctor_id": request.doctorID.lowercasedString])
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another request took the slot between our check and our insert.
            throw Self.slotTaken
        }
        let shows = Self.showsReason(appointment, patientUserID: patient.userID, to: principal)
        return VisibleAppointment(appointment: appointment, showsReason: shows, reason: shows ? request.reason : nil)
    }

    public func read(_ appointmentID: UUID, in context: RequestContext) async throws -> VisibleAppointment {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let appointment = try await scope.require(Appointment.self, appointmentID, name: "Appointment")
        let patientUserID = try await scope.find(Patient.self, appointment.patientID)?.userID
        try await guardian.authorize(principal, .appointmentRead, onAnyOf: Self.targets(appointment, patientUserID: patientUserID),
                                     origin: origin, db: scope.db)
        let visible = try await open(appointment, patientUserID: patientUserID, for: principal, in: scope)
        try await BusyRetry.run {
            try await patientAccess.recordRead(principal, patientID: appointment.patientID,
                                               what: visible.showsReason ? "appointment_with_reason" : "appointment",
                                               facilityID: appointment.facilityID, origin: origin, on: scope.db)
        }
        return visible
    }

    /// Moves the appointment through the status machine (`AppointmentChange`); an invalid
    /// transition, also one lost to a concurrent change, is a 409.
    public func apply(_ change: AppointmentChange, to appointmentID: UUID, in context: RequestContext,
                      now: Date = Date()) async throws -> VisibleAppointment {
        let (scope, principal, origin) = (context.scope, context.principal, context.origin)
        let appointment = try await scope.require(Appointment.self, appointmentID, name: "Appointment")
        let patientUserID = try await scope.find(Patient.self, appointment.patientID)?.userID
        try await guardian.authorize(principal, change.action, onAnyOf: Self.targets(appointment, patientUserID: patientUserID),
                                     origin: origin, db: scope.db)
        let from = appointment.status
        let to = try change.apply(to: from, startsAt: appointment.startsAt, now: now)
        let event = AuditRecord(tenantID: scope.tenantID, facilityID: appointment.facilityID, actor: principal.auditActor,
                                action: change.target.auditAction, targetType: "appointment",
                                targetID: appointmentID.lowercasedString, details: ["from": from.rawValue, "to": to.rawValue])
        let changed = try await scope.auditedEach(by: audit, origin: origin) { scope -> (Bool, [AuditRecord]) in
            guard let sql = scope.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
            // One statement, conditional on the status we read: two concurrent changes cannot both succeed.
            let changed = try await sql.raw("""
                UPDATE \(ident: Appointment.schema) SET status = \(bind: to.rawValue), updated_at = \(bind: now)
                WHERE id = \(bind: appointmentID) AND status = \(bind: from.rawValue) RETURNING id
                """).all()
            // Nothing changed, nothing to audit: the transaction commits empty.
            return changed.count == 1 ? (true, [event]) : (false, [])
        }
        guard changed else {
            let current = try await scope.require(Appointment.self, appointmentID, name: "Appointment")
            throw AppError.conflict("The appointment changed meanwhile and is now \(current.status.rawValue)")
        }
        appointment.status = to
        appointment.updatedAt = now
        return try await open(appointment, patientUserID: patientUserID, for: principal, in: scope)
    }

    // MARK: - Shared rules

    static let slotTaken = AppError.conflict("The doctor already has an appointment at this time")

    /// A scheduling resource belongs to its facility, its doctor and its patient at once.
    static func targets(facilityID: UUID, doctorID: UUID, patientID: UUID, patientUserID: UUID?) -> [AccessTarget] {
        [.facility(facilityID), .account(doctorID), .patient(.identity(of: patientID, userID: patientUserID))]
    }

    static func targets(_ appointment: Appointment, patientUserID: UUID?) -> [AccessTarget] {
        targets(facilityID: appointment.facilityID, doctorID: appointment.doctorID, patientID: appointment.patientID,
                patientUserID: patientUserID)
    }

    /// The reason is clinical: shown to whom `patient.read_clinical` allows on what this
    /// appointment establishes (its doctor, its facility, the patient's own account).
    static func showsReason(_ appointment: Appointment, patientUserID: UUID?, to principal: Principal) -> Bool {
        let context = PatientContext(patientID: appointment.patientID, userID: patientUserID, homeFacilityID: nil,
                                     doctorIDs: [appointment.doctorID], visitFacilityIDs: [appointment.facilityID])
        return AccessDecision.isAllowed(principal, .patientReadClinical, on: .patient(context))
    }

    func open(_ appointment: Appointment, patientUserID: UUID?, for principal: Principal, in scope: TenantScope) async throws -> VisibleAppointment {
        let shows = Self.showsReason(appointment, patientUserID: patientUserID, to: principal)
        guard shows, let sealed = appointment.reasonSealed else {
            return VisibleAppointment(appointment: appointment, showsReason: shows, reason: nil)
        }
        let ciphers = try await keyring.openingCiphers(forPatients: [appointment.patientID], tenantID: scope.tenantID, on: scope.db)
        // An erased patient's reason was shredded with their key.
        if ciphers.erased.contains(appointment.patientID) {
            return VisibleAppointment(appointment: appointment, showsReason: true, reason: nil)
        }
        let reason: String = try ciphers[appointment.patientID].open(sealed)
        return VisibleAppointment(appointment: appointment, showsReason: true, reason: reason)
    }
}
