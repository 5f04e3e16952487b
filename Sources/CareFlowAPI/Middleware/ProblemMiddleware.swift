import CareFlowCore
import Vapor

/// Turns every error into RFC 9457 problem details. Unknown errors become a bare 500: their
/// text may hold internals, so it goes to the log only.
/// Future-based, like `RequestIDMiddleware`, so it costs no task per request.
struct ProblemMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in Self.response(for: error, request: request) }
    }

    static func response(for error: any Error, request: Request) -> Response {
        let problem: ProblemDetails
        var headers = HTTPHeaders()
        switch error {
        case let app as AppError:
            problem = ProblemDetails(app, instance: request.url.path, requestID: request.requestID)
            if case .rateLimited(let seconds) = app { headers.add(name: .retryAfter, value: String(seconds)) }
            if case .unauthenticated = app { headers.add(name: .wwwAuthenticate, value: #"Bearer realm="careflow""#) }
            if case .unavailable = app { headers.add(name: .retryAfter, value: String(DatabaseUnavailable.retryAfterSeconds)) }
        case let abort as any AbortError:
            problem = ProblemDetails(Self.appError(for: abort), instance: request.url.path, requestID: request.requestID)
        case is DecodingError:
            problem = ProblemDetails(.malformedBody("The request could not be decoded"), instance: request.url.path, requestID: request.requestID)
        case _ where DatabaseUnavailable.matches(error):
            // A database restart or cut is not a bug in the request or the app: 503 + Retry-After.
            request.logger.warning("database unavailable", metadata: DatabaseUnavailable.diagnosis(error))
            problem = ProblemDetails(DatabaseUnavailable.problem, instance: request.url.path, requestID: request.requestID)
            headers.add(name: .retryAfter, value: String(DatabaseUnavailable.retryAfterSeconds))
        default:
            request.logger.error("unhandled error", metadata: DatabaseUnavailable.diagnosis(error))
            request.logger.debug("unhandled error detail", metadata: ["error": .string(String(reflecting: error))])
            problem = ProblemDetails(
                type: AppError.typeBase + "internal", title: "Internal error", status: 500,
                detail: "An unexpected error occurred; quote the request id when reporting it",
                instance: request.url.path, requestID: request.requestID, errors: nil)
        }
        headers.contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
        let body = (try? JSONEncoder.problem.encode(problem)) ?? Data()
        return Response(status: HTTPResponseStatus(statusCode: problem.status), headers: headers, body: .init(data: body))
    }

    /// Vapor's own errors (no route, body too large, bad media type) in our vocabulary.
    static func appError(for abort: any AbortError) -> AppError {
        switch abort.status {
        case .notFound: .notFound("No such resource")
        case .payloadTooLarge: .payloadTooLarge
        case .unsupportedMediaType: .unsupportedMediaType(abort.reason)
        case .unauthorized: .unauthenticated(abort.reason)
        case .forbidden: .forbidden(abort.reason)
        case .methodNotAllowed: .notFound("No such resource")
        case .tooManyRequests: .rateLimited(retryAfterSeconds: 60)
        default: abort.status.code < 500 ? .malformedBody(abort.reason) : .unavailable("The service is temporarily unavailable")
        }
    }
}

/// The problem+json body.
struct ProblemDetails: Codable, Sendable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let instance: String
    let requestID: String
    let errors: [FieldError]?

    init(type: String, title: String, status: Int, detail: String, instance: String, requestID: String, errors: [FieldError]?) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.requestID = requestID
        self.errors = errors
    }

    init(_ error: AppError, instance: String, requestID: String) {
        self.init(type: error.typeURI, title: error.title, status: error.status, detail: error.detail,
                  instance: instance, requestID: requestID, errors: error.fieldErrors.isEmpty ? nil : error.fieldErrors)
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, instance, errors
        case requestID = "request_id"
    }
}

extension JSONEncoder {
    static let problem: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
