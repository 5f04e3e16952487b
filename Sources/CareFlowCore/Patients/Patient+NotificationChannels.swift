import Foundation

/// The channels a patient's reminders go by (issue 13): their own choice, or SMS when a phone
/// is known and nothing was chosen. An empty choice means no reminders at all.
extension Patient {
    /// What the patient chose; nil when they never chose.
    public var chosenChannels: [NotificationChannel]? {
        notificationChannels.map { stored in
            stored.split(separator: ",").compactMap { NotificationChannel(rawValue: String($0)) }
        }
    }

    public func reminderChannels(hasPhone: Bool) -> [NotificationChannel] {
        chosenChannels ?? (hasPhone ? [.sms] : [])
    }

    /// The column's form: the channels in their declared order, comma-separated, no duplicates.
    static func storedChannels(_ channels: [NotificationChannel]) -> String {
        NotificationChannel.allCases.filter(channels.contains).map(\.rawValue).joined(separator: ",")
    }
}
