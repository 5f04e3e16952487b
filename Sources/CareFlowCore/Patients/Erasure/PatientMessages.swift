import FluentKit
import Foundation

/// The outbox messages about a patient being erased.
///
/// A message is rendered when queued (an SMS reminder carries the patient's number and the
/// appointment's text) and sealed under the tenant's key, so shredding the patient's key does not
/// reach it. Those not yet sent are withdrawn (an erased patient must not be texted afterwards);
/// those sent keep their row (provider id, delivery status, for the provider's callbacks and the
/// tenant's records) with recipient and text blanked. A message is the patient's when it goes to
/// one of their addresses: the patient's phone or email, their account's email or phone, a
/// device of their account; or when it is a job about them (care-step extraction).
struct PatientMessages: Sendable {
    static let erasedRecipient = "(erased)"
    static let page = 500

    /// The patient's addresses, read before their key is destroyed.
    struct Addresses: Sendable {
        let patientID: UUID
        var phones: Set<String> = []
        /// Lower-cased.
        var emails: Set<String> = []
        var deviceTokens: Set<String> = []

        func owns(_ payload: OutboxPayload) -> Bool {
            switch payload {
            case .sms(let sms): phones.contains(sms.to)
            case .email(let email): emails.contains(email.to.lowercased())
            case .push(let push): deviceTokens.contains(push.deviceToken)
            case .extractSteps(_, let patientID): patientID == self.patientID
            }
        }
    }

    struct Outcome: Sendable, Equatable {
        var withdrawn = 0
        var blanked = 0
    }

    static func addresses(of patient: Patient, opening patientCipher: FieldCipher, tenantCipher: FieldCipher,
                          in scope: TenantScope) async throws -> Addresses {
        var addresses = Addresses(patientID: try patient.requireID())
        if let phone: String = try patientCipher.open(patient.phoneSealed) { addresses.phones.insert(phone) }
        if let email: String = try patientCipher.open(patient.emailSealed) { addresses.emails.insert(email.lowercased()) }
        if let userID = patient.userID, let user = try await scope.find(User.self, userID) {
            // The account is the tenant's (its key), as are its devices.
            addresses.emails.insert((try tenantCipher.open(user.emailSealed) as String).lowercased())
            if let phone: String = try tenantCipher.open(user.phoneSealed) { addresses.phones.insert(phone) }
            for device in try await scope.query(Device.self).filter(\.$userID == userID).all() {
                addresses.deviceTokens.insert(try tenantCipher.open(device.tokenSealed))
            }
        }
        return addresses
    }

    /// Withdraws or blanks every message of the tenant that is the patient's, a page at a time
    /// (each message opened once; sent messages stay, so this reads the tenant's whole outbox).
    static func withdraw(_ addresses: Addresses, tenantCipher: FieldCipher, in scope: TenantScope) async throws -> Outcome {
        var outcome = Outcome()
        var after: UUID?
        while true {
            var query = scope.query(OutboxMessage.self).sort(\.$id).limit(page)
            if let after { query = query.filter(\.$id > after) }
            let messages = try await query.all()
            guard let last = messages.last else { return outcome }
            after = try last.requireID()
            for message in messages {
                // A payload that does not open (sealed under a retired key) is not the patient's to judge.
                guard let payload = try? tenantCipher.open(message.payloadSealed) as OutboxPayload, addresses.owns(payload) else { continue }
                if message.status == .sent {
                    message.payloadSealed = try tenantCipher.seal(blanked(payload))
                    try await scope.update(message)
                    outcome.blanked += 1
                } else {
                    // Still to send (or dead, which an admin could requeue): gone. A worker holding
                    // it right now may still hand it to the provider; its later update finds no row.
                    try await scope.query(OutboxMessage.self).filter(\.$id == message.requireID()).delete()
                    outcome.withdrawn += 1
                }
            }
        }
    }

    /// The same kind of message, to nobody, saying nothing.
    static func blanked(_ payload: OutboxPayload) -> OutboxPayload {
        switch payload {
        case .sms(var sms):
            sms.to = erasedRecipient
            sms.body = ""
            return .sms(sms)
        case .email(var email):
            email.to = erasedRecipient
            email.toName = nil
            email.subject = ""
            email.body = ""
            email.html = nil
            email.templateID = nil
            email.templateData = [:]
            return .email(email)
        case .push(var push):
            push.deviceToken = erasedRecipient
            push.title = ""
            push.body = ""
            push.data = [:]
            return .push(push)
        case .extractSteps:
            return payload
        }
    }
}
