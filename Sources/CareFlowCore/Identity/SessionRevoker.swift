import FluentKit
import Foundation

/// Ends sessions. Access tokens carry their session id, so a revoked session stops its access
/// tokens at once, not when they expire: the database row is marked, and this process's
/// `SessionLiveness` forgets the session (other replicas within its `ttl`).
public struct SessionRevoker: Sendable {
    let liveness: SessionLiveness

    public init(liveness: SessionLiveness) {
        self.liveness = liveness
    }

    public func revoke(sessionID: UUID, reason: String, on db: any Database) async throws {
        liveness.forget(session: sessionID)
        try await AuthSession.query(on: db)
            .filter(\.$id == sessionID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }

    public func revokeAll(ofUser userID: UUID, reason: String, on db: any Database) async throws {
        liveness.forget(subject: userID)
        try await AuthSession.query(on: db)
            .filter(\.$subjectID == userID).filter(\.$subjectKind == .user).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }

    /// Ends every session of the user except one (the one that asked, after a password change).
    public func revokeAll(ofUser userID: UUID, except keep: UUID, reason: String, on db: any Database) async throws {
        liveness.forget(subject: userID)
        try await AuthSession.query(on: db)
            .filter(\.$subjectID == userID).filter(\.$subjectKind == .user).filter(\.$revokedAt == nil)
            .filter(\.$id != keep)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }

    public func revokeAll(ofTenant tenantID: UUID, reason: String, on db: any Database) async throws {
        liveness.forget(tenant: tenantID)
        try await AuthSession.query(on: db)
            .filter(\.$tenantID == tenantID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: Date()).set(\.$revokedReason, to: reason)
            .update()
    }
}
