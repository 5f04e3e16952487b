import Foundation
import Vapor

/// The JSON encoder of every response body: `StreamingJSONEncoder` (one pass, no intermediate
/// tree — Foundation's encoder was a tenth of a prediction's CPU), and Foundation's own encoder
/// for the rare value that needs what the streaming one does not do.
struct ResponseJSONEncoder: ContentEncoder {
    let fallback = JSONEncoder.custom(dates: .iso8601)

    func encode<E: Encodable>(_ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders) throws {
        try encode(encodable, to: &body, headers: &headers, userInfo: [:])
    }

    func encode<E: Encodable>(_ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders,
                              userInfo: [CodingUserInfoKey: any Sendable]) throws {
        do {
            body.writeBytes(try StreamingJSONEncoder.encode(encodable, userInfo: userInfo))
            headers.contentType = .json
        } catch is StreamingJSONEncoder.Unsupported {
            try fallback.encode(encodable, to: &body, headers: &headers, userInfo: userInfo)
        }
    }
}

/// A response body written by `ResponseJSONEncoder` directly. `Content`'s own encoding first
/// looks the encoder up in `ContentConfiguration` by media type, comparing types through
/// Foundation's case-insensitive string compare: about 1 % of a `/me` answer. The hot answers
/// (the own account, a patient page, a prediction) take this path; the bytes are the same.
protocol JSONContent: Content {}

extension JSONContent {
    func encodeResponse(for request: Request) -> EventLoopFuture<Response> {
        request.eventLoop.makeCompletedFuture { try jsonResponse() }
    }

    func encodeResponse(for request: Request) async throws -> Response {
        try jsonResponse()
    }

    private func jsonResponse() throws -> Response {
        let response = Response()
        var body = ByteBuffer()
        try ResponseJSONEncoder.shared.encode(self, to: &body, headers: &response.headers)
        response.body = .init(buffer: body)
        return response
    }
}

extension ResponseJSONEncoder {
    static let shared = ResponseJSONEncoder()
}
