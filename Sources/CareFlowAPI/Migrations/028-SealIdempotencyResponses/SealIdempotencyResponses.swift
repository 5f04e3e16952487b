import CareFlowCore
import Fluent
import Foundation
import SQLKit

/// Stored idempotent answers carried PHI (a created patient's name, national id…) in clear.
/// This adds `response_sealed` (under the caller's tenant data key, or the platform's) and
/// `tenant_id` (the key owner, which is how key rotation finds the rows), seals the answers
/// already stored, drops the clear `response_body`, and indexes `created_at` for the purge, in one transaction.
struct SealIdempotencyResponses: AsyncMigration {
    let keyring: Keyring

    func prepare(on db: any Database) async throws {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { return }
            try await tx.schema("idempotency_records").field("tenant_id", .uuid).update()
            try await tx.schema("idempotency_records").field("response_sealed", .string).update()
            for row in try await sql.raw("SELECT id, scope, response_body FROM idempotency_records").all() {
                let tenantID = UUID(uuidString: try row.decode(column: "scope", as: String.self))
                var sealed: String? = nil
                if let body = try row.decode(column: "response_body", as: Data?.self) {
                    sealed = try await keyring.cipher(forTenant: tenantID, on: tx).seal(body).token
                }
                try await sql.raw("""
                    UPDATE idempotency_records SET tenant_id = \(bind: tenantID), response_sealed = \(bind: sealed)
                    WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))
                    """).run()
            }
            try await sql.raw("ALTER TABLE idempotency_records DROP COLUMN response_body").run()
            try await SecondaryIndex.create("idempotency_records_created", on: "idempotency_records", columns: ["created_at"], db: tx)
        }
    }

    /// A downgrade forgets the stored answers (they live 24 h at most) rather than unsealing them.
    func revert(on db: any Database) async throws {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { return }
            try await sql.delete(from: "idempotency_records").run()
            try await sql.drop(index: "idempotency_records_created").ifExists().run()
            try await sql.raw("ALTER TABLE idempotency_records DROP COLUMN response_sealed").run()
            try await sql.raw("ALTER TABLE idempotency_records DROP COLUMN tenant_id").run()
            try await tx.schema("idempotency_records").field("response_body", .data).update()
        }
    }
}
