import CareFlowCore
import Foundation

/// The `console` adapter for email: appends each message as one JSON line to
/// `$CAREFLOW_DATA_DIR/console/<tenant-slug>.jsonl` instead of sending it. The default for
/// development and demos (PRODUCT §2).
public struct ConsoleEmailSender: EmailSender {
    let journal: ConsoleJournal

    public init(journal: ConsoleJournal) {
        self.journal = journal
    }

    public func send(_ email: OutgoingEmail, idempotencyKey: String) async throws -> DeliveryReceipt {
        var details: [String: JSONValue] = [:]
        if let html = email.html { details["html"] = .string(html) }
        if let template = email.templateID { details["template_id"] = .string(template) }
        if !email.templateData.isEmpty { details["template_data"] = .object(email.templateData) }
        try await journal.append(capability: "email", to: email.to, subject: email.subject, body: email.body,
                                 idempotencyKey: idempotencyKey, details: details)
        return .console(idempotencyKey)
    }
}

extension DeliveryReceipt {
    /// The console's message id is derived from the outbox row, so a resend names the same message.
    static func console(_ idempotencyKey: String) -> DeliveryReceipt {
        DeliveryReceipt(provider: "console", providerMessageID: "console-\(idempotencyKey)", status: "recorded")
    }
}
