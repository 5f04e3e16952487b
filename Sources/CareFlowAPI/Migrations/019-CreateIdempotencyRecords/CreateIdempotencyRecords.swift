import Fluent

struct CreateIdempotencyRecords: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("idempotency_records")
            .id()
            .field("scope", .string, .required)
            .field("subject_id", .uuid, .required)
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("response_status", .int)
            .field("response_type", .string)
            .field("response_body", .data)
            .field("created_at", .datetime)
            .unique(on: "scope", "subject_id", "key")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("idempotency_records").delete()
    }
}
