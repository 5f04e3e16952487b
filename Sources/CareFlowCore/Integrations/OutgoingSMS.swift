/// A text message CareFlow sends, in domain terms.
public struct OutgoingSMS: Sendable, Equatable, Codable {
    /// E.164, e.g. `+250788000001`.
    public var to: String
    public var body: String
    /// Where the provider reports delivery status (the tenant's public status-webhook URL).
    public var statusCallbackURL: String?

    public init(to: String, body: String, statusCallbackURL: String? = nil) {
        self.to = to
        self.body = body
        self.statusCallbackURL = statusCallbackURL
    }
}
