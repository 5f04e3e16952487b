import CareFlowCore
import Vapor

/// Errors of console pages as HTML, not problem+json: an ended session goes back to sign-in;
/// anything else is a plain page with what went wrong and the request id to quote. The text
/// of unexpected errors is logged only, as on the API.
struct ConsoleErrorMiddleware: AsyncMiddleware {
    struct ErrorContent: Encodable, Sendable {
        let status: Int
        let heading: String
        let detail: String
        let requestID: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let app: AppError = switch error {
            case let app as AppError: app
            case let abort as any AbortError: ProblemMiddleware.appError(for: abort)
            case is DecodingError: .malformedBody("The form could not be read")
            default: .unavailable("An unexpected error occurred")
            }
            if case .unauthenticated = app, request.method == .GET {
                return request.redirect(to: ConsolePaths.signIn)
            }
            if !(error is AppError || error is any AbortError || error is DecodingError) {
                request.logger.error("unhandled console error", metadata: ["error_type": .string(String(reflecting: type(of: error)))])
            }
            let status = HTTPResponseStatus(statusCode: error is AppError || error is any AbortError || error is DecodingError ? app.status : 500)
            let content = ErrorContent(status: Int(status.code), heading: app.title, detail: app.detail, requestID: request.requestID)
            let response = try await ConsolePage.render("error", title: app.title, content: content, status: status, on: request)
            if case .rateLimited(let seconds) = app { response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds)) }
            return response
        }
    }
}
