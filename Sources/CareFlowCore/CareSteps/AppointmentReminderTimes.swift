import Foundation

/// When a booked appointment is reminded (issue 13): `offsets` before its start (default 24 h and
/// 2 h, per tenant). A reminder is keyed by the appointment's start, so a rescheduled
/// appointment's old reminders no longer match anything and are never sent.
public struct AppointmentReminderTimes: Sendable, Equatable {
    public static let standardOffsets: [Duration] = [.seconds(24 * 3600), .seconds(2 * 3600)]

    public let offsets: [Duration]

    public init(offsets: [Duration] = Self.standardOffsets) {
        self.offsets = offsets.sorted(by: >)
    }

    /// One reminder of one appointment at one start time.
    public struct Key: Sendable, Hashable {
        public let appointmentID: UUID
        public let start: Date
        public let offsetSeconds: Int64
    }

    /// The reminder to send at `now`: the closest offset whose time has come and that was not
    /// sent yet. A worker that was down sends only the latest due one (not the 24 h one two hours
    /// before the visit), and nothing once the appointment has started or was booked inside it.
    public func due(appointmentID: UUID, start: Date, bookedAt: Date, now: Date, sent: Set<Key>) -> Key? {
        guard now < start else { return nil }
        let keys = offsets.map { Key(appointmentID: appointmentID, start: start, offsetSeconds: $0.components.seconds) }
        let dueKeys = keys.filter { key in
            let at = start.addingTimeInterval(-TimeInterval(key.offsetSeconds))
            return at <= now && at >= bookedAt
        }
        guard let latest = dueKeys.last, !sent.contains(latest) else { return nil }
        return latest
    }
}
