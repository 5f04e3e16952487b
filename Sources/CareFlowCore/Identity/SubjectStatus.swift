import FluentKit
import Foundation
import SQLKit

/// Whether a subject may hold a session at this moment: an active account of an active tenant,
/// or an active platform admin. Asked wherever a token or a login step is turned into access,
/// so a suspension or a deactivation takes effect on tokens and challenges already issued.
enum SubjectStatus {
    static func isActive(subjectID: UUID, kind: SubjectKind, tenantID: UUID?, on db: any Database) async throws -> Bool {
        switch kind {
        case .system:
            return false
        case .platformAdmin:
            return try await PlatformAdmin.find(subjectID, on: db)?.active == true
        case .user:
            guard let tenantID, let sql = db as? any SQLDatabase else { return false }
            // One round trip for both statuses.
            let row = try await sql.raw("""
                SELECT \(ident: "u").\(ident: "status") AS user_status, \(ident: "t").\(ident: "status") AS tenant_status
                FROM \(ident: User.schema) \(ident: "u") JOIN \(ident: Tenant.schema) \(ident: "t") ON \(ident: "t").\(ident: "id") = \(ident: "u").\(ident: "tenant_id")
                WHERE \(ident: "u").\(ident: "id") = \(bind: subjectID) AND \(ident: "u").\(ident: "tenant_id") = \(bind: tenantID)
                """).first()
            guard let row else { return false }
            return try row.decode(column: "user_status", as: String.self) == User.Status.active.rawValue
                && row.decode(column: "tenant_status", as: String.self) == Tenant.Status.active.rawValue
        }
    }
}
