import FluentKit
import Foundation

/// Ends sessions. Access tokens carry their session id, so a revoked session stops its access
/// tokens at once, not when they expire.
public enum SessionRevoker {
    public static func revoke(sessionID: UUID, reason: String, on db: any Database) async throws {
        try await AuthSession.query(on: db)
            .filter(\.$id == sessionID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }

    public static func revokeAll(ofUser userID: UUID, reason: String, on db: any Database) async throws {
        try await AuthSession.query(on: db)
            .filter(\.$subjectID == userID).filter(\.$subjectKind == .user).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }

    public static func revokeAll(ofTenant tenantID: UUID, reason: String, on db: any Database) async throws {
        try await AuthSession.query(on: db)
            .filter(\.$tenantID == tenantID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }
}
