import CareFlowCore
import Vapor

extension Request {
    /// The body as a JSON object, after checking the media type. Field-level validation is the
    /// caller's, with `FieldReader`, so every bad field is named in one answer.
    func jsonObject() async throws -> [String: JSONValue] {
        guard Self.commonJSONTypes.contains(headers.first(name: .contentType) ?? "") || {
            guard let type = headers.contentType else { return false }
            return type.type == "application" && (type.subType == "json" || type.subType.hasSuffix("+json"))
        }()
        else {
            if body.data == nil && headers.first(name: .contentLength).map({ $0 == "0" }) ?? true {
                throw AppError.malformedBody("The request body is empty; a JSON object is expected")
            }
            throw AppError.jsonExpected
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: application.routes.defaultMaxBodySize.value)
        } catch {
            // The only way collecting an arriving body fails is exceeding the limit.
            throw AppError.payloadTooLarge
        }
        return try JSONValue.parseObject(buffer.readableBytesView)
    }

    /// Content-Type values that are JSON as written, recognised without parsing the header
    /// (Vapor's `contentType` parses its directives: ~4 % of a prediction); any other value is
    /// parsed and judged as before.
    static let commonJSONTypes: Set<String> = [
        "application/json", "application/json; charset=utf-8", "application/json;charset=utf-8", "application/json; charset=UTF-8",
    ]

    /// The body read as `B`: a 422 naming every bad and unknown field, or validated values.
    func validatedBody<B: RequestBody>(_ type: B.Type) async throws -> B {
        try B.read(try await jsonObject())
    }

    func pageRequest() throws -> PageRequest {
        var limit: Int?
        if let raw = queryValue("limit") {
            guard let n = Int(raw) else { throw AppError.invalid("limit", "must be an integer") }
            limit = n
        }
        return try PageRequest(limit: limit, cursor: Cursor.decode(queryValue("cursor")))
    }

    func uuidParameter(_ name: String, what: String) throws -> UUID {
        guard let raw = parameters.get(name), let id = UUID(uuidString: raw) else {
            // A malformed id cannot name anything: same answer as a missing row.
            throw AppError.notFound("\(what) not found")
        }
        return id
    }
}
