import Fluent

/// `risk_assessments`: predictions stored on a patient's record. Inputs and contributions
/// sealed; model, version, score, level and the `high` flag in clear for analytics.
struct CreateRiskAssessments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("risk_assessments")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("model", .string, .required)
            .field("model_version", .int, .required)
            .field("risk_score", .double, .required)
            .field("risk_level", .string, .required)
            .field("high", .bool, .required)
            .field("extrapolated", .bool, .required)
            .field("inputs_sealed", .string, .required)
            .field("contributions_sealed", .string, .required)
            .field("created_by", .uuid, .required, .references("users", "id"))
            .field("created_at", .datetime)
            .create()
        try await SecondaryIndex.create("risk_assessments_patient", on: "risk_assessments", columns: ["tenant_id", "patient_id", "id"], db: db)
        try await SecondaryIndex.create("risk_assessments_high", on: "risk_assessments", columns: ["tenant_id", "high", "model", "id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("risk_assessments").delete()
    }
}
