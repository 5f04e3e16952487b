import FluentKit
import Foundation
import SQLKit

/// The one query behind an authenticated request whose session is not remembered: the
/// session with its account's and tenant's status (or the platform admin's), joined, so a
/// suspended tenant or a deactivated account ends tokens already issued.
enum SessionLookup {
    /// The session if it is live now, nil otherwise.
    static func live(_ sessionID: UUID, now: Date, on db: any Database) async throws -> SessionLiveness.Snapshot? {
        guard let sql = db as? any SQLDatabase else { throw AppError.unavailable("SQL database required") }
        guard let row = try await sql.raw("""
            SELECT s.subject_id, s.subject_kind, s.tenant_id, s.enrolment_only, s.expires_at, s.revoked_at,
                   u.status AS user_status, t.status AS tenant_status, p.active AS admin_active
            FROM \(ident: AuthSession.schema) s
            LEFT JOIN \(ident: User.schema) u ON s.subject_kind = 'user' AND u.id = s.subject_id AND u.tenant_id = s.tenant_id
            LEFT JOIN \(ident: Tenant.schema) t ON t.id = s.tenant_id
            LEFT JOIN \(ident: PlatformAdmin.schema) p ON s.subject_kind = 'platform_admin' AND p.id = s.subject_id
            WHERE s.id = \(bind: sessionID)
            """).first()
        else { return nil }
        guard try row.decode(column: "revoked_at", as: Date?.self) == nil,
              let kind = SubjectKind(rawValue: try row.decode(column: "subject_kind", as: String.self))
        else { return nil }
        let expiresAt = try row.decode(column: "expires_at", as: Date.self)
        guard expiresAt > now else { return nil }
        let tenantID = try row.decode(column: "tenant_id", as: UUID?.self)
        switch kind {
        case .user:
            guard try row.decode(column: "user_status", as: String?.self) == User.Status.active.rawValue,
                  try row.decode(column: "tenant_status", as: String?.self) == Tenant.Status.active.rawValue
            else { return nil }
        case .platformAdmin:
            guard try row.decode(column: "admin_active", as: Bool?.self) == true else { return nil }
        case .system:
            return nil
        }
        return SessionLiveness.Snapshot(
            subjectID: try row.decode(column: "subject_id", as: UUID.self), subjectKind: kind, tenantID: tenantID,
            enrolmentOnly: try row.decode(column: "enrolment_only", as: Bool.self), expiresAt: expiresAt)
    }
}
