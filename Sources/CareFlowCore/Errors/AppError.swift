/// One field of a request that failed validation. `field` is a JSON path such as `roles[1]`.
public struct FieldError: Sendable, Equatable, Codable {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// Every failure the API reports, with the HTTP status it maps to and a stable problem `type`.
///
/// Messages never carry PHI or secrets: they are shown to callers and written to logs.
public enum AppError: Error, Sendable, Equatable {
    case validation([FieldError])
    case malformedBody(String)
    /// The detail says what is accepted where.
    case unsupportedMediaType(String)
    case unauthenticated(String)
    case forbidden(String)
    case notFound(String)
    case conflict(String)
    case gone(String)
    case payloadTooLarge
    case tenantSuspended
    case rateLimited(retryAfterSeconds: Int)
    case mfaEnrolmentRequired
    case unavailable(String)
    /// A provider CareFlow relies on for this request answered, but unusably (an LLM's
    /// malformed or refused answer, credentials refused).
    case badGateway(String)

    public var status: Int {
        switch self {
        case .validation: 422
        case .malformedBody: 400
        case .unsupportedMediaType: 415
        case .unauthenticated: 401
        case .forbidden, .mfaEnrolmentRequired: 403
        case .notFound: 404
        case .conflict: 409
        case .gone: 410
        case .payloadTooLarge: 413
        case .tenantSuspended: 403
        case .rateLimited: 429
        case .unavailable: 503
        case .badGateway: 502
        }
    }

    /// The last segment of the problem `type` URI; stable, documented at `/docs`.
    public var slug: String {
        switch self {
        case .validation: "validation-failed"
        case .malformedBody: "malformed-body"
        case .unsupportedMediaType: "unsupported-media-type"
        case .unauthenticated: "unauthenticated"
        case .forbidden: "forbidden"
        case .notFound: "not-found"
        case .conflict: "conflict"
        case .gone: "gone"
        case .payloadTooLarge: "payload-too-large"
        case .tenantSuspended: "tenant-suspended"
        case .rateLimited: "rate-limited"
        case .mfaEnrolmentRequired: "mfa-enrolment-required"
        case .unavailable: "unavailable"
        case .badGateway: "bad-gateway"
        }
    }

    public var title: String {
        switch self {
        case .validation: "The request has invalid fields"
        case .malformedBody: "The request body could not be read"
        case .unsupportedMediaType: "Unsupported media type"
        case .unauthenticated: "Authentication required"
        case .forbidden: "Not allowed"
        case .notFound: "Not found"
        case .conflict: "Conflict"
        case .gone: "No longer available"
        case .payloadTooLarge: "Request body too large"
        case .tenantSuspended: "Tenant suspended"
        case .rateLimited: "Too many requests"
        case .mfaEnrolmentRequired: "Two-factor enrolment required"
        case .unavailable: "Service unavailable"
        case .badGateway: "Upstream service failed"
        }
    }

    public var detail: String {
        switch self {
        case .validation(let errors): "\(errors.count) field(s) failed validation"
        case .malformedBody(let d), .unauthenticated(let d), .forbidden(let d), .notFound(let d),
            .conflict(let d), .gone(let d), .unavailable(let d), .unsupportedMediaType(let d), .badGateway(let d):
            d
        case .payloadTooLarge: "The request body exceeds the size limit"
        case .tenantSuspended: "This tenant is suspended"
        case .rateLimited(let s): "Retry after \(s) seconds"
        case .mfaEnrolmentRequired: "Enrol TOTP two-factor authentication before using this endpoint"
        }
    }

    public static let typeBase = "https://careflow.dev/problems/"
    public var typeURI: String { Self.typeBase + slug }

    public var fieldErrors: [FieldError] {
        if case .validation(let errors) = self { return errors }
        return []
    }

    public static let jsonExpected = AppError.unsupportedMediaType("Send the body as application/json")

    /// Shorthand for the common single-field validation failure.
    public static func invalid(_ field: String, _ reason: String) -> AppError {
        .validation([FieldError(field: field, reason: reason)])
    }
}
