import Foundation

/// The account holder's own settings, opened (`GET /api/v1/me`).
public struct AccountProfile: Sendable {
    public let email: String
    public let displayName: String?
    public let phone: String?
    public let locale: String?
    /// Nil until the person chooses.
    public let notificationChannels: [NotificationChannel]?
}

/// A partial update of the own profile: a nil member is unchanged, `.some(nil)` clears it.
public struct ProfileChanges: Sendable {
    public var displayName: String??
    public var phone: String??
    public var locale: String??
    public var notificationChannels: [NotificationChannel]?

    public init(displayName: String?? = nil, phone: String?? = nil, locale: String?? = nil,
                notificationChannels: [NotificationChannel]? = nil) {
        self.displayName = displayName
        self.phone = phone
        self.locale = locale
        self.notificationChannels = notificationChannels
    }

    /// The names of the fields this change touches (for the audit trail; never the values).
    var fieldNames: [String] {
        [displayName.map { _ in "display_name" }, phone.map { _ in "phone" }, locale.map { _ in "locale" },
         notificationChannels.map { _ in "notification_channels" }].compactMap { $0 }
    }

    /// E.164, as for patients.
    public static let phonePattern = #"^\+[1-9][0-9]{6,14}$"#
    /// A BCP 47 language tag of the common shapes: `en`, `fr-RW`, `zh-Hant-TW`, `es-419`.
    public static let localePattern = #"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"#
}
