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
