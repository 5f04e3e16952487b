import FluentKit
import Foundation

/// One request to a tenant's LLM about a patient and what came back: the record of what left
/// CareFlow. Prompt and answer are sealed under the tenant's data key (the prompt is already
/// de-identified, but the note around the placeholders is still clinical text); purpose,
/// adapter, outcome and the reason of a failure are in clear for operators and never carry PHI.
public final class LLMExchange: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "llm_exchanges"
    public static var tenantIDField: KeyPath<LLMExchange, FieldProperty<LLMExchange, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "patient_id") public var patientID: UUID
    @Field(key: "purpose") public var purpose: String
    @Field(key: "adapter") public var adapter: String
    /// The instructions and the de-identified text, as sent.
    @Field(key: "prompt_sealed") public var promptSealed: Sealed<Prompt>
    /// The answer as the provider gave it (still with placeholders); nil when none came back.
    @OptionalField(key: "answer_sealed") public var answerSealed: Sealed<JSONValue>?
    @Field(key: "outcome") public var outcome: LLMOutcome
    /// Why it failed, in words about the shape of the answer or the provider's status: no PHI.
    @OptionalField(key: "error_reason") public var errorReason: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    init(id: UUID, tenantID: UUID, patientID: UUID, purpose: LLMPurpose, adapter: String, promptSealed: Sealed<Prompt>,
         answerSealed: Sealed<JSONValue>?, outcome: LLMOutcome, errorReason: String?) {
        self.id = id
        self.tenantID = tenantID
        self.patientID = patientID
        self.purpose = purpose.rawValue
        self.adapter = adapter
        self.promptSealed = promptSealed
        self.answerSealed = answerSealed
        self.outcome = outcome
        self.errorReason = errorReason
    }

    /// What was sent, sealed together.
    public struct Prompt: Sendable, Codable, Equatable {
        public var instructions: String
        public var text: String
        public var schemaName: String
    }
}
