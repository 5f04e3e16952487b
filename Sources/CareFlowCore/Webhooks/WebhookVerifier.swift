import Foundation

/// Checks that a webhook request comes from the provider, over the request exactly as received
/// and before anything in it is read or takes effect.
public protocol WebhookVerifier: Sendable {
    /// Whether the signature covers the public URL the provider called (the route then fills
    /// `InboundWebhook.publicURL`).
    var signsPublicURL: Bool { get }

    /// Throws unless the request is signed with one of `secrets` (several during a rotation;
    /// none when the tenant has not configured verification, which refuses everything).
    func verify(_ webhook: InboundWebhook, secrets: [String], now: Date) throws(WebhookVerificationError)
}

extension WebhookVerifier {
    public var signsPublicURL: Bool { false }
}
