/// One provider callback, `POST /webhooks/{tenant}/<path>` (PRODUCT §5), declared by the plugin
/// whose provider calls it: how the request is verified, which tenant setting holds the
/// verification secret, and what the verified request means.
public struct WebhookRoute: Sendable {
    /// Names the events in the ledger, the audit trail and the rejection limits.
    public let provider: WebhookProvider
    /// Below `/webhooks/{tenant}/`, e.g. `["events"]`.
    public let path: [String]
    public let body: WebhookBodyFormat
    /// The verification secrets are `integrations.<capability>.<secretField>` while the tenant
    /// uses `adapter` for that capability; otherwise there are none and every request is refused.
    public let capability: Capability
    public let adapter: String
    public let secretField: String
    public let verifier: any WebhookVerifier
    public let handling: WebhookHandling

    public init(provider: WebhookProvider, path: [String], body: WebhookBodyFormat, capability: Capability, adapter: String,
                secretField: String, verifier: any WebhookVerifier, handling: WebhookHandling) {
        self.provider = provider
        self.path = path
        self.body = body
        self.capability = capability
        self.adapter = adapter
        self.secretField = secretField
        self.verifier = verifier
        self.handling = handling
    }
}

/// How the route reads its body before verifying it.
public enum WebhookBodyFormat: Sendable {
    /// The bytes as sent (signatures cover them exactly).
    case raw
    /// `application/x-www-form-urlencoded`, parsed into parameters in the order sent; another
    /// content type is refused (415).
    case form
}

/// What a verified request carries, and so what CareFlow does with it.
public enum WebhookHandling: Sendable {
    /// One event about a payment, recorded with its effect in the group-committed ledger.
    case paymentEvent(any PaymentEventDecoder)
    /// Delivery reports for messages the outbox sent.
    case deliveryReports(any DeliveryReportDecoder)
    /// A message a patient sent, answered with a reply document.
    case inboundMessage(any InboundMessageDecoder)
}
