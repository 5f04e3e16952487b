/// What an outbox row delivers, sealed as JSON in `payload_sealed`.
public enum OutboxPayload: Sendable, Equatable, Codable {
    case email(OutgoingEmail)
    case sms(OutgoingSMS)
    case push(PushMessage)

    public var capability: Capability {
        switch self {
        case .email: .email
        case .sms: .sms
        case .push: .push
        }
    }
}
