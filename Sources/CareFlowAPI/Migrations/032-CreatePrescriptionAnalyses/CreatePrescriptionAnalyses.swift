import Fluent

/// `prescription_analyses`: prescription analyses stored on a patient's record (issue 13). The
/// analysis and the prescription text sealed; who produced it (`source`), the document and the
/// LLM exchange it came from in clear. In the LLM exchanges' migration folder because the two
/// tables arrived together.
struct CreatePrescriptionAnalyses: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("prescription_analyses")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("source", .string, .required)
            .field("document_id", .uuid, .references("documents", "id"))
            .field("llm_exchange_id", .uuid, .references("llm_exchanges", "id"))
            .field("analysis_sealed", .string, .required)
            .field("text_sealed", .string, .required)
            .field("created_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("prescription_analyses_patient", on: "prescription_analyses",
                                        columns: ["tenant_id", "patient_id", "id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("prescription_analyses").delete()
    }
}
