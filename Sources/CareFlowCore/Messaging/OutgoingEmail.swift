/// An email CareFlow sends, in domain terms; adapters turn it into a provider's request.
public struct OutgoingEmail: Sendable, Equatable {
    public let to: String
    public let subject: String
    public let body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Sends one tenant's email through the adapter its configuration chose.
public protocol EmailSender: Sendable {
    func send(_ email: OutgoingEmail) async throws
}

/// Finds the email sender of a tenant. The registry of adapters implements it; the core never
/// names a provider.
public protocol EmailSenderDirectory: Sendable {
    func emailSender(forTenant slug: String) async throws -> any EmailSender
}
