/// One event of a SendGrid Event Webhook batch (specs/sendgrid.md).
struct SendGridEvent: Codable, Sendable {
    let sgEventID: String
    let event: String
    let sgMessageID: String?
    let timestamp: Int?
    let reason: String?

    enum CodingKeys: String, CodingKey {
        case event, timestamp, reason
        case sgEventID = "sg_event_id"
        case sgMessageID = "sg_message_id"
    }
}
