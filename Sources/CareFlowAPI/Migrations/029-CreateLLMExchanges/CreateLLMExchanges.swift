import Fluent

/// `llm_exchanges`: every request to a tenant's LLM about a patient and what came back (issue
/// 13). Prompt and answer sealed; purpose, adapter, outcome and a failure's reason (no PHI) in
/// clear for operators. Read by patient, newest first.
struct CreateLLMExchanges: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("llm_exchanges")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("purpose", .string, .required)
            .field("adapter", .string, .required)
            .field("prompt_sealed", .string, .required)
            .field("answer_sealed", .string)
            .field("outcome", .string, .required)
            .field("error_reason", .string)
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("llm_exchanges_patient", on: "llm_exchanges", columns: ["tenant_id", "patient_id", "id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("llm_exchanges").delete()
    }
}
