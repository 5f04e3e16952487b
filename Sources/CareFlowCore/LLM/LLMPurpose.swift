/// Why CareFlow asked a tenant's LLM about a patient (`llm_exchanges.purpose`, the `purpose`
/// of the `llm.request` audit event). Names are stored: never rename one.
public struct LLMPurpose: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// A visit note turned into checklist and plan steps.
    public static let careSteps = LLMPurpose("care_steps")
    /// A prescription read into medicines, dosing and interactions.
    public static let prescription = LLMPurpose("prescription")
}
