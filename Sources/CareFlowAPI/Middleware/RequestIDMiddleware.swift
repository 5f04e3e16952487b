import CareFlowCore
import Vapor

/// Gives every request an id: the caller's `X-Request-ID` when it is well-formed (so a proxy's
/// id follows the request), otherwise a fresh one. It is echoed in the response, attached to
/// every log line and every audit event.
///
/// Like the other always-on middlewares it works on the event loop with futures: an
/// `AsyncMiddleware` starts a task and hops threads twice per request even when it has nothing
/// to wait for (see `benchmarks/PROFILE.md`).
struct RequestIDMiddleware: Middleware {
    static let header = HTTPHeaders.Name("X-Request-ID")

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let incoming = request.headers.first(name: Self.header)
        // Without a header, Vapor has already drawn a random id for the request: that one, lower
        // case, rather than a second draw (a `getrandom` call per request).
        let id = incoming.flatMap { Self.isWellFormed($0) ? $0 : nil } ?? (incoming == nil ? request.id.lowercased() : UUID().lowercasedString)
        request.requestID = id
        // Replaces the id Vapor generated, so logs carry the one the caller sees.
        request.logger[metadataKey: "request-id"] = .string(id)
        return next.respond(to: request).map { response in
            response.headers.replaceOrAdd(name: Self.header, value: id)
            return response
        }
    }

    static func isWellFormed(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
        }
    }
}

extension Request {
    private struct RequestIDKey: StorageKey { typealias Value = String }

    var requestID: String {
        get { storage[RequestIDKey.self] ?? id }
        set { storage[RequestIDKey.self] = newValue }
    }
}
