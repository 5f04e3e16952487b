import Fluent

/// Issue 15: a facility's postal address, given when it is onboarded (optional; not PHI).
struct AddFacilityAddress: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("facilities").field("address", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("facilities").deleteField("address").update()
    }
}
