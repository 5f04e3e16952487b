import Fluent

struct CreateStaffProfiles: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("staff_profiles")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("facility_id", .uuid, .required, .references("facilities", "id"))
            .field("specialization", .string)
            .field("specialization_key", .string)
            .field("licence_number", .string)
            .field("years_of_experience", .int)
            .field("consultation_fee", .int64)
            .field("bio", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "user_id", "facility_id")
            .create()
        try await SecondaryIndex.create("staff_profiles_specialization", on: "staff_profiles",
                                        columns: ["tenant_id", "specialization_key"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("staff_profiles").delete()
    }
}
