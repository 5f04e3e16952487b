import AdapterHTTP
import CareFlowCore

/// SendGrid v3 mail send. SendGrid has no idempotency key; the outbox row id travels as
/// `custom_args.outbox_id` and comes back on every event of the message.
struct SendGridEmailSender: EmailSender {
    let client: ProviderClient
    let apiKey: ResolvedSecret
    let from: String

    func send(_ email: OutgoingEmail, idempotencyKey: String) async throws -> DeliveryReceipt {
        let response = try await client.send(.POST, "/v3/mail/send", headers: [ProviderClient.bearer(apiKey)],
                                             body: try .json(SendGridMail(email, from: from, outboxID: idempotencyKey)))
        guard response.isSuccess else { throw Self.error(from: response) }
        return DeliveryReceipt(provider: "sendgrid", providerMessageID: response.headers.first(name: "X-Message-Id"),
                               status: "accepted")
    }

    static func error(from response: ProviderResponse) -> IntegrationError {
        let errors = response.decodeError(SendGridErrorBody.self)?.errors ?? []
        let message = errors.map { error in
            [error.field.map { "\($0): " }, error.message].compactMap { $0 }.joined()
        }.joined(separator: "; ")
        return response.error(provider: "sendgrid", code: errors.first?.field, message: message)
    }
}

/// The mail-send JSON. Plain text comes before HTML (SendGrid requires that order); with a
/// dynamic template there is no content, the template renders from `dynamic_template_data`.
struct SendGridMail: Encodable {
    struct Address: Encodable {
        let email: String
        let name: String?
    }
    struct Personalization: Encodable {
        let to: [Address]
        let dynamic_template_data: [String: JSONValue]?
    }
    struct Content: Encodable {
        let type: String
        let value: String
    }

    let personalizations: [Personalization]
    let from: Address
    let subject: String
    let content: [Content]?
    let template_id: String?
    let custom_args: [String: String]

    init(_ email: OutgoingEmail, from: String, outboxID: String) {
        let templated = email.templateID != nil
        personalizations = [Personalization(to: [Address(email: email.to, name: email.toName)],
                                            dynamic_template_data: templated && !email.templateData.isEmpty ? email.templateData : nil)]
        self.from = Address(email: from, name: nil)
        subject = email.subject
        content = templated ? nil : [Content(type: "text/plain", value: email.body)]
            + (email.html.map { [Content(type: "text/html", value: $0)] } ?? [])
        template_id = email.templateID
        custom_args = ["outbox_id": outboxID]
    }
}

struct SendGridErrorBody: Decodable {
    struct Detail: Decodable {
        let message: String?
        let field: String?
    }
    let errors: [Detail]
}
