import FluentKit
import Foundation

/// One reminder's text in each channel's shape.
struct ReminderContent: Sendable {
    var sms: String
    var emailSubject: String
    var emailBody: String
    var pushTitle: String
    /// Non-identifying data for the app (kind and id of what is reminded).
    var pushData: [String: String]
}

/// Turns a reminder into outbox payloads by the patient's channels: SMS to their phone, email to
/// their address, push to every live device of their account. A channel without an address is
/// left out (a patient without a phone chose SMS): the others still go.
struct ReminderMessages: Sendable {
    let keyring: Keyring

    func payloads(_ content: ReminderContent, to patient: Patient, in scope: TenantScope) async throws -> [OutboxPayload] {
        let cipher = try await keyring.cipher(forTenant: scope.tenantID, on: scope.db)
        // The address is the patient's (their key); device tokens are the account's (the tenant's).
        let patientCipher = try await keyring.openingCiphers(forPatients: [patient.id!], tenantID: scope.tenantID, on: scope.db)[patient.id!]
        let phone: String? = try patientCipher.open(patient.phoneSealed)
        var payloads: [OutboxPayload] = []
        for channel in patient.reminderChannels(hasPhone: phone != nil) {
            switch channel {
            case .sms:
                if let phone { payloads.append(.sms(OutgoingSMS(to: phone, body: content.sms))) }
            case .email:
                if let email: String = try patientCipher.open(patient.emailSealed) {
                    payloads.append(.email(OutgoingEmail(to: email, subject: content.emailSubject, body: content.emailBody)))
                }
            case .push:
                guard let userID = patient.userID else { continue }
                let devices = try await scope.query(Device.self).filter(\.$userID == userID).filter(\.$deadAt == nil).all()
                for device in devices {
                    payloads.append(.push(PushMessage(deviceToken: try cipher.open(device.tokenSealed), title: content.pushTitle,
                                                      body: content.sms, data: content.pushData)))
                }
            }
        }
        return payloads
    }
}

/// Local date and time for a reminder's text: "2026-03-29 10:00", the same in every locale.
enum ReminderText {
    static func localDateTime(_ instant: Date, in zone: TimeZone) -> String {
        "\(CalendarDay(containing: instant, in: zone)) \(CalendarDay.wallClock(instant, in: zone))"
    }
}
