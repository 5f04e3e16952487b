import Fluent

/// `documents`: metadata of uploaded files; the content is an encrypted blob under
/// `$CAREFLOW_DATA_DIR/blobs/`, its key sealed in `file_key_sealed`.
struct CreateDocuments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("documents")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("patient_id", .uuid, .required, .references("patients", "id"))
            .field("kind", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int64, .required)
            .field("sha256", .string, .required)
            .field("file_key_sealed", .string, .required)
            .field("filename_sealed", .string)
            .field("uploaded_by", .uuid, .required, .references("users", "id"))
            .field("shared_with_patient", .bool, .required)
            .field("created_at", .datetime)
            .field("deleted_at", .datetime)
            .field("deleted_by", .uuid, .references("users", "id"))
            .create()
        try await SecondaryIndex.create("documents_patient", on: "documents", columns: ["tenant_id", "patient_id", "id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("documents").delete()
    }
}
