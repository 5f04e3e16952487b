/// What a provider said when it accepted a message: its id for the message (an SMS id, an email
/// message id, a push message name), which later delivery webhooks name.
public struct DeliveryReceipt: Sendable, Equatable, Hashable {
    /// The adapter that accepted the message (a plugin's adapter, `console`, `none`).
    public var provider: String
    /// The provider's id for the message; `nil` when the adapter has none (`none`).
    public var providerMessageID: String?
    /// The provider's initial status when it reports one (`queued`, `accepted`).
    public var status: String?

    public init(provider: String, providerMessageID: String?, status: String? = nil) {
        self.provider = provider
        self.providerMessageID = providerMessageID
        self.status = status
    }
}
