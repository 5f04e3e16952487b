import FluentKit
import Foundation
import SQLKit

/// Sets a nullable timestamp column on one row only if it is still null, and says whether this
/// call was the one that set it. The database decides, so two concurrent callers can never
/// both win (used for single-use tokens).
enum RowClaim {
    static func claim(table: String, column: String, id: UUID, at now: Date, on db: any Database) async throws -> Bool {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let rows = try await sql.raw("""
            UPDATE \(ident: table) SET \(ident: column) = \(bind: now) WHERE id = \(bind: id) AND \(ident: column) IS NULL RETURNING id
            """).all()
        return rows.count == 1
    }
}
