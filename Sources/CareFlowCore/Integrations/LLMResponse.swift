/// A structured completion that has been parsed and validated against the request's schema.
public struct LLMResponse: Sendable, Equatable {
    /// The answer, already checked against `LLMRequest.schema`.
    public var value: JSONValue
    /// The model that answered (as the provider reports it).
    public var model: String
    public var usage: LLMUsage
    /// The provider's id for the completion (`chatcmpl-…`), when it gives one.
    public var providerID: String?

    public init(value: JSONValue, model: String, usage: LLMUsage, providerID: String? = nil) {
        self.value = value
        self.model = model
        self.usage = usage
        self.providerID = providerID
    }
}

/// Tokens a completion cost, recorded per tenant.
public struct LLMUsage: Sendable, Equatable, Hashable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
    }

    public static let zero = LLMUsage(promptTokens: 0, completionTokens: 0)
}
