/// One structured completion: instructions, the user's text, and the JSON schema the answer
/// must satisfy. Prompts carry the minimum (no names, ids or contact details: PHI stays home).
public struct LLMRequest: Sendable, Equatable {
    public var system: String
    public var user: String
    /// JSON Schema (the subset `JSONSchema` checks) the answer must match.
    public var schema: JSONValue
    /// Names the schema for the provider, `^[a-zA-Z0-9_-]{1,64}$` (e.g. `care_steps`).
    public var schemaName: String
    public var temperature: Double
    /// Upper bound on generated tokens; `nil` leaves it to the provider.
    public var maxTokens: Int?

    public init(system: String, user: String, schema: JSONValue, schemaName: String, temperature: Double = 0,
                maxTokens: Int? = nil) {
        self.system = system
        self.user = user
        self.schema = schema
        self.schemaName = schemaName
        self.temperature = temperature
        self.maxTokens = maxTokens
    }
}
