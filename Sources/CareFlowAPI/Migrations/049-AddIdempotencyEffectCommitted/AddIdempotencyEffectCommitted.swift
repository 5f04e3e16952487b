import Fluent
import SQLKit

/// Whether a keyed request's effect committed (`CommittedEffect`), set inside the effect's own
/// transaction. A claim whose effect committed is never given up, so its retry never runs twice.
struct AddIdempotencyEffectCommitted: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("idempotency_records")
            .field("effect_committed", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("idempotency_records").deleteField("effect_committed").update()
    }
}
