import Foundation

/// The tenant's LLM as the step extraction sees it: the note in, validated steps out, the
/// patient taken out of the text before it leaves and put back into the answer, the exchange
/// stored sealed and audited. `nil` when the tenant has no LLM for this (`llm: none`, or the
/// `console` adapter, whose answer is the schema's empty example): the rules extract instead.
public protocol StepExtractionLLM: Sendable {
    /// - Throws: `IntegrationError`; an answer that cannot be used (malformed, refused) is
    ///   `.retryable`, so the outbox tries again and then dead-letters it with the reason.
    func steps(fromNote note: String, patientID: UUID, idempotencyKey: String, in context: RequestContext) async throws -> ExtractedSteps?
}
