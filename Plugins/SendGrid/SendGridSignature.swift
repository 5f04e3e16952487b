import Crypto
import CareFlowCore
import Foundation

/// SendGrid Event Webhook verification (specs/sendgrid.md): ECDSA P-256 / SHA-256 over
/// `timestamp ‖ raw body`, with the public key (base64 DER SubjectPublicKeyInfo) the tenant copied
/// from SendGrid; timestamps further than the tolerance from now are refused.
public enum SendGridSignature {
    public static let tolerance: TimeInterval = 300

    public static func verify(signature: String?, timestamp: String?, payload: some DataProtocol, publicKeys: [String],
                              now: Date = Date(), tolerance: TimeInterval = tolerance) throws(WebhookVerificationError) {
        guard !publicKeys.isEmpty else { throw .notConfigured }
        guard let signature, !signature.isEmpty else { throw .missingHeader("X-Twilio-Email-Event-Webhook-Signature") }
        guard let timestamp, !timestamp.isEmpty else { throw .missingHeader("X-Twilio-Email-Event-Webhook-Timestamp") }
        guard let seconds = Int(timestamp) else { throw .malformedHeader("X-Twilio-Email-Event-Webhook-Timestamp") }
        guard let der = Data(base64Encoded: signature), let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: der) else {
            throw .malformedHeader("X-Twilio-Email-Event-Webhook-Signature")
        }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else { throw .timestampOutsideTolerance }
        var signed = Data(timestamp.utf8)
        signed.append(contentsOf: payload)
        for text in publicKeys {
            guard let keyDER = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  let key = try? P256.Signing.PublicKey(derRepresentation: keyDER) else { continue }
            if key.isValidSignature(ecdsa, for: signed) { return }
        }
        throw .signatureMismatch
    }
}
