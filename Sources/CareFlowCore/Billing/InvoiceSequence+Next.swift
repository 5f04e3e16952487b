import FluentKit
import Foundation
import SQLKit

extension InvoiceSequence {
    /// Takes the next number of the facility's year, inside the caller's transaction: one
    /// upsert that creates the year's row at 1 or adds one to it and returns the result. The
    /// row stays locked (PostgreSQL) or the database stays written (SQLite) until the caller
    /// commits, so concurrent finalizations queue behind each other and never share a number;
    /// a transaction that rolls back takes its increment with it, so no number is skipped.
    static func next(facilityID: UUID, year: Int, in tx: TenantScope) async throws -> Int {
        guard let sql = tx.db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let row = try await sql.raw("""
            INSERT INTO \(ident: schema) (id, tenant_id, facility_id, year, last_number)
            VALUES (\(bind: UUID()), \(bind: tx.tenantID), \(bind: facilityID), \(bind: year), 1)
            ON CONFLICT (facility_id, year) DO UPDATE SET last_number = \(ident: schema).last_number + 1
            RETURNING last_number
            """).first()
        guard let row else { throw AppError.unavailable("The invoice sequence did not answer") }
        return try row.decode(column: "last_number", as: Int.self)
    }
}
