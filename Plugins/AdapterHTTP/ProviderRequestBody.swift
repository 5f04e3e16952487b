import CareFlowCore
import Foundation

/// A request body with its content type.
public struct ProviderRequestBody: Sendable {
    public var contentType: String
    public var bytes: [UInt8]

    public init(contentType: String, bytes: [UInt8]) {
        self.contentType = contentType
        self.bytes = bytes
    }

    /// `application/x-www-form-urlencoded`.
    public static func form(_ fields: [(String, FormURLEncoder.Value)]) -> ProviderRequestBody {
        ProviderRequestBody(contentType: "application/x-www-form-urlencoded", bytes: Array(FormURLEncoder().encode(fields).utf8))
    }

    /// `application/json`, keys sorted so the same request always has the same bytes.
    public static func json<T: Encodable>(_ value: T) throws -> ProviderRequestBody {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ProviderRequestBody(contentType: "application/json", bytes: Array(try encoder.encode(value)))
    }
}
