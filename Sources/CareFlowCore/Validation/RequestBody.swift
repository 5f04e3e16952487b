/// Input that reads and validates itself from a JSON object, so a handler gets non-optional,
/// already-checked properties instead of reading fields one by one and unwrapping them.
///
/// `init?(fields:)` reads every field before giving up (one 422 names all bad fields) and
/// returns nil only after reporting a problem on `fields`; `read(_:)` adds the unknown fields
/// and throws the same per-field `AppError.validation` the `FieldReader` always did.
public protocol ValidatedFields: Sendable {
    init?(fields: inout FieldReader)
}

extension ValidatedFields {
    public static func read(_ object: [String: JSONValue]) throws(AppError) -> Self {
        var fields = FieldReader(object)
        let value = Self(fields: &fields)
        try fields.finish()
        // A reader that reported nothing yet produced nothing is a bug in the conformance; still
        // the caller gets a 422 rather than a crash.
        guard let value else { throw .validation([FieldError(field: "body", reason: "is invalid")]) }
        return value
    }
}

/// A JSON request body.
public protocol RequestBody: ValidatedFields {}

/// Query parameters, read as strings under the names listed (others are ignored: `limit` and
/// `cursor` belong to the page request).
public protocol RequestQuery: ValidatedFields {
    static var parameterNames: [String] { get }
}
