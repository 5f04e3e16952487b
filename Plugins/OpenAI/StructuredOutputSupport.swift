/// Remembers, per adapter instance (one per tenant and model), that the model refused the
/// strict `json_schema` response format, so later calls go straight to `json_object`.
actor StructuredOutputSupport {
    private(set) var jsonObjectOnly = false

    func useJSONObject() {
        jsonObjectOnly = true
    }
}
