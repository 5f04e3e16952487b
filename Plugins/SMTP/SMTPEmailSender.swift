import CareFlowCore
import Foundation

/// Email through the tenant's SMTP server with libcurl (adapter `smtp`). One connection per
/// message: CareFlow sends reminders and notices, not bulk mail, and a fresh session never
/// inherits a half-failed one's state.
struct SMTPEmailSender: EmailSender {
    let server: SMTPServer
    let from: String
    let timeouts: IntegrationTimeouts
    let now: @Sendable () -> Date

    func send(_ email: OutgoingEmail, idempotencyKey: String) async throws -> DeliveryReceipt {
        let message: SMTPMessage
        do {
            message = try SMTPMessage(email, from: from, idempotencyKey: idempotencyKey, date: now())
        } catch {
            throw IntegrationError(.permanent, provider: SMTPFailure.provider, message: error.reason)
        }
        let result = try await CurlSMTPTransfer.run(SMTPSubmission(
            url: server.url, requireTLS: server.starttls, caFile: server.caFile, username: server.username,
            password: server.password, envelopeFrom: message.from, envelopeTo: message.to, message: Array(message.text.utf8),
            timeouts: timeouts))
        guard result.succeeded else { throw SMTPFailure.error(result, server: server.name) }
        return DeliveryReceipt(provider: SMTPFailure.provider, providerMessageID: message.messageID, status: "accepted")
    }
}
