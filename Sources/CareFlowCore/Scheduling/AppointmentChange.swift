import Foundation

/// What staff or the patient do to an appointment, and the status machine behind it:
///
/// - confirm: booked → confirmed (the check-in)
/// - complete: confirmed → completed, once the appointment has started
/// - no-show: booked or confirmed → no_show, once the appointment has started (a patient who
///   never came was often never confirmed either)
/// - cancel: booked or confirmed → cancelled, which frees the slot
///
/// Completed, cancelled and no-show appointments never change again.
public enum AppointmentChange: String, Sendable, CaseIterable {
    case confirm
    case complete
    case cancel
    case noShow = "no-show"

    public var target: Appointment.Status {
        switch self {
        case .confirm: .confirmed
        case .complete: .completed
        case .cancel: .cancelled
        case .noShow: .noShow
        }
    }

    public var sources: Set<Appointment.Status> {
        switch self {
        case .confirm: [.booked]
        case .complete: [.confirmed]
        case .cancel, .noShow: [.booked, .confirmed]
        }
    }

    /// The policy-table action that allows it.
    public var action: Action {
        self == .cancel ? .appointmentCancel : .appointmentManage
    }

    /// The status after this change, or a 409 naming why it cannot happen.
    public func apply(to status: Appointment.Status, startsAt: Date, now: Date) throws(AppError) -> Appointment.Status {
        guard sources.contains(status) else {
            throw .conflict("A \(status.rawValue.replacingOccurrences(of: "_", with: "-")) appointment cannot be \(done)")
        }
        if (self == .complete || self == .noShow) && now < startsAt {
            throw .conflict("An appointment cannot be \(done) before it starts")
        }
        return target
    }

    private var done: String {
        switch self {
        case .confirm: "confirmed"
        case .complete: "completed"
        case .cancel: "cancelled"
        case .noShow: "marked as no-show"
        }
    }
}

extension Appointment.Status {
    /// The audit name of a change into this status: `appointment.confirmed`, `.completed`,
    /// `.cancelled`, `.no_show` (booking is `appointment.book`).
    var auditAction: AuditAction {
        switch self {
        case .booked: .appointmentBook
        case .confirmed: .appointmentConfirmed
        case .completed: .appointmentCompleted
        case .cancelled: .appointmentCancelled
        case .noShow: .appointmentNoShow
        }
    }
}
