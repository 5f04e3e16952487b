import Fluent

/// Issue 16 (erasure by crypto-shredding): one data key per patient, sealed under the tenant's
/// data key, and the record of each erasure. One key per patient and one erasure per patient
/// are unique indexes, so two concurrent first writes (or erasures) cannot both win.
struct CreatePatientKeys: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("patient_keys")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            // No reference to `patients`: a new patient's key is made before the row it seals.
            .field("patient_id", .uuid, .required)
            .field("key_sealed", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "patient_id")
            .create()
        try await db.schema("patient_erasures")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("erased_by", .uuid, .required)
            .field("reason_sealed", .string, .required)
            .field("erased_at", .datetime, .required)
            .unique(on: "patient_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("patient_erasures").delete()
        try await db.schema("patient_keys").delete()
    }
}
