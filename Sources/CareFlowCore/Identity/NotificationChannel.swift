/// A way the account holder accepts to be notified (their own choice, `PATCH /api/v1/me`).
public enum NotificationChannel: String, CaseIterable, Sendable, Codable, Hashable {
    case sms, email, push
}
