import Foundation

/// Why an inbound webhook was refused before anything in it took effect. The reason goes to the
/// audit trail and the problem+json answer; it never contains the secret or the body.
public enum WebhookVerificationError: Error, Equatable, Sendable {
    /// A required signature or timestamp header is absent.
    case missingHeader(String)
    /// The header is present but cannot be parsed.
    case malformedHeader(String)
    /// The signed timestamp is further than the tolerance from now, in the past or the future.
    case timestampOutsideTolerance
    /// No signature matched any of the tenant's secrets.
    case signatureMismatch
    /// The tenant has no verification secret configured for this provider.
    case notConfigured

    public var reason: String {
        switch self {
        case .missingHeader(let name): "missing \(name) header"
        case .malformedHeader(let name): "malformed \(name) header"
        case .timestampOutsideTolerance: "timestamp outside the tolerance"
        case .signatureMismatch: "signature does not match"
        case .notConfigured: "webhook verification is not configured for this tenant"
        }
    }
}
