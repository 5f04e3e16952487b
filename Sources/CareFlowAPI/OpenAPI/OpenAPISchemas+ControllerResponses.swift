import CareFlowCore
import Foundation

// Response bodies declared beside the controller or middleware that sends them rather than in
// `DTOs/`; their examples live here so those files stay about handling requests.

extension ProblemDetails: SchemaSample {
    static var schemaSamples: [Self] {
        [ProblemDetails(.validation([FieldError(field: "email", reason: "is required")]), instance: "/api/v1/patients", requestID: "req")]
    }
    static var schemaNotes: [String: SchemaNote] { ["type": .format("uri")] }
}

extension SystemController.Status: SchemaSample {
    static var schemaSamples: [Self] { [.init(status: "ok")] }
}

extension TOTPEnrolmentDTO: SchemaSample {
    static var schemaSamples: [Self] { [TOTPEnrolmentDTO(secret: "BASE32", otpauthURI: "otpauth://totp/CareFlow:a?secret=BASE32")] }
    static var schemaNotes: [String: SchemaNote] { ["otpauth_uri": .format("uri")] }
}

extension RecoveryCodesDTO: SchemaSample {
    static var schemaSamples: [Self] { [RecoveryCodesDTO(recoveryCodes: ["abcd-efgh"])] }
}

extension SeedPatientController.SeedPatientResponse: SchemaSample {
    static var schemaSamples: [Self] {
        [.init(id: UUID(), mrn: "MRN-1", name: "Ada Lovelace", age: 36, gender: "female", bloodType: "A+", diagnosis: "asthma")]
    }
}

extension WebhookController.Received: SchemaSample {
    static var schemaSamples: [Self] { [.init(received: true, replayed: false)] }
}
