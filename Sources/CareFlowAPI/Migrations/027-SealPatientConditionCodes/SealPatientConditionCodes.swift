import CareFlowCore
import Fluent
import Foundation
import SQLKit

/// Diagnoses are PHI (PRODUCT §3), but `patient_conditions.code` held them in clear. This
/// adds `code_sealed` (under the tenant's data key) and `code_index` (blind index, what the
/// `condition` filter matches), seals every existing code, and drops the clear column with its
/// index, all in one transaction. It needs the tenants' keys, hence the key ring (see
/// `CareFlowMigrations.sealing`).
struct SealPatientConditionCodes: AsyncMigration {
    let keyring: Keyring

    func prepare(on db: any Database) async throws {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { return }
            // Nullable in the database so the columns can be added to a filled table; the model
            // always writes both.
            try await tx.schema("patient_conditions").field("code_sealed", .string).update()
            try await tx.schema("patient_conditions").field("code_index", .string).update()
            for row in try await sql.raw("SELECT id, tenant_id, code FROM patient_conditions").all() {
                let cipher = try await keyring.cipher(forTenant: try row.decode(column: "tenant_id", as: UUID.self), on: tx)
                let code = BlindIndexKind.conditionCode.normalise(try row.decode(column: "code", as: String.self))
                try await sql.raw("""
                    UPDATE patient_conditions SET code_sealed = \(bind: try cipher.seal(code).token),
                        code_index = \(bind: cipher.index(code, as: .conditionCode)) WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))
                    """).run()
            }
            try await sql.drop(index: "patient_conditions_code").ifExists().run()
            try await sql.raw("ALTER TABLE patient_conditions DROP COLUMN code").run()
            try await SecondaryIndex.create("patient_conditions_code_index", on: "patient_conditions", columns: ["tenant_id", "code_index"], db: tx)
        }
    }

    /// Back to clear codes (for a downgrade): the inverse, through the same keys.
    func revert(on db: any Database) async throws {
        try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { return }
            try await tx.schema("patient_conditions").field("code", .string).update()
            for row in try await sql.raw("SELECT id, tenant_id, patient_id, code_sealed FROM patient_conditions").all() {
                // Codes written since patients have their own keys are under those (issue 16).
                let cipher = try await keyring.cipher(forPatient: try row.decode(column: "patient_id", as: UUID.self),
                                                      tenantID: try row.decode(column: "tenant_id", as: UUID.self), on: tx)
                let code = try cipher.open(Sealed<String>(token: try row.decode(column: "code_sealed", as: String.self)))
                try await sql.raw("UPDATE patient_conditions SET code = \(bind: code) WHERE id = \(bind: try row.decode(column: "id", as: UUID.self))")
                    .run()
            }
            try await sql.drop(index: "patient_conditions_code_index").ifExists().run()
            try await sql.raw("ALTER TABLE patient_conditions DROP COLUMN code_index").run()
            try await sql.raw("ALTER TABLE patient_conditions DROP COLUMN code_sealed").run()
            try await SecondaryIndex.create("patient_conditions_code", on: "patient_conditions", columns: ["tenant_id", "code"], db: tx)
        }
    }
}
