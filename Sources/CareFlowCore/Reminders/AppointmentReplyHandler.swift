import FluentKit
import Foundation
import SQLKit

/// SMS `YES` (or `C`) confirms, `NO` cancels, the next appointment of the patients with the
/// sender's phone number (issue 13, PRODUCT §5); the reply says which. Cancelling frees the slot
/// (only live appointments hold one). Both are audited like the same change at the desk
/// (`appointment.confirmed` / `appointment.cancelled`), with `via: sms`, the patient's account
/// as actor when they have one.
public struct AppointmentReplyHandler: InboundSMSHandler {
    let audit: AuditLog
    let clock: any WallClock
    /// The tenant file of a slug (for the zone the reply's time is written in).
    let configuration: @Sendable (String) -> TenantConfiguration?

    public init(audit: AuditLog, clock: any WallClock = SystemWallClock(),
                configuration: @escaping @Sendable (String) -> TenantConfiguration?) {
        self.audit = audit
        self.clock = clock
        self.configuration = configuration
    }

    public func handle(_ sms: InboundSMS, in scope: TenantScope) async throws -> String? {
        let change: AppointmentChange
        switch sms.reply {
        case .confirm: change = .confirm
        case .decline: change = .cancel
        default: return nil
        }
        let now = clock.now()
        let patients = try await scope.query(Patient.self).filter(\.$phoneIndex == sms.fromPhoneIndex).filter(\.$deletedAt == nil).all()
        guard !patients.isEmpty else { return "We could not find a patient with this phone number." }
        // Confirming needs a booked appointment; cancelling takes a confirmed one too.
        guard let appointment = try await scope.query(Appointment.self)
            .filter(\.$patientID ~~ patients.compactMap(\.id))
            .filter(\.$status ~~ Array(change.sources))
            .filter(\.$startsAt > now)
            .sort(\.$startsAt).first()
        else { return change == .confirm ? "You have no appointment waiting for confirmation." : "You have no upcoming appointment to cancel." }
        let from = appointment.status
        let to = try change.apply(to: from, startsAt: appointment.startsAt, now: now)
        guard let sql = scope.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        // Conditional on the status read, as at the desk: a concurrent change wins and this reply says so.
        let changed = try await sql.raw("""
            UPDATE \(ident: Appointment.schema) SET status = \(bind: to.rawValue), updated_at = \(bind: now)
            WHERE id = \(bind: appointment.id!) AND tenant_id = \(bind: scope.tenantID) AND status = \(bind: from.rawValue) RETURNING id
            """).all()
        guard changed.count == 1 else { return "Your appointment changed meanwhile; please call the clinic." }
        let patient = patients.first { $0.id == appointment.patientID }
        try await audit.append(
            AuditRecord(tenantID: scope.tenantID, facilityID: appointment.facilityID,
                        actor: patient?.userID.map { .user($0) } ?? .anonymous, action: to.auditAction, targetType: "appointment",
                        targetID: appointment.id!.lowercasedString,
                        details: ["from": from.rawValue, "to": to.rawValue, "via": "sms"]),
            origin: sms.origin, on: scope.db)
        let facility = try await scope.find(Facility.self, appointment.facilityID)
        // Read on the transaction's connection: on SQLite the webhook's transaction holds it.
        let slug = try await Tenant.find(scope.tenantID, on: scope.db)?.slug
        let zone = slug.flatMap(configuration)?.zone ?? TimeZone(identifier: "UTC")!
        let when = ReminderText.localDateTime(appointment.startsAt, in: facility.map { StaffRoster.timeZone(of: $0) } ?? zone)
        let place = facility?.name ?? "the clinic"
        return change == .confirm
            ? "Thank you: your appointment at \(place) on \(when) is confirmed."
            : "Your appointment at \(place) on \(when) is cancelled."
    }
}
