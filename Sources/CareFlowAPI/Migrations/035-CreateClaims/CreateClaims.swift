import Fluent

/// `claims` and `claim_transitions` (issue 14). The policy number and transition notes are
/// sealed; payer, amount and state in clear. Every change of state is one row of
/// `claim_transitions`, written in the transaction that moves the claim: the history is complete.
struct CreateClaims: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("claims")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("invoice_id", .uuid, .required, .references("invoices", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("payer", .string, .required)
            .field("policy_number_sealed", .string, .required)
            .field("amount", .int64, .required)
            .field("currency", .string, .required)
            .field("status", .string, .required)
            .field("denial_reason", .string)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime)
            .create()
        try await SecondaryIndex.create("claims_invoice", on: "claims", columns: ["tenant_id", "invoice_id"], db: db)
        try await SecondaryIndex.create("claims_facility", on: "claims", columns: ["tenant_id", "facility_id", "status"], db: db)

        try await db.schema("claim_transitions")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("claim_id", .uuid, .required, .references("claims", "id"))
            .field("from_status", .string)
            .field("to_status", .string, .required)
            .field("note_sealed", .string)
            .field("actor_id", .uuid)
            .field("at", .datetime, .required)
            .create()
        try await SecondaryIndex.create("claim_transitions_claim", on: "claim_transitions", columns: ["tenant_id", "claim_id", "at"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("claim_transitions").delete()
        try await db.schema("claims").delete()
    }
}
