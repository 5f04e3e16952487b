import FluentKit
import Foundation
import SQLKit

/// Marks a TOTP credential's last accepted time step only if the step is newer than the stored
/// one: the database decides which of two racing requests used the code.
extension Database {
    func claimStep(credentialID: UUID, step: Int64) async throws -> Bool {
        guard let sql = self as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        let rows = try await sql.raw("""
            UPDATE totp_credentials SET last_step = \(bind: step)
            WHERE id = \(bind: credentialID) AND (last_step IS NULL OR last_step < \(bind: step)) RETURNING id
            """).all()
        return rows.count == 1
    }
}
