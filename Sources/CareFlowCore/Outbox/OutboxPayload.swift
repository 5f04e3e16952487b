import Foundation

/// What an outbox row delivers, sealed as JSON in `payload_sealed`.
public enum OutboxPayload: Sendable, Equatable, Codable {
    case email(OutgoingEmail)
    case sms(OutgoingSMS)
    case push(PushMessage)
    /// Turn a new visit note into care steps (`StepExtractionJob`); ids only, no PHI.
    case extractSteps(noteID: UUID, patientID: UUID)

    public var capability: Capability {
        switch self {
        case .email: .email
        case .sms: .sms
        case .push: .push
        case .extractSteps: .llm
        }
    }
}
