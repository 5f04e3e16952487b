/// The name a provider's webhook events are recorded under (`webhook_events.provider`,
/// `payments.provider`, the `webhook.rejected` audit target). Declared by the provider's plugin.
public struct WebhookProvider: RawRepresentable, Hashable, Sendable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ name: String) {
        self.rawValue = name
    }
}
