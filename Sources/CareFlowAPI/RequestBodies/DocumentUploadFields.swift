import CareFlowCore

/// The text fields of a document upload's multipart form (the `file` part streams separately,
/// see `DocumentForm`). `shared_with_patient` arrives as the text `true`/`false`, which the form
/// reader turns into a boolean.
struct DocumentUploadFields: ValidatedFields {
    let kind: ClinicalDocument.Kind
    let sharedWithPatient: Bool

    init?(fields: inout FieldReader) {
        let kind = fields.enumeration("kind", ClinicalDocument.Kind.self)
        let shared = fields.bool("shared_with_patient", required: false)
        guard let kind else { return nil }
        (self.kind, self.sharedWithPatient) = (kind, shared ?? false)
    }

    /// The form's schema: these fields as read, plus the required binary `file` part.
    static var formSchema: JSONValue {
        guard case .object(var schema) = fieldSchema, case .object(var properties)? = schema["properties"] else { return fieldSchema }
        properties["file"] = OpenAPISchemas.type("string", format: "binary")
        schema["properties"] = .object(properties)
        if case .array(let required)? = schema["required"] { schema["required"] = .array(required + [.string("file")]) }
        return .object(schema)
    }
}
