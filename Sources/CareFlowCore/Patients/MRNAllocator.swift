import FluentKit
import Foundation
import SQLKit

/// Hands out medical record numbers per tenant from a counter row. One upsert statement both
/// creates the counter and advances it, so concurrent registrations never share a number.
enum MRNAllocator {
    static func next(tenantID: UUID, on db: any Database) async throws -> String {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let row = try await sql.raw("""
            INSERT INTO mrn_sequences (tenant_id, next_value) VALUES (\(bind: tenantID), 1)
            ON CONFLICT (tenant_id) DO UPDATE SET next_value = mrn_sequences.next_value + 1
            RETURNING next_value
            """).first()
        guard let value = try row?.decode(column: "next_value", as: Int64.self) else {
            throw AppError.unavailable("Could not allocate a medical record number")
        }
        return format(value)
    }

    static func format(_ n: Int64) -> String {
        "MRN" + String(format: "%08lld", n)
    }
}
