import Foundation

/// A tenant's reminder settings (tenant file `reminders:`): when no reminder may be sent, and
/// how long before an appointment it is reminded. Both have defaults, so a tenant file without
/// the section (every demo tenant) reminds 24 h and 2 h ahead, never between 21:00 and 07:00.
public struct ReminderSettings: Sendable, Equatable {
    public var quietHours: QuietHours
    /// Before an appointment's start, longest first.
    public var appointmentOffsets: [Duration]

    public init(quietHours: QuietHours = .standard, appointmentOffsets: [Duration] = AppointmentReminderTimes.standardOffsets) {
        self.quietHours = quietHours
        self.appointmentOffsets = appointmentOffsets.sorted(by: >)
    }

    public static let standard = ReminderSettings()

    /// "24h", "90m", "2h30m": whole minutes, 1 minute to 30 days.
    public static func offset(parsing text: String) -> Duration? {
        guard let match = text.wholeMatch(of: /(?:(\d{1,3})h)?(?:(\d{1,5})m)?/), match.output.1 != nil || match.output.2 != nil,
              let hours = Int(match.output.1 ?? "0"), let minutes = Int(match.output.2 ?? "0") else { return nil }
        let total = hours * 60 + minutes
        guard (1...30 * 24 * 60).contains(total) else { return nil }
        return .seconds(total * 60)
    }

    /// The tenant-file form of an offset: "24h", "90m" written as "1h30m".
    public static func text(of offset: Duration) -> String {
        let minutes = Int(offset.components.seconds / 60)
        let (h, m) = (minutes / 60, minutes % 60)
        return (h > 0 ? "\(h)h" : "") + (m > 0 || h == 0 ? "\(m)m" : "")
    }
}

extension TenantConfiguration {
    /// The tenant's zone (UTC if the file's identifier is unknown to this system, which the
    /// loader already refuses).
    public var zone: TimeZone { TimeZone(identifier: timezone) ?? TimeZone(identifier: "UTC")! }
}
