import AdapterHTTP
import CareFlowCore

/// Twilio's Messages API. Twilio has no idempotency key for sends: the outbox's claim is what
/// keeps a message from going twice.
struct TwilioSMSSender: SMSSender {
    let client: ProviderClient
    let accountSID: String
    let authToken: ResolvedSecret
    let from: String

    /// Error codes meaning this number will not receive from us: invalid 'To' (21211), not a
    /// mobile number (21614), opted out with STOP (21610), unreachable/blocked destination (21612).
    static let deadRecipientCodes: Set<Int> = [21211, 21610, 21612, 21614]

    func send(_ sms: OutgoingSMS, idempotencyKey: String) async throws -> DeliveryReceipt {
        var form: [(String, FormURLEncoder.Value)] = [("To", .text(sms.to)), ("From", .text(from)), ("Body", .text(sms.body))]
        if let callback = sms.statusCallbackURL { form.append(("StatusCallback", .text(callback))) }
        let response = try await client.send(
            .POST, "/2010-04-01/Accounts/\(ProviderClient.pathSegment(accountSID))/Messages.json",
            headers: [ProviderClient.basic(user: accountSID, password: authToken)], body: .form(form))
        guard response.isSuccess else { throw Self.error(from: response) }
        let message = try response.decode(TwilioMessage.self, provider: "twilio")
        return DeliveryReceipt(provider: "twilio", providerMessageID: message.sid, status: message.status)
    }

    static func error(from response: ProviderResponse) -> IntegrationError {
        let body = response.decodeError(TwilioErrorBody.self)
        let kind: IntegrationError.Kind? = body?.code.flatMap { deadRecipientCodes.contains($0) ? .deadRecipient : nil }
        return response.error(provider: "twilio", kind: kind, code: body?.code.map(String.init), message: body?.message)
    }
}

struct TwilioMessage: Decodable {
    let sid: String
    let status: String?
}

struct TwilioErrorBody: Decodable {
    let code: Int?
    let message: String?
    let status: Int?
}
