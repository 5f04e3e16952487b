import CareFlowCore

/// `PATCH /api/v1/me`: `{display_name?, phone?, locale?, notification_channels?}`; a field left
/// out stays, `null` clears it.
struct ProfileUpdateBody: RequestBody {
    let changes: ProfileChanges

    init?(fields: inout FieldReader) {
        var changes = ProfileChanges()
        if fields.has("display_name") { changes.displayName = .some(fields.string("display_name", required: false, maxLength: 100)) }
        if fields.has("phone") {
            changes.phone = .some(fields.string("phone", required: false, maxLength: 16, pattern: ProfileChanges.phonePattern,
                                                patternHint: "must be an E.164 number such as +250788123456"))
        }
        if fields.has("locale") {
            changes.locale = .some(fields.string("locale", required: false, maxLength: 35, pattern: ProfileChanges.localePattern,
                                                 patternHint: "must be a language tag such as en or fr-RW"))
        }
        changes.notificationChannels = fields.enumerationArray("notification_channels", NotificationChannel.self, required: false,
                                                               allowEmpty: true)
        guard fields.errors.isEmpty else { return nil }
        self.changes = changes
    }
}

/// `POST /api/v1/me/password`: `{current_password, new_password}`.
struct PasswordChangeBody: RequestBody {
    let currentPassword: String
    let newPassword: String

    init?(fields: inout FieldReader) {
        let current = fields.secret("current_password", maxLength: 1024)
        let new = fields.secret("new_password", maxLength: 1024)
        guard let current, let new else { return nil }
        (currentPassword, newPassword) = (current, new)
    }
}

/// `{code}`: a current TOTP (or recovery) code confirming an MFA change.
struct CodeBody: RequestBody {
    let code: String

    init?(fields: inout FieldReader) {
        guard let code = fields.string("code", maxLength: 16) else { return nil }
        self.code = code
    }
}
