/// An email CareFlow sends, in domain terms; adapters turn it into a provider's request.
///
/// `body` is the plain-text part and is always present (it is what the console journal records
/// and what a mail client without HTML shows). `html` is optional. With a `templateID` the
/// provider renders its stored template with `templateData`; subject and body are then the
/// fallback the console and providers without templates use.
public struct OutgoingEmail: Sendable, Equatable, Codable {
    public var to: String
    /// Display name of the recipient, when known (never needed for delivery).
    public var toName: String?
    public var subject: String
    /// The `text/plain` part.
    public var body: String
    /// The `text/html` part, sent after the plain-text one.
    public var html: String?
    /// A provider-side template id.
    public var templateID: String?
    /// Values substituted into the template.
    public var templateData: [String: JSONValue]

    public init(to: String, toName: String? = nil, subject: String, body: String, html: String? = nil,
                templateID: String? = nil, templateData: [String: JSONValue] = [:]) {
        self.to = to
        self.toName = toName
        self.subject = subject
        self.body = body
        self.html = html
        self.templateID = templateID
        self.templateData = templateData
    }
}
