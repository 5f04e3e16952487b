import Foundation

/// The LLM path of the step extraction, through the one place CareFlow asks a tenant's LLM about
/// a patient (`LLMExchangeService`: de-identified before it leaves, the answer validated with
/// `ExtractedSteps(validating:)` and the placeholders put back, stored sealed, audited as
/// `llm.request`). A malformed or refused answer comes back as a retryable `IntegrationError`,
/// so the outbox tries again and finally dead-letters with the reason in `last_error`.
public struct LLMStepExtraction: StepExtractionLLM {
    let llms: any TenantLLMs
    let exchanges: LLMExchangeService

    public init(llms: any TenantLLMs, exchanges: LLMExchangeService) {
        self.llms = llms
        self.exchanges = exchanges
    }

    /// Written by CareFlow: names no patient (it is not de-identified).
    static let instructions = """
        You turn a doctor's visit note into the steps the patient must follow. Answer with JSON only, matching the schema.
        "checklist": one-off tasks (book a follow-up visit, get a lab test, stop a medicine, lifestyle advice without a daily \
        frequency), each with a short imperative "title" and an optional "detail".
        "plan": actions repeated every day (a medicine or habit with a daily frequency), each with "title", optional "detail", \
        "times_per_day" (1-24), "time_of_day" ("HH:MM", 24-hour, or null when the note gives none) and "duration_days" \
        (1-365; 30 when the note gives no duration).
        Use only what the note says; invent nothing. Keep placeholders such as [PATIENT_NAME] or [DATE_1] exactly as written.
        """

    public func steps(fromNote note: String, patientID: UUID, idempotencyKey: String,
                      in context: RequestContext) async throws -> ExtractedSteps? {
        let llm = try await llms.llm(forTenant: context.tenantID)
        // `none` switches the LLM off; `console` answers every schema with its empty example, which
        // would turn every note into no steps, so in development the rules do the work too.
        guard !llm.isDisabled, llm.adapter != Capability.defaultAdapter else { return nil }
        // Each attempt is its own exchange (no outbox key): a retry after a malformed answer must
        // not be de-duplicated into the same answer by a provider that honours the key.
        let request = LLMExchangeService.Request(
            purpose: .careSteps, patientID: patientID, text: note, instructions: Self.instructions, schema: ExtractedSteps.jsonSchema,
            schemaName: "care_steps", idempotencyKey: nil)
        return try await exchanges.complete(request, in: context) { try ExtractedSteps(validating: $0) }.value
    }
}
